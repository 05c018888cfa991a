"""Webex Go devices: the Devices API and the Webex Calling person devices list.

As shared/reference/webex-platform.md (section 7) describes them:

- ``GET /v1/devices`` (``type``, ``personId``, ``max``, ``start``; ``Link`` pages),
  ``GET /v1/devices/{deviceId}`` and ``DELETE /v1/devices/{deviceId}`` (204). A
  device has ``id``, ``displayName``, ``personId``, ``orgId``, ``capabilities``,
  ``permissions``, ``connectionStatus``, ``product`` "Webex Go", ``type``
  "webexgo", ``tags``, ``callingDeviceId``, ``sipUrls``, ``errorCodes``,
  ``managedBy`` and ``created``.
- ``GET /v1/telephony/config/people/{personId}/devices``: ``{"devices": [...],
  "maxDeviceCount", "maxOwnedDeviceCount"}``, each device with ``id`` (the
  ``callingDeviceId``), ``descriptions``, ``model``, ``modelType`` "ESIM",
  ``primaryOwner``, ``type`` "PRIMARY", ``owner`` (``id``, ``type`` "PEOPLE") and
  ``activationState``.

Status values are stored as given, unchecked, so tests can seed values the bot does
not know. Webex has no API to make a Webex Go device or its activation codes, so
there is no route for them: tests and the demo seed and change devices through the
``DeviceStore``.

Who may call: mounted on the emulator's app, its bearer token check and
``fail_next`` apply first, then the caller must be an admin: a person added with
``DeviceStore.add_admin``, or anyone while no admin was added. Mounted alone, a
token in ``DeviceStore(tokens=...)`` is an admin::

    register_devices(app, DeviceStore(org_id=emu.directory.org_id))
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request

from .errors import bearer_token, error_response
from .ids import new_id, now_iso

EXTENSION_KEY = "webex_devices"
DEFAULT_MAX = 100
MAX_DEVICE_COUNT = 5
WEBEX_GO_PRODUCT = "Webex Go"
WEBEX_GO_TYPE = "webexgo"

devices_api = Blueprint("webex_devices", __name__, url_prefix="/v1")


class DeviceStore:
    """The organisation's Webex Go devices. Thread-safe; methods return copies."""

    def __init__(
        self,
        *,
        org_id: str | None = None,
        tokens: Iterable[str] = (),
        lock: threading.RLock | None = None,
    ) -> None:
        self.org_id = org_id or new_id("ORGANIZATION")
        self.tokens = set(tokens)
        self._lock = lock or threading.RLock()
        self._devices: dict[str, dict] = {}
        self._phones: dict[str, dict] = {}  # calling device id -> telephony device
        self._admins: set[str] = set()

    def add_admin(self, person_id: str) -> None:
        """Only admins may call the device routes once one is added."""
        with self._lock:
            self._admins.add(person_id)

    def is_admin(self, person_id: str) -> bool:
        with self._lock:
            return not self._admins or person_id in self._admins

    def add_webexgo_device(
        self,
        person_id: str,
        connection_status: str = "activating",
        activation_state: str = "ACTIVATING",
        *,
        display_name: str = "Webex Go Device",
    ) -> dict:
        """Add a person's Webex Go device; returns it as ``GET /devices/{id}`` does."""
        calling_id = new_id("CALLING_DEVICE")
        device = {
            "id": new_id("DEVICE"),
            "displayName": display_name,
            "personId": person_id,
            "orgId": self.org_id,
            "capabilities": [],
            "permissions": [],
            "connectionStatus": connection_status,
            "product": WEBEX_GO_PRODUCT,
            "type": WEBEX_GO_TYPE,
            "tags": [],
            "callingDeviceId": calling_id,
            "sipUrls": [],
            "errorCodes": [],
            "managedBy": "CISCO",
            "created": now_iso(),
        }
        phone = {
            "id": calling_id,
            "descriptions": [],
            "model": WEBEX_GO_PRODUCT,
            "modelType": "ESIM",
            "primaryOwner": True,
            "type": "PRIMARY",
            "owner": {"id": person_id, "type": "PEOPLE"},
            "activationState": activation_state,
        }
        with self._lock:
            self._devices[device["id"]] = device
            self._phones[calling_id] = phone
            return copy.deepcopy(device)

    def set_state(
        self,
        device_id: str,
        *,
        connection_status: str | None = None,
        activation_state: str | None = None,
    ) -> None:
        """Change what the two APIs report for a device; None leaves a value as is."""
        with self._lock:
            device = self._devices[device_id]
            if connection_status is not None:
                device["connectionStatus"] = connection_status
            if activation_state is not None:
                self._phones[device["callingDeviceId"]]["activationState"] = (
                    activation_state
                )

    def devices(
        self, person_id: str | None = None, type: str | None = None
    ) -> list[dict]:
        """Devices in the order they were added, optionally one person's or type's."""
        with self._lock:
            return [
                copy.deepcopy(device)
                for device in self._devices.values()
                if person_id in (None, device["personId"])
                and type in (None, device["type"])
            ]

    def device(self, device_id: str) -> dict | None:
        with self._lock:
            device = self._devices.get(device_id)
            return copy.deepcopy(device) if device else None

    def person_devices(self, person_id: str) -> list[dict]:
        """The person's devices as the Webex Calling devices list shows them."""
        with self._lock:
            return [
                copy.deepcopy(self._phones[device["callingDeviceId"]])
                for device in self._devices.values()
                if device["personId"] == person_id
            ]

    def remove(self, device_id: str) -> bool:
        """Delete a device from both APIs; False if there was none."""
        with self._lock:
            device = self._devices.pop(device_id, None)
            if device is None:
                return False
            self._phones.pop(device["callingDeviceId"], None)
            return True


