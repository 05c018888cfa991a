"""Every action and phone event from every state of a line, including refusals."""

from datetime import timedelta

import pytest

from handlers.errors import CommandError
from storage.devices import EmbeddedDeviceService
from storage.models import LineStatus

EMAIL = "alice@example.com"
NONE, PENDING, ONLINE, OFFLINE = "no line", "pending", "online", "offline"
STATUS = {
    PENDING: LineStatus.PENDING_ACTIVATION,
    ONLINE: LineStatus.ONLINE,
    OFFLINE: LineStatus.OFFLINE,
}


@pytest.fixture
def devices(engine, clock):
    return EmbeddedDeviceService(
        engine,
        smdp_address="smdp.test.example",
        code_ttl=timedelta(days=90),
        now=clock.now,
        licence_pool_size=5,
    )


def _prepare(devices, state):
    """Bring Alice's line into ``state``; return the last activation string."""
    if state == NONE:
        return "LPA:1$smdp.test.example$NEVER-ISSUED"
    code = devices.add_line(EMAIL).activation.activation_string
    if state in (ONLINE, OFFLINE):
        devices.activate(code)
    if state == OFFLINE:
        devices.phone_event(EMAIL, "service_off")
    return code


ACTIONS = {
    "add": lambda devices, code: devices.add_line(EMAIL),
    "new code": lambda devices, code: devices.issue_code(EMAIL),
    "lost": lambda devices, code: devices.report_lost(EMAIL),
    "delete": lambda devices, code: devices.delete_line(EMAIL),
    "activate": lambda devices, code: devices.activate(code),
    "line_removed": lambda devices, code: devices.phone_event(EMAIL, "line_removed"),
    "service_off": lambda devices, code: devices.phone_event(EMAIL, "service_off"),
    "service_on": lambda devices, code: devices.phone_event(EMAIL, "service_on"),
}

# (action, state before) -> state after, or the key of the refusal
TRANSITIONS = {
    ("add", NONE): PENDING,
    ("add", PENDING): "error.line_exists",
    ("add", ONLINE): "error.line_exists",
    ("add", OFFLINE): "error.line_exists",
    ("new code", NONE): "error.no_line",
    ("new code", PENDING): PENDING,
    ("new code", ONLINE): "error.line_not_pending",
    ("new code", OFFLINE): "error.line_not_pending",
    ("lost", NONE): "error.no_line",
    ("lost", PENDING): PENDING,
    ("lost", ONLINE): PENDING,
    ("lost", OFFLINE): PENDING,
    ("delete", NONE): "error.no_line",
    ("delete", PENDING): NONE,
    ("delete", ONLINE): NONE,
    ("delete", OFFLINE): NONE,
    ("activate", NONE): "phone.code_unknown",
    ("activate", PENDING): ONLINE,
    ("activate", ONLINE): "phone.code_used",
    ("activate", OFFLINE): "phone.code_used",
    ("line_removed", NONE): "error.no_line",
    ("line_removed", PENDING): "phone.event_not_applicable",
    ("line_removed", ONLINE): PENDING,
    ("line_removed", OFFLINE): PENDING,
    ("service_off", NONE): "error.no_line",
    ("service_off", PENDING): "phone.event_not_applicable",
    ("service_off", ONLINE): OFFLINE,
    ("service_off", OFFLINE): "phone.event_not_applicable",
    ("service_on", NONE): "error.no_line",
    ("service_on", PENDING): "phone.event_not_applicable",
    ("service_on", ONLINE): "phone.event_not_applicable",
    ("service_on", OFFLINE): ONLINE,
}


def _state(devices):
    line = devices.get_line(EMAIL)
    return NONE if line is None else {v: k for k, v in STATUS.items()}[line.status]


def test_the_table_covers_every_action_from_every_state():
    assert set(TRANSITIONS) == {
        (a, s) for a in ACTIONS for s in (NONE, PENDING, ONLINE, OFFLINE)
    }


@pytest.mark.parametrize(("action", "before"), sorted(TRANSITIONS))
def test_transition(devices, action, before):
    code = _prepare(devices, before)
    expected = TRANSITIONS[(action, before)]

    if expected.startswith(("error.", "phone.")):
        with pytest.raises(CommandError) as caught:
            ACTIONS[action](devices, code)
        assert caught.value.key == expected
        assert _state(devices) == before  # a refusal changes nothing
    else:
        ACTIONS[action](devices, code)
        assert _state(devices) == expected


@pytest.mark.parametrize("before", [PENDING, ONLINE, OFFLINE])
def test_lost_cancels_every_code_and_issues_one_that_activates(devices, before):
    old = _prepare(devices, before)

    new = devices.report_lost(EMAIL).activation.activation_string

    with pytest.raises(CommandError) as caught:
        devices.activate(old)
    assert caught.value.key in ("phone.code_cancelled", "phone.code_used")
    assert devices.activate(new) == EMAIL
    assert _state(devices) == ONLINE


def test_delete_returns_the_licence_and_kills_the_codes(devices):
    code = _prepare(devices, PENDING)
    assert devices.licence_pool().used == 1

    devices.delete_line(EMAIL)

    assert devices.licence_pool().used == 0 and devices.licence_pool().free == 5
    with pytest.raises(CommandError) as caught:
        devices.activate(code)
    assert caught.value.key == "phone.code_unknown"


def test_an_expired_code_is_refused_and_marked(devices, clock):
    code = _prepare(devices, PENDING)
    clock.advance(timedelta(days=91))

    with pytest.raises(CommandError) as caught:
        devices.activate(code)

    assert caught.value.key == "phone.code_expired"
    assert devices.get_line(EMAIL).code is None
    assert _state(devices) == PENDING


def test_adding_a_line_when_the_pool_is_empty_is_refused_with_the_numbers(devices):
    for n in range(5):
        devices.add_line(f"user{n}@example.com")

    with pytest.raises(CommandError) as caught:
        devices.add_line(EMAIL)

    assert caught.value.key == "error.pool_empty"
    assert caught.value.params == {"used": 5, "size": 5}
