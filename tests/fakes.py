"""An in-memory ``Chat`` that records what the bot sends."""

from __future__ import annotations

import io
import itertools
from contextlib import contextmanager
from dataclasses import dataclass, field

from handlers.errors import NotFound
from handlers.ports import AttachmentAction, FileUpload, Message, Person

BOT = Person(id="BOT", email="gobot@webex.bot", display_name="GoBot", type="bot")


@dataclass
class Sent:
    room_id: str | None
    to_person_email: str | None
    markdown: str
    file: FileUpload | None
    card: dict | None


@dataclass
class FakeChat:
    people: dict[str, Person] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)
    actions: dict[str, AttachmentAction] = field(default_factory=dict)
    rooms: dict[str, set[str]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=itertools.count)

    def add_person(self, email: str, name: str = "") -> Person:
        person = Person(id=f"P-{email}", email=email, display_name=name or email)
        self.people[email] = person
        return person

    def me(self) -> Person:
        return BOT

    def get_message(self, message_id: str) -> Message:
        self.fetched.append(message_id)
        if message_id not in self.messages:
            raise NotFound("error.not_found")
        return self.messages[message_id]

    def get_attachment_action(self, action_id: str) -> AttachmentAction:
        if action_id not in self.actions:
            raise NotFound("error.not_found")
        return self.actions[action_id]

    def find_person(self, email: str) -> Person | None:
        return self.people.get(email)

    def get_person(self, person_id: str) -> Person:
        for person in self.people.values():
            if person.id == person_id:
                return person
        raise NotFound("error.not_found")

    @contextmanager
    def open_file(self, url: str):
        yield io.BytesIO(self.files[url])

    def room_member_ids(self, room_id: str) -> frozenset[str]:
        return frozenset(self.rooms.get(room_id, ()))

    def send(
        self, *, room_id=None, to_person_email=None, markdown, file=None, card=None
    ) -> str:
        self.sent.append(Sent(room_id, to_person_email, markdown, file, card))
        return f"SENT-{next(self._ids)}"
