"""The webhook route through Flask's test client, a fake Chat and no worker threads."""

import json

import pytest

from bot import create_app
from bot.settings import Settings
from bot.signature import sign
from storage.events import count_unfinished_events, get_event
from storage.models import EventStatus
from tests.conftest import load_fixture
from tests.fakes import BOT, FakeChat

SECRET = "test-secret"


@pytest.fixture
def chat():
    chat = FakeChat()
    chat.add_person("admin@example.com", "Ada Admin")
    chat.add_person("alice@example.com", "Alice Example")
    return chat


@pytest.fixture
def app(engine, chat):
    settings = Settings(
        bot_token="token", webhook_secret=SECRET, admin_emails=("admin@example.com",)
    )
    app = create_app(settings, chat=chat, engine=engine, start_workers=False)
    app.testing = True
    return app


def _post(client, payload, secret=SECRET, signature=None):
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    signature = signature if signature is not None else sign(body, secret)
    if signature:
        headers["X-Spark-Signature"] = signature
    return client.post("/webhooks/webex", data=body, headers=headers)


def _run_workers(app):
    workers = app.extensions["webex_go_bot"].workers
    while workers.run_once():
        pass


def test_signed_event_is_stored_and_acknowledged_before_any_api_call(app, engine, chat):
    payload = load_fixture("webhooks/messages-created-group-mention.json")

    response = _post(app.test_client(), payload)

    assert response.status_code == 202
    assert chat.fetched == [] and chat.sent == []
    stored = get_event(engine, f"messages:created:{payload['data']['id']}")
    assert stored.status is EventStatus.PENDING


@pytest.mark.parametrize("signature", ["", "deadbeef", None])
def test_missing_or_wrong_signature_is_401_and_stores_nothing(app, engine, signature):
    payload = load_fixture("webhooks/messages-created-direct.json")
    wrong = (
        sign(json.dumps(payload).encode(), "other") if signature is None else signature
    )

    response = _post(app.test_client(), payload, signature=wrong or "")

    assert response.status_code == 401
    assert count_unfinished_events(engine) == 0


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"resource": "messages"}',
        b'{"resource": "messages", "event": "created", "data": {}}',
        "é".encode("latin-1"),
    ],
)
def test_unreadable_body_is_400_and_stores_nothing(app, engine, body):
    response = app.test_client().post(
        "/webhooks/webex", data=body, headers={"X-Spark-Signature": sign(body, SECRET)}
    )
    assert response.status_code == 400
    assert count_unfinished_events(engine) == 0


def test_body_over_one_mebibyte_is_400(app, engine):
    body = b'{"pad": "' + b"x" * (1024 * 1024) + b'"}'
    response = app.test_client().post(
        "/webhooks/webex", data=body, headers={"X-Spark-Signature": sign(body, SECRET)}
    )
    assert response.status_code == 400
    assert count_unfinished_events(engine) == 0


def test_a_repeated_delivery_is_acknowledged_and_does_nothing_more(app, engine, chat):
    payload = load_fixture("webhooks/messages-created-direct.json")
    client = app.test_client()

    first = _post(client, payload)
    again = _post(client, payload | {"id": "another-webhook-envelope-id"})

    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json["status"] == "duplicate"
    assert count_unfinished_events(engine) == 1


def test_the_bots_own_message_is_dropped_before_any_fetch(app, engine, chat):
    payload = load_fixture("webhooks/messages-created-direct.json")
    payload["data"]["personId"] = BOT.id

    _post(app.test_client(), payload)
    _run_workers(app)

    assert chat.fetched == [] and chat.sent == []
    stored = get_event(engine, f"messages:created:{payload['data']['id']}")
    assert stored.status is EventStatus.DONE
    assert "own message" in stored.outcome


def test_the_app_refuses_to_start_without_a_secret(engine, chat):
    from bot.settings import SettingsError

    with pytest.raises(SettingsError) as caught:
        create_app(
            Settings(bot_token="token"), chat=chat, engine=engine, start_workers=False
        )
    assert "WEBEX_WEBHOOK_SECRET" in caught.value.problems[0]


@pytest.mark.parametrize(
    "data_id",
    ["x/../ID", "./ID", "ID?", "ID#f", "%59ID", "../people/me", "\ud800", "a" * 513],
)
def test_ids_that_are_not_webex_ids_are_refused(app, engine, data_id):
    payload = {"resource": "messages", "event": "created", "data": {"id": data_id}}
    body = json.dumps(payload).encode()

    response = app.test_client().post(
        "/webhooks/webex", data=body, headers={"X-Spark-Signature": sign(body, SECRET)}
    )

    assert response.status_code == 400
    assert count_unfinished_events(engine) == 0


@pytest.mark.parametrize(
    "body",
    [
        "\ufeff{}".encode(),
        '{"resource": "messages"}'.encode("utf-16"),
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_odd_encodings_and_deep_nesting_are_400_not_500(app, engine, body):
    response = app.test_client().post(
        "/webhooks/webex", data=body, headers={"X-Spark-Signature": sign(body, SECRET)}
    )
    assert response.status_code == 400


def test_a_bom_before_a_good_body_is_accepted_and_processed(app, engine, chat):
    payload = load_fixture("webhooks/messages-created-direct.json")
    body = b"\xef\xbb\xbf" + json.dumps(payload).encode()
    chat.add_person("alice@example.com")
    from handlers.ports import Message

    chat.messages[payload["data"]["id"]] = Message(
        id=payload["data"]["id"],
        room_id="DM",
        room_type="direct",
        person_id="P-alice@example.com",
        person_email="alice@example.com",
        text="help",
    )

    response = app.test_client().post(
        "/webhooks/webex", data=body, headers={"X-Spark-Signature": sign(body, SECRET)}
    )
    _run_workers(app)

    assert response.status_code == 202
    assert get_event(engine, f"messages:created:{payload['data']['id']}").status is (
        EventStatus.DONE
    )


def test_a_non_ascii_signature_is_401():
    from bot.signature import verify_signature

    assert verify_signature(b"{}", "\xe9" * 40, SECRET) is False


def test_an_event_for_a_vanished_message_is_ignored_with_one_warning(
    app, engine, caplog
):
    payload = {"resource": "messages", "event": "created", "data": {"id": "GONE"}}
    body = json.dumps(payload).encode()
    app.test_client().post(
        "/webhooks/webex", data=body, headers={"X-Spark-Signature": sign(body, SECRET)}
    )

    _run_workers(app)

    stored = get_event(engine, "messages:created:GONE")
    assert stored.status is EventStatus.DONE and "not found" in stored.outcome
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
