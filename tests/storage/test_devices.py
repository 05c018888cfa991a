import re
from datetime import timedelta

import pytest
from sqlmodel import select

from handlers.activation import matching_id_of
from handlers.clock import Clock
from handlers.errors import NotFound, RuleViolation
from storage.db import transaction
from storage.devices import EmbeddedDeviceService
from storage.models import CodeState, Line, LineStatus

MATCHING_ID = re.compile(r"^[A-Z0-9-]+$")


@pytest.fixture
def devices(engine, clock):
    return EmbeddedDeviceService(
        engine,
        smdp_address="smdp.test.example",
        code_ttl=timedelta(days=90),
        now=clock.now,
    )


def _set_status(engine, email, status):
    with transaction(engine) as session:
        line = session.exec(select(Line).where(Line.email == email)).one()
        line.status = status


def test_add_line_is_pending_with_one_active_code(devices):
    issued = devices.add_line("alice@example.com")

    line = devices.get_line("alice@example.com")
    assert line.status is LineStatus.PENDING_ACTIVATION
    assert line.code.state is CodeState.ACTIVE
    assert line.code.masked.endswith(issued.activation.matching_id[-4:])
    assert issued.activation.activation_string.startswith("LPA:1$smdp.test.example$")
    assert devices.check_code(issued.activation.activation_string) is CodeState.ACTIVE


def test_matching_ids_are_random_and_of_the_sgp22_alphabet(devices):
    ids = {
        devices.add_line(f"user{n}@example.com").activation.matching_id
        for n in range(50)
    }
    assert len(ids) == 50
    assert all(MATCHING_ID.match(matching_id) for matching_id in ids)


def test_a_second_line_for_the_same_person_is_refused(devices):
    devices.add_line("alice@example.com")
    with pytest.raises(RuleViolation) as caught:
        devices.add_line("alice@example.com")
    assert caught.value.key == "error.line_exists"


def test_a_new_code_cancels_every_earlier_code(devices):
    first = devices.add_line("alice@example.com")
    second = devices.issue_code("alice@example.com")
    third = devices.issue_code("alice@example.com")

    assert devices.check_code(first.activation.activation_string) is CodeState.CANCELLED
    assert (
        devices.check_code(second.activation.activation_string) is CodeState.CANCELLED
    )
    assert devices.check_code(third.activation.activation_string) is CodeState.ACTIVE
    assert devices.get_line("alice@example.com").code.masked == third.activation.masked


@pytest.mark.parametrize("status", [LineStatus.ONLINE, LineStatus.OFFLINE])
def test_a_new_code_is_refused_unless_pending_activation(devices, engine, status):
    first = devices.add_line("alice@example.com")
    _set_status(engine, "alice@example.com", status)

    with pytest.raises(RuleViolation) as caught:
        devices.issue_code("alice@example.com")

    assert caught.value.key == "error.line_not_pending"
    assert caught.value.params["status"] is status
    assert devices.check_code(first.activation.activation_string) is CodeState.ACTIVE


def test_a_new_code_needs_a_line(devices):
    with pytest.raises(NotFound):
        devices.issue_code("nobody@example.com")
    assert devices.get_line("nobody@example.com") is None


def test_a_code_expires_after_the_configured_days(engine):
    clock = Clock()
    devices = EmbeddedDeviceService(
        engine,
        smdp_address="smdp.test.example",
        code_ttl=timedelta(days=7),
        now=clock.now,
    )
    issued = devices.add_line("alice@example.com")
    assert issued.expires_at - issued.issued_at == timedelta(days=7)

    clock.advance(timedelta(days=7, seconds=1))

    assert devices.check_code(issued.activation.activation_string) is CodeState.EXPIRED


@pytest.mark.parametrize(
    "text", ["", "LPA:", "LPA:1$host", "2$host$ID", "LPA:1$$ID", "nonsense"]
)
def test_unknown_or_malformed_codes_are_unknown(devices, text):
    assert devices.check_code(text) is None
    assert matching_id_of(text) is None
