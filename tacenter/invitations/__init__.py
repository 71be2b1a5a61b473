"""Invitations: leads invite requesters into an organization; admins invite staff."""
