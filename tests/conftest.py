"""Fixtures shared by every test; guards that keep tests off the network."""

from __future__ import annotations

import ipaddress
import json
import socket
from pathlib import Path

import pytest

from bot.settings import _VARIABLES as SETTINGS_VARIABLES
from handlers.clock import Clock
from storage.db import make_engine

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
LOCAL_FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_fixture(relative: str) -> dict:
    """A payload from shared/fixtures (or its copy in tests/fixtures)."""
    for folder in (LOCAL_FIXTURES, FIXTURES):
        path = folder / relative
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(relative)


_real_connect = socket.socket.connect


def _loopback_only(self, address):
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ConnectionRefusedError(
                f"tests may only connect to loopback, not {host}"
            )
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in (*SETTINGS_VARIABLES, "WEBEX_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def clock():
    return Clock()
