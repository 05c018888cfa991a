"""Fixtures shared by every test; guards that keep tests off the network."""

from __future__ import annotations

import ipaddress
import json
import os
import socket
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from bot.settings import _VARIABLES as SETTINGS_VARIABLES
from handlers.clock import Clock
from storage.db import make_engine
from storage.schema import upgrade_schema

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


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each test that uses a database runs on SQLite and on PostgreSQL.

    PostgreSQL comes from ``TEST_DATABASE_URL`` (``.ci/run`` starts one); without
    it those runs are skipped, except in CI, where they fail.
    """
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.db'}"
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: set TEST_DATABASE_URL")
        pytest.skip("no PostgreSQL: set TEST_DATABASE_URL to run these")
    _empty_database(url)
    return url


def _empty_database(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    upgrade_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock():
    return Clock()
