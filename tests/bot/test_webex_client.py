"""WebexChat against the emulator: retries, rate limits, uploads from memory."""

import io
import tempfile

import pytest
import zxingcpp
from flask import Flask
from PIL import Image

from bot.webex import WebexChat
from emulator import Emulator, EmulatorServer, seed_demo
from handlers.errors import ChatUnavailable, NotFound
from handlers.ports import FileUpload
from handlers.qr import make_qr_png


@pytest.fixture
def emulator():
    emu = Emulator()
    org = seed_demo(emu)
    server = EmulatorServer(emu)
    server.start()
    yield emu, org, server
    server.stop()


@pytest.fixture
def naps():
    return []


@pytest.fixture
def chat(emulator, naps):
    _emu, org, server = emulator
    return WebexChat(
        org["tokens"]["bot"], server.base_url, max_attempts=3, sleep=naps.append
    )


def _messages_posted(emu):
    return [r for r in emu.requests_log if r[:2] == ("POST", "/v1/messages")]


def test_me_and_find_person(chat):
    assert chat.me().display_name == "GoBot"
    assert chat.find_person("alice@example.com").email == "alice@example.com"
    assert chat.find_person("nobody@example.com") is None


def test_a_429_waits_for_retry_after_then_succeeds(emulator, chat, naps):
    emu, _org, _server = emulator
    emu.fail_next("POST", r"^/v1/messages$", 429, retry_after="2")

    chat.send(to_person_email="alice@example.com", markdown="hi")

    assert naps == [2.0]
    assert [r[2] for r in _messages_posted(emu)] == [429, 200]


@pytest.mark.parametrize(
    ("header", "expected"), [("soon", 15.0), ("99999", 60.0), ("0", 1.0)]
)
def test_retry_after_is_bounded_and_malformed_values_are_handled(
    emulator, chat, naps, header, expected
):
    emu, _org, _server = emulator
    emu.fail_next("GET", r"^/v1/people/me$", 429, retry_after=header)

    chat.me()

    assert naps == [expected]


def test_5xx_is_retried_a_bounded_number_of_times(emulator, chat, naps):
    emu, _org, _server = emulator
    emu.fail_next("POST", r"^/v1/messages$", 503, times=10)

    with pytest.raises(ChatUnavailable) as caught:
        chat.send(to_person_email="alice@example.com", markdown="hi")

    assert caught.value.status == 503
    assert len(_messages_posted(emu)) == 3 and len(naps) == 2


def test_a_4xx_is_not_retried_and_404_is_not_found(emulator, chat, naps):
    with pytest.raises(NotFound):
        chat.get_message("no-such-message")
    assert naps == []


def test_no_sleep_inside_a_web_request(emulator, chat, naps):
    emu, _org, _server = emulator
    emu.fail_next("GET", r"^/v1/people/me$", 429, retry_after="30")

    with (
        Flask(__name__).test_request_context(),
        pytest.raises(ChatUnavailable) as caught,
    ):
        chat.me()

    assert naps == [] and caught.value.retry_after == 30.0


def test_the_qr_png_is_uploaded_from_memory(emulator, chat, monkeypatch):
    emu, _org, _server = emulator

    def no_temporary_files(*args, **kwargs):
        raise AssertionError("a temporary file was created")

    for name in ("mkstemp", "NamedTemporaryFile", "TemporaryFile", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, no_temporary_files)
    png = make_qr_png("LPA:1$smdp.example.com$ABCD-1234")

    message_id = chat.send(
        to_person_email="alice@example.com",
        markdown="Your code",
        file=FileUpload("code.png", "image/png", png),
    )

    [message] = [m for m in emu.messages() if m["id"] == message_id]
    [(filename, content_type, content)] = emu.file_bytes(message)
    assert (filename, content_type, content) == ("code.png", "image/png", png)
    text = zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))[0].text
    assert text == "LPA:1$smdp.example.com$ABCD-1234"


def test_a_card_is_sent_as_an_adaptive_card_attachment(emulator, chat):
    emu, _org, _server = emulator
    card = {"type": "AdaptiveCard", "version": "1.3", "body": []}

    message_id = chat.send(
        to_person_email="alice@example.com", markdown="fallback", card=card
    )

    [message] = [m for m in emu.messages() if m["id"] == message_id]
    assert message["attachments"][0]["content"] == card
