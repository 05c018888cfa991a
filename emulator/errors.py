"""The emulator's API errors: the exception its rules raise, and the JSON Webex answers.

Also the bearer token of the current request, which every blueprint reads.
"""

import uuid

from flask import Response, jsonify, request


class ApiFault(Exception):
    """A request the emulated Webex API refuses; the app turns it into a JSON error."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def bad_request(message: str) -> ApiFault:
    return ApiFault(400, message)


def forbidden(message: str) -> ApiFault:
    return ApiFault(403, message)


def not_found(message: str) -> ApiFault:
    return ApiFault(404, message)


def conflict(message: str) -> ApiFault:
    return ApiFault(409, message)


def error_response(
    status: int, message: str, retry_after: str | None = None
) -> Response:
    """A Webex-style JSON error."""
    tracking_id = f"EMU_{uuid.uuid4()}"
    body = {
        "message": message,
        "errors": [{"description": message}],
        "trackingId": tracking_id,
    }
    response = jsonify(body)
    response.status_code = status
    response.headers["TrackingID"] = tracking_id
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


def bearer_token() -> str:
    """The request's bearer token, or "" if it has none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""
