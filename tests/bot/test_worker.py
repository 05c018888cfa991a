"""Events survive crashes and restarts, and are processed once."""

import json
import time
from datetime import timedelta

import pytest

from bot import create_app
from bot.settings import Settings
from bot.signature import sign
from handlers.clock import Clock
from handlers.errors import ChatUnavailable
from handlers.ports import Message
from storage.events import claim_next_event, count_unfinished_events, get_event
from storage.models import EventStatus
from tests.fakes import FakeChat

SECRET = "test-secret"
SETTINGS = Settings(bot_token="token", webhook_secret=SECRET, worker_threads=2)


@pytest.fixture
def chat():
    chat = FakeChat()
    chat.add_person("alice@example.com")
    chat.messages["M1"] = Message(
        id="M1",
        room_id="DM",
        room_type="direct",
        person_id="P-alice",
        person_email="alice@example.com",
        text="help",
    )
    return chat


def _deliver(app, message_id="M1"):
    body = json.dumps(
        {"resource": "messages", "event": "created", "data": {"id": message_id}}
    ).encode()
    response = app.test_client().post(
        "/webhooks/webex", data=body, headers={"X-Spark-Signature": sign(body, SECRET)}
    )
    assert response.status_code == 202


def _wait_until_done(engine, timeout=5.0):
    deadline = time.monotonic() + timeout
    while count_unfinished_events(engine) and time.monotonic() < deadline:
        time.sleep(0.02)
    return count_unfinished_events(engine) == 0


def test_an_event_stored_before_a_crash_is_processed_after_the_next_start(engine, chat):
    crashed = create_app(SETTINGS, chat=chat, engine=engine, start_workers=False)
    _deliver(crashed)
    assert chat.sent == []

    restarted = create_app(SETTINGS, chat=chat, engine=engine)
    try:
        assert _wait_until_done(engine)
    finally:
        restarted.extensions["webex_go_bot"].workers.stop()

    assert len(chat.sent) == 1
    assert get_event(engine, "messages:created:M1").status is EventStatus.DONE


def test_a_claim_held_by_a_dead_worker_lapses_and_the_event_is_done_once(engine, chat):
    clock = Clock()
    app = create_app(
        SETTINGS, chat=chat, engine=engine, clock=clock, start_workers=False
    )
    _deliver(app)
    dead = claim_next_event(
        engine, owner="dead", now=clock.now(), lease=timedelta(minutes=5)
    )
    assert dead is not None
    workers = app.extensions["webex_go_bot"].workers

    assert workers.run_once() is False  # the claim is still fresh
    clock.advance(timedelta(minutes=6))
    assert workers.run_once() is True
    assert workers.run_once() is False

    assert len(chat.sent) == 1
    assert get_event(engine, "messages:created:M1").attempts == 2


def test_a_webex_outage_while_reading_defers_the_event(engine, chat):
    clock = Clock()
    app = create_app(
        SETTINGS, chat=chat, engine=engine, clock=clock, start_workers=False
    )
    real_get = chat.get_message

    def webex_down(message_id):
        raise ChatUnavailable("down", status=503, retry_after=30)

    chat.get_message = webex_down
    _deliver(app)
    workers = app.extensions["webex_go_bot"].workers

    workers.run_once()
    assert get_event(engine, "messages:created:M1").status is EventStatus.PENDING
    assert workers.run_once() is False  # not due for 30 s
    chat.get_message = real_get
    clock.advance(timedelta(seconds=31))
    assert workers.run_once() is True

    assert get_event(engine, "messages:created:M1").status is EventStatus.DONE
    assert len(chat.sent) == 1
