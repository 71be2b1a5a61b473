"""Surveys: versioned instruments (post-request, post-event, follow-up) and the answers to them."""
