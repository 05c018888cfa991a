"""Attachment actions (card submissions) and the event each raises for the card."""

import copy
import threading

from .directory import Directory, Publish
from .errors import bad_request, not_found
from .ids import new_id, now_iso
from .messages import MessageStore

_WEBHOOK_KEYS = ("id", "type", "messageId", "personId", "roomId", "created")


class ActionStore:
    """Every card submission."""

    def __init__(
        self,
        lock: threading.RLock,
        directory: Directory,
        messages: MessageStore,
        publish: Publish,
    ) -> None:
        self._lock = lock
        self._directory = directory
        self._messages = messages
        self._publish = publish
        self._actions: dict[str, dict] = {}
        self._card_authors: dict[str, str] = {}

    def create(self, caller: dict, fields: dict) -> dict:
        """POST /attachment/actions: a room member submits a card."""
        if fields.get("type") != "submit":
            raise bad_request("type must be submit.")
        inputs = fields.get("inputs", {})
        if not isinstance(inputs, dict):
            raise bad_request("inputs must be an object.")
        with self._lock:
            card = self._card_message(caller, fields.get("messageId"))
            action = {
                "id": new_id("ATTACHMENT_ACTION"),
                "type": "submit",
                "messageId": card["id"],
                "inputs": copy.deepcopy(inputs),
                "personId": caller["id"],
                "roomId": card["roomId"],
                "created": now_iso(),
            }
            self._actions[action["id"]] = action
            self._card_authors[action["id"]] = card["personId"]
            data = {key: action[key] for key in _WEBHOOK_KEYS}
            # Only the card's author (the bot that posted it) hears of the submission.
            self._publish(
                "attachmentActions", "created", data, caller["id"], [card["personId"]]
            )
            return copy.deepcopy(action)

    def _card_message(self, caller: dict, message_id: object) -> dict:
        if not message_id or not isinstance(message_id, str):
            raise bad_request("messageId is required.")
        message = self._messages.find(message_id)
        if message is None or not self._messages.can_see(caller, message):
            raise not_found("Could not find a message with provided ID.")
        if not message.get("attachments"):
            raise bad_request("The message carries no card to submit.")
        return message

    def get(self, caller: dict, action_id: str) -> dict:
        """GET /attachment/actions/{id}: for submitter, card author and room people."""
        with self._lock:
            action = self._actions.get(action_id)
            if action is None or not self._may_read(caller, action):
                raise not_found("Could not find an attachment action with provided ID.")
            return copy.deepcopy(action)

    def _may_read(self, caller: dict, action: dict) -> bool:
        if caller["id"] in (action["personId"], self._card_authors[action["id"]]):
            return True
        return caller["type"] == "person" and self._directory.is_member(
            caller["id"], action["roomId"]
        )
