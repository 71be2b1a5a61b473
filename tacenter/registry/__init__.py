"""The grantee registry: organizations as a TA center knows them, their grants, vetting of
self-registered organizations, and reach against the funder's roster."""
