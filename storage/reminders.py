"""Reminder rows: made when a code is issued, claimed by sweeps, sent once.

A claim is a row lock (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite the
transaction is ``BEGIN IMMEDIATE``), so two schedulers on one database never
take the same reminder. A claim that outlives ``lease`` (a sweep that died)
lapses, and the reminder is due again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, select, update

from handlers.activation import ActivationData, mask
from storage.db import transaction
from storage.models import (
    ActivationCode,
    BotState,
    CodeState,
    Line,
    Reminder,
    ReminderStatus,
)

EXPIRY_NOTICE = 0  # days_before of the notice sent when the code has expired


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders fall due: days before expiry, at a local hour, in a zone."""

    days_before: tuple[int, ...] = (30, 7, 1)
    hour: int = 9
    timezone: str = "UTC"

    def due_times(
        self, issued_at: datetime, expires_at: datetime
    ) -> list[tuple[int, datetime]]:
        """(days before, due time in UTC) of each reminder still ahead, and of the
        expiry notice: the first reminder hour after the code expires."""
        zone = ZoneInfo(self.timezone)
        expiry_day = expires_at.astimezone(zone).date()
        due = [
            (days, _local_hour(expiry_day - timedelta(days=days), self.hour, zone))
            for days in self.days_before
        ]
        due = [
            (days, moment) for days, moment in due if issued_at < moment < expires_at
        ]
        notice = _local_hour(expiry_day, self.hour, zone)
        if notice < expires_at:
            notice = _local_hour(expiry_day + timedelta(days=1), self.hour, zone)
        return [*due, (EXPIRY_NOTICE, notice)]


def _local_hour(day: date, hour: int, zone: ZoneInfo) -> datetime:
    # zoneinfo resolves the offset of that very day, daylight saving included.
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(ZoneInfo("UTC"))


@dataclass(frozen=True)
class DueReminder:
    """A claimed reminder with what its message needs (the code is a secret)."""

    id: int
    code_id: int
    email: str
    days_before: int
    code_state: CodeState
    activation: ActivationData
    expires_at: datetime


def add_reminders(
    session: Session, code: ActivationCode, email: str, policy: ReminderPolicy
):
    """Create the reminders of a newly issued code (in the caller's transaction)."""
    for days, due_at in policy.due_times(code.issued_at, code.expires_at):
        session.add(
            Reminder(code_id=code.id, line_email=email, days_before=days, due_at=due_at)
        )


def cancel_reminders(session: Session, code_ids: Iterable[int]) -> None:
    """Cancel the pending reminders of codes that were replaced, used or removed."""
    ids = list(code_ids)
    if ids:
        session.execute(
            update(Reminder)
            .where(Reminder.code_id.in_(ids), Reminder.status == ReminderStatus.PENDING)
            .values(status=ReminderStatus.CANCELLED)
        )


