"""The hash chain: a canonical form of each event, checking the chain, and archiving.

Each event's hash is SHA-256 over a canonical JSON of its columns and the previous
event's hash. Editing a row changes its hash; deleting one breaks the next row's link;
deleting the newest rows leaves the chain head pointing at a hash no row has.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy import delete, func, select

from tacenter.audit.models import GENESIS, AuditArchive, AuditChainHead, AuditEvent

HASHED = (
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_ref",
    "organization_id",
    "address",
    "outcome",
    "detail",
    "prev_hash",
)
BATCH = 1000


def canonical(event: AuditEvent) -> str:
    values = {name: getattr(event, name) for name in HASHED}
    values["occurred_at"] = event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event).encode()).hexdigest()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    bad_event_id: int | None = None
    reason: str = ""


def verify_chain(session) -> Verdict:
    """Walk every event in id order; the first row that does not fit is named."""
    checkpoint = session.scalar(select(AuditArchive).order_by(AuditArchive.id.desc()).limit(1))
    expected = checkpoint.last_hash if checkpoint else GENESIS
    after, checked, last_id = (checkpoint.through_event_id if checkpoint else 0), 0, None
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id).limit(BATCH)
        ).all()
        for event in rows:
            if event.prev_hash != expected:
                return Verdict(
                    False,
                    checked,
                    event.id,
                    "its previous-hash link is broken (a row before it was deleted or changed)",
                )
            if event_hash(event) != event.hash:
                return Verdict(False, checked, event.id, "its contents were changed after it was written")
            expected, checked, last_id = event.hash, checked + 1, event.id
        if len(rows) < BATCH:
            break
        after = rows[-1].id
        session.expunge_all()
    head = session.scalar(select(AuditChainHead.last_hash).where(AuditChainHead.id == 1))
    if (head or GENESIS) != expected:
        return Verdict(False, checked, last_id, "events recorded after it were deleted")
    return Verdict(True, checked)


EXPORT_COLUMNS = ("id", *HASHED, "hash")


def archive_before(session, before: datetime, out: TextIO) -> AuditArchive | None:
    """Write events older than `before` to `out` (CSV) and remove them from the table.

    A checkpoint row keeps the hash of the last archived event, so the remaining chain
    still verifies from there. The caller records the archive as an event and commits.
    """
    last_id = session.scalar(select(func.max(AuditEvent.id)).where(AuditEvent.occurred_at < before))
    if last_id is None:
        return None
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    after, count, last_hash = 0, 0, None
    while True:
        rows = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.id > after, AuditEvent.id <= last_id)
            .order_by(AuditEvent.id)
            .limit(BATCH)
        ).all()
        for event in rows:
            writer.writerow([_text(getattr(event, name)) for name in EXPORT_COLUMNS])
            last_hash = event.hash
        count += len(rows)
        if len(rows) < BATCH:
            break
        after = rows[-1].id
    checkpoint = AuditArchive(through_event_id=last_id, last_hash=last_hash, event_count=count, before=before)
    session.add(checkpoint)
    session.execute(delete(AuditEvent).where(AuditEvent.id <= last_id))
    return checkpoint


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return str(value)
