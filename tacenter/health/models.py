from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tacenter.db import utcnow
from tacenter.extensions import db


class ServiceHeartbeat(db.Model):
    """The last sign of life of one worker (by its node name) or one beat (by its host).

    A worker writes its row when it runs the periodic heartbeat job, so a fresh row proves the
    whole path: beat sent it, the broker carried it, a worker ran it, the database took it. The
    beat writes its own row from its scheduler loop, so a dead beat and a dead worker differ.
    """

    __tablename__ = "service_heartbeat"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # services.WORKER or services.BEAT
    name: Mapped[str] = mapped_column(String(255))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
