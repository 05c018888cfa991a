"""Admin actions through the emulator: confirmation cards, the phone, the pool."""

import pytest
import requests

from storage.models import CodeState, LineStatus

ALICE, BOB, DAN = "alice@example.com", "bob@example.com", "dan@example.com"
CONFIRM, CANCEL = 0, 1


def _run(sandbox, text, room_id=None):
    sandbox.mention(text, room_id=room_id)
    sandbox.settle()


def _last_reply(sandbox, room_id=None):
    room_id = room_id or sandbox.admin_room_id
    return sandbox.emulator.messages(room_id=room_id)[-1]["markdown"]


def _press(sandbox, button, sender="admin@example.com", card=None, room_id=None):
    sandbox.press(card or sandbox.cards_sent(room_id)[-1], button, sender)
    sandbox.settle()


def _line(sandbox, email):
    return sandbox.runtime.services.devices.get_line(email)


def test_lost_phone_flow(sandbox):
    _run(sandbox, f"add {ALICE}")
    assert sandbox.scan_latest_qr(ALICE).ok
    old_png = sandbox.latest_qr(ALICE)

    _run(sandbox, f"lost {ALICE}")
    [card] = sandbox.cards_sent()
    assert "alice@example.com" in card["markdown"]
    assert (
        _line(sandbox, ALICE).status is LineStatus.ONLINE
    )  # nothing happens before confirm

    _press(sandbox, CONFIRM)

    assert _line(sandbox, ALICE).status is LineStatus.PENDING_ACTIVATION
    assert "lost or stolen" in _last_reply(sandbox)
    refused = sandbox.phone.scan(old_png)
    assert refused.status_code == 409 and refused.body["error"] == "code_used"
    assert sandbox.scan_latest_qr(ALICE).ok
    assert _line(sandbox, ALICE).status is LineStatus.ONLINE


def test_lost_cancels_a_pending_code(sandbox):
    _run(sandbox, f"add {ALICE}")
    old_png = sandbox.latest_qr(ALICE)

    _run(sandbox, f"stolen {ALICE}")
    _press(sandbox, CONFIRM)

    refused = sandbox.phone.scan(old_png)
    assert refused.status_code == 409 and refused.body["error"] == "code_cancelled"
    assert "cancelled" in refused.body["reason"]


def test_delete_flow_returns_the_licence(sandbox):
    _run(sandbox, f"add {ALICE}")
    _run(sandbox, f"add {BOB}")
    assert sandbox.runtime.services.devices.licence_pool().used == 2

    _run(sandbox, f"delete {BOB}")
    _press(sandbox, CONFIRM)

    assert _line(sandbox, BOB) is None
    assert sandbox.runtime.services.devices.licence_pool().used == 1
    assert "99 of 100 free" in _last_reply(sandbox)
    goodbye = sandbox.emulator.messages(to_person_email=BOB)[-1]["markdown"]
    assert "no longer reach" in goodbye and "remove the Webex Go line" in goodbye
    _run(sandbox, "status")
    assert "1 used, 99 free of 100" in _last_reply(sandbox)


def test_a_non_admins_card_submission_is_refused_and_the_card_still_works(sandbox):
    helpdesk = sandbox.helpdesk_room_id
    _run(sandbox, f"add {ALICE}")
    _run(sandbox, f"delete {ALICE}", room_id=helpdesk)

    _press(sandbox, CONFIRM, sender=DAN, room_id=helpdesk)  # in the room, but no admin

    assert _line(sandbox, ALICE) is not None
    assert "Only Webex Go admins" in _last_reply(sandbox, helpdesk)
    _press(sandbox, CONFIRM, room_id=helpdesk)
    assert _line(sandbox, ALICE) is None


