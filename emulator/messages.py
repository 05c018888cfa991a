"""Messages and their files: create, read, list, edit, delete, and who may see what.

Visibility follows Webex: people see every message of the rooms they are in; a bot sees
the messages of its direct rooms, its own messages, and group-room messages that mention
it.
"""

import copy
import logging
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .directory import Directory, Publish
from .errors import bad_request, forbidden, not_found
from .ids import new_id, now_iso
from .loopback import is_loopback_url
from .markdown import render

logger = logging.getLogger(__name__)

# Limits from https://developer.webex.com/docs/api/v1/messages (create, edit).
MAX_TEXT_BYTES = 7439
MAX_EDITS = 10
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
_CONTENT_PATH = re.compile(r"^/v1/contents/([A-Za-z0-9_-]+)$")
_ADDRESS_KEYS = ("toPersonId", "toPersonEmail")
_MENTION_KEYS = ("mentionedPeople", "mentionedGroups")
_WEBHOOK_KEYS = (
    "id",
    "roomId",
    "roomType",
    "personId",
    "personEmail",
    "mentionedPeople",
)


@dataclass
class Upload:
    """A file sent in a multipart message."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class _Content:
    upload: Upload
    room_ids: set[str] = field(default_factory=set)


class MessageStore:
    """Every message still posted, and every file ever uploaded."""

    def __init__(
        self, lock: threading.RLock, directory: Directory, publish: Publish
    ) -> None:
        self._lock = lock
        self._directory = directory
        self._publish = publish
        self._messages: dict[str, dict] = {}
        self._edits: dict[str, int] = {}
        self._contents: dict[str, _Content] = {}

    def create(
        self, caller: dict, fields: dict, upload: Upload | None, content_base: str
    ) -> dict:
        """POST /messages, in JSON or (with an upload) multipart."""
        content = self._content_fields(caller, fields, upload)
        with self._lock:
            room, addressed = self._destination(caller, fields)
            parent_id = self._check_parent(fields.get("parentId"), room["id"])
            files = self._file_urls(content, upload, room["id"], content_base)
            message = self._new_message(
                caller, room, parent_id, addressed, content, files
            )
            self._messages[message["id"]] = message
            self._edits[message["id"]] = 0
            self._directory.touch(room["id"], message["created"])
            logger.debug("message %s posted in room %s", message["id"], room["id"])
            self._publish_message("created", message, caller["id"])
            return copy.deepcopy(message)

    def _new_message(
        self,
        caller: dict,
        room: dict,
        parent_id: str | None,
        addressed: dict,
        content: dict,
        files: list[str],
    ) -> dict:
        """A message in Webex's key order, without empty fields."""
        rendered = self._rendered(content)
        mentions = {key: rendered.pop(key, None) for key in _MENTION_KEYS}
        message = {
            "id": new_id("MESSAGE"),
            "parentId": parent_id,
            "roomId": room["id"],
            "roomType": room["type"],
            **addressed,
            **rendered,
            "files": files,
            "attachments": content["attachments"],
            "personId": caller["id"],
            "personEmail": caller["emails"][0],
            **mentions,
            "created": now_iso(),
        }
        return {key: value for key, value in message.items() if value}

    def _content_fields(
        self, caller: dict, fields: dict, upload: Upload | None
    ) -> dict:
        content = {
            "text": _text_field(fields, "text"),
            "markdown": _text_field(fields, "markdown"),
            "attachments": _attachments(fields.get("attachments")),
            "files": self._shared_files(caller, fields.get("files"), upload),
        }
        if not any(content.values()) and upload is None:
            raise bad_request("A message needs text, markdown, files or attachments.")
        return content

    def _shared_files(
        self, caller: dict, files: object, upload: Upload | None
    ) -> list[str]:
        """Check file URLs: with no internet, only the emulator's own ones qualify."""
        if files is None:
            return []
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            raise bad_request("files must be a list of URLs.")
        if len(files) + (upload is not None) > 1:
            raise bad_request("Only one file may be attached to a message.")
        with self._lock:
            for url in files:
                content_id = _content_id(url)
                content = self._contents.get(content_id or "")
                if content is None or not self._may_download(caller, content):
                    raise bad_request(
                        f"Cannot fetch file {url}: the emulator has no internet "
                        "access and only accepts its own content URLs."
                    )
        return files

    def _destination(self, caller: dict, fields: dict) -> tuple[dict, dict]:
        """The room a message goes to, and the toPerson* field it was addressed with."""
        given = [k for k in ("roomId", *_ADDRESS_KEYS) if fields.get(k)]
        if len(given) != 1:
            raise bad_request(
                "Exactly one of roomId, toPersonId or toPersonEmail is required."
            )
        key = given[0]
        value = fields[key]
        if not isinstance(value, str):
            raise bad_request(f"{key} must be a string.")
        if key == "roomId":
            return self._directory.require_room(caller, value), {}
        person = (
            self._directory.person(value)
            if key == "toPersonId"
            else self._directory.person_by_email(value)
        )
        if person is None:
            raise not_found("The person to send the message to was not found.")
        if person["id"] == caller["id"]:
            raise bad_request("You cannot send a direct message to yourself.")
        return self._directory.direct_room(caller["id"], person["id"]), {key: value}

    def _check_parent(self, parent_id: object, room_id: str) -> str | None:
        if not parent_id:
            return None
        parent = self._messages.get(parent_id) if isinstance(parent_id, str) else None
        if parent is None or parent["roomId"] != room_id or "parentId" in parent:
            raise bad_request("parentId must be a top-level message of the same room.")
        return parent["id"]

    def _rendered(self, content: dict) -> dict:
        """text, markdown, html and mentions, as Webex derives them from markdown."""
        markdown = content["markdown"]
        if not markdown:
            return {"text": content["text"]}
        rendered = render(markdown, self._resolve)
        return {
            "text": content["text"] or rendered.text,
            "markdown": markdown,
            "html": rendered.html,
            "mentionedPeople": rendered.mentioned_people,
            "mentionedGroups": rendered.mentioned_groups,
        }

    def _resolve(self, kind: str, value: str) -> dict | None:
        if kind == "personId":
            return self._directory.person(value)
        return self._directory.person_by_email(value)

    def _file_urls(
        self, content: dict, upload: Upload | None, room_id: str, content_base: str
    ) -> list[str]:
        urls = list(content["files"])
        if upload is not None:
            content_id = new_id("CONTENT")
            self._contents[content_id] = _Content(upload)
            urls.append(f"{content_base}contents/{content_id}")
        for url in urls:
            self._contents[_content_id(url)].room_ids.add(room_id)
        return urls

    def _publish_message(self, event: str, message: dict, actor_id: str) -> None:
        data = {key: message[key] for key in _WEBHOOK_KEYS if key in message}
        data["created"] = message["created"]
        if "files" in message:
            data["files"] = list(message["files"])
        audience = self._directory.member_ids(message["roomId"])
        self._publish("messages", event, data, actor_id, audience)

    def can_see(self, caller: dict, message: dict) -> bool:
        """Webex's rule for who may read a message (see the module docstring)."""
        if not self._directory.is_member(caller["id"], message["roomId"]):
            return False
        if caller["type"] != "bot" or message["roomType"] != "group":
            return True
        mentioned = caller["id"] in message.get("mentionedPeople", [])
        return mentioned or message["personId"] == caller["id"]

    def _require_visible(self, caller: dict, message_id: str) -> dict:
        message = self._messages.get(message_id)
        if message is None or not self.can_see(caller, message):
            raise not_found("Could not find a message with provided ID.")
        return message

    def get(self, caller: dict, message_id: str) -> dict:
        with self._lock:
            return copy.deepcopy(self._require_visible(caller, message_id))

    def find(self, message_id: str) -> dict | None:
        with self._lock:
            message = self._messages.get(message_id)
            return copy.deepcopy(message) if message else None

    def list_messages(self, caller: dict, query: dict, max_items: int) -> list[dict]:
        """GET /messages: a room's messages the caller may see, newest first."""
        room = self._directory.require_room(caller, query.get("roomId"))
        mentioned = query.get("mentionedPeople")
        if caller["type"] == "bot" and room["type"] == "group":
            if not mentioned:
                raise forbidden(
                    "Bots must list group-room messages with mentionedPeople=me."
                )
            if max_items > 100:
                raise bad_request("max cannot exceed 100 when mentionedPeople is used.")
        with self._lock:
            found = [m for m in self._messages.values() if m["roomId"] == room["id"]]
            found = [m for m in found if self.can_see(caller, m)]
            found = _filter_listing(found, query, caller["id"], self._messages)
            return [copy.deepcopy(m) for m in reversed(found)]

    def update(self, caller: dict, message_id: str, fields: dict) -> dict:
        """PUT /messages/{id}: the author edits text or markdown, up to ten times."""
        content = {
            "text": _text_field(fields, "text"),
            "markdown": _text_field(fields, "markdown"),
            "attachments": None,
        }
        if not any(content.values()):
            raise bad_request("text or markdown is required.")
        with self._lock:
            message = self._require_editable(caller, message_id, fields.get("roomId"))
            room = self._directory.room(message["roomId"])
            addressed = {k: message[k] for k in _ADDRESS_KEYS if k in message}
            parent_id = message.get("parentId")
            edited = self._new_message(caller, room, parent_id, addressed, content, [])
            edited.update(id=message_id, created=message["created"], updated=now_iso())
            self._messages[message_id] = edited
            self._edits[message_id] += 1
            self._publish_message("updated", edited, caller["id"])
            return copy.deepcopy(edited)

    def _require_editable(self, caller: dict, message_id: str, room_id: object) -> dict:
        message = self._require_own(caller, message_id, "edit")
        if "files" in message or "attachments" in message:
            raise bad_request("Messages with files or attachments cannot be edited.")
        if room_id not in (None, message["roomId"]):
            raise bad_request("roomId does not match the message's room.")
        if self._edits[message_id] >= MAX_EDITS:
            raise bad_request(f"A message can be edited at most {MAX_EDITS} times.")
        return message

    def delete(self, caller: dict, message_id: str) -> None:
        """DELETE /messages/{id}: only the author may delete."""
        with self._lock:
            message = self._require_own(caller, message_id, "delete")
            self._publish_message("deleted", message, caller["id"])
            del self._messages[message_id]

    def _require_own(self, caller: dict, message_id: str, verb: str) -> dict:
        message = self._require_visible(caller, message_id)
        if message["personId"] != caller["id"]:
            raise forbidden(f"Only the author may {verb} a message.")
        return message

    def download(self, caller: dict, content_id: str) -> Upload:
        """GET /contents/{id}: for members of a room the file was posted in."""
        with self._lock:
            content = self._contents.get(content_id)
            if content is None or not self._may_download(caller, content):
                raise not_found("Could not find the requested content.")
            return content.upload

    def _may_download(self, caller: dict, content: _Content) -> bool:
        return any(self._directory.is_member(caller["id"], r) for r in content.room_ids)

    def all_messages(self) -> list[dict]:
        """Every message still posted, oldest first."""
        with self._lock:
            return copy.deepcopy(list(self._messages.values()))

    def uploads(self, message: dict) -> list[Upload]:
        with self._lock:
            ids = [_content_id(url) for url in message.get("files", [])]
            return [self._contents[i].upload for i in ids if i in self._contents]


