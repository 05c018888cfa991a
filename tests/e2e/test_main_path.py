"""The main path over real HTTP: emulator → signed webhook → bot → emulator."""

import io
import json
import logging

import requests
import zxingcpp
from PIL import Image

from bot.signature import sign
from storage.events import count_unfinished_events
from storage.models import CodeState

ALICE = "alice@example.com"


def _direct_messages_to(sandbox, email):
    return [m for m in sandbox.sent_by_bot() if m.get("toPersonEmail") == email]


def _qr_text(sandbox, message):
    [(_name, content_type, content)] = sandbox.emulator.file_bytes(message)
    assert content_type == "image/png"
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))
    return found.text


def _bytes(body) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body).encode()


def _deliveries_of(sandbox, message_id):
    return [d for d in sandbox.emulator.deliveries if message_id in str(d["body"])]


def test_new_code_in_a_group_room_ends_in_a_dm_whose_qr_is_the_issued_code(sandbox):
    sandbox.mention(f"add {ALICE}")
    sandbox.settle()
    sandbox.mention(f"new code {ALICE}")
    sandbox.settle()

    first, second = _direct_messages_to(sandbox, ALICE)
    devices = sandbox.runtime.services.devices
    first_code, second_code = _qr_text(sandbox, first), _qr_text(sandbox, second)
    assert second_code.startswith("LPA:1$")
    assert devices.check_code(second_code) is CodeState.ACTIVE
    assert f"`{second_code}`" in second["markdown"]
    assert devices.check_code(first_code) is CodeState.CANCELLED

    room_replies = [
        m for m in sandbox.sent_by_bot() if m["roomId"] == sandbox.admin_room_id
    ]
    assert len(room_replies) == 2
    assert second_code.split("$")[2] not in room_replies[1]["markdown"]
    assert second_code[-4:] in room_replies[1]["markdown"]


def test_the_same_webhook_delivered_twice_issues_one_code(sandbox):
    sandbox.mention(f"add {ALICE}")
    sandbox.settle()
    [command] = [
        m
        for m in sandbox.emulator.messages(room_id=sandbox.admin_room_id)
        if m["personId"] != sandbox.bot["id"]
    ]
    [delivery] = _deliveries_of(sandbox, command["id"])
    body = _bytes(delivery["body"])

    response = requests.post(
        delivery["target_url"],
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Spark-Signature": sign(body, sandbox.runtime.secret),
        },
        timeout=5,
    )
    sandbox.settle()

    assert response.status_code == 200 and response.json()["status"] == "duplicate"
    assert len(_direct_messages_to(sandbox, ALICE)) == 1


def test_a_bad_signature_gets_401_and_changes_nothing(sandbox):
    body = json.dumps(
        {"resource": "messages", "event": "created", "data": {"id": "forged"}}
    ).encode()
    before = len(sandbox.emulator.messages())

    for signature in ("", sign(body, "not-the-secret")):
        response = requests.post(
            sandbox.bot_server.url + "/webhooks/webex",
            data=body,
            headers={"X-Spark-Signature": signature},
            timeout=5,
        )
        assert response.status_code == 401
    sandbox.settle()

    assert count_unfinished_events(sandbox.runtime.engine) == 0
    assert len(sandbox.emulator.messages()) == before


def test_the_bots_own_messages_cause_no_reply(sandbox):
    sandbox.mention(f"add {ALICE}")
    sandbox.settle()
    [direct] = _direct_messages_to(sandbox, ALICE)

    # Webex delivers the bot's own direct message to its direct-room webhook...
    assert _deliveries_of(sandbox, direct["id"])
    # ...and the bot does not answer itself.
    assert sandbox.emulator.messages(room_id=direct["roomId"]) == [direct]


def test_a_person_writing_1_to_1_gets_an_answer(sandbox):
    sandbox.mention(f"add {ALICE}")
    sandbox.settle()

    [direct] = _direct_messages_to(sandbox, ALICE)

    sandbox.write_directly(ALICE, "status")
    sandbox.settle()

    reply = sandbox.emulator.messages(room_id=direct["roomId"])[-1]
    assert reply["personId"] == sandbox.bot["id"]
    assert "Pending Activation (grey)" in reply["markdown"]


def test_no_secret_reaches_the_log(sandbox, caplog):
    for name in (None, "werkzeug", "webexpythonsdk", "urllib3", "bot", "handlers"):
        caplog.set_level(logging.DEBUG, logger=name)
    sandbox.mention(f"add {ALICE}")
    sandbox.settle()
    sandbox.mention(f"new code {ALICE}")
    sandbox.settle()
    sandbox.write_directly(ALICE, "new code")
    sandbox.settle()

    codes = [
        _qr_text(sandbox, m)
        for m in _direct_messages_to(sandbox, ALICE)
        if m.get("files")
    ]
    signatures = [
        sign(_bytes(d["body"]), sandbox.runtime.secret)
        for d in sandbox.emulator.deliveries
    ]
    secrets = [sandbox.settings.bot_token, sandbox.runtime.secret, *signatures]
    secrets += [code.split("$")[2] for code in codes]
    assert len(codes) == 3
    log = caplog.text
    assert "event messages/created" in log  # the log was captured at all
    for secret in secrets:
        assert secret not in log


def test_readyz_reports_inactive_webhooks_and_the_health_check_repairs_them(sandbox):
    from bot.scheduler import WebhookHealth

    url = sandbox.bot_server.url
    assert requests.get(f"{url}/healthz", timeout=5).json() == {"status": "ok"}
    assert requests.get(f"{url}/readyz", timeout=5).status_code == 200
    bot = sandbox.client("gobot@webex.bot")
    [hook, *_] = list(bot.webhooks.list())
    bot.webhooks.update(
        hook.id, name=hook.name, targetUrl=hook.targetUrl, status="inactive"
    )
    for other in list(bot.webhooks.list())[1:2]:
        bot.webhooks.delete(other.id)

    unready = requests.get(f"{url}/readyz", timeout=5)
    repaired = WebhookHealth(sandbox.runtime)()

    assert unready.status_code == 503 and "inactive" in unready.json()["webhooks"]
    assert any("inactive" in p for p in repaired) and any(
        "missing" in p for p in repaired
    )
    assert requests.get(f"{url}/readyz", timeout=5).status_code == 200
    assert {h.status for h in bot.webhooks.list()} == {"active"}
    assert len(list(bot.webhooks.list())) == 3
