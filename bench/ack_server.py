"""The bot for benchmark 1, served by gunicorn like production (``create()``):
``/webhooks/webex`` as shipped, and ``/sync-webhook``, the baseline that runs the
same handlers inside the request."""

from __future__ import annotations

import atexit
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import jsonify, request

from bot import create_app
from bot.events import parse_envelope
from bot.settings import load_settings
from bot.signature import verify_signature


def create():
    settings = load_settings()
    app = create_app(settings)
    runtime = app.extensions["webex_go_bot"]

    def synchronous():
        body = request.get_data()
        if not verify_signature(
            body, request.headers.get("X-Spark-Signature"), runtime.secret
        ):
            return jsonify(error="invalid signature"), 401
        envelope = parse_envelope(body)
        outcome = runtime.dispatcher.handle_event(
            envelope.resource, envelope.event, envelope.data
        )
        return jsonify(result=outcome.result), 200

    app.add_url_rule("/sync-webhook", "sync", synchronous, methods=["POST"])
    atexit.register(runtime.workers.stop)
    return app
