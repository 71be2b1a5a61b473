"""The triage table's rows (templates/routing/triage.html), written in Python.

Each triage row holds a checkbox, the request's facts and up to three "Assign to" buttons with
their reasons: through Jinja that was about 40% of the page (an attribute lookup, an escape and
often a filter per value, 25 rows of them). Here a row is one string of escaped values in the
template's markup, as the request table's rows are (intake/row_markup.py).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import url_for
from jinja2 import pass_context
from markupsafe import Markup, escape

from tacenter.i18n import format_when, locale_id
from tacenter.intake.row_markup import tier_label


@pass_context
def triage_rows(context, rows, *, suggestions, why_none, topic_names) -> Markup:
    """The <tr> of each triage row. `suggestions` maps a request id to its best candidates
    (engine.rank_many, three at most), `why_none` to the reasons no one is eligible."""
    request_path = _text(url_for("workflow.detail", reference="_")[:-1])
    assign_path = _text(url_for("routing.assign", reference="REFERENCE"))
    csrf = _text(context["csrf_token"]())
    language, locale = context.get("current_language"), context.get("page_locale")
    zone, lang_id = context.get("center_timezone"), context.get("page_locale_id") or locale_id()
    out = []
    for r in rows:
        ref, quoted = _text(r.reference), quote(r.reference, safe="/")
        picked = f"{ref}@{r.version}"
        pending = (' <span class="usa-tag bg-gold text-ink">Pending organization</span>'
                   if r.organization_status == "pending" else "")  # fmt: skip
        facts = [_text(r.organization_name), _text(r.state), tier_label(r.tier, lang_id),
                 _text(topic_names.get(r.id, ""))]  # fmt: skip
        if r.program_name:
            facts.append(_text(r.program_name))
        facts.append("submitted " + _text(format_when(r.submitted_at, language, locale, zone)))
        if r.needed_by:
            facts.append("needed by " + r.needed_by.strftime("%b %-d, %Y"))
        out.append(
            f'<tr><td><div class="usa-checkbox"><input type="checkbox" class="usa-checkbox__input" '
            f'name="items" value="{picked}" id="pick-{ref}" form="bulk-form">'
            f'<label for="pick-{ref}" class="usa-checkbox__label"><span class="usa-sr-only">Select {ref}'
            f"</span></label></div></td>"
            f'<td><a href="{request_path}{quoted}">{ref}</a>: {_text(r.title)}{pending}'
            f'<br><span class="usa-hint">{" · ".join(facts)}</span></td>'
            f"<td>{_suggestions(r, suggestions.get(r.id), why_none, assign_path, quoted, csrf)}</td>"
            f'<td><a href="{request_path}{quoted}#assign-heading">Choose someone else for {ref}</a>'
            "</td></tr>\n"
        )
    # Every value above was escaped as it was written; the rest is this module's own markup.
    return Markup("".join(out))  # noqa: S704  # nosec B704 # nosemgrep: tacenter-markup-on-non-literal (escaped values in literal markup)


def _suggestions(row, candidates, why_none, assign_path: str, quoted: str, csrf: str) -> str:
    if not candidates:
        return f'<p class="empty">No one is eligible: {_text("; ".join(why_none.get(row.id, [])))}.</p>'
    buttons = "".join(
        f'<li><button type="submit" name="assignee_id" value="{c.user_id}" '
        f'class="usa-button usa-button--outline">Assign to {_text(c.name)}</button> '
        f'<span class="reasons">{_text(c.reason_text)}</span></li>'
        for c in candidates
    )
    return (
        f'<form method="post" action="{assign_path.replace("REFERENCE", quoted)}" class="suggestions">'
        f'<input type="hidden" name="csrf_token" value="{csrf}">'
        f'<input type="hidden" name="version" value="{row.version}"><ol>{buttons}</ol></form>'
    )


def _text(value) -> str:
    return str(escape("" if value is None else value))