def test_a_repeated_submission_changes_nothing_and_says_so(sandbox):
    _run(sandbox, f"add {ALICE}")
    _run(sandbox, f"lost {ALICE}")
    card = sandbox.cards_sent()[-1]
    _press(sandbox, CONFIRM, card=card)
    codes_after_first = len(sandbox.emulator.messages(to_person_email=ALICE))

    _press(sandbox, CONFIRM, card=card)
    _press(sandbox, CANCEL, card=card)

    assert len(sandbox.emulator.messages(to_person_email=ALICE)) == codes_after_first
    assert "already used" in _last_reply(sandbox)


@pytest.mark.parametrize(
    "inputs",
    [{"confirm": "false"}, {"confirm": "maybe"}, {}, {"confirm": "True "}],
)
def test_anything_but_the_confirm_choice_does_nothing(sandbox, inputs):
    _run(sandbox, f"add {ALICE}")
    _run(sandbox, f"delete {ALICE}")
    card = sandbox.cards_sent()[-1]
    data = card["attachments"][0]["content"]["actions"][CONFIRM]["data"]
    submitted = {key: value for key, value in data.items() if key != "confirm"} | inputs

    sandbox.submit_card(card, "admin@example.com", submitted)
    sandbox.settle()

    assert _line(sandbox, ALICE) is not None


def test_a_forged_email_on_the_card_is_ignored(sandbox):
    _run(sandbox, f"add {ALICE}")
    _run(sandbox, f"add {BOB}")
    _run(sandbox, f"delete {BOB}")
    card = sandbox.cards_sent()[-1]
    data = card["attachments"][0]["content"]["actions"][CONFIRM]["data"]

    sandbox.submit_card(card, "admin@example.com", data | {"email": ALICE})
    sandbox.settle()

    assert _line(sandbox, ALICE) is not None and _line(sandbox, BOB) is None


def test_a_mention_without_a_command_shows_the_action_card_which_runs_commands(sandbox):
    helpdesk = sandbox.helpdesk_room_id
    _run(sandbox, f"add {ALICE}")
    _run(sandbox, "", room_id=helpdesk)
    card = sandbox.cards_sent(helpdesk)[-1]
    buttons = [
        a["data"]["action"] for a in card["attachments"][0]["content"]["actions"]
    ]
    assert buttons == ["new_code", "status", "lost_stolen", "delete"]

    sandbox.submit_card(
        card,
        "admin@example.com",
        {"action": "new_code", "email": " Alice@Example.com "},
    )
    sandbox.settle()
    assert "New activation code" in _last_reply(sandbox, helpdesk)
    assert (
        len(
            [
                m
                for m in sandbox.emulator.messages(to_person_email=ALICE)
                if m.get("files")
            ]
        )
        == 2
    )

    sandbox.submit_card(card, DAN, {"action": "delete", "email": ALICE})
    sandbox.settle()
    assert "Only Webex Go admins" in _last_reply(sandbox, helpdesk)


def test_phone_callbacks_need_the_token_and_name_their_refusals(sandbox):
    url = sandbox.bot_server.url
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = requests.post(
            f"{url}/esim/activate",
            json={"activation_code": "x"},
            headers=headers,
            timeout=5,
        )
        assert response.status_code == 401
    _run(sandbox, f"add {ALICE}")

    unknown = sandbox.phone._post(
        "/esim/activate", {"activation_code": "LPA:1$h.example$NOPE"}
    )
    bad_event = sandbox.phone.report(ALICE, "explode")
    off_while_pending = sandbox.phone.report(ALICE, "off")
    nobody = sandbox.phone.report("nobody@example.com", "on")
    empty = sandbox.phone._post("/esim/events", {"email": ALICE})

    assert (unknown.status_code, unknown.body["error"]) == (404, "code_unknown")
    assert bad_event.status_code == 400 and "line_removed" in bad_event.body["reason"]
    assert off_while_pending.status_code == 409
    assert "Pending Activation" in off_while_pending.body["reason"]
    assert nobody.status_code == 404
    assert empty.status_code == 400
    assert _line(sandbox, ALICE).status is LineStatus.PENDING_ACTIVATION


