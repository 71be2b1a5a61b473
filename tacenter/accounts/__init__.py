"""Accounts: organizations, users and server-side sign-in sessions (the bottom layer)."""
