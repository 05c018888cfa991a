"""The ports the handlers need, and the plain values that cross them.

``Chat`` is Webex as the handlers see it; ``DeviceService`` is whatever issues and
tracks Webex Go activation data. Adapters live outside this package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

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

    def check_code(self, activation_string: str) -> CodeState | None:
        """The state of the code in this activation string, None if unknown."""
