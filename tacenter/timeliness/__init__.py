"""Timeliness: business days (U.S. federal holidays excluded) and each request's milestones."""
