"""The tables. All times are stored in UTC."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator
from sqlmodel import Field, SQLModel

from handlers.activation import ActivationData


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def _time(**kwargs):
    return Field(sa_type=UTCDateTime, **kwargs)


class LineStatus(enum.StrEnum):
    """The states Control Hub shows for a Webex Go device."""

    PENDING_ACTIVATION = "pending_activation"
    ONLINE = "online"
    OFFLINE = "offline"
    UNKNOWN = "unknown"  # only from Control Hub: a state with no known meaning


class CodeState(enum.StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    USED = "used"
    EXPIRED = "expired"


class Line(SQLModel, table=True):
    """A Webex Go line: one per person, identified by the person's e-mail."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True, max_length=320)
    status: LineStatus
    created_at: datetime = _time()
    updated_at: datetime = _time()


class ActivationCode(SQLModel, table=True):
    """Activation data issued for a line by the embedded SM-DP+."""

    __tablename__ = "activation_code"

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(foreign_key="line.id", index=True, ondelete="CASCADE")
    smdp_address: str = Field(max_length=253)
    matching_id: str = Field(unique=True, max_length=64)
    smdp_oid: str | None = Field(default=None, max_length=1000)
    confirmation_required: bool = False
    state: CodeState
    issued_at: datetime = _time()
    expires_at: datetime = _time(index=True)
    ended_at: datetime | None = _time(default=None, nullable=True)

    def activation_data(self) -> ActivationData:
        """What this row says to a phone (a secret)."""
        return ActivationData(
            self.smdp_address,
            self.matching_id,
            smdp_oid=self.smdp_oid or "",
            confirmation_required=self.confirmation_required,
        )


class EventStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class WebhookEvent(SQLModel, table=True):
    """One webhook delivery from Webex, stored before it is acknowledged.

    ``key`` is ``resource:event:data.id``: Webex signs no timestamp, so a replayed
    or repeated delivery is recognised by this key alone.
    """

    __tablename__ = "webhook_event"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=700)
    resource: str = Field(max_length=64)
    event: str = Field(max_length=64)
    body: str
    status: EventStatus = Field(default=EventStatus.PENDING, index=True)
    attempts: int = 0
    received_at: datetime = _time()
    not_before: datetime = _time()
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: datetime | None = _time(default=None, nullable=True)
    finished_at: datetime | None = _time(default=None, nullable=True)
    outcome: str | None = Field(default=None, max_length=200)


class BotState(SQLModel, table=True):
    """Small facts the bot keeps between runs, such as a generated webhook secret."""

    __tablename__ = "bot_state"

    name: str = Field(primary_key=True, max_length=100)
    value: str


class AuditEntry(SQLModel, table=True):
    """Who did what to which line, when, and how it ended. Never holds a code."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _time(index=True)
    actor: str = Field(max_length=320)
    actor_id: str | None = Field(default=None, max_length=200)
    action: str = Field(max_length=64)
    line_email: str | None = Field(default=None, index=True, max_length=320)
    outcome: str = Field(max_length=200)
    detail: str | None = Field(default=None, max_length=500)


class Confirmation(SQLModel, table=True):
    """A destructive action waiting for an admin's confirm on its card; it acts once."""

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True, max_length=64)
    action: str = Field(max_length=64)
    line_email: str = Field(max_length=320)
    requested_by: str = Field(max_length=200)
    room_id: str = Field(max_length=200)
    message_id: str | None = Field(default=None, index=True, max_length=200)
    created_at: datetime = _time()
    used_at: datetime | None = _time(default=None, nullable=True)
    used_by: str | None = Field(default=None, max_length=200)
    result: str | None = Field(default=None, max_length=64)


class SelfServiceRequest(SQLModel, table=True):
    """A person's request for a new code of their own line, for the rate limits."""

    __tablename__ = "self_service_request"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, max_length=320)
    at: datetime = _time(index=True)


class ReminderStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"  # a later reminder or the expiry notice made it pointless
    CANCELLED = "cancelled"  # the code was replaced, used or deleted


class Reminder(SQLModel, table=True):
    """One message due about one code: ``days_before`` expiry, or 0 for the notice
    that the code has expired. Created with the code; a sweep sends it once."""

    id: int | None = Field(default=None, primary_key=True)
    code_id: int = Field(
        foreign_key="activation_code.id", index=True, ondelete="CASCADE"
    )
    line_email: str = Field(index=True, max_length=320)
    days_before: int
    due_at: datetime = _time(index=True)
    status: ReminderStatus = Field(default=ReminderStatus.PENDING, index=True)
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: datetime | None = _time(default=None, nullable=True)
    sent_at: datetime | None = _time(default=None, nullable=True)
