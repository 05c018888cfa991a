"""``POST /webhooks/webex``: verify, record, acknowledge.

Nothing here calls Webex: the event is stored under its dedupe key and a worker
does the rest, so the answer comes at once and a slow or failing Webex API never
looks like an outage of this endpoint.
"""

from __future__ import annotations

import json
import logging

from flask import Blueprint, current_app, jsonify, request

from bot.events import parse_envelope
from bot.signature import verify_signature
from handlers.errors import BadEvent
from storage.events import add_event

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024

blueprint = Blueprint("webhook", __name__)


@blueprint.post("/webhooks/webex")
def receive_webhook():
    runtime = current_app.extensions["webex_go_bot"]
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return _refuse(400, "body too large")
    body = request.stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return _refuse(400, "body too large")

    if not verify_signature(
        body, request.headers.get("X-Spark-Signature"), runtime.secret
    ):
        logger.warning("webhook refused: missing or wrong signature")
        return _refuse(401, "invalid signature")

    try:
        envelope = parse_envelope(body)
    except BadEvent as error:
        logger.warning("webhook refused: %s", error)
        return _refuse(400, str(error))

    is_new = add_event(
        runtime.engine,
        key=envelope.key,
        resource=envelope.resource,
        event=envelope.event,
        body=json.dumps(envelope.payload),
        now=runtime.clock.now(),
    )
    if is_new:
        runtime.workers.wake()
    else:
        logger.info(
            "webhook duplicate acknowledged: %s/%s id=%s",
            envelope.resource,
            envelope.event,
            envelope.data["id"],
        )
    return jsonify(status="accepted" if is_new else "duplicate"), 202 if is_new else 200


def _refuse(status: int, reason: str):
    return jsonify(error=reason), status
