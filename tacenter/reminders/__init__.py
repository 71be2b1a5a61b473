"""Reminders: periodic sweeps over the database that tell people what is stalling, once per episode."""
