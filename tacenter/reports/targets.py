"""Capacity until the center keeps it in a table (one place to repoint).

Timeliness targets are the admin's, per tier and urgency: tacenter.timeliness."""

from __future__ import annotations

DEFAULT_CAPACITY_OPEN_REQUESTS = 12  # open requests one staff member can carry (no profile table yet)
