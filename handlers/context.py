"""What every handler is given: the services it may use and who is asking."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.clock import Clock
from handlers.commands import CommandSpec
from handlers.ports import (
    AuditLog,
    CallHistory,
    Chat,
    CodeBook,
    Confirmations,
    DeviceService,
    DigestLog,
    Message,
    Person,
    Reminders,
    RequestLimits,
)
from handlers.texts import Texts


@dataclass(frozen=True)
class Options:
    """Organisation settings that change what handlers do."""

    suppress_email: bool = False
    expiring_within_days: int = 14
    self_service: str = "on"  # on, approval or off
    self_service_notify: bool = True
    support_contact: str = "your Webex admin"
    admin_room_id: str | None = None  # approvals and notices go here
    admin_room_ids: tuple[str, ...] = ()  # the daily digest goes to each
    admin_digest: bool = True
    reminder_hour: int = 9
    timezone: str = "UTC"


@dataclass(frozen=True)
class Services:
    chat: Chat
    devices: DeviceService
    texts: Texts
    clock: Clock
    commands: tuple[CommandSpec, ...]
    audit: AuditLog
    confirmations: Confirmations
    limits: RequestLimits
    options: Options = Options()
    call_history: CallHistory | None = None
    reminders: Reminders | None = None
    # Where codes made elsewhere are kept; the embedded service unless controlhub.
    codebook: CodeBook | None = None
    digests: DigestLog | None = None


@dataclass(frozen=True)
class Context:
    """One request: the person Webex says sent it, where, and what they may do."""

    actor: Person
    room_id: str
    room_type: str
    is_admin: bool
    message: Message | None = None  # the message that asked, if it was one

    def reply(self, services: Services, markdown: str, card: dict | None = None) -> str:
        return services.chat.send(room_id=self.room_id, markdown=markdown, card=card)

    def record(
        self, services: Services, action: str, outcome: str, email: str | None
    ) -> None:
        """Add this request to the audit trail."""
        services.audit.record(
            actor=self.actor.email,
            actor_id=self.actor.id,
            action=action,
            line_email=email,
            outcome=outcome,
        )
