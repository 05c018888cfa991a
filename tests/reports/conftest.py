"""Fixtures for the call report: the sample export, small CSV files, a CDR server.

The server is the emulator's ``cdr_feed`` blueprint on a free loopback port, with a
clock that only moves when the client under test sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from emulator.cdr import CdrStore, register_cdr
from tests.conftest import LOCAL_FIXTURES

SAMPLE = LOCAL_FIXTURES / "cdr" / "calls-sample.csv"
ADMIN_TOKEN = "cdr-admin-token"
# A day after the sample's last call: every sample call is between 5 minutes and
# 30 days old.
SAMPLE_NOW = datetime(2026, 11, 8, tzinfo=UTC)

HEADER = (
    "Start time,Answer time,Duration,User,User UUID,Direction,"
    "Client type,Sub client type,Answered,Report ID"
)


def csv_file(tmp_path: Path, text: str, name: str = "calls.csv") -> Path:
    """Write ``text`` as a UTF-8 file and return its path."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def go_row(
    report_id: str,
    user: str = "Alice Example",
    start: str = "2026-11-02T08:00:00.000Z",
    direction: str = "ORIGINATING",
    duration: str = "60",
) -> str:
    """A Webex Go call in the ``HEADER`` layout."""
    return (
        f"{start},{start},{duration},{user},uuid-{user[:1]},{direction},"
        f"SIP,MOBILE_NETWORK,true,{report_id}"
    )


@dataclass
class FakeTime:
    """Now and sleep for both sides: sleeping moves now."""

    moment: datetime = SAMPLE_NOW
    naps: list[float] = field(default_factory=list)

    def now(self) -> datetime:
        return self.moment

    def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.moment += timedelta(seconds=seconds)


@dataclass
class CdrServer:
    store: CdrStore
    base_url: str


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def cdr_store(fake_time: FakeTime) -> CdrStore:
    return CdrStore.from_csv(SAMPLE, tokens=[ADMIN_TOKEN], now=fake_time.now)


@pytest.fixture
def cdr_server(cdr_store: CdrStore) -> Iterator[CdrServer]:
    app = Flask("cdr_emulator")
    register_cdr(app, cdr_store)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield CdrServer(cdr_store, f"http://127.0.0.1:{http.server_port}/v1/")
    http.shutdown()
    thread.join()
    http.server_close()
