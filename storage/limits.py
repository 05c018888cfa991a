"""Limits on self-service requests: a cooldown and a daily maximum per person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from storage.db import transaction
from storage.models import Line, SelfServiceRequest

DAY = timedelta(days=1)


class SqlRequestLimits:
    """Implements ``handlers.ports.RequestLimits`` on the bot's database."""

    def __init__(
        self,
        engine: Engine,
        now: Callable[[], datetime],
        *,
        cooldown: timedelta,
        daily_limit: int,
    ) -> None:
        self._engine = engine
        self._now = now
        self.cooldown = cooldown
        self.daily_limit = daily_limit

    def take(self, email: str) -> tuple[str, datetime] | None:
        """Count a request, or say why not: ("cooldown" | "daily_limit", retry at).

        Check and insert share one transaction holding the line's row lock
        (``BEGIN IMMEDIATE`` on SQLite), so two requests at once cannot both pass.
        """
        now = self._now()
        with transaction(self._engine) as session:
            session.exec(
                select(Line).where(Line.email == email).with_for_update()
            ).first()
            query = select(SelfServiceRequest.at).where(
                SelfServiceRequest.email == email, SelfServiceRequest.at > now - DAY
            )
            recent = sorted(session.exec(query).all())
            if recent and recent[-1] + self.cooldown > now:
                return "cooldown", recent[-1] + self.cooldown
            if len(recent) >= self.daily_limit:
                return "daily_limit", recent[-self.daily_limit] + DAY
            session.add(SelfServiceRequest(email=email, at=now))
        return None
