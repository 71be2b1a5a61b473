"""Outcomes: 30/90-day follow-ups, TA plan objectives, outcome figures and the SAMHSA-ready export."""
