"""The webhook envelope: what Webex POSTs, reduced to what the bot keeps."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from handlers.errors import BadEvent


@dataclass(frozen=True)
class Envelope:
    resource: str
    event: str
    webhook_id: str
    data: dict
    payload: dict

    @property
    def key(self) -> str:
        """``resource:event:data.id``: the envelope's own ``id`` is the webhook's."""
        return f"{self.resource}:{self.event}:{self.data['id']}"


# Webex ids are base64 text; anything else could reach an API path un-escaped, or
# name one message in several spellings and slip past the dedupe key.
_ID = re.compile(r"^[A-Za-z0-9_=-]{1,512}$")


def parse_envelope(body: bytes) -> Envelope:
    """Read a webhook body (UTF-8 JSON); raise BadEvent if it is not one."""
    try:
        payload = json.loads(body.decode("utf-8").removeprefix("\ufeff"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BadEvent("the body is not UTF-8 JSON") from error
    if not isinstance(payload, dict):
        raise BadEvent("the body is not a JSON object")
    data = payload.get("data")
    fields = (payload.get("resource"), payload.get("event"))
    if not all(isinstance(value, str) and 0 < len(value) <= 64 for value in fields):
        raise BadEvent("resource or event missing or too long")
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise BadEvent("data.id missing")
    if not _ID.match(data["id"]):
        raise BadEvent("data.id is not a Webex id")
    return Envelope(
        resource=payload["resource"],
        event=payload["event"],
        webhook_id=str(payload.get("id", "")),
        data=data,
        payload=payload,
    )
