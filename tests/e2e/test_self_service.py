"""People serving themselves 1:1, through the emulator."""

import json
from datetime import timedelta

import pytest
import requests

from bot.signature import sign
from storage.models import LineStatus

ALICE, BOB, CAROL = "alice@example.com", "bob@example.com", "carol@example.com"


def _admin(sandbox, text):
    sandbox.mention(text)
    sandbox.settle()


def _ask(sandbox, sender, text):
    sandbox.write_directly(sender, text)
    sandbox.settle()
    return sandbox.emulator.messages(to_person_email=sender)


def _codes(sandbox, email):
    return [
        m for m in sandbox.emulator.messages(to_person_email=email) if m.get("files")
    ]


def _last_text(sandbox, email):
    return sandbox.emulator.messages(to_person_email=email)[-1]["markdown"]


def test_a_user_with_a_pending_line_gets_a_code_that_activates(sandbox):
    _admin(sandbox, f"add {ALICE}")

    _ask(sandbox, ALICE, "new code")

    assert len(_codes(sandbox, ALICE)) == 2
    assert "Here is your new activation code" in _last_text(sandbox, ALICE)
    assert sandbox.scan_latest_qr(ALICE).ok
    assert sandbox.runtime.services.devices.get_line(ALICE).status is LineStatus.ONLINE


@pytest.mark.parametrize("text", ["code", "new", "Regenerate", "NEW CODE"])
def test_every_word_for_a_new_code_works(sandbox, text):
    _admin(sandbox, f"add {ALICE}")
    _ask(sandbox, ALICE, text)
    assert len(_codes(sandbox, ALICE)) == 2


def test_a_user_with_an_online_line_is_told_how_to_move_it(sandbox):
    _admin(sandbox, f"add {ALICE}")
    sandbox.scan_latest_qr(ALICE)

    _ask(sandbox, ALICE, "new code")

    reply = _last_text(sandbox, ALICE)
    assert "already set up on a phone" in reply and "Online" in reply
    assert "first remove the Webex Go line from the old phone" in reply
    assert len(_codes(sandbox, ALICE)) == 1


def test_a_user_without_a_line_is_told_whom_to_contact(make_sandbox):
    sandbox = make_sandbox(support_contact="the IT desk on +44 1632 960000")
    _ask(sandbox, BOB, "new code")
    assert "the IT desk on +44 1632 960000" in _last_text(sandbox, BOB)
    assert "don't have a Webex Go line" in _last_text(sandbox, BOB)


def test_a_user_naming_someone_elses_email_acts_only_on_their_own_line(sandbox):
    _admin(sandbox, f"add {ALICE}")
    _admin(sandbox, f"add {BOB}")
    bob_codes = len(_codes(sandbox, BOB))

    _ask(sandbox, ALICE, f"new code {BOB}")
    _ask(sandbox, ALICE, f"status {BOB}")

    assert len(_codes(sandbox, BOB)) == bob_codes
    assert "your own" in _last_text(sandbox, ALICE)
    assert BOB not in _last_text(sandbox, ALICE)


def test_an_address_differing_in_case_and_spaces_is_the_same_user(sandbox):
    _admin(sandbox, f"add {ALICE}")
    _ask(sandbox, ALICE, "new code  ALICE@Example.COM ")
    assert len(_codes(sandbox, ALICE)) == 2


def test_cooldown_and_daily_limit(sandbox):
    clock = sandbox.runtime.clock
    _admin(sandbox, f"add {ALICE}")

    _ask(sandbox, ALICE, "new code")
    _ask(sandbox, ALICE, "new code")
    assert "at most one every 10 minutes" in _last_text(sandbox, ALICE)
    clock.advance(timedelta(minutes=11))
    _ask(sandbox, ALICE, "new code")
    clock.advance(timedelta(minutes=11))
    _ask(sandbox, ALICE, "new code")
    clock.advance(timedelta(minutes=11))
    _ask(sandbox, ALICE, "new code")

    assert len(_codes(sandbox, ALICE)) == 1 + 3
    assert "3 new codes today" in _last_text(sandbox, ALICE)
    clock.advance(timedelta(hours=24))
    _ask(sandbox, ALICE, "new code")
    assert len(_codes(sandbox, ALICE)) == 5


