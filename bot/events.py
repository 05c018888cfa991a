"""The webhook envelope: what Webex POSTs, reduced to what the bot keeps."""

from __future__ import annotations

import json
from dataclasses import dataclass

from handlers.errors import BadEvent


@dataclass(frozen=True)
class Envelope:
    resource: str
    event: str
    webhook_id: str
    data: dict

    @property
    def key(self) -> str:
        """``resource:event:data.id``: the envelope's own ``id`` is the webhook's."""
        return f"{self.resource}:{self.event}:{self.data['id']}"


def parse_envelope(body: bytes) -> Envelope:
    """Read a webhook body; raise BadEvent if it is not one."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadEvent("the body is not JSON") from error
    if not isinstance(payload, dict):
        raise BadEvent("the body is not a JSON object")
    data = payload.get("data")
    fields = (payload.get("resource"), payload.get("event"))
    if not all(isinstance(value, str) and value for value in fields):
        raise BadEvent("resource or event missing")
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("id"), str)
        or not data["id"]
    ):
        raise BadEvent("data.id missing")
    return Envelope(
        resource=payload["resource"],
        event=payload["event"],
        webhook_id=str(payload.get("id", "")),
        data=data,
    )
