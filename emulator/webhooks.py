"""Webhooks: the /webhooks API, and which webhooks an event reaches.

An event reaches a webhook when its owner is in the event's audience (a member of the
room, or for card submissions the author of the card), the resource and event match
(``all`` matches any event) and every filter matches. As in Webex, a bot in a group room
only hears of messages that mention it, whatever its filter says; its own messages do
reach its webhooks when the filters match. After five consecutive failed deliveries a
webhook becomes ``inactive`` and gets nothing until it is updated with
``status=active``.
"""

import copy
import logging
import threading
from collections.abc import Iterable
from urllib.parse import unquote

from .delivery import Deliverer
from .errors import bad_request, not_found
from .ids import new_id, now_iso
from .loopback import is_loopback_url

logger = logging.getLogger(__name__)

RESOURCE_FILTERS = {
    "messages": {
        "roomId",
        "roomType",
        "personId",
        "personEmail",
        "mentionedPeople",
        "hasFiles",
    },
    "attachmentActions": {"messageId", "personId", "roomId"},
    "memberships": {"roomId", "personId", "personEmail", "isModerator"},
    "rooms": {"type", "isLocked"},
}
EVENTS = ("created", "updated", "deleted", "all")
FAILURES_BEFORE_INACTIVE = 5
_ENVELOPE_KEYS = (
    "id", "name", "targetUrl", "resource", "event", "filter",
    "orgId", "createdBy", "appId", "ownedBy", "status",
)  # fmt: skip


