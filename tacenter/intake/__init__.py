"""Intake: the TA request itself, the submission form and the requester's list."""
