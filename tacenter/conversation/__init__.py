"""Conversation on a request: replies shared with the requester and staff-only internal notes."""