class WebhookRegistry:
    """Everyone's webhooks, and the delivery queue their events go through."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._webhooks: dict[str, dict] = {}
        self._bot_owned: set[str] = set()
        self._failures: dict[str, int] = {}
        self.deliverer = Deliverer(self._record_result, self._is_active)

    def create(self, owner: dict, app_id: str, fields: dict) -> dict:
        """POST /webhooks."""
        _require(fields, "name", "targetUrl", "resource", "event")
        _check_target(fields["targetUrl"])
        _check_subscription(fields["resource"], fields["event"], fields.get("filter"))
        if fields.get("ownedBy", "creator") != "creator":
            raise bad_request("Only ownedBy=creator is emulated.")
        hook = {"id": new_id("WEBHOOK")}
        for key in ("name", "targetUrl", "resource", "event", "filter", "secret"):
            if fields.get(key):
                hook[key] = _string(fields, key)
        hook.update(
            status="active",
            created=now_iso(),
            orgId=owner["orgId"],
            createdBy=owner["id"],
            appId=app_id,
            ownedBy="creator",
        )
        with self._lock:
            self._webhooks[hook["id"]] = hook
            self._failures[hook["id"]] = 0
            if owner["type"] == "bot":
                self._bot_owned.add(hook["id"])
            logger.info(
                "webhook %s created for %s/%s",
                hook["id"],
                hook["resource"],
                hook["event"],
            )
            return copy.deepcopy(hook)

    def list_webhooks(self, owner: dict) -> list[dict]:
        with self._lock:
            return [
                copy.deepcopy(h) for h in self._webhooks.values() if _owns(owner, h)
            ]

    def get(self, owner: dict, webhook_id: str) -> dict:
        with self._lock:
            return copy.deepcopy(self._require(owner, webhook_id))

    def update(self, owner: dict, webhook_id: str, fields: dict) -> dict:
        """PUT /webhooks/{id}: name, targetUrl, secret and status may change."""
        _require(fields, "name", "targetUrl")
        _check_target(fields["targetUrl"])
        status = fields.get("status")
        if status not in (None, "active", "inactive"):
            raise bad_request("status must be active or inactive.")
        with self._lock:
            hook = self._require(owner, webhook_id)
            hook["name"] = _string(fields, "name")
            hook["targetUrl"] = _string(fields, "targetUrl")
            if fields.get("secret"):
                hook["secret"] = _string(fields, "secret")
            if status:
                hook["status"] = status
                self._failures[webhook_id] = 0
            return copy.deepcopy(hook)

    def delete(self, owner: dict, webhook_id: str) -> None:
        with self._lock:
            self._require(owner, webhook_id)
            del self._webhooks[webhook_id]
            self._bot_owned.discard(webhook_id)
            self._failures.pop(webhook_id, None)

    def _require(self, owner: dict, webhook_id: str) -> dict:
        hook = self._webhooks.get(webhook_id)
        if hook is None or not _owns(owner, hook):
            raise not_found("Could not find a webhook with provided ID.")
        return hook

    def publish(
        self,
        resource: str,
        event: str,
        data: dict,
        actor_id: str,
        audience: Iterable[str],
    ) -> None:
        """Queue the event for every active webhook in the audience that wants it."""
        audience = set(audience)
        with self._lock:
            for hook in self._webhooks.values():
                if hook["createdBy"] in audience and self._wants(
                    hook, resource, event, data
                ):
                    envelope = _envelope(hook, event, data, actor_id)
                    self.deliverer.enqueue(
                        hook["id"], hook["targetUrl"], hook.get("secret"), envelope
                    )

    def _wants(self, hook: dict, resource: str, event: str, data: dict) -> bool:
        if hook["status"] != "active" or hook["resource"] != resource:
            return False
        if hook["event"] not in (event, "all"):
            return False
        if self._bot_not_mentioned(hook, resource, data):
            return False
        return all(
            _filter_matches(key, value, data, hook["createdBy"])
            for key, value in _parse_filter(hook.get("filter"))
        )

    def _bot_not_mentioned(self, hook: dict, resource: str, data: dict) -> bool:
        if resource != "messages" or data.get("roomType") != "group":
            return False
        mentioned = hook["createdBy"] in data.get("mentionedPeople", [])
        return hook["id"] in self._bot_owned and not mentioned

    def _is_active(self, webhook_id: str) -> bool:
        with self._lock:
            hook = self._webhooks.get(webhook_id)
            return hook is not None and hook["status"] == "active"

    def _record_result(self, webhook_id: str, ok: bool) -> None:
        with self._lock:
            hook = self._webhooks.get(webhook_id)
            if hook is None:
                return
            self._failures[webhook_id] = 0 if ok else self._failures[webhook_id] + 1
            if self._failures[webhook_id] >= FAILURES_BEFORE_INACTIVE:
                hook["status"] = "inactive"
                logger.warning(
                    "webhook %s is now inactive after %s failed deliveries",
                    webhook_id,
                    FAILURES_BEFORE_INACTIVE,
                )


def _owns(owner: dict, hook: dict) -> bool:
    return hook["createdBy"] == owner["id"]


def _require(fields: dict, *names: str) -> None:
    missing = [name for name in names if not fields.get(name)]
    if missing:
        raise bad_request(f"Missing required field(s): {', '.join(missing)}.")


def _string(fields: dict, name: str) -> str:
    value = fields[name]
    if not isinstance(value, str):
        raise bad_request(f"{name} must be a string.")
    return value


def _check_target(target_url: object) -> None:
    if not isinstance(target_url, str) or not is_loopback_url(target_url):
        raise bad_request(
            "targetUrl must be an http(s) URL on a loopback address (127.0.0.0/8, "
            "localhost or ::1): this Webex emulator delivers webhooks to loopback "
            "targets only."
        )


def _check_subscription(resource: object, event: object, filter: object) -> None:
    if resource not in RESOURCE_FILTERS:
        raise bad_request(f"resource must be one of {', '.join(RESOURCE_FILTERS)}.")
    if event not in EVENTS or (
        resource == "attachmentActions" and event not in ("created", "all")
    ):
        raise bad_request(f"event {event} is not supported for resource {resource}.")
    if filter is not None and not isinstance(filter, str):
        raise bad_request("filter must be a string.")
    for key, _value in _parse_filter(filter):
        if key not in RESOURCE_FILTERS[resource]:
            raise bad_request(f"Invalid filter {key} for resource {resource}.")


def _parse_filter(filter: str | None) -> list[tuple[str, str]]:
    """Split ``a=b&c=d`` into pairs; values may be percent-encoded (e-mails)."""
    pairs = []
    for part in (filter or "").split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


def _filter_matches(key: str, value: str, data: dict, owner_id: str) -> bool:
    if key == "mentionedPeople":
        wanted = {owner_id if v == "me" else v for v in value.split(",")}
        return bool(wanted.intersection(data.get("mentionedPeople", [])))
    if key == "hasFiles":
        return (value.lower() == "true") == bool(data.get("files"))
    actual = data.get(key)
    if isinstance(actual, bool):
        return value.lower() == str(actual).lower()
    if key == "personEmail":
        return str(actual).lower() == value.lower()
    return actual == value


def _envelope(hook: dict, event: str, data: dict, actor_id: str) -> dict:
    envelope = {key: hook[key] for key in _ENVELOPE_KEYS if key in hook}
    envelope.update(event=event, actorId=actor_id, data=copy.deepcopy(data))
    return envelope