def test_a_replayed_request_issues_one_code(sandbox):
    _admin(sandbox, f"add {ALICE}")
    _ask(sandbox, ALICE, "new code")
    [request] = [
        m for m in sandbox.emulator.messages(sent_by=ALICE) if m["text"] == "new code"
    ]
    [delivery] = [
        d for d in sandbox.emulator.deliveries if request["id"] in json.dumps(d["body"])
    ]
    body = json.dumps(delivery["body"]).encode()

    for _ in range(2):
        requests.post(
            delivery["target_url"],
            data=body,
            headers={"X-Spark-Signature": sign(body, sandbox.runtime.secret)},
            timeout=5,
        )
    sandbox.settle()

    assert len(_codes(sandbox, ALICE)) == 2


def test_self_service_off_points_to_an_admin(make_sandbox):
    sandbox = make_sandbox(self_service="off")
    _admin(sandbox, f"add {ALICE}")
    _ask(sandbox, ALICE, "new code")
    assert "ask your Webex admin" in _last_text(sandbox, ALICE)
    assert len(_codes(sandbox, ALICE)) == 1


def test_self_service_is_audited_and_noticed_masked_in_the_admin_room(sandbox):
    _admin(sandbox, f"add {ALICE}")
    _ask(sandbox, ALICE, "new code")
    code = _codes(sandbox, ALICE)[-1]["markdown"].split("Activation Code: `")[1][:23]

    notice = sandbox.emulator.messages(room_id=sandbox.admin_room_id)[-1]["markdown"]
    assert f"Self-service: {ALICE} got a new activation code ••••{code[-4:]}" in notice
    assert code not in notice
    entries = sandbox.runtime.services.audit.latest(ALICE)
    assert entries[0].actor == ALICE and entries[0].outcome.startswith(
        "self-service code"
    )


@pytest.fixture
def approval(make_sandbox):
    return make_sandbox(self_service="approval")


def test_approval_mode_approved_and_declined(approval):
    sandbox = approval
    _admin(sandbox, f"add {ALICE}")
    _admin(sandbox, f"add {CAROL}")

    _ask(sandbox, ALICE, "new code")
    assert "asked your Webex admins" in _last_text(sandbox, ALICE)
    assert len(_codes(sandbox, ALICE)) == 1
    sandbox.press(sandbox.cards_sent()[-1], 0)  # Ada approves Alice's request
    sandbox.settle()

    _ask(sandbox, CAROL, "new code")
    sandbox.press(sandbox.cards_sent()[-1], 1)  # and declines Carol's
    sandbox.settle()

    assert len(_codes(sandbox, ALICE)) == 2
    assert "An admin approved your request" in _last_text(sandbox, ALICE)
    assert sandbox.scan_latest_qr(ALICE).ok
    assert len(_codes(sandbox, CAROL)) == 1
    assert "declined" in _last_text(sandbox, CAROL)
    room = sandbox.emulator.messages(room_id=sandbox.admin_room_id)
    assert any("Declined" in (m.get("markdown") or "") for m in room)


def test_help_for_users_and_for_admins_1_to_1(sandbox):
    user_help = _ask(sandbox, BOB, "help")[-1]["markdown"]
    admin_help = _ask(sandbox, "admin@example.com", "what?")[-1]["markdown"]

    assert "`new code`" in user_help and "`status`" in user_help
    assert "lost <email>" not in user_help
    assert "I don't know “what?”" in admin_help
    assert "`new code`" in admin_help and "`lost <email>`" in admin_help


def test_the_bots_own_direct_messages_are_never_taken_as_requests(sandbox):
    _admin(sandbox, f"add {ALICE}")
    _ask(sandbox, ALICE, "new code")

    outcomes = [event.outcome for event in sandbox.runtime.services.audit.latest(ALICE)]
    assert sum("self-service code issued" in o for o in outcomes) == 1
    bot_dms = [m for m in sandbox.sent_by_bot() if m["roomType"] == "direct"]
    assert (
        len(bot_dms) >= 3
    )  # every one of them reached the bot's webhook and was dropped