class SqlReminders:
    """Implements ``handlers.ports.Reminders`` on the bot's database."""

    def __init__(
        self,
        engine: Engine,
        now: Callable[[], datetime],
        *,
        lease: timedelta = timedelta(minutes=10),
    ) -> None:
        self._engine = engine
        self._now = now
        self._lease = lease

    def claim_due(self, owner: str, limit: int = 200) -> list[DueReminder]:
        now = self._now()
        query = (
            select(Reminder, ActivationCode)
            .join(ActivationCode, ActivationCode.id == Reminder.code_id)
            .where(
                Reminder.due_at <= now,
                or_(
                    Reminder.status == ReminderStatus.PENDING,
                    (Reminder.status == ReminderStatus.SENDING)
                    & (Reminder.claimed_at < now - self._lease),
                ),
            )
            .order_by(Reminder.due_at, Reminder.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=Reminder)
        )
        with transaction(self._engine) as session:
            rows = session.exec(query).all()
            for reminder, _code in rows:
                reminder.status = ReminderStatus.SENDING
                reminder.claimed_by, reminder.claimed_at = owner, now
                reminder.attempts += 1
                session.add(reminder)
            return [_due(reminder, code) for reminder, code in rows]

    def finish(self, reminder_id: int, owner: str, status: ReminderStatus) -> None:
        """Record a claimed reminder as sent, skipped or cancelled."""
        values = {"status": status, "claimed_by": None}
        if status is ReminderStatus.SENT:
            values["sent_at"] = self._now()
        self._update_claimed(reminder_id, owner, values)

    def retry_later(self, reminder_id: int, owner: str, delay: timedelta) -> None:
        """The send failed: due again after ``delay``, for the next sweep."""
        values = {"status": ReminderStatus.PENDING, "claimed_by": None}
        self._update_claimed(
            reminder_id, owner, values | {"due_at": self._now() + delay}
        )

    def expire_code(self, code_id: int) -> bool:
        """Mark an active code whose time is up as expired; False if it was not."""
        now = self._now()
        with transaction(self._engine) as session:
            changed = session.execute(
                update(ActivationCode)
                .where(
                    ActivationCode.id == code_id,
                    ActivationCode.state == CodeState.ACTIVE,
                    ActivationCode.expires_at <= now,
                )
                .values(state=CodeState.EXPIRED, ended_at=now)
            )
            return changed.rowcount == 1

    def code_state(self, code_id: int) -> CodeState | None:
        """The code's state now; None if it was deleted."""
        with transaction(self._engine) as session:
            code = session.get(ActivationCode, code_id)
            return None if code is None else code.state

    def upcoming(self, limit: int = 20) -> list[Reminder]:
        with transaction(self._engine) as session:
            query = (
                select(Reminder)
                .where(Reminder.status == ReminderStatus.PENDING)
                .order_by(Reminder.due_at, Reminder.id)
                .limit(limit)
            )
            return list(session.exec(query))

    def _update_claimed(self, reminder_id: int, owner: str, values: dict) -> None:
        with transaction(self._engine) as session:
            session.execute(
                update(Reminder)
                .where(Reminder.id == reminder_id, Reminder.claimed_by == owner)
                .values(**values)
            )


def _due(reminder: Reminder, code: ActivationCode) -> DueReminder:
    return DueReminder(
        id=reminder.id,
        code_id=code.id,
        email=reminder.line_email,
        days_before=reminder.days_before,
        code_state=code.state,
        activation=code.activation_data(),
        expires_at=code.expires_at,
    )


@dataclass(frozen=True)
class UnusedCode:
    email: str
    masked: str
    expires_at: datetime


class SqlDigestLog:
    """When the admin digest last went out; claiming the next one is atomic."""

    NAME = "digest_sent_at"

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def claim(
        self, now: datetime, is_due: Callable[[datetime | None], bool]
    ) -> datetime | None:
        """If a digest is due, record ``now`` and return the previous time; else None.

        The read and the write share one locked transaction, so of two sweeps
        only one sends the digest.
        """
        with transaction(self._engine) as session:
            row = session.exec(
                select(BotState).where(BotState.name == self.NAME).with_for_update()
            ).first()
            last = datetime.fromisoformat(row.value) if row else None
            if not is_due(last):
                return None
            if row is None:
                row = BotState(name=self.NAME, value="")
            row.value = now.isoformat()
            session.add(row)
        return last or now - timedelta(days=1)

    def unused_codes(self, start: datetime, end: datetime) -> list[UnusedCode]:
        """Codes never used, replaced or removed whose time runs out in (start, end]."""
        unused = (CodeState.ACTIVE, CodeState.EXPIRED)
        query = (
            select(ActivationCode.expires_at, ActivationCode.matching_id, Line.email)
            .join(Line, Line.id == ActivationCode.line_id)
            .where(
                ActivationCode.state.in_(unused),
                ActivationCode.expires_at > start,
                ActivationCode.expires_at <= end,
            )
            .order_by(ActivationCode.expires_at, Line.email)
        )
        with transaction(self._engine) as session:
            rows = session.exec(query).all()
        return [
            UnusedCode(email, mask(matching_id), at) for at, matching_id, email in rows
        ]
