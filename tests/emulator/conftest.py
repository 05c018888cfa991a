"""Fixtures for the emulator tests.

A seeded emulator served on a free loopback port, SDK clients for its people, and a
webhook receiver on loopback that records what it gets.
"""

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask, request
from webexpythonsdk import WebexAPI
from werkzeug.serving import make_server

from emulator import Emulator, EmulatorServer, seed_demo


@pytest.fixture
def emu() -> Emulator:
    return Emulator()


@pytest.fixture
def demo(emu: Emulator) -> dict:
    return seed_demo(emu)


@pytest.fixture
def server(emu: Emulator, demo: dict) -> Iterator[EmulatorServer]:
    emulator_server = EmulatorServer(emu, host="127.0.0.1", port=0)
    emulator_server.start()
    yield emulator_server
    emulator_server.stop()


@pytest.fixture
def api_for(server: EmulatorServer, demo: dict) -> Callable[..., WebexAPI]:
    """``api_for("alice")``: the SDK client the bot uses, with a demo person's token."""

    def make(key: str, **options: object) -> WebexAPI:
        return WebexAPI(
            access_token=demo["tokens"][key], base_url=server.base_url, **options
        )

    return make


@dataclass
class Receiver:
    """A loopback webhook target: records each POST, calls ``on_event``, answers."""

    url: str
    status: int = 200
    received: list[dict] = field(default_factory=list)
    on_event: Callable[[dict], None] | None = None


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    app = Flask("webhook_receiver")
    http = make_server("127.0.0.1", 0, app, threaded=True)
    target = Receiver(url=f"http://127.0.0.1:{http.server_port}/hook")

    @app.post("/hook")
    def hook():
        target.received.append(
            {"headers": dict(request.headers), "body": request.get_data()}
        )
        if target.on_event is not None:
            target.on_event(request.get_json())
        return "", target.status

    thread = threading.Thread(
        target=http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield target
    http.shutdown()
    thread.join()
    http.server_close()
