"""The request table's rows (templates/intake/_table.html), written in Python.

A list page writes 25 rows of up to ten cells. Through Jinja each cell was an attribute lookup
through the environment, an escape and often a filter call: a quarter of the queue's time.
Here a row is one string filled with escaped values, and whatever is the same on every row of
a language (stage tags, tier labels, "Unassigned", "Urgent", the pending-organization tag,
timeliness badges) is made once per process and language. The markup is the template's: the
header, caption and table container stay in _table.html.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from jinja2 import pass_context
from markupsafe import Markup, escape

from tacenter.i18n import format_day, format_when, gettext, locale_id
from tacenter.vocab import Tier
from tacenter.workflow.stage_tags import stage_tag


@pass_context
def request_rows(context, rows, request_path: str, *, queue_columns=False, timeliness=None) -> Markup:
    """The <tr> of each row (intake/table.py's columns). `request_path` is the request page's
    path without its reference; `queue_columns` adds the organization, tier and needed-by cells;
    `timeliness` (request id -> Assessment) adds the timeliness badge."""
    language, locale = context.get("current_language"), context.get("page_locale")
    zone, lang_id = context.get("center_timezone"), context.get("page_locale_id") or locale_id()
    words = _words(lang_id)
    path, out = _text(request_path), []
    for r in rows:
        title = _text(r.title) + (words.pending if r.organization_status == "pending" else "")
        cells = [
            f'<tr><td><a href="{path}{quote(r.reference, safe="/")}">{_text(r.reference)}</a></td>',
            f"<td>{title}</td><td>{stage_tag(r.stage, lang_id)}</td>",
        ]
        if queue_columns:
            cells.append(f"<td>{_text(r.organization_name)}</td>")
        cells.append(f"<td>{_text(r.state)}</td>")
        if queue_columns:
            needed = _text(format_day(r.needed_by, language, locale)) if r.needed_by else ""
            urgent = words.urgent if r.urgency == "urgent" else ""
            cells.append(f"<td>{tier_label(r.tier, lang_id)}</td><td>{needed}{urgent}</td>")
        assignee = _text(r.assignee_name) if r.assignee_name else words.unassigned
        submitted = _text(format_when(r.submitted_at, language, locale, zone))
        cells.append(f"<td>{assignee}</td><td>{submitted}</td>")
        if timeliness:
            cells.append(_standing_cell(timeliness[r.id].standing, timeliness[r.id].label))
        cells.append("</tr>\n")
        out.append("".join(cells))
    # Every value above was escaped as it was written; the rest is this module's own markup.
    return Markup("".join(out))  # noqa: S704  # nosec B704 # nosemgrep: tacenter-markup-on-non-literal (escaped values in literal markup)


def _text(value) -> str:
    return str(escape("" if value is None else value))


class _Words:
    def __init__(self) -> None:
        self.unassigned = _text(gettext("Unassigned"))
        self.urgent = f" <strong>{_text(gettext('Urgent'))}</strong>"
        pending = _text(gettext("Pending organization"))
        self.pending = f' <span class="usa-tag bg-gold text-ink">{pending}</span>'


@lru_cache(maxsize=16)
def _words(lang_id: str) -> _Words:
    """The table's words in the page's language (`lang_id` is the page's locale, read by gettext)."""
    return _Words()


@lru_cache(maxsize=64)
def tier_label(tier: str | None, lang_id: str) -> str:
    """A tier's label in a language, escaped (kept per process: every row shows one)."""
    try:
        return _text(Tier(tier).label)
    except ValueError:
        return _text(tier)


@lru_cache(maxsize=32)
def _standing_cell(standing, label: str) -> str:
    return f'<td><span class="standing standing-{_text(standing.value)}">{_text(label)}</span></td>'
