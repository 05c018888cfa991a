"""Webex-style ids and timestamps."""

import base64
import uuid
from datetime import UTC, datetime


def new_id(kind: str) -> str:
    """Return a new id like Webex's: url-safe base64 of ``ciscospark://us/KIND/<uuid4>``."""
    raw = f"ciscospark://us/{kind}/{uuid.uuid4()}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def now_iso() -> str:
    """Return the current UTC time as ISO-8601 with milliseconds and a Z suffix."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
