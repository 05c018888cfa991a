"""The audit trail: every admin action, self-service action and phone event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from storage.db import transaction
from storage.models import AuditEntry


class SqlAuditLog:
    """Implements ``handlers.ports.AuditLog`` on the bot's database."""

    def __init__(self, engine: Engine, now: Callable[[], datetime]) -> None:
        self._engine = engine
        self._now = now

    def record(
        self,
        *,
        actor: str,
        action: str,
        outcome: str,
        line_email: str | None = None,
        actor_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        entry = AuditEntry(
            at=self._now(),
            actor=actor[:320],
            actor_id=None if actor_id is None else actor_id[:200],
            action=action[:64],
            line_email=None if line_email is None else line_email[:320],
            outcome=outcome[:200],
            detail=None if detail is None else detail[:500],
        )
        with transaction(self._engine) as session:
            session.add(entry)

    def latest(
        self, line_email: str | None = None, limit: int = 20
    ) -> list[AuditEntry]:
        query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        if line_email is not None:
            query = query.where(AuditEntry.line_email == line_email)
        with transaction(self._engine) as session:
            return list(session.exec(query.limit(limit)))
