"""Admin pages for survey instruments: see every version, edit the current one (a new version)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tacenter.accounts.permissions import require_roles
from tacenter.errors import DomainError
from tacenter.extensions import db
from tacenter.surveys import defaults
from tacenter.surveys.instruments import ItemDraft, current_version, publish_version, versions_of
from tacenter.vocab import Role

bp = Blueprint("surveys", __name__, url_prefix="/admin/surveys")
BLANK_ROWS = 2


@bp.route("/")
@require_roles(Role.ADMIN)
def instruments():
    rows = [(kind, defaults.NAMES[kind][0], current_version(kind)) for kind in defaults.INSTRUMENT_KINDS]
    return render_template("surveys/instruments.html", rows=rows)


def _drafts(form) -> list[ItemDraft]:
    """The posted rows as drafts (shape only; publish_version checks the rules)."""
    drafts = []
    count = min(int(form.get("rows", "0")) if form.get("rows", "").isdigit() else 0, 60)
    for n in range(count):
        get = lambda name, n=n: (form.get(f"{n}-{name}") or "").strip()  # noqa: E731
        if form.get(f"{n}-remove") or not (get("code") or get("text_en")):
            continue
        choices = []
        for line in get("choices").splitlines():
            parts = [p.strip() for p in line.split("|")]
            if parts and parts[0]:
                choices.append(
                    (
                        parts[0][:40],
                        (parts[1] if len(parts) > 1 else parts[0])[:300],
                        (parts[2] if len(parts) > 2 else "")[:300],
                    )
                )
        drafts.append(
            ItemDraft(
                get("code")[:40],
                get("kind"),
                get("label")[:80],
                get("text_en")[:2000],
                get("text_es")[:2000],
                tuple(choices),
                bool(form.get(f"{n}-required")),
            )
        )
    return drafts


@bp.route("/<instrument>", methods=["GET", "POST"])
@require_roles(Role.ADMIN)
def edit(instrument: str):
    kind = instrument
    if kind not in defaults.INSTRUMENT_KINDS:
        abort(404)
    error, status = "", 200
    if request.method == "POST":
        try:
            version = publish_version(
                kind, _drafts(request.form), note=request.form.get("note", ""), actor=current_user
            )
        except DomainError as refused:
            db.session.rollback()
            error, status = refused.message, 400
        else:
            flash(f"Saved as version {version.number}." if version else "Nothing changed.", "success")
            return redirect(url_for("surveys.edit", instrument=kind))
    return render_template(
        "surveys/edit.html",
        kind=kind,
        name=defaults.NAMES[kind][0],
        version=current_version(kind),
        versions=versions_of(kind),
        kinds=defaults.ITEM_KINDS,
        blank=BLANK_ROWS,
        error=error,
    ), status
