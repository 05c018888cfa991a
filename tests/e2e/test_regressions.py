"""Cases a tester found breaking the bot, each kept as a test."""

from datetime import timedelta

import pytest

from bot.settings import SettingsError, load_settings
from handlers.activation import ActivationData, new_matching_id
from handlers.qr import make_qr_png, read_qr_codes
from handlers.reminders import run_sweep

ALICE, BOB, DAN = "alice@example.com", "bob@example.com", "dan@example.com"


def _admin(sandbox, text, room_id=None):
    sandbox.mention(text, room_id=room_id)
    sandbox.settle()


def _codes(sandbox, email):
    return [
        m for m in sandbox.emulator.messages(to_person_email=email) if m.get("files")
    ]


def _last(sandbox, room_id=None):
    room_id = room_id or sandbox.admin_room_id
    return sandbox.emulator.messages(room_id=room_id)[-1]["markdown"]


def test_a_non_admin_in_a_group_room_meets_the_self_service_limits(make_sandbox):
    sandbox = make_sandbox(self_service="off")
    _admin(sandbox, f"add {DAN}")

    sandbox.mention("code", sender=DAN, room_id=sandbox.helpdesk_room_id)
    sandbox.settle()

    assert len(_codes(sandbox, DAN)) == 1
    assert "not handed out here" in _last(sandbox, sandbox.helpdesk_room_id)


def test_a_non_admin_in_a_group_room_gets_one_code_per_cooldown(sandbox):
    _admin(sandbox, f"add {DAN}")
    for _ in range(3):
        sandbox.mention("code", sender=DAN, room_id=sandbox.helpdesk_room_id)
        sandbox.settle()
    assert len(_codes(sandbox, DAN)) == 2  # the first code, and one self-service code


def test_hand_off_card_errors_go_1_to_1_and_never_quote_the_code_in_the_room(
    make_sandbox,
):
    hub = make_sandbox(device_service="controlhub")
    _admin(hub, f"new code {BOB}")
    card = hub.cards_sent()[-1]
    data = card["attachments"][0]["content"]["actions"][0]["data"]
    secret = new_matching_id()

    hub.submit_card(
        card,
        "admin@example.com",
        data | {"smdp_address": secret, "activation_code": "smdp.example.com"},
    )
    hub.settle()

    room_text = " ".join(
        m.get("markdown", "") for m in hub.emulator.messages(room_id=hub.admin_room_id)
    )
    assert secret not in room_text and "told you why 1:1" in room_text
    private = hub.emulator.messages(to_person_email="admin@example.com")[-1]["markdown"]
    assert "not a host name" in private


def test_self_service_in_control_hub_mode_asks_the_admins(make_sandbox):
    hub = make_sandbox(device_service="controlhub")

    hub.write_directly(BOB, "new code")
    hub.settle()

    assert "asked them" in hub.emulator.messages(to_person_email=BOB)[-1]["markdown"]
    assert not [
        m for m in hub.emulator.messages(to_person_email=BOB) if m.get("attachments")
    ]
    assert "Generate new activation code" in _last(hub)
    hub.write_directly(DAN, "new code")  # Webex reports a state the bot cannot map
    hub.settle()
    assert (
        "cannot interpret" in hub.emulator.messages(to_person_email=DAN)[-1]["markdown"]
    )


def test_a_forged_submission_on_a_hand_off_card_does_nothing(make_sandbox):
    hub = make_sandbox(device_service="controlhub")
    _admin(hub, f"new code {BOB}")
    card = hub.cards_sent()[-1]
    token = card["attachments"][0]["content"]["actions"][0]["data"]["request"]

    hub.submit_card(card, "admin@example.com", {"request": token, "confirm": "true"})
    hub.settle()

    assert "no longer valid" in _last(hub)
    code = ActivationData("smdp.controlhub.example.com", new_matching_id())
    hub.submit_card(
        card,
        "admin@example.com",
        {
            "action": "handoff",
            "request": token,
            "activation": code.activation_string,
        },
    )
    hub.settle()
    assert len(_codes(hub, BOB)) == 1  # the card still worked once


def test_the_person_learns_that_a_confirmation_code_is_needed(make_sandbox):
    hub = make_sandbox(device_service="controlhub")
    flagged = ActivationData(
        "smdp.controlhub.example.com", new_matching_id(), confirmation_required=True
    )
    _admin(hub, f"send code {BOB} {flagged.activation_string}")

    [dm] = _codes(hub, BOB)
    assert "confirmation code" in dm["markdown"]
    assert read_qr_codes(hub.emulator.file_bytes(dm)[0][2]) == [
        flagged.activation_string
    ]


@pytest.mark.parametrize("email", ["nobody@example.com", "gobot@webex.bot"])
def test_send_code_needs_a_person(sandbox, email):
    code = ActivationData("smdp.controlhub.example.com", new_matching_id())
    _admin(sandbox, f"send code {email} {code.activation_string}")
    assert sandbox.runtime.services.devices.licence_pool().used == 0
    assert email in _last(sandbox)


def test_send_code_respects_the_line_state_and_foreign_codes_do_not_activate(sandbox):
    _admin(sandbox, f"add {ALICE}")
    sandbox.scan_latest_qr(ALICE)
    foreign = ActivationData("other.smdp.example", new_matching_id())
    _admin(sandbox, f"send code {ALICE} {foreign.activation_string}")
    assert "Online (green)" in _last(sandbox)

    _admin(sandbox, f"send code {BOB} {foreign.activation_string}")
    result = sandbox.phone.scan(make_qr_png(foreign.activation_string))
    assert result.status_code == 404


def test_a_reminder_never_carries_a_code_replaced_after_the_claim(sandbox):
    _admin(sandbox, f"add {BOB}")
    store = sandbox.runtime.services.reminders
    claim = store.claim_due

    def claim_then_replace(owner, limit=200):
        claimed = claim(owner, limit)
        _admin(sandbox, f"new code {BOB}")
        return claimed

    store.claim_due = claim_then_replace
    sandbox.runtime.clock.advance(timedelta(days=61))
    result = run_sweep(sandbox.runtime.services, "race")

    assert result.sent == 0
    assert (
        "Reminder" not in sandbox.emulator.messages(to_person_email=BOB)[-1]["markdown"]
    )


@pytest.mark.parametrize(
    "environ",
    [
        {"CODE_TTL_DAYS": "99999999"},
        {"REMINDER_DAYS": "999999"},
        {"SELF_SERVICE_COOLDOWN_MINUTES": "99999999999"},
    ],
)
def test_numbers_that_would_overflow_are_refused_at_start(environ):
    with pytest.raises(SettingsError):
        load_settings(environ=environ, env_file=None)
