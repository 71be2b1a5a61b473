"""Recording and reading the heartbeats of workers and beat."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from tacenter.db import utcnow
from tacenter.extensions import db
from tacenter.health.models import ServiceHeartbeat

WORKER = "worker"
BEAT = "beat"
FORGET_AFTER = timedelta(days=7)  # a host gone this long is removed, not reported forever


def record_heartbeat(kind: str, name: str, *, now: datetime | None = None) -> None:
    """Upsert this service's row with the time seen (one row per worker or beat, safe to race),
    and forget services silent for a week. Commits."""
    now = now or utcnow()
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(ServiceHeartbeat)
        .values(kind=kind, name=name[:255], seen_at=now)
        .on_conflict_do_update(index_elements=["kind", "name"], set_={"seen_at": now})
    )
    db.session.execute(delete(ServiceHeartbeat).where(ServiceHeartbeat.seen_at < now - FORGET_AFTER))
    db.session.commit()


def service_states(*, stale_after: float, now: datetime | None = None) -> dict[str, str]:
    """{"workers": ..., "beat": ...}, each "ok" (one of them was seen within `stale_after`
    seconds), "stale" (seen, but not since) or "none" (never seen)."""
    now = now or utcnow()
    latest = dict(
        db.session.execute(
            select(ServiceHeartbeat.kind, func.max(ServiceHeartbeat.seen_at)).group_by(ServiceHeartbeat.kind)
        ).all()
    )

    def state(kind: str) -> str:
        seen = latest.get(kind)
        if seen is None:
            return "none"
        return "ok" if now - seen <= timedelta(seconds=stale_after) else "stale"

    return {"workers": state(WORKER), "beat": state(BEAT)}
