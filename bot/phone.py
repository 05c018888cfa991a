"""What the phone does, reported to the embedded device service over HTTP.

``POST /esim/activate`` and ``POST /esim/events`` need
``Authorization: Bearer <ESIM_CALLBACK_TOKEN>``; without a configured token the
endpoints are closed. The emulator's phone simulator and a real eSIM
provisioning system call them.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, current_app, jsonify, request

from handlers.activation import mask, matching_id_of
from handlers.commands import normalize_email
from handlers.errors import CommandError, NotFound
from handlers.refusals import render_error
from storage.devices import PHONE_EVENTS

logger = logging.getLogger(__name__)

blueprint = Blueprint("phone", __name__, url_prefix="/esim")

# message key of a refusal -> HTTP status
STATUSES = {
    "phone.code_unknown": 404,
    "phone.code_used": 409,
    "phone.code_cancelled": 409,
    "phone.code_expired": 410,
    "phone.event_unknown": 400,
    "phone.event_not_applicable": 409,
    "error.no_line": 404,
}


@blueprint.before_request
def _authenticate():
    token = current_app.extensions["webex_go_bot"].settings.esim_callback_token
    given = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return jsonify(
            error="unauthorized", reason="a valid bearer token is required"
        ), 401
    return None


@blueprint.post("/activate")
def activate():
    runtime = current_app.extensions["webex_go_bot"]
    code = _field("activation_code")
    if code is None:
        return _bad_request("send JSON with activation_code, the scanned string")
    masked = mask(matching_id_of(code) or code)
    try:
        email = runtime.services.devices.activate(code)
    except CommandError as error:
        _record(runtime, "activate", None, f"refused: {error.key} ({masked})")
        return _refusal(runtime, error)
    _record(runtime, "activate", email, f"online ({masked})")
    return jsonify(status="online", email=email)


@blueprint.post("/events")
def phone_event():
    runtime = current_app.extensions["webex_go_bot"]
    email, event = _field("email"), _field("event")
    if email is None or event is None:
        return _bad_request("send JSON with email and event")
    if event not in PHONE_EVENTS:
        return _bad_request("event must be one of " + ", ".join(sorted(PHONE_EVENTS)))
    try:
        email = normalize_email(email)
    except CommandError:
        return _bad_request("email is not an e-mail address")
    try:
        status = runtime.services.devices.phone_event(email, event)
    except CommandError as error:
        _record(runtime, event, email, f"refused: {error.key}")
        return _refusal(runtime, error)
    _record(runtime, event, email, status.value)
    return jsonify(status=status.value, email=email)


MAX_FIELD_CHARS = 1000


def _field(name: str) -> str | None:
    try:
        payload = request.get_json(silent=True)
    except RecursionError:
        return None
    value = payload.get(name) if isinstance(payload, dict) else None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_FIELD_CHARS:
        return None
    return value if value.isprintable() else None


def _bad_request(reason: str):
    return jsonify(error="bad_request", reason=reason), 400


def _refusal(runtime, error: CommandError):
    status = STATUSES.get(error.key, 404 if isinstance(error, NotFound) else 409)
    reason = render_error(runtime.services.texts, error)
    return jsonify(error=error.key.split(".")[-1], reason=reason), status


def _record(runtime, action: str, email: str | None, outcome: str) -> None:
    runtime.services.audit.record(
        actor="phone", action=action, line_email=email, outcome=outcome
    )
    logger.info("phone %s for %s: %s", action, email or "unknown line", outcome)
