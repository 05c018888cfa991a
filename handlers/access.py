"""Who may act on which line.

Admins are the people in ``ADMIN_EMAILS`` and the members of the rooms in
``ADMIN_ROOM_IDS``; they may act on any line, anyone else only on their own.
The identity is the one Webex reports for the message or card submission, never
a name or address typed into it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from handlers.commands import Command, CommandSpec
from handlers.errors import ChatUnavailable, NotAllowed
from handlers.ports import Chat, Person

logger = logging.getLogger(__name__)

MEMBERSHIP_TTL_SECONDS = 60.0


class AdminPolicy:
    def __init__(
        self,
        emails: Iterable[str],
        room_ids: Iterable[str] = (),
        chat: Chat | None = None,
        *,
        ttl: float = MEMBERSHIP_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._emails = frozenset(email.strip().lower() for email in emails)
        self._room_ids = tuple(room_ids)
        self._chat = chat
        self._ttl = ttl
        self._monotonic = monotonic
        self._members: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def is_admin(self, person: Person) -> bool:
        if person.email.strip().lower() in self._emails:
            return True
        return any(
            person.id in self._room_members(room_id) for room_id in self._room_ids
        )

    def is_admin_room(self, room_id: str) -> bool:
        return room_id in self._room_ids

    def _room_members(self, room_id: str) -> frozenset[str]:
        """Members of an admin room, read from Webex and kept for a minute."""
        now = self._monotonic()
        with self._lock:
            cached = self._members.get(room_id)
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        if self._chat is None:
            return frozenset()
        try:
            members = self._chat.room_member_ids(room_id)
        except ChatUnavailable as error:
            # Fail closed: without the member list nobody is an admin through it.
            logger.warning("admin room %s unreadable: status=%s", room_id, error.status)
            return frozenset()
        with self._lock:
            self._members[room_id] = (now, members)
        return members


def authorize(
    spec: CommandSpec, command: Command, actor: Person, is_admin: bool
) -> None:
    """Raise NotAllowed unless ``actor`` may run ``command``.

    A command without an address is about the actor's own line.
    """
    if spec.admin_only and not is_admin:
        raise NotAllowed("error.admin_only", command=spec.words[0])
    if command.email not in (None, actor.email.strip().lower()) and not is_admin:
        raise NotAllowed("error.not_own_line", command=spec.words[0])
