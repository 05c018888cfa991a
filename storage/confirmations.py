"""Confirmations of destructive actions: made when the card is sent, used once."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import select, update

from storage.db import transaction
from storage.models import Confirmation


class SqlConfirmations:
    """Implements ``handlers.ports.Confirmations`` on the bot's database."""

    def __init__(self, engine: Engine, now: Callable[[], datetime]) -> None:
        self._engine = engine
        self._now = now

    def create(
        self, *, action: str, line_email: str, requested_by: str, room_id: str
    ) -> str:
        token = secrets.token_urlsafe(16)
        row = Confirmation(
            token=token,
            action=action,
            line_email=line_email,
            requested_by=requested_by,
            room_id=room_id,
            created_at=self._now(),
        )
        with transaction(self._engine) as session:
            session.add(row)
        return token

    def attach_message(self, token: str, message_id: str) -> None:
        with transaction(self._engine) as session:
            session.execute(
                update(Confirmation)
                .where(Confirmation.token == token)
                .values(message_id=message_id)
            )

    def get(self, token: str) -> Confirmation | None:
        with transaction(self._engine) as session:
            query = select(Confirmation).where(Confirmation.token == token)
            return session.exec(query).first()

    def use(self, token: str, *, used_by: str, result: str) -> bool:
        """Mark the confirmation used; False if it was used already (by anyone)."""
        with transaction(self._engine) as session:
            changed = session.execute(
                update(Confirmation)
                .where(Confirmation.token == token, Confirmation.used_at.is_(None))
                .values(used_at=self._now(), used_by=used_by, result=result)
            )
            return changed.rowcount == 1
