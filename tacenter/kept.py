"""What a page makes the same way every time, kept in the app per key (`current_app.extensions`).

One mechanism for the layout's parts and links, a list's page links, the queue's statements and
an import's problems: each is a pure function of its key, so it is made once per process and
app (and script root: paths differ under another mount). A store whose keys come from what
people type (filters, URLs) is emptied when it reaches its `limit`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, request

T = TypeVar("T")


def kept_in_app(store: str, key: tuple, make: Callable[[], T], *, limit: int | None = None) -> T:
    """`make()`, kept in this app's `store` per `key` and the script root the app is served under."""
    kept = current_app.extensions.setdefault(store, {})
    key = (*key, request.script_root)
    if key not in kept:
        if limit is not None and len(kept) >= limit:
            kept.clear()
        kept[key] = make()
    return kept[key]
