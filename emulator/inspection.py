"""Inspection routes under /_emulator/: what was posted and delivered.

For tests that run the emulator in another process. No token is needed, so these routes
answer loopback clients only.
"""

import math

from flask import Blueprint, abort, jsonify, request

from .api import current_emulator
from .loopback import is_loopback_host

inspection = Blueprint("emulator_inspection", __name__, url_prefix="/_emulator")

MAX_IDLE_WAIT_SECONDS = 60.0


@inspection.before_request
def _loopback_only() -> None:
    if not is_loopback_host(request.remote_addr or ""):
        abort(403)


@inspection.get("/messages")
def messages():
    args = request.args
    found = current_emulator().messages(
        sent_by=args.get("sent_by"),
        room_id=args.get("room_id"),
        to_person_email=args.get("to_person_email"),
    )
    return jsonify({"items": found})


@inspection.get("/deliveries")
def deliveries():
    return jsonify({"items": current_emulator().deliveries})


@inspection.route("/idle", methods=["GET", "POST"])
def idle():
    """Wait until webhook delivery is idle (at most ``timeout`` seconds, default 5)."""
    try:
        timeout = float(request.args.get("timeout", 5.0))
    except ValueError:
        abort(400)
    if not math.isfinite(timeout):
        abort(400)
    idle = current_emulator().wait_idle(min(max(timeout, 0.0), MAX_IDLE_WAIT_SECONDS))
    return jsonify({"idle": idle})
