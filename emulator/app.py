"""The emulator's Flask app: the /v1 API and the /_emulator inspection routes.

Every /v1 call, in this order: sleeps ``latency_ms``; answers an injected fault if one
matches; checks the bearer token (401 without a known one); runs the route; is recorded
in ``requests_log``. Errors are JSON like Webex's: message, errors[].description,
trackingId, and a TrackingID header.
"""

import logging
import time

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .api import EXTENSION_KEY, api, current_emulator
from .cdr import register_cdr
from .devices import register_devices
from .errors import ApiFault, bearer_token, error_response
from .inspection import inspection
from .state import Emulator

logger = logging.getLogger(__name__)

API_PREFIX = "/v1/"
MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # Webex's limit for one attachment


def create_app(emulator: Emulator) -> Flask:
    """Build the Flask app that serves this emulator."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD_BYTES
    app.json.sort_keys = False  # keep Webex's key order
    app.extensions[EXTENSION_KEY] = emulator
    app.register_blueprint(api)
    app.register_blueprint(inspection)
    register_cdr(app, emulator.cdr)
    register_devices(app, emulator.devices)
    app.before_request(_before_api_call)
    app.after_request(_log_api_call)
    app.register_error_handler(ApiFault, _api_fault)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _is_api_call() -> bool:
    return request.path.startswith(API_PREFIX)


def _before_api_call() -> Response | None:
    if not _is_api_call():
        return None
    emu = current_emulator()
    if emu.latency_ms:
        time.sleep(emu.latency_ms / 1000)
    fault = emu.take_fault(request.method, request.path)
    if fault is not None:
        logger.info("injected %s for %s %s", fault.status, request.method, request.path)
        return error_response(fault.status, "Injected fault.", fault.retry_after)
    g.caller = _authenticate(emu)
    if g.caller is None:
        return error_response(
            401,
            "The request requires a valid access token in the Authorization header.",
        )
    return None


def _authenticate(emu: Emulator) -> dict | None:
    token = bearer_token()
    return emu.authenticate(token) if token else None


def _log_api_call(response: Response) -> Response:
    if _is_api_call():
        current_emulator().log_request(
            request.method, request.path, response.status_code
        )
    return response


def _api_fault(fault: ApiFault) -> Response:
    return error_response(fault.status, fault.message)


def _http_error(exc: HTTPException) -> Response:
    if not _is_api_call():
        return exc.get_response()
    return error_response(exc.code or 500, exc.description or exc.name)


def _unexpected_error(exc: Exception) -> Response:
    logger.exception("emulator failed on %s %s", request.method, request.path)
    return _http_error(InternalServerError(original_exception=exc))
