"""Admin area: users, organizations, topics and programs. Services live in accounts and catalog."""
