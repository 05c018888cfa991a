"""What every handler is given: the services it may use and who is asking."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.clock import Clock
from handlers.commands import CommandSpec
from handlers.ports import Chat, DeviceService, Person
from handlers.texts import Texts


@dataclass(frozen=True)
class Services:
    chat: Chat
    devices: DeviceService
    texts: Texts
    clock: Clock
    commands: tuple[CommandSpec, ...]


@dataclass(frozen=True)
class Context:
    """One request: the person Webex says sent it, where, and what they may do."""

    actor: Person
    room_id: str
    room_type: str
    is_admin: bool

    def reply(self, services: Services, markdown: str) -> str:
        return services.chat.send(room_id=self.room_id, markdown=markdown)
