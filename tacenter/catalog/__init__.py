"""Catalog: the lists admins edit (topic areas, grant programs)."""
