"""The emulator with Webex Go devices, served on loopback, and a device service on it.

Seed lines with ``seed_line``: it puts a person's Webex Go device in one of the
bot's states through the ``DeviceStore``, as Control Hub and the phone would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from werkzeug.serving import make_server

from bot.controlhub import ControlHubDeviceService
from emulator import Emulator, seed_demo
from emulator.app import create_app
from emulator.devices import DeviceStore, register_devices

# state -> (connectionStatus, activationState) a device in that state reports
DEVICE_STATES = {
    "pending": ("activating", "ACTIVATING"),
    "online": ("connected", "ACTIVATED"),
    "offline": ("disconnected", "ACTIVATED"),
}


@dataclass
class DeviceServer:
    emulator: Emulator
    store: DeviceStore
    org: dict
    base_url: str

    @property
    def admin_token(self) -> str:
        return self.org["tokens"]["admin"]

    def person_id(self, email: str) -> str:
        person = self.emulator.person_by_email(email)
        assert person is not None, email
        return person["id"]

    def seed_line(self, email: str, state: str) -> dict:
        """Give the person a Webex Go device in ``state``; returns the device."""
        connection_status, activation_state = DEVICE_STATES[state]
        return self.store.add_webexgo_device(
            self.person_id(email), connection_status, activation_state
        )


@pytest.fixture
def device_server() -> Iterator[DeviceServer]:
    emu = Emulator()
    org = seed_demo(emu)
    store = DeviceStore(org_id=emu.directory.org_id)
    store.add_admin(org["people"]["admin"]["id"])
    app = create_app(emu)
    register_devices(app, store)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    base_url = f"http://127.0.0.1:{http.server_port}/v1/"
    yield DeviceServer(emu, store, org, base_url)
    http.shutdown()
    thread.join()
    http.server_close()


@pytest.fixture
def naps() -> list[float]:
    return []


@pytest.fixture
def controlhub(device_server, naps) -> Iterator[ControlHubDeviceService]:
    service = ControlHubDeviceService(
        device_server.admin_token,
        device_server.base_url,
        licence_pool_size=5,
        max_attempts=3,
        sleep=naps.append,
    )
    yield service
    service.api.session.close()
