"""ControlHubDeviceService over HTTP against the emulated device APIs."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import requests
from flask import Flask

import bot.webex_admin
from bot.controlhub import ControlHubDeviceService, ControlHubLineInfo
from handlers.activation import ActivationData
from handlers.errors import ChatUnavailable, CommandError, NotFound, RuleViolation
from handlers.handoff import ControlHubHandOff
from storage.models import LineStatus

ALICE, BOB, CAROL, DAN = (
    f"{name}@example.com" for name in ("alice", "bob", "carol", "dan")
)


def _calls(server, method, prefix):
    return [
        status
        for logged_method, path, status in server.emulator.requests_log
        if logged_method == method and path.startswith(prefix)
    ]


# Reading lines


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("pending", LineStatus.PENDING_ACTIVATION),
        ("online", LineStatus.ONLINE),
        ("offline", LineStatus.OFFLINE),
    ],
)
def test_get_line_reads_both_apis(device_server, controlhub, state, status):
    device = device_server.seed_line(ALICE, state)

    line = controlhub.get_line(ALICE)

    assert isinstance(line, ControlHubLineInfo)
    assert (line.email, line.status, line.raw_status) == (ALICE, status, None)
    assert line.device_id == device["id"]
    assert line.code is None  # Control Hub codes cannot be read back
    person = device_server.person_id(ALICE)
    assert _calls(device_server, "GET", "/v1/people") == [200]
    assert _calls(device_server, "GET", "/v1/devices") == [200]
    assert _calls(
        device_server, "GET", f"/v1/telephony/config/people/{person}/devices"
    ) == [200]


def test_an_unmapped_value_is_shown_as_unknown_with_the_raw_value(
    device_server, controlhub
):
    device_server.store.add_webexgo_device(
        device_server.person_id(ALICE), "unknown", "ACTIVATED"
    )
    device = device_server.store.add_webexgo_device(
        device_server.person_id(BOB), "connected", "DEACTIVATED"
    )

    alice, bob = controlhub.get_line(ALICE), controlhub.get_line(BOB)

    assert alice.status is LineStatus.UNKNOWN
    assert alice.raw_status == "activationState=ACTIVATED, connectionStatus=unknown"
    assert (alice.connection_status, alice.activation_state) == ("unknown", "ACTIVATED")
    assert bob.status is LineStatus.UNKNOWN and bob.device_id == device["id"]
    assert bob.raw_status == "activationState=DEACTIVATED, connectionStatus=connected"


def test_a_state_change_in_webex_shows_at_once(device_server, controlhub):
    device = device_server.seed_line(ALICE, "pending")
    device_server.store.set_state(
        device["id"], connection_status="connected", activation_state="ACTIVATED"
    )

    assert controlhub.get_line(ALICE).status == LineStatus.ONLINE


def test_nobody_and_a_person_without_a_device_have_no_line(device_server, controlhub):
    assert controlhub.get_line(DAN) is None
    assert controlhub.get_line("nobody@example.com") is None


def test_list_lines_pages_through_devices_and_looks_people_up(
    device_server, controlhub, monkeypatch
):
    monkeypatch.setattr(bot.webex_admin, "PAGE_SIZE", 2)
    device_server.seed_line(CAROL, "offline")
    device_server.seed_line(ALICE, "pending")
    device_server.seed_line(BOB, "online")
    device_server.store.add_webexgo_device("a-person-who-left", "connected", "")

    lines = controlhub.list_lines()

    assert [(line.email, line.status) for line in lines] == [
        (ALICE, LineStatus.PENDING_ACTIVATION),
        (BOB, LineStatus.ONLINE),
        (CAROL, LineStatus.OFFLINE),
    ]
    assert _calls(device_server, "GET", "/v1/devices") == [200, 200]


def test_licence_pool_counts_webex_go_devices(device_server, controlhub):
    device_server.seed_line(ALICE, "pending")
    device_server.seed_line(BOB, "online")

    pool = controlhub.licence_pool()

    assert (pool.size, pool.used, pool.free) == (5, 2, 3)


# Deleting


def test_delete_line_deletes_the_device(device_server, controlhub):
    device = device_server.seed_line(ALICE, "online")

    controlhub.delete_line(ALICE)

    assert _calls(device_server, "DELETE", f"/v1/devices/{device['id']}") == [204]
    assert device_server.store.devices() == []
    assert device_server.store.person_devices(device["personId"]) == []
    assert controlhub.get_line(ALICE) is None


@pytest.mark.parametrize("email", [DAN, "nobody@example.com"])
def test_delete_without_a_line_is_not_found(device_server, controlhub, email):
    with pytest.raises(NotFound) as caught:
        controlhub.delete_line(email)

    assert (caught.value.key, caught.value.params) == (
        "error.no_line",
        {"email": email},
    )
    assert _calls(device_server, "DELETE", "/v1/devices") == []


def test_a_failed_delete_is_retried(device_server, controlhub, naps):
    device_server.seed_line(ALICE, "online")
    device_server.emulator.fail_next("DELETE", r"^/v1/devices/", 503)

    controlhub.delete_line(ALICE)

    assert _calls(device_server, "DELETE", "/v1/devices/") == [503, 204]
    assert naps == [0.5]


def test_a_retried_delete_that_finds_the_device_gone_has_deleted_it(device_server):
    device = device_server.seed_line(ALICE, "online")
    device_server.emulator.fail_next("DELETE", r"^/v1/devices/", 502)
    # As if the first DELETE had worked although its answer was lost.
    service = ControlHubDeviceService(
        device_server.admin_token,
        device_server.base_url,
        sleep=lambda _: device_server.store.remove(device["id"]),
    )

    service.delete_line(ALICE)

    assert _calls(device_server, "DELETE", "/v1/devices/") == [502, 404]


# What Webex has no public API for


def test_a_new_code_is_handed_to_the_admin_while_pending(device_server, controlhub):
    device_server.seed_line(ALICE, "pending")

    with pytest.raises(ControlHubHandOff) as caught:
        controlhub.issue_code(ALICE)

    assert caught.value.action == "generate_code"
    assert caught.value.key == "controlhub.generate_code"
    assert caught.value.params == {"email": ALICE}


def test_a_new_code_for_an_unknown_status_is_handed_over_too(device_server, controlhub):
    device_server.store.add_webexgo_device(
        device_server.person_id(ALICE), "unknown", ""
    )

    with pytest.raises(ControlHubHandOff):
        controlhub.issue_code(ALICE)


@pytest.mark.parametrize(
    ("state", "status"),
    [("online", LineStatus.ONLINE), ("offline", LineStatus.OFFLINE)],
)
def test_no_new_code_unless_pending(device_server, controlhub, state, status):
    device_server.seed_line(ALICE, state)

    with pytest.raises(RuleViolation) as caught:
        controlhub.issue_code(ALICE)

    assert caught.value.key == "error.line_not_pending"
    assert caught.value.params == {"email": ALICE, "status": status}


@pytest.mark.parametrize("state", ["pending", "online", "offline"])
def test_lost_or_stolen_is_handed_to_the_admin(device_server, controlhub, state):
    device_server.seed_line(ALICE, state)

    with pytest.raises(ControlHubHandOff) as caught:
        controlhub.report_lost(ALICE)

    assert (caught.value.action, caught.value.key) == (
        "lost_stolen",
        "controlhub.lost_stolen",
    )


def test_adding_a_line_is_handed_to_the_admin(device_server, controlhub):
    with pytest.raises(ControlHubHandOff) as caught:
        controlhub.add_line(ALICE)

    assert (caught.value.action, caught.value.params) == (
        "add_device",
        {"email": ALICE},
    )


def test_adding_a_line_for_nobody_names_the_unknown_person(controlhub):
    with pytest.raises(NotFound) as caught:
        controlhub.add_line("nobody@example.com")

    assert caught.value.key == "error.unknown_person"


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (lambda devices: devices.issue_code(ALICE), "error.no_line"),
        (lambda devices: devices.report_lost(ALICE), "error.no_line"),
    ],
    ids=["new code", "lost"],
)
def test_hand_offs_need_a_line(controlhub, call, key):
    with pytest.raises(NotFound) as caught:
        call(controlhub)

    assert caught.value.key == key


def test_a_hand_off_is_a_command_error():
    assert issubclass(ControlHubHandOff, CommandError)
    with pytest.raises(ValueError):
        ControlHubHandOff("reboot", email=ALICE)


@pytest.mark.parametrize(
    ("call", "operation"),
    [
        (lambda devices: devices.activate("LPA:1$a.b$C"), "activate"),
        (lambda devices: devices.phone_event(ALICE, "service_off"), "phone_event"),
        (lambda devices: devices.check_code("LPA:1$a.b$C"), "check_code"),
    ],
    ids=["activate", "phone_event", "check_code"],
)
def test_phone_callbacks_do_not_apply(device_server, controlhub, call, operation):
    with pytest.raises(RuleViolation) as caught:
        call(controlhub)

    assert caught.value.key == "controlhub.phone_not_applicable"
    assert caught.value.params == {"operation": operation}
    assert device_server.emulator.requests_log == []


def test_record_code_gives_the_90_day_expiry_and_calls_nothing(
    device_server, controlhub
):
    issued_at = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    activation = ActivationData("smdp.example.com", "ABCD-1234")

    issued = controlhub.record_code(ALICE, activation, issued_at)

    assert issued.email == ALICE and issued.activation == activation
    assert issued.issued_at == issued_at
    assert issued.expires_at == issued_at + timedelta(days=90)
    assert device_server.emulator.requests_log == []
    with pytest.raises(ValueError):
        controlhub.record_code(ALICE, activation, datetime(2026, 3, 1))


# Rate limits, failures, the token


def test_a_429_waits_for_retry_after(device_server, controlhub, naps):
    device_server.emulator.fail_next("GET", r"^/v1/people$", 429, retry_after="2")

    assert controlhub.get_line(ALICE) is None
    assert naps == [2.0]


@pytest.mark.parametrize(
    ("header", "expected"), [("soon", 15.0), ("99999", 60.0), ("0", 1.0), ("nan", 15.0)]
)
def test_retry_after_is_bounded(device_server, controlhub, naps, header, expected):
    device_server.emulator.fail_next("GET", r"^/v1/devices$", 429, retry_after=header)

    controlhub.list_lines()

    assert naps == [expected]


def test_5xx_is_retried_a_bounded_number_of_times(device_server, controlhub, naps):
    device_server.emulator.fail_next("GET", r"^/v1/devices$", 503, times=10)

    with pytest.raises(ChatUnavailable) as caught:
        controlhub.list_lines()

    assert caught.value.status == 503
    assert naps == [0.5, 1.0]
    assert _calls(device_server, "GET", "/v1/devices") == [503, 503, 503]


def test_nothing_sleeps_inside_a_web_request(device_server, controlhub, naps):
    device_server.emulator.fail_next("GET", r"^/v1/people$", 429, retry_after="5")

    with Flask("bot").test_request_context("/"):
        with pytest.raises(ChatUnavailable) as caught:
            controlhub.get_line(ALICE)

    assert (caught.value.status, caught.value.retry_after) == (429, 5.0)
    assert naps == []


def test_a_dropped_connection_is_retried_then_reported(naps):
    service = ControlHubDeviceService(
        "t", "http://127.0.0.1:9/v1/", max_attempts=2, sleep=naps.append
    )

    with pytest.raises(ChatUnavailable):
        service.get_line(ALICE)

    assert naps == [0.5]


@pytest.mark.parametrize(("token", "status"), [("wrong", 401), ("bot", 403)])
def test_a_refused_token_says_so(device_server, naps, token, status):
    token = device_server.org["tokens"].get(token, token)
    service = ControlHubDeviceService(token, device_server.base_url, sleep=naps.append)
    device_server.seed_line(ALICE, "online")

    with pytest.raises(CommandError) as caught:
        service.delete_line(ALICE) if status == 403 else service.get_line(ALICE)

    assert caught.value.key == "controlhub.token_refused"
    assert caught.value.params == {"status": status}
    assert naps == []


def test_the_admin_token_never_reaches_the_log_or_a_repr(
    device_server, controlhub, caplog
):
    caplog.set_level(logging.DEBUG)
    device_server.seed_line(ALICE, "online")
    device_server.emulator.fail_next("*", r"^/v1/", 503)

    controlhub.get_line(ALICE)
    controlhub.delete_line(ALICE)

    token = device_server.admin_token
    assert "retry 1 of 2" in caplog.text
    assert token not in caplog.text
    assert token not in repr(controlhub) and token not in repr(controlhub.api)


class _FakeSession:
    """Answers every request with one canned response."""

    def __init__(self, status: int, headers: dict, body: bytes = b'{"items": []}'):
        self.status, self.headers, self.body = status, headers, body
        self.urls: list[str] = []

    def request(self, method, url, **kwargs):
        self.urls.append(url)
        response = requests.Response()
        response.status_code = self.status
        response.headers.update(self.headers)
        response._content = self.body
        response.url = url
        return response


def test_a_next_page_on_another_host_is_refused():
    link = '<http://elsewhere.example/v1/devices?start=2>; rel="next"'
    session = _FakeSession(200, {"Link": link})
    service = ControlHubDeviceService(
        "t", "http://127.0.0.1:1/v1/", session=session, sleep=lambda _: None
    )

    with pytest.raises(ChatUnavailable):
        service.list_lines()

    assert session.urls == ["http://127.0.0.1:1/v1/devices"]


def test_a_redirect_is_not_followed():
    session = _FakeSession(302, {"Location": "http://elsewhere.example/"})
    service = ControlHubDeviceService(
        "t", "http://127.0.0.1:1/v1/", session=session, sleep=lambda _: None
    )

    with pytest.raises(ChatUnavailable) as caught:
        service.get_line(ALICE)

    assert caught.value.status == 302
    assert len(session.urls) == 1
