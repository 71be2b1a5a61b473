"""A list's page links (templates/_pagination.html), kept per list URL, page and language.

The links are the same for everyone who opens the same page of the same list: through the
macro they were a dozen translations and concatenations on every view of the queue, triage
and the other lists (7% of the queue's time). They are made once and kept per process.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import render_template, url_for
from markupsafe import Markup

from tacenter.i18n import locale_id
from tacenter.kept import kept_in_app

KEPT_MAX = 1024  # per app, emptied when full: a list's filters make many URLs


def pagination_links(page, endpoint: str, args: dict) -> Markup:
    """The USWDS pagination of `page` (a Flask-SQLAlchemy pagination) for `endpoint`'s URL with
    `args`; nothing when there is one page."""
    if page.pages <= 1:
        return Markup("")
    base = url_for(endpoint, **args)
    numbers = tuple(page.iter_pages(left_edge=1, left_current=1, right_current=2, right_edge=1))
    key = (base, page.page, page.pages, numbers, locale_id())

    def render() -> Markup:
        shown = SimpleNamespace(page=page.page, has_prev=page.has_prev, prev_num=page.prev_num,
                                has_next=page.has_next, next_num=page.next_num)  # fmt: skip
        at_page = base + ("&" if "?" in base else "?") + "page="
        return Markup(render_template("_pagination.html", page=shown, numbers=numbers, at_page=at_page))  # noqa: S704  # nosec B704 # nosemgrep: tacenter-markup-on-non-literal (an autoescaped template's output)

    return kept_in_app("pagination_links", key, render, limit=KEPT_MAX)
