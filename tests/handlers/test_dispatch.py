"""Commands end to end inside the process: fake Chat, real rules and database."""

import io
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image

from handlers.access import AdminPolicy
from handlers.commands import load_command_specs
from handlers.context import Services
from handlers.dispatch import Dispatcher
from handlers.ports import Message
from handlers.texts import Texts
from storage.audit import SqlAuditLog
from storage.confirmations import SqlConfirmations
from storage.db import transaction
from storage.devices import EmbeddedDeviceService
from storage.limits import SqlRequestLimits
from storage.models import CodeState, Line, LineStatus
from tests.fakes import BOT, FakeChat

ROOM = "ADMIN-ROOM"


@pytest.fixture
def chat():
    chat = FakeChat()
    for email in ("admin@example.com", "alice@example.com", "bob@example.com"):
        chat.add_person(email)
    return chat


@pytest.fixture
def devices(engine, clock):
    return EmbeddedDeviceService(
        engine,
        smdp_address="smdp.test.example",
        code_ttl=timedelta(days=90),
        now=clock.now,
    )


@pytest.fixture
def dispatcher(chat, devices, clock, engine):
    services = Services(
        chat,
        devices,
        Texts(),
        clock,
        load_command_specs(),
        SqlAuditLog(engine, clock.now),
        SqlConfirmations(engine, clock.now),
        SqlRequestLimits(
            engine, clock.now, cooldown=timedelta(minutes=10), daily_limit=3
        ),
    )
    return Dispatcher(services, AdminPolicy(["admin@example.com"]), BOT)


def _say(dispatcher, chat, text, sender="admin@example.com", room_type="group"):
    message_id = f"M{len(chat.messages)}"
    html = None
    if room_type == "group":
        html = (
            f'<p><spark-mention data-object-type="person" data-object-id="{BOT.id}">'
            f"GoBot</spark-mention> {text}</p>"
        )
        text = f"GoBot {text}"
    chat.messages[message_id] = Message(
        id=message_id,
        room_id=ROOM if room_type == "group" else f"DM-{sender}",
        room_type=room_type,
        person_id=f"P-{sender}",
        person_email=sender,
        text=text,
        html=html,
    )
    return dispatcher.handle_event(
        "messages", "created", {"id": message_id, "personId": "x"}
    )


def _decode(upload):
    return zxingcpp.read_barcodes(Image.open(io.BytesIO(upload.content)))[0].text


def test_new_code_by_an_admin_sends_a_dm_whose_qr_is_the_new_code(
    dispatcher, chat, devices
):
    _say(dispatcher, chat, "add alice@example.com")
    chat.sent.clear()

    outcome = _say(dispatcher, chat, "new code alice@example.com")

    assert outcome.result.startswith("code issued (••••")
    dm, room_reply = chat.sent
    assert dm.to_person_email == "alice@example.com"
    decoded = _decode(dm.file)
    assert devices.check_code(decoded) is CodeState.ACTIVE
    matching_id = decoded.split("$")[2]
    assert f"`{matching_id}`" in dm.markdown and f"`{decoded}`" in dm.markdown
    assert "esimsetup.apple.com" in dm.markdown and "smdp.test.example" in dm.markdown
    assert room_reply.room_id == ROOM
    assert (
        matching_id not in room_reply.markdown
        and matching_id[-4:] in room_reply.markdown
    )


def test_new_code_on_an_online_line_says_to_remove_the_line_first(
    dispatcher, chat, engine
):
    _say(dispatcher, chat, "add alice@example.com")
    with transaction(engine) as session:
        session.get(Line, 1).status = LineStatus.ONLINE
    chat.sent.clear()

    outcome = _say(dispatcher, chat, "new code alice@example.com")

    assert outcome.result == "refused: error.line_not_pending"
    [reply] = chat.sent
    assert (
        "Online (green)" in reply.markdown
        and "remove the Webex Go line" in reply.markdown
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("add bob", "is not an e-mail address"),
        ("add zed@example.com", "No Webex user has the address zed@example.com"),
        ("status bob@example.com", "bob@example.com has no Webex Go line"),
        ("new code bob@example.com", "bob@example.com has no Webex Go line"),
        ("frobnicate", "I don't know “frobnicate”"),
    ],
)
def test_clear_replies_for_mistakes(dispatcher, chat, text, expected):
    _say(dispatcher, chat, text)
    [reply] = chat.sent
    assert expected in reply.markdown


def test_help_lists_each_command_with_an_example(dispatcher, chat):
    _say(dispatcher, chat, "help")
    [reply] = chat.sent
    for example in (
        "add alice@example.com",
        "new code alice@example.com",
        "status alice@example.com",
    ):
        assert f"`{example}`" in reply.markdown


@pytest.mark.parametrize(
    "text",
    ["add bob@example.com", "new code alice@example.com", "status alice@example.com"],
)
def test_a_non_admin_may_not_act_on_other_lines(
    dispatcher, chat, devices, text, caplog
):
    devices.add_line("alice@example.com")

    outcome = _say(dispatcher, chat, text, sender="bob@example.com")

    assert outcome.result.startswith("refused: error.")
    assert "admin" in chat.sent[0].markdown or "your own" in chat.sent[0].markdown
    assert devices.get_line("bob@example.com") is None
    assert "P-bob@example.com" in caplog.text  # logged with ids only


def test_a_person_may_ask_for_their_own_line_1_to_1(dispatcher, chat, devices):
    devices.add_line("alice@example.com")

    _say(dispatcher, chat, "status", sender="alice@example.com", room_type="direct")

    assert "Pending Activation (grey)" in chat.sent[0].markdown
