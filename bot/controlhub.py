"""``ControlHubDeviceService``: the ``DeviceService`` port over the Webex device APIs.

For real organisations (``DEVICE_SERVICE=controlhub``): Webex Go lines live in
Webex, and the bot reads them with an admin token (``WEBEX_ADMIN_TOKEN``):

- ``GET people?email=``: the person behind an e-mail address;
- ``GET devices?type=webexgo&personId=``: their Webex Go device and its
  ``connectionStatus``; ``DELETE devices/{id}`` removes it;
- ``GET telephony/config/people/{personId}/devices``: the device with
  ``modelType`` ESIM and its ``activationState``.

The token needs ``spark-admin:people_read``, ``spark-admin:devices_read``,
``spark-admin:devices_write`` and ``spark-admin:telephony_config_read``.

Status (values compared in any case; the specs disagree on it)::

    activationState   connectionStatus                          line status
    ---------------   ----------------------------------------  ------------------
    none              activating                                Pending Activation
    ACTIVATED / none  connected, connected_with_issues          Online
    ACTIVATED / none  disconnected, offline_expired,            Offline
                      offline_deep_sleep
    ACTIVATING        none, activating, disconnected,           Pending Activation
                      offline_expired, offline_deep_sleep
    ACTIVATED         activating                                unknown (disagree)
    ACTIVATING        connected, connected_with_issues          unknown (disagree)
    DEACTIVATED       any                                       unknown
    any other value   any                                       unknown
    any               unknown, none, any other value            unknown

None of this mapping is verified against a real organisation
(shared/reference/webex-platform.md, section 7.2); Online and Offline group the
connection states as public Webex tooling does. Where the two APIs disagree, or a
value has no row, nothing is guessed: the line is ``ControlHubLineInfo`` with
``status`` ``UNKNOWN_STATUS`` (None) and ``raw_status`` naming the values Webex
reported.

Not possible through Webex's public APIs (reference, section 7.4): a new code,
Lost/Stolen and adding a device raise ``ControlHubHandOff`` once the bot's own
rules allow them; the admin does them in Control Hub and pastes the result, which
``record_code`` turns into an ``IssuedCode``. The phone talks to Cisco's SM-DP+, so
``activate``, ``phone_event`` and ``check_code`` are refused. The licence pool size
is not in these APIs: it is configured, and ``used`` counts Webex Go devices.

HTTP goes through ``bot.webex_admin.WebexAdminApi``: bounded retries, no sleeping
inside a web request, the token sent to the configured host only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

import requests

from bot.webex_admin import WebexAdminApi
from handlers.activation import ActivationData
from handlers.errors import NotFound, RuleViolation
from handlers.handoff import ADD_DEVICE, GENERATE_CODE, LOST_STOLEN, ControlHubHandOff
from handlers.ports import IssuedCode, LicencePool, LineInfo
from storage.models import CodeState, LineStatus

logger = logging.getLogger(__name__)

WEBEX_GO_TYPE = "webexgo"
ESIM_MODEL_TYPE = "esim"
PEOPLE_PER_LOOKUP = 85  # GET /people takes at most 85 ids at once

CONNECTION_STATUSES = {
    "activating": LineStatus.PENDING_ACTIVATION,
    "connected": LineStatus.ONLINE,
    "connected_with_issues": LineStatus.ONLINE,
    "disconnected": LineStatus.OFFLINE,
    "offline_expired": LineStatus.OFFLINE,
    "offline_deep_sleep": LineStatus.OFFLINE,
}
# What an unmappable line shows; LineStatus has no "unknown" member (yet).
UNKNOWN_STATUS = LineStatus.UNKNOWN
# While the telephony side is still activating, only these fit Pending Activation.
ACTIVATING_CONNECTIONS = frozenset(
    {None, "activating", "disconnected", "offline_expired", "offline_deep_sleep"}
)


@dataclass(frozen=True)
class ControlHubLineInfo(LineInfo):
    """A line as Webex reports it; ``status`` is ``UNKNOWN_STATUS`` when unknown.

    ``raw_status`` names the reported values behind an unknown status, e.g.
    ``activationState=DEACTIVATED``; it is None when the status is known.
    """

    status: LineStatus | None  # type: ignore[assignment]
    raw_status: str | None = None
    device_id: str | None = None
    connection_status: str | None = None
    activation_state: str | None = None


def line_status(
    connection_status: str | None, activation_state: str | None
) -> tuple[LineStatus | None, str | None]:
    """The line status for the two reported values, and the raw values if unknown."""
    connection = _normalise(connection_status)
    activation = _normalise(activation_state)
    if activation in (None, "activated"):
        status = CONNECTION_STATUSES.get(connection or "")
        if activation == "activated" and connection == "activating":
            status = None
    elif activation == "activating" and connection in ACTIVATING_CONNECTIONS:
        status = LineStatus.PENDING_ACTIVATION
    else:
        status = None
    if status is not None:
        return status, None
    return UNKNOWN_STATUS, _describe(connection_status, activation_state)


class ControlHubDeviceService:
    """Implements ``handlers.ports.DeviceService``; see the module docstring."""

    def __init__(
        self,
        token: str,
        base_url: str,
        *,
        code_ttl: timedelta = timedelta(days=90),
        licence_pool_size: int = 100,
        session: requests.Session | None = None,
        max_attempts: int = 4,
        max_retry_after: float = 60.0,
        backoff: float = 0.5,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api = WebexAdminApi(
            token,
            base_url,
            session=session,
            max_attempts=max_attempts,
            max_retry_after=max_retry_after,
            backoff=backoff,
            timeout=timeout,
            sleep=sleep,
        )
        self.code_ttl = code_ttl
        self._pool_size = licence_pool_size

    def __repr__(self) -> str:
        return f"ControlHubDeviceService({self.api.base_url!r})"

    def get_line(self, email: str) -> ControlHubLineInfo | None:
        person = self._find_person(email)
        return self._line_of(person, email) if person else None

    def list_lines(self) -> list[LineInfo]:
        devices: dict[str, dict] = {}
        for device in self.api.get_items("devices", {"type": WEBEX_GO_TYPE}):
            if device.get("personId"):
                devices.setdefault(device["personId"], device)
        emails = self._emails_of(list(devices))
        lines = [
            self._line(emails[person_id], device)
            for person_id, device in devices.items()
            if person_id in emails
        ]
        return sorted(lines, key=lambda line: line.email)

    def licence_pool(self) -> LicencePool:
        used = sum(1 for _ in self.api.get_items("devices", {"type": WEBEX_GO_TYPE}))
        return LicencePool(size=self._pool_size, used=used)

    def add_line(self, email: str) -> IssuedCode:
        person = self._find_person(email)
        if person is None:
            raise NotFound("error.unknown_person", email=email)
        if self._line_of(person, email) is not None:
            raise RuleViolation("error.line_exists", email=email)
        raise ControlHubHandOff(ADD_DEVICE, email=email)

    def issue_code(self, email: str) -> IssuedCode:
        line = self._require_line(email)
        if line.status not in (LineStatus.PENDING_ACTIVATION, UNKNOWN_STATUS):
            raise RuleViolation(
                "error.line_not_pending", email=email, status=line.status
            )
        raise ControlHubHandOff(GENERATE_CODE, email=email)

    def report_lost(self, email: str) -> IssuedCode:
        self._require_line(email)
        raise ControlHubHandOff(LOST_STOLEN, email=email)

    def delete_line(self, email: str) -> None:
        person = self._find_person(email)
        device = self._webexgo_device(person["id"]) if person else None
        if device is None or not self.api.delete(f"devices/{_quote(device['id'])}"):
            raise NotFound("error.no_line", email=email)
        logger.info(
            "deleted Webex Go device %s of person %s", device["id"], device["personId"]
        )

    def record_code(
        self, email: str, activation: ActivationData, issued_at: datetime
    ) -> IssuedCode:
        """Activation data an admin brought from Control Hub, with its expiry.

        Stores nothing: the caller keeps the code (masked) where it keeps codes.
        """
        if issued_at.tzinfo is None:
            raise ValueError("issued_at must be an aware datetime")
        return IssuedCode(
            email=email,
            activation=activation,
            issued_at=issued_at,
            expires_at=issued_at + self.code_ttl,
        )

    def activate(self, activation_string: str) -> str:
        raise _not_applicable("activate")

    def phone_event(self, email: str, event: str) -> LineStatus:
        raise _not_applicable("phone_event")

    def check_code(self, activation_string: str) -> CodeState | None:
        raise _not_applicable("check_code")

    def _require_line(self, email: str) -> ControlHubLineInfo:
        line = self.get_line(email)
        if line is None:
            raise NotFound("error.no_line", email=email)
        return line

    def _find_person(self, email: str) -> dict | None:
        return next(self.api.get_items("people", {"email": email}), None)

    def _line_of(self, person: dict, email: str) -> ControlHubLineInfo | None:
        device = self._webexgo_device(person["id"])
        return self._line(_email_of(person, email), device) if device else None

    def _emails_of(self, person_ids: list[str]) -> dict[str, str]:
        emails = {}
        for start in range(0, len(person_ids), PEOPLE_PER_LOOKUP):
            batch = ",".join(person_ids[start : start + PEOPLE_PER_LOOKUP])
            for person in self.api.get_items("people", {"id": batch}):
                emails[person["id"]] = _email_of(person, "")
        missing = set(person_ids) - set(emails)
        if missing:
            logger.warning("%d Webex Go devices belong to no person", len(missing))
        return emails

    def _webexgo_device(self, person_id: str) -> dict | None:
        params = {"type": WEBEX_GO_TYPE, "personId": person_id}
        devices = list(self.api.get_items("devices", params))
        if len(devices) > 1:
            logger.warning(
                "person %s has %d Webex Go devices; using the first",
                person_id,
                len(devices),
            )
        return devices[0] if devices else None

    def _line(self, email: str, device: dict) -> ControlHubLineInfo:
        activation_state = self._activation_state(device)
        connection_status = device.get("connectionStatus")
        status, raw = line_status(connection_status, activation_state)
        return ControlHubLineInfo(
            email=email,
            status=status,
            raw_status=raw,
            device_id=device["id"],
            connection_status=connection_status,
            activation_state=activation_state,
        )

    def _activation_state(self, device: dict) -> str | None:
        path = f"telephony/config/people/{_quote(device['personId'])}/devices"
        body = self.api.get_json(path)
        phones = body.get("devices") if isinstance(body, dict) else None
        if not isinstance(phones, list):
            return None
        esims = [
            phone
            for phone in phones
            if isinstance(phone, dict)
            and _normalise(phone.get("modelType")) == ESIM_MODEL_TYPE
        ]
        calling_id = device.get("callingDeviceId")
        matching = [phone for phone in esims if phone.get("id") == calling_id]
        chosen = (matching or esims or [None])[0]
        return chosen.get("activationState") if chosen else None


def _not_applicable(operation: str) -> RuleViolation:
    return RuleViolation("controlhub.phone_not_applicable", operation=operation)


def _normalise(value: object) -> str | None:
    text = str(value).strip().lower() if value is not None else ""
    return text or None


def _describe(connection_status: str | None, activation_state: str | None) -> str:
    reported = [
        f"{name}={value}"
        for name, value in (
            ("activationState", activation_state),
            ("connectionStatus", connection_status),
        )
        if value
    ]
    return ", ".join(reported) or "no status reported"


def _email_of(person: dict, fallback: str) -> str:
    emails = person.get("emails") or []
    return str(emails[0]).lower() if emails else fallback.lower()


def _quote(value: str) -> str:
    return quote(value, safe="")
