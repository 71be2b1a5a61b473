"""Routing and caseloads: staff profiles, the routing engine, triage and caseload pages."""