def _text_field(fields: dict, name: str) -> str | None:
    value = fields.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise bad_request(f"{name} must be a string.")
    if len(value.encode("utf-8")) > MAX_TEXT_BYTES:
        raise bad_request(
            f"{name} exceeds the maximum length of {MAX_TEXT_BYTES} bytes."
        )
    return value


def _attachments(attachments: object) -> list[dict] | None:
    if attachments is None:
        return None
    if not isinstance(attachments, list) or len(attachments) > 1:
        raise bad_request("attachments must be a list with at most one card.")
    for attachment in attachments:
        if (
            not isinstance(attachment, dict)
            or attachment.get("contentType") != CARD_CONTENT_TYPE
        ):
            raise bad_request(
                f"An attachment's contentType must be {CARD_CONTENT_TYPE}."
            )
        if not isinstance(attachment.get("content"), dict):
            raise bad_request(
                "An attachment's content must be an Adaptive Card object."
            )
    return copy.deepcopy(attachments)


def _content_id(url: str) -> str | None:
    if not is_loopback_url(url):
        return None
    match = _CONTENT_PATH.match(urlsplit(url).path)
    return match.group(1) if match else None


def _filter_listing(
    messages: list[dict], query: dict, caller_id: str, by_id: dict[str, dict]
) -> list[dict]:
    """Apply the list filters (mentionedPeople, parentId, before, beforeMessage)."""
    mentioned = query.get("mentionedPeople")
    if mentioned:
        wanted = {caller_id if m == "me" else m for m in mentioned.split(",")}
        messages = [
            m for m in messages if wanted.intersection(m.get("mentionedPeople", []))
        ]
    if query.get("parentId"):
        messages = [m for m in messages if m.get("parentId") == query["parentId"]]
    if query.get("before"):
        messages = [m for m in messages if m["created"] < query["before"]]
    before_id = query.get("beforeMessage")
    if before_id in by_id:
        order = {message_id: index for index, message_id in enumerate(by_id)}
        messages = [m for m in messages if order[m["id"]] < order[before_id]]
    return messages
