"""One contract for both device services: what an admin can observe must match.

Runs over the embedded service (a temporary SQLite database) and the Control Hub
service (the emulated Webex device APIs over HTTP on loopback). Each adapter seeds
a line its own way: the embedded one through its own actions and phone events, the
Control Hub one by putting a device into Webex, as Control Hub and the phone would.

Left out, because the adapters differ by design: the code of a line (Control Hub's
codes cannot be read back, so ``LineInfo.code`` is None there) and the actions that
succeed (a new code, Lost/Stolen and adding a line issue data in the embedded
service and hand the admin to Control Hub in the other).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from handlers.errors import CommandError, NotFound, RuleViolation
from handlers.ports import DeviceService
from storage.db import make_engine
from storage.devices import EmbeddedDeviceService
from storage.models import LineStatus
from storage.schema import upgrade_schema

ALICE, BOB, CAROL, DAN = (
    f"{name}@example.com" for name in ("alice", "bob", "carol", "dan")
)
NOBODY = "nobody@example.com"  # not even a Webex user
POOL_SIZE = 5
STATUS = {
    "pending": LineStatus.PENDING_ACTIVATION,
    "online": LineStatus.ONLINE,
    "offline": LineStatus.OFFLINE,
}


@dataclass
class Adapter:
    devices: DeviceService
    seed_line: Callable[[str, str], None]  # (email, "pending" | "online" | "offline")


def _embedded(request) -> Adapter:
    # The contract is about the adapters; the database suite covers PostgreSQL.
    database = request.getfixturevalue("tmp_path") / "contract.db"
    engine = make_engine(f"sqlite:///{database}")
    upgrade_schema(engine)
    devices = EmbeddedDeviceService(
        engine,
        smdp_address="smdp.test.example",
        code_ttl=timedelta(days=90),
        now=request.getfixturevalue("clock").now,
        licence_pool_size=POOL_SIZE,
    )

    def seed_line(email: str, state: str) -> None:
        code = devices.add_line(email).activation.activation_string
        if state in ("online", "offline"):
            devices.activate(code)
        if state == "offline":
            devices.phone_event(email, "service_off")

    return Adapter(devices, seed_line)


def _controlhub(request) -> Adapter:
    server = request.getfixturevalue("device_server")
    return Adapter(request.getfixturevalue("controlhub"), server.seed_line)


@pytest.fixture(params=[_embedded, _controlhub], ids=["embedded", "controlhub"])
def adapter(request) -> Adapter:
    return request.param(request)


def _seen(line) -> tuple[str, LineStatus] | None:
    return None if line is None else (line.email, line.status)


def _refusal(call: Callable[[], object]) -> tuple[type, str, dict]:
    with pytest.raises(CommandError) as caught:
        call()
    error = caught.value
    kind = NotFound if isinstance(error, NotFound) else type(error)
    return kind, error.key, error.params


@pytest.mark.parametrize("state", ["pending", "online", "offline"])
def test_get_line_shows_the_status(adapter, state):
    adapter.seed_line(ALICE, state)

    assert _seen(adapter.devices.get_line(ALICE)) == (ALICE, STATUS[state])


@pytest.mark.parametrize("email", [DAN, NOBODY])
def test_get_line_of_someone_without_a_line_is_none(adapter, email):
    adapter.seed_line(ALICE, "online")

    assert adapter.devices.get_line(email) is None


def test_list_lines_gives_every_line_ordered_by_email(adapter):
    adapter.seed_line(CAROL, "offline")
    adapter.seed_line(ALICE, "pending")
    adapter.seed_line(BOB, "online")

    assert [_seen(line) for line in adapter.devices.list_lines()] == [
        (ALICE, LineStatus.PENDING_ACTIVATION),
        (BOB, LineStatus.ONLINE),
        (CAROL, LineStatus.OFFLINE),
    ]


def test_list_lines_is_empty_without_lines(adapter):
    assert adapter.devices.list_lines() == []


def test_licence_pool_counts_the_lines(adapter):
    adapter.seed_line(ALICE, "pending")
    adapter.seed_line(BOB, "online")

    pool = adapter.devices.licence_pool()

    assert (pool.size, pool.used, pool.free) == (POOL_SIZE, 2, POOL_SIZE - 2)


@pytest.mark.parametrize("state", ["pending", "online", "offline"])
def test_a_deleted_line_is_gone(adapter, state):
    adapter.seed_line(ALICE, state)
    adapter.seed_line(BOB, "online")

    adapter.devices.delete_line(ALICE)

    assert adapter.devices.get_line(ALICE) is None
    assert [_seen(line) for line in adapter.devices.list_lines()] == [
        (BOB, LineStatus.ONLINE)
    ]
    assert adapter.devices.licence_pool().used == 1


@pytest.mark.parametrize("email", [DAN, NOBODY])
def test_deleting_no_line_is_not_found(adapter, email):
    assert _refusal(lambda: adapter.devices.delete_line(email)) == (
        NotFound,
        "error.no_line",
        {"email": email},
    )


def test_deleting_twice_is_not_found_the_second_time(adapter):
    adapter.seed_line(ALICE, "online")
    adapter.devices.delete_line(ALICE)

    assert _refusal(lambda: adapter.devices.delete_line(ALICE))[1] == "error.no_line"


@pytest.mark.parametrize("state", ["pending", "online", "offline"])
def test_adding_a_second_line_is_refused(adapter, state):
    adapter.seed_line(ALICE, state)

    assert _refusal(lambda: adapter.devices.add_line(ALICE)) == (
        RuleViolation,
        "error.line_exists",
        {"email": ALICE},
    )


@pytest.mark.parametrize("state", ["online", "offline"])
def test_a_new_code_only_while_pending(adapter, state):
    adapter.seed_line(ALICE, state)

    assert _refusal(lambda: adapter.devices.issue_code(ALICE)) == (
        RuleViolation,
        "error.line_not_pending",
        {"email": ALICE, "status": STATUS[state]},
    )


@pytest.mark.parametrize(
    "action",
    [
        lambda devices: devices.issue_code(DAN),
        lambda devices: devices.report_lost(DAN),
    ],
    ids=["new code", "lost"],
)
def test_actions_on_no_line_are_not_found(adapter, action):
    assert _refusal(lambda: action(adapter.devices)) == (
        NotFound,
        "error.no_line",
        {"email": DAN},
    )