def register_devices(app: Flask, store: DeviceStore) -> None:
    """Serve ``store`` on ``app`` under /v1; again swaps the store."""
    app.extensions[EXTENSION_KEY] = store
    if devices_api.name not in app.blueprints:
        app.register_blueprint(devices_api)


@devices_api.before_request
def _check_caller() -> Response | None:
    store = _store()
    caller = g.get("caller")
    if caller is None and bearer_token() not in store.tokens:
        message = (
            "The request requires a valid access token in the Authorization header."
        )
        return error_response(401, message)
    if caller is not None and not store.is_admin(caller["id"]):
        return error_response(403, "This request requires an administrator token.")
    return None


@devices_api.get("/devices")
def list_devices() -> Response:
    args = request.args
    try:
        start, max_items = _offset("start", 0), _offset("max", DEFAULT_MAX)
    except ValueError as error:
        return error_response(400, str(error))
    if max_items < 1:
        return error_response(400, "max must be a positive integer.")
    items = _store().devices(args.get("personId"), args.get("type"))
    return _page(items, start, max_items)


@devices_api.get("/devices/<device_id>")
def get_device(device_id: str) -> Response:
    device = _store().device(device_id)
    if device is None:
        return error_response(404, "The requested device was not found.")
    return jsonify(device)


@devices_api.delete("/devices/<device_id>")
def delete_device(device_id: str) -> Response:
    if not _store().remove(device_id):
        return error_response(404, "The requested device was not found.")
    return Response(status=204)


@devices_api.get("/telephony/config/people/<person_id>/devices")
def list_person_devices(person_id: str) -> Response:
    return jsonify(
        {
            "devices": _store().person_devices(person_id),
            "maxDeviceCount": MAX_DEVICE_COUNT,
            "maxOwnedDeviceCount": MAX_DEVICE_COUNT,
        }
    )


def _page(items: list[dict], start: int, max_items: int) -> Response:
    response = jsonify({"items": items[start : start + max_items]})
    if start + max_items < len(items):
        args = request.args.to_dict()
        args.update(max=str(max_items), start=str(start + max_items))
        response.headers["Link"] = f'<{request.base_url}?{urlencode(args)}>; rel="next"'
    return response


def _offset(name: str, default: int) -> int:
    value = request.args.get(name, str(default))
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number.")
    return int(value)


def _store() -> DeviceStore:
    return current_app.extensions[EXTENSION_KEY]
