"""DEVICE_SERVICE=controlhub through the emulator: status, delete, hand-offs."""

import pytest

from handlers.activation import ActivationData, new_matching_id
from handlers.qr import make_qr_png, read_qr_codes
from storage.models import LineStatus

ALICE, BOB, CAROL, DAN = (
    "alice@example.com",
    "bob@example.com",
    "carol@example.com",
    "dan@example.com",
)
CONTROL_HUB_SMDP = "smdp.controlhub.example.com"


@pytest.fixture
def hub(make_sandbox):
    return make_sandbox(device_service="controlhub")


def _run(sandbox, text):
    sandbox.mention(text)
    sandbox.settle()


def _last(sandbox):
    return sandbox.emulator.messages(room_id=sandbox.admin_room_id)[-1]


def _control_hub_code(**options):
    return ActivationData(CONTROL_HUB_SMDP, new_matching_id(), **options)


def test_status_comes_from_the_device_apis(hub):
    expected = {
        ALICE: "Online (green)",
        BOB: "Pending Activation (grey)",
        CAROL: "Offline (red)",
        DAN: "Unknown",
    }
    for email, words in expected.items():
        _run(hub, f"status {email}")
        assert words in _last(hub)["markdown"], email
    assert "activationState=DEACTIVATED" in _last(hub)["markdown"]


def test_delete_goes_through_the_devices_api_after_confirmation(hub):
    _run(hub, f"delete {CAROL}")
    hub.press(hub.cards_sent()[-1], 0)
    hub.settle()

    assert hub.runtime.services.devices.get_line(CAROL) is None
    assert [r for r in hub.emulator.requests_log if r[0] == "DELETE" and r[2] == 204]


def test_new_code_hands_off_and_a_pasted_string_is_delivered(hub):
    _run(hub, f"new code {BOB}")
    handoff = _last(hub)
    assert "Generate new activation code" in handoff["markdown"]
    code = _control_hub_code()

    hub.submit_card(
        handoff,
        "admin@example.com",
        {
            "action": "handoff",
            "email": BOB,
            "request": _token(handoff),
            "activation": code.activation_string.lower().replace(
                code.matching_id.lower(), code.matching_id
            ),
        },
    )
    hub.settle()

    [dm] = [m for m in hub.emulator.messages(to_person_email=BOB) if m.get("files")]
    assert read_qr_codes(hub.emulator.file_bytes(dm)[0][2]) == [code.activation_string]
    assert "sent the activation code" in _last(hub)["markdown"].lower()
    assert code.matching_id not in _last(hub)["markdown"]
    assert [r.days_before for r in _reminders(hub, BOB)] == [30, 7, 1, 0]


def test_the_two_field_form_and_the_confirmation_flag(hub):
    _run(hub, f"new code {BOB}")
    handoff = _last(hub)
    code = _control_hub_code()
    hub.submit_card(
        handoff,
        "admin@example.com",
        {
            "action": "handoff",
            "email": BOB,
            "request": _token(handoff),
            "smdp_address": CONTROL_HUB_SMDP,
            "activation_code": code.matching_id,
        },
    )
    hub.settle()
    assert (
        len([m for m in hub.emulator.messages(to_person_email=BOB) if m.get("files")])
        == 1
    )

    flagged = _control_hub_code(confirmation_required=True)
    _run(hub, f"send code {BOB} {flagged.activation_string}")
    assert "confirmation code" in _last(hub)["markdown"]
    [latest] = [
        m for m in hub.emulator.messages(to_person_email=BOB) if m.get("files")
    ][-1:]
    assert read_qr_codes(hub.emulator.file_bytes(latest)[0][2]) == [
        flagged.activation_string
    ]


def test_lost_stolen_completed_by_attaching_the_qr_image(hub):
    _run(hub, f"lost {ALICE}")
    hub.press(hub.cards_sent()[-1], 0)
    hub.settle()
    assert "Lost/Stolen" in _last(hub)["markdown"]
    code = _control_hub_code()

    hub.attach_bytes(
        make_qr_png(code.activation_string), "qr.png", f"send code {ALICE}"
    )
    hub.settle()

    [dm] = [m for m in hub.emulator.messages(to_person_email=ALICE) if m.get("files")]
    assert read_qr_codes(hub.emulator.file_bytes(dm)[0][2]) == [code.activation_string]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://smdp.example.com", "not an eSIM activation string"),
        ("LPA:1$https://smdp.example.com$ABC", "web prefix"),
        ("LPA:1$smdp.example.com$abcd-1234", "lower-case"),
        ("LPA:1$$ABC", "SM-DP+ address is missing"),
    ],
)
def test_malformed_strings_get_a_reply_naming_the_problem(hub, text, expected):
    _run(hub, f"send code {BOB} {text}")
    assert expected in _last(hub)["markdown"]


def test_an_image_with_another_qr_code_is_refused(hub):
    hub.attach_bytes(make_qr_png("https://example.com/"), "qr.png", f"send code {BOB}")
    hub.settle()
    assert "not an eSIM activation code" in _last(hub)["markdown"]


def test_the_phone_callbacks_are_closed(hub):
    result = hub.phone._post("/esim/activate", {"activation_code": "LPA:1$a.b$C"})
    assert result.status_code == 404


def _token(card_message):
    return card_message["attachments"][0]["content"]["actions"][0]["data"]["request"]


def _reminders(sandbox, email):
    from sqlmodel import select

    from storage.db import transaction
    from storage.models import Reminder

    with transaction(sandbox.runtime.engine) as session:
        return list(session.exec(select(Reminder).where(Reminder.line_email == email)))


def test_status_overview_lists_unknown_lines(hub):
    _run(hub, "status")
    card = _last(hub)["attachments"][0]["content"]
    text = str(card)
    assert "Unknown" in text and LineStatus.UNKNOWN.value not in ("",)
