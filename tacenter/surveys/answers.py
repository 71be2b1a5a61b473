"""Reading a filled-in instrument and saving it: the one writer of survey answers.

`parse` turns posted fields (`item-<code>`) into values with a message per refused item, in the
respondent's language; `save_submission` adds the submission and its answers to the caller's
transaction (the caller commits, and turns the unique key's IntegrityError into a Conflict).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit

from tacenter.extensions import db
from tacenter.i18n import gettext as _
from tacenter.surveys import defaults
from tacenter.surveys.instruments import ensure_version
from tacenter.surveys.models import InstrumentVersion, SurveyAnswer, SurveyItem, SurveySubmission


def field_name(item: SurveyItem) -> str:
    return f"item-{item.code}"


def _one(item: SurveyItem, raw: list[str]) -> tuple[object, str]:
    """(value, error) for one item; value None means unanswered."""
    raw = [r.strip() for r in raw if r and r.strip()]
    if not raw:
        return None, (_("Answer this question.") if item.required else "")
    if item.kind == defaults.RATING:
        if raw[0] not in {"1", "2", "3", "4", "5"}:
            return None, _("Choose a rating from 1 to 5.")
        return int(raw[0]), ""
    if item.kind == defaults.YES_NO:
        if raw[0] not in ("yes", "no"):
            return None, _("Choose yes or no.")
        return raw[0] == "yes", ""
    codes = {c[0] for c in item.choices}
    if item.kind == defaults.CHOICE:
        return (raw[0], "") if raw[0] in codes else (None, _("Choose one of the answers."))
    if item.kind == defaults.MULTI:
        if not set(raw) <= codes:
            return None, _("Choose among the answers given.")
        return sorted(set(raw)), ""
    text = raw[0][:5000]
    if item.kind == defaults.LINK:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(text) > 2000:
            return None, _("Give a web address starting with https:// or http://.")
    return text, ""


def parse(version: InstrumentVersion, form: Mapping) -> tuple[dict[str, object], dict[str, str]]:
    """Posted fields -> ({code: value}, {code: error message})."""
    values, errors = {}, {}
    for item in version.items:
        raw = form.getlist(field_name(item)) if hasattr(form, "getlist") else _listed(form.get(item.code))
        value, error = _one(item, raw)
        if error:
            errors[item.code] = error
        elif value is not None:
            values[item.code] = value
    return values, errors


def _listed(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value]
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    return [str(value)]


def save_submission(
    version: InstrumentVersion,
    values: dict[str, object],
    *,
    purpose: str,
    ta_request_id: int | None,
    respondent_id: int | None,
    locale: str,
    now: datetime,
) -> SurveySubmission:
    """Add one submission of `version` with `values` (already parsed) to the session."""
    submission = SurveySubmission(
        version_id=version.id,
        purpose=purpose,
        ta_request_id=ta_request_id,
        respondent_id=respondent_id,
        locale=locale,
        submitted_at=now,
    )
    for item in version.items:
        value = values.get(item.code)
        if value is None or value == [] or value == "":
            continue
        if item.kind == defaults.MULTI:
            rows = [SurveyAnswer(item=item, choice=code) for code in value]
        elif item.kind == defaults.CHOICE:
            rows = [SurveyAnswer(item=item, choice=str(value))]
        elif item.kind in (defaults.RATING, defaults.YES_NO):
            rows = [SurveyAnswer(item=item, number=int(value))]
        else:
            rows = [SurveyAnswer(item=item, text=str(value))]
        submission.answers.extend(rows)
    db.session.add(submission)
    return submission


def submit(
    kind: str,
    form: Mapping,
    *,
    purpose: str,
    ta_request_id: int | None,
    respondent_id: int | None,
    locale: str,
    now: datetime,
) -> tuple[SurveySubmission | None, dict[str, str]]:
    """Answer the current version of instrument `kind` with the posted `form`: (submission, {})
    with the submission added to the session, or (None, {code: message}) with it rolled back.
    Every survey page (after a request, a follow-up, after an event) answers through here."""
    version = ensure_version(kind)
    values, errors = parse(version, form)
    if errors:
        db.session.rollback()
        return None, errors
    submission = save_submission(
        version,
        values,
        purpose=purpose,
        ta_request_id=ta_request_id,
        respondent_id=respondent_id,
        locale=locale,
        now=now,
    )
    return submission, {}
