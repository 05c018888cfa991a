"""The emulator's state and behaviour without HTTP: what tests and demos hold."""

import copy
import logging
import re
import threading
from dataclasses import dataclass

from .actions import ActionStore
from .cdr import CdrStore
from .devices import DeviceStore
from .directory import Directory
from .messages import MessageStore
from .webhooks import WebhookRegistry

logger = logging.getLogger(__name__)


@dataclass
class InjectedFault:
    """An error the next matching requests answer (see ``Emulator.fail_next``)."""

    method: str
    path_pattern: re.Pattern
    status: int
    retry_after: str | None
    remaining: int


class Emulator:
    """An emulated Webex organisation: people, rooms, messages, cards and webhooks.

    Thread-safe: one lock guards all state. It starts no thread itself; an
    ``EmulatorServer`` serves it over HTTP and runs its webhook delivery thread.
    """

    def __init__(self, latency_ms: float = 0) -> None:
        self.latency_ms = latency_ms
        self.lock = threading.RLock()
        self.webhooks = WebhookRegistry(self.lock)
        publish = self.webhooks.publish
        self.directory = Directory(self.lock, publish)
        self.store = MessageStore(self.lock, self.directory, publish)
        self.actions = ActionStore(self.lock, self.directory, self.store, publish)
        self.cdr = CdrStore()
        self.devices = DeviceStore(org_id=self.directory.org_id, lock=self.lock)
        self._faults: list[InjectedFault] = []
        self._requests_log: list[tuple[str, str, int]] = []

    def add_person(
        self,
        email: str,
        display_name: str,
        type: str = "person",
        token: str | None = None,
    ) -> tuple[dict, str]:
        """Add a person or (``type="bot"``) a bot; returns (person, token)."""
        return self.directory.add_person(email, display_name, type=type, token=token)

    def add_room(self, title: str, member_ids: list[str]) -> dict:
        """Add a group room with these members, the first being its creator."""
        return self.directory.add_room(title, member_ids)

    def person_by_email(self, email: str) -> dict | None:
        return self.directory.person_by_email(email)

    def authenticate(self, token: str) -> dict | None:
        """The person a bearer token belongs to, or None."""
        return self.directory.person_by_token(token)

    def messages(
        self,
        sent_by: str | None = None,
        room_id: str | None = None,
        to_person_email: str | None = None,
    ) -> list[dict]:
        """Every message still posted (deleted ones are gone), oldest first.

        Args:
            sent_by: the author's person id or e-mail address.
            room_id: only this room's messages.
            to_person_email: only direct messages to this person, however addressed.
        """
        found = self.store.all_messages()
        if sent_by:
            found = [m for m in found if _sent_by(m, sent_by)]
        if room_id:
            found = [m for m in found if m["roomId"] == room_id]
        if to_person_email:
            found = [m for m in found if self._is_direct_to(m, to_person_email)]
        return found

    def _is_direct_to(self, message: dict, email: str) -> bool:
        recipient = self.directory.person_by_email(email)
        if recipient is None or message["roomType"] != "direct":
            return False
        in_room = self.directory.is_member(recipient["id"], message["roomId"])
        return in_room and message["personId"] != recipient["id"]

    def file_bytes(self, message: dict | str) -> list[tuple[str, str, bytes]]:
        """The files of a message (or message id) as (filename, content type, bytes)."""
        if isinstance(message, str):
            message = self.store.find(message) or {}
        return [
            (u.filename, u.content_type, u.data) for u in self.store.uploads(message)
        ]

    @property
    def deliveries(self) -> list[dict]:
        """Every delivery attempt, oldest first.

        Each is a dict: webhook_id, target_url, status_code (None on a connection
        error), error (None unless the POST failed to complete) and body (the
        envelope as sent, parsed).
        """
        return self.webhooks.deliverer.records

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """True once no webhook event is queued or being delivered; False on timeout.

        Events queued while no server runs wait for one, so this times out meanwhile.
        """
        return self.webhooks.deliverer.wait_idle(timeout)

    def start_delivery(self) -> None:
        self.webhooks.deliverer.start()

    def stop_delivery(self) -> None:
        self.webhooks.deliverer.stop()

    def fail_next(
        self,
        method: str,
        path_pattern: str,
        status: int,
        retry_after: str | int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` requests matching method and path regex fail.

        They answer ``status`` with a JSON error. ``retry_after`` goes out verbatim as
        the Retry-After header, so malformed values can be tested; ``method="*"``
        matches any method; ``path_pattern`` is searched in the path, e.g.
        ``r"^/v1/messages$"``.
        """
        fault = InjectedFault(
            method=method.upper(),
            path_pattern=re.compile(path_pattern),
            status=status,
            retry_after=None if retry_after is None else str(retry_after),
            remaining=times,
        )
        with self.lock:
            self._faults.append(fault)

    def take_fault(self, method: str, path: str) -> InjectedFault | None:
        """Consume and return the first injected fault this request matches."""
        with self.lock:
            for fault in self._faults:
                if fault.method in ("*", method.upper()) and fault.path_pattern.search(
                    path
                ):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    @property
    def requests_log(self) -> list[tuple[str, str, int]]:
        """Every API call answered, as (method, path, status)."""
        with self.lock:
            return copy.copy(self._requests_log)

    def log_request(self, method: str, path: str, status: int) -> None:
        with self.lock:
            self._requests_log.append((method, path, status))


def _sent_by(message: dict, author: str) -> bool:
    return (
        author == message["personId"]
        or author.lower() == message["personEmail"].lower()
    )
