"""Where a user-supplied redirect target (`?next=`) may send the browser: this site only.

Browsers read a Location leniently: they drop leading and trailing spaces and control
characters, remove tabs and newlines anywhere, treat a backslash as a slash, and take any run
of two or more slashes as the start of a host (`///evil.com`, `/\\evil.com`, `/\t/evil.com`).
A proxy or a second decode may also turn `%2F` into a slash. So the target is normalised the
way a browser would, decoded until it stops changing, and accepted only if every form of it is
a plain path: one leading slash, no scheme, no host, no backslash, no control character.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_EDGES = "".join(chr(c) for c in range(0x21))  # C0 controls and space, stripped at both ends
_REMOVED = re.compile(r"[\t\n\r]")  # removed anywhere by the URL parser
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_DECODES = 5


def _is_local_path(value: str) -> bool:
    if not value.startswith("/") or value.startswith("//"):
        return False
    if "\\" in value or _CONTROL.search(value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, fallback: str) -> str:
    """`target` as a same-site path (browser-normalised), or `fallback` if it could leave the site."""
    if not target:
        return fallback
    candidate = _REMOVED.sub("", target.strip(_EDGES))
    value = candidate
    for _ in range(_MAX_DECODES):
        if not _is_local_path(value):
            return fallback
        decoded = unquote(value)
        if decoded == value:
            return candidate
        value = decoded
    return fallback  # still encoded after several passes: nothing legitimate looks like that
