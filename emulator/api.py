"""The /v1 routes: thin translations from HTTP to the emulator's rules.

Authentication, latency, injected faults and error bodies are handled around these
routes in ``app.py``; here ``g.caller`` is always the authenticated person.
"""

import logging
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, g, jsonify, request

from .errors import bad_request
from .messages import Upload
from .state import Emulator

logger = logging.getLogger(__name__)

api = Blueprint("webex_api", __name__, url_prefix="/v1")

EXTENSION_KEY = "webex_emulator"
DEFAULT_MAX = 100
DEFAULT_MESSAGES_MAX = 50


def current_emulator() -> Emulator:
    """The Emulator the running app serves (see ``app.create_app``)."""
    return current_app.extensions[EXTENSION_KEY]


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body


def _max_items(default: int) -> int:
    value = request.args.get("max", default)
    try:
        max_items = int(value)
    except ValueError:
        raise bad_request("max must be a positive integer.") from None
    if max_items < 1:
        raise bad_request("max must be a positive integer.")
    return max_items


def _page(items: list[dict], max_items: int) -> Response:
    """One page of a list, with an RFC 5988 ``Link`` header when more remain."""
    cursor = request.args.get("cursor", "0")
    start = int(cursor) if cursor.isdigit() else 0
    response = jsonify({"items": items[start : start + max_items]})
    if start + max_items < len(items):
        args = request.args.to_dict()
        args.update(max=str(max_items), cursor=str(start + max_items))
        response.headers["Link"] = f'<{request.base_url}?{urlencode(args)}>; rel="next"'
    return response


def _no_content() -> Response:
    return Response(status=204)


@api.get("/people/me")
def get_me():
    return jsonify(g.caller)


@api.get("/people")
def list_people():
    args = request.args
    people = current_emulator().directory.list_people(
        args.get("email"), args.get("displayName"), args.get("id")
    )
    return _page(people, _max_items(DEFAULT_MAX))


@api.get("/people/<person_id>")
def get_person(person_id: str):
    return jsonify(current_emulator().directory.get_person(person_id))


@api.post("/rooms")
def create_room():
    return jsonify(
        current_emulator().directory.create_room(g.caller, _body().get("title"))
    )


@api.get("/rooms")
def list_rooms():
    rooms = current_emulator().directory.list_rooms(g.caller, request.args.get("type"))
    return _page(rooms, _max_items(DEFAULT_MAX))


@api.get("/rooms/<room_id>")
def get_room(room_id: str):
    return jsonify(current_emulator().directory.get_room(g.caller, room_id))


@api.get("/memberships")
def list_memberships():
    args = request.args
    items = current_emulator().directory.list_memberships(
        g.caller, args.get("roomId"), args.get("personId"), args.get("personEmail")
    )
    return _page(items, _max_items(DEFAULT_MAX))


@api.post("/memberships")
def create_membership():
    body = _body()
    membership = current_emulator().directory.add_membership(
        g.caller, body.get("roomId"), body.get("personId"), body.get("personEmail")
    )
    return jsonify(membership)


@api.get("/memberships/<membership_id>")
def get_membership(membership_id: str):
    return jsonify(current_emulator().directory.get_membership(g.caller, membership_id))


@api.delete("/memberships/<membership_id>")
def delete_membership(membership_id: str):
    current_emulator().directory.remove_membership(g.caller, membership_id)
    return _no_content()


@api.post("/messages")
def create_message():
    if request.mimetype == "multipart/form-data":
        fields, upload = _multipart_message()
    else:
        fields, upload = _body(), None
    content_base = request.host_url + "v1/"
    return jsonify(
        current_emulator().store.create(g.caller, fields, upload, content_base)
    )


def _multipart_message() -> tuple[dict, Upload | None]:
    """The form fields and the one uploaded ``files`` part of a multipart message."""
    if set(request.files) - {"files"}:
        raise bad_request("Files must be sent in a part named files.")
    if "attachments" in request.form:
        raise bad_request("Cards (attachments) must be sent in a JSON request.")
    uploads = request.files.getlist("files")
    if len(uploads) > 1:
        raise bad_request("Only one file may be attached to a message.")
    fields: dict = request.form.to_dict()
    if "files" in request.form:
        fields["files"] = request.form.getlist("files")
    if not uploads:
        return fields, None
    part = uploads[0]
    data = part.read()
    part.close()
    content_type = part.mimetype or "application/octet-stream"
    return fields, Upload(part.filename or "file", content_type, data)


@api.get("/messages")
def list_messages():
    max_items = _max_items(DEFAULT_MESSAGES_MAX)
    if not request.args.get("roomId"):
        raise bad_request("roomId is required.")
    return _page(
        current_emulator().store.list_messages(g.caller, request.args, max_items),
        max_items,
    )


@api.get("/messages/<message_id>")
def get_message(message_id: str):
    return jsonify(current_emulator().store.get(g.caller, message_id))


@api.put("/messages/<message_id>")
def update_message(message_id: str):
    return jsonify(current_emulator().store.update(g.caller, message_id, _body()))


@api.delete("/messages/<message_id>")
def delete_message(message_id: str):
    current_emulator().store.delete(g.caller, message_id)
    return _no_content()


@api.get("/contents/<content_id>")
def get_content(content_id: str):
    upload = current_emulator().store.download(g.caller, content_id)
    filename = upload.filename.replace('"', "").replace("\\", "").replace("\n", "")
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(upload.data, content_type=upload.content_type, headers=headers)


@api.post("/attachment/actions")
def create_attachment_action():
    return jsonify(current_emulator().actions.create(g.caller, _body()))


@api.get("/attachment/actions/<action_id>")
def get_attachment_action(action_id: str):
    return jsonify(current_emulator().actions.get(g.caller, action_id))


@api.post("/webhooks")
def create_webhook():
    emu = current_emulator()
    app_id = emu.directory.app_id(g.caller["id"])
    return jsonify(emu.webhooks.create(g.caller, app_id, _body()))


@api.get("/webhooks")
def list_webhooks():
    return _page(
        current_emulator().webhooks.list_webhooks(g.caller), _max_items(DEFAULT_MAX)
    )


@api.get("/webhooks/<webhook_id>")
def get_webhook(webhook_id: str):
    return jsonify(current_emulator().webhooks.get(g.caller, webhook_id))


@api.put("/webhooks/<webhook_id>")
def update_webhook(webhook_id: str):
    return jsonify(current_emulator().webhooks.update(g.caller, webhook_id, _body()))


@api.delete("/webhooks/<webhook_id>")
def delete_webhook(webhook_id: str):
    current_emulator().webhooks.delete(g.caller, webhook_id)
    return _no_content()
