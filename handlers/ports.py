"""The ports the handlers need, and the plain values that cross them.

``Chat`` is Webex as the handlers see it; ``DeviceService`` is whatever issues and
tracks Webex Go activation data. Adapters live outside this package.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import BinaryIO, Protocol

from handlers.activation import ActivationData
from storage.models import CodeState, LineStatus


@dataclass(frozen=True)
class Person:
    id: str
    email: str
    display_name: str
    type: str = "person"


@dataclass(frozen=True)
class Message:
    """A Webex message as fetched by id (webhooks carry ids only)."""

    id: str
    room_id: str
    room_type: str
    person_id: str
    person_email: str
    text: str = ""
    html: str | None = None
    mentioned_people: tuple[str, ...] = ()
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class AttachmentAction:
    """A card submission: who pressed which button on which card, with the inputs."""

    id: str
    message_id: str
    room_id: str
    person_id: str
    inputs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FileUpload:
    """A file sent from memory; nothing touches the disk."""

    filename: str
    content_type: str
    content: bytes


class Chat(Protocol):
    """Webex, as the handlers use it.

    Every method raises ``ChatUnavailable`` when Webex cannot be reached or refuses
    the call after the adapter's retries, and ``NotFound`` where noted.
    """

    def me(self) -> Person:
        """The bot's own profile."""

    def get_message(self, message_id: str) -> Message:
        """Fetch a message by id; raises NotFound if it does not exist."""

    def get_attachment_action(self, action_id: str) -> AttachmentAction:
        """Fetch a card submission by id; raises NotFound if it does not exist."""

    def find_person(self, email: str) -> Person | None:
        """The person with this e-mail address in the organisation, or None."""

    def get_person(self, person_id: str) -> Person:
        """The person with this id; raises NotFound if there is none."""

    def room_member_ids(self, room_id: str) -> frozenset[str]:
        """The person ids of a room's members (the bot must be one of them)."""

    def open_file(self, url: str) -> AbstractContextManager[BinaryIO]:
        """Stream the content of a file listed in a message's ``files``."""

    def send(
        self,
        *,
        room_id: str | None = None,
        to_person_email: str | None = None,
        markdown: str,
        file: FileUpload | None = None,
        card: dict | None = None,
    ) -> str:
        """Post a message to a room or 1:1 to a person; return its id.

        ``markdown`` doubles as the fallback text of a card. A message carries at
        most one file or one card, as Webex allows.
        """


@dataclass(frozen=True)
class CodeInfo:
    """What may be shown about a code without revealing it."""

    masked: str
    state: CodeState
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class LineInfo:
    email: str
    status: LineStatus
    code: CodeInfo | None = None
    raw_status: str | None = None  # what Webex reported, when the status is unknown


@dataclass(frozen=True)
class LicencePool:
    size: int
    used: int

    @property
    def free(self) -> int:
        return max(0, self.size - self.used)


@dataclass(frozen=True)
class IssuedCode:
    """Fresh activation data for a line; ``activation`` is a secret."""

    email: str
    activation: ActivationData
    issued_at: datetime
    expires_at: datetime


class DeviceService(Protocol):
    """The system of record for Webex Go lines and their activation codes."""

    def get_line(self, email: str) -> LineInfo | None:
        """The line of this person, with its current code if one is active."""

    def add_line(self, email: str) -> IssuedCode:
        """Assign a line (Pending Activation) and issue its first code.

        Raises RuleViolation if the person already has a line.
        """

    def issue_code(self, email: str) -> IssuedCode:
        """Issue a new code, cancelling every earlier one of the line.

        Raises NotFound without a line, RuleViolation unless Pending Activation.
        """

    def list_lines(self) -> list[LineInfo]:
        """Every line, ordered by e-mail."""

    def licence_pool(self) -> LicencePool:
        """How many Webex Go licences there are and how many lines use one."""

    def report_lost(self, email: str) -> IssuedCode:
        """Disable the line on the lost phone: cancel every code, issue fresh data.

        The line is Pending Activation until the new phone activates. Raises
        NotFound without a line.
        """

    def delete_line(self, email: str) -> None:
        """Remove the line and its codes; its licence returns to the pool."""

    def activate(self, activation_string: str) -> str:
        """A phone scanned this code: use it up and put its line Online.

        Returns the line's e-mail. Raises NotFound (``phone.code_unknown``) or
        RuleViolation (``phone.code_used``, ``_cancelled``, ``_expired``).
        """

    def phone_event(self, email: str, event: str) -> LineStatus:
        """``line_removed``, ``service_off`` or ``service_on`` from the phone.

        Returns the new status; RuleViolation if the event does not fit the state.
        """

    def check_code(self, activation_string: str) -> CodeState | None:
        """The state of the code in this activation string, None if unknown."""


class AuditLog(Protocol):
    """The audit trail. Entries never hold an activation code, only its mask."""

    def record(
        self,
        *,
        actor: str,
        action: str,
        outcome: str,
        line_email: str | None = None,
        actor_id: str | None = None,
        detail: str | None = None,
    ) -> None: ...

    def latest(self, line_email: str | None = None, limit: int = 20) -> list: ...


class CodeBook(Protocol):
    """Keeps codes made elsewhere, so they get reminders like the bot's own."""

    def record_code(self, email: str, activation: ActivationData) -> IssuedCode:
        """Cancel the line's earlier codes and keep this one (a line is made if
        the person has none). RuleViolation if the code was recorded before."""

    def get_line(self, email: str) -> LineInfo | None: ...

    def list_lines(self) -> list[LineInfo]: ...

    def delete_line(self, email: str) -> None: ...


class CallHistory(Protocol):
    """Webex Calling's detailed call history, read with an admin token."""

    def records(self, days: int) -> Iterable[dict]:
        """The call records of the last ``days`` days, each once."""


class Reminders(Protocol):
    """Reminder rows, claimed by sweeps so that each is sent once.

    ``claim_due`` returns ``storage.reminders.DueReminder`` values; ``finish``
    takes a ``ReminderStatus``.
    """

    def claim_due(self, owner: str, limit: int = 200) -> list: ...

    def finish(self, reminder_id: int, owner: str, status) -> None: ...

    def retry_later(self, reminder_id: int, owner: str, delay: timedelta) -> None: ...

    def expire_code(self, code_id: int) -> bool: ...

    def code_state(self, code_id: int): ...

    def upcoming(self, limit: int = 20) -> list: ...


class DigestLog(Protocol):
    """When the daily admin digest went out, and what expired since."""

    def claim(self, now: datetime, is_due) -> datetime | None:
        """Atomically record a digest if ``is_due(last)``; return the last time."""

    def unused_codes(self, start: datetime, end: datetime) -> list:
        """Unused codes whose time runs out in (start, end], soonest first."""


class RequestLimits(Protocol):
    """How often a person may ask for a new code of their own line."""

    cooldown: timedelta
    daily_limit: int

    def take(self, email: str) -> tuple[str, datetime] | None:
        """Count one request; or refuse with ("cooldown" | "daily_limit", retry at)."""


class Confirmations(Protocol):
    """Pending confirmations of destructive actions, each usable once."""

    def create(
        self, *, action: str, line_email: str, requested_by: str, room_id: str
    ) -> str:
        """Store a pending confirmation; return its token (put on the card)."""

    def attach_message(self, token: str, message_id: str) -> None:
        """Remember which card message carries the token."""

    def get(self, token: str): ...

    def use(self, token: str, *, used_by: str, result: str) -> bool:
        """Mark it used; False if it was used before, by anyone."""
