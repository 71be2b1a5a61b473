"""Notifications: in-app notices and the email outbox the workers deliver."""