def test_the_audit_trail_records_actions_and_phone_events_with_masked_codes(sandbox):
    _run(sandbox, f"add {ALICE}")
    sandbox.scan_latest_qr(ALICE)
    _run(sandbox, f"audit {ALICE}")

    trail = _last_reply(sandbox)
    assert (
        "add · line added (••••" in trail and "phone · activate · online (••••" in trail
    )
    for message in sandbox.emulator.messages(to_person_email=ALICE):
        for line in message.get("markdown", "").splitlines():
            if "Activation Code:" in line:
                assert line.split("`")[1] not in trail


@pytest.fixture
def suppressed(make_sandbox):
    return make_sandbox(suppress_email=True)


def test_suppressed_email_sends_the_full_data_to_the_admin_1_to_1_only(suppressed):
    _run(suppressed, f"add {ALICE}")

    [to_admin] = [
        m
        for m in suppressed.emulator.messages(to_person_email="admin@example.com")
        if m.get("files")
    ]
    [to_alice] = [
        m for m in suppressed.emulator.messages(to_person_email=ALICE) if m.get("files")
    ]
    assert suppressed.emulator.file_bytes(to_admin) == suppressed.emulator.file_bytes(
        to_alice
    )
    assert "Activation data for alice@example.com" in to_admin["markdown"]
    code = to_alice["markdown"].split("Activation Code: `")[1].split("`")[0]
    for message in suppressed.emulator.messages(room_id=suppressed.admin_room_id):
        assert code not in message.get("markdown", "") and not message.get("files")


@pytest.fixture
def room_admins(make_sandbox):
    return make_sandbox(admin_emails=())


def test_members_of_an_admin_room_are_admins(room_admins):
    sandbox = room_admins
    sandbox.mention(f"add {ALICE}")  # Ada is admin only as a member of the admin room
    sandbox.settle()
    assert "Added a Webex Go line" in _last_reply(sandbox)

    sandbox.mention(f"status {ALICE}", sender=DAN, room_id=sandbox.helpdesk_room_id)
    sandbox.settle()
    assert "your own" in _last_reply(sandbox, sandbox.helpdesk_room_id)


def test_the_old_code_stops_counting_after_new_code(sandbox):
    _run(sandbox, f"add {ALICE}")
    first = sandbox.latest_qr(ALICE)
    _run(sandbox, f"new code {ALICE}")

    assert sandbox.phone.scan(first).body["error"] == "code_cancelled"
    assert (
        sandbox.runtime.services.devices.get_line(ALICE).code.state is CodeState.ACTIVE
    )


def test_phone_callbacks_refuse_junk_and_record_nothing_from_it(sandbox):
    _run(sandbox, f"add {ALICE}")

    injected = sandbox.phone._post(
        "/esim/events",
        {"email": "[click](https://evil.example)", "event": "service_off"},
    )
    long_event = sandbox.phone._post(
        "/esim/events", {"email": ALICE, "event": "x" * 1000}
    )
    deep = sandbox.phone._post("/esim/activate", {"activation_code": "\ud800"})

    assert (injected.status_code, long_event.status_code, deep.status_code) == (
        400,
        400,
        400,
    )
    trail = sandbox.runtime.services.audit.latest()
    assert all("evil" not in (entry.line_email or "") for entry in trail)
    assert all(len(entry.action) <= 64 for entry in trail)


def test_a_code_presented_with_another_sm_dp_address_is_unknown(sandbox):
    _run(sandbox, f"add {ALICE}")
    real = sandbox.emulator.messages(to_person_email=ALICE)[-1]["markdown"]
    activation = real.split("Activation code: `")[1].split("`")[0]

    forged = activation.replace("smdp.webexgo.example.com", "evil.example")
    extra = activation + "$extra"

    for text in (forged, extra):
        result = sandbox.phone._post("/esim/activate", {"activation_code": text})
        assert (result.status_code, result.body["error"]) == (404, "code_unknown")
    assert sandbox.phone._post("/esim/activate", {"activation_code": activation}).ok
