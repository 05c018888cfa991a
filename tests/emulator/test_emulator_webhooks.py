"""Webhooks: the CRUD API, which events reach which webhook, signing, deactivation."""

import hashlib
import hmac
import json

import pytest
import requests
from webexpythonsdk import ApiError

SECRET = "s3cret-for-tests"
ENVELOPE_KEYS = [
    "id", "name", "targetUrl", "resource", "event", "filter", "orgId",
    "createdBy", "appId", "ownedBy", "status", "actorId", "data",
]  # fmt: skip


def _bodies(receiver) -> list[dict]:
    return [json.loads(item["body"]) for item in receiver.received]


def _mention(demo: dict) -> str:
    return f"<@personId:{demo['people']['bot']['id']}|GoBot> status alice@example.com"


def test_webhook_crud(api_for, receiver):
    bot = api_for("bot")

    created = bot.webhooks.create(
        name="direct",
        targetUrl=receiver.url,
        resource="messages",
        event="created",
        filter="roomType=direct",
        secret=SECRET,
    )
    listed = [w.id for w in bot.webhooks.list()]
    updated = bot.webhooks.update(created.id, name="renamed", targetUrl=receiver.url)
    others = list(api_for("alice").webhooks.list())
    bot.webhooks.delete(created.id)

    assert (created.status, created.ownedBy, created.secret) == (
        "active",
        "creator",
        SECRET,
    )
    assert created.createdBy == bot.people.me().id
    assert listed == [created.id]
    assert updated.name == "renamed"
    assert others == []
    with pytest.raises(ApiError) as caught:
        bot.webhooks.get(created.id)
    assert caught.value.status_code == 404


def test_webhook_needs_all_four_fields(server, demo, receiver):
    response = requests.post(
        server.base_url + "webhooks",
        json={"name": "x", "targetUrl": receiver.url, "resource": "messages"},
        headers={"Authorization": f"Bearer {demo['tokens']['bot']}"},
        timeout=5,
    )

    assert response.status_code == 400
    assert "event" in response.json()["message"]


@pytest.mark.parametrize(
    "target",
    [
        "https://bot.example.com/webhooks/webex",
        "http://10.0.0.5:8080/hook",
        "http://169.254.169.254/latest",
        "ftp://127.0.0.1/hook",
    ],
)
def test_non_loopback_target_is_refused(api_for, target):
    with pytest.raises(ApiError) as caught:
        api_for("bot").webhooks.create(
            name="x", targetUrl=target, resource="messages", event="created"
        )

    assert caught.value.status_code == 400
    assert "loopback" in caught.value.message


def test_direct_message_is_delivered_signed(emu, api_for, demo, receiver):
    bot = api_for("bot")
    hook = bot.webhooks.create(
        name="direct",
        targetUrl=receiver.url,
        resource="messages",
        event="created",
        filter="roomType=direct",
        secret=SECRET,
    )

    sent = api_for("alice").messages.create(
        toPersonEmail="gobot@webex.bot", text="new code"
    )
    assert emu.wait_idle()

    [delivery] = receiver.received
    raw = delivery["body"]
    expected = hmac.new(SECRET.encode(), raw, hashlib.sha1).hexdigest()
    body = json.loads(raw)
    assert delivery["headers"]["X-Spark-Signature"] == expected
    assert delivery["headers"]["Content-Type"] == "application/json"
    assert list(body) == ENVELOPE_KEYS
    assert (body["id"], body["filter"], body["actorId"]) == (
        hook.id, "roomType=direct", demo["people"]["alice"]["id"],
    )  # fmt: skip
    assert list(body["data"]) == [
        "id", "roomId", "roomType", "personId", "personEmail", "created",
    ]  # fmt: skip
    assert body["data"]["id"] == sent.id
    assert emu.deliveries[0]["status_code"] == 200


def test_unsigned_without_secret(emu, api_for, receiver):
    api_for("bot").webhooks.create(
        name="all", targetUrl=receiver.url, resource="messages", event="all"
    )

    api_for("alice").messages.create(toPersonEmail="gobot@webex.bot", text="hi")
    assert emu.wait_idle()

    assert "X-Spark-Signature" not in receiver.received[0]["headers"]
    assert "filter" not in _bodies(receiver)[0]


def test_mentioned_people_me_filter(emu, api_for, demo, receiver):
    api_for("bot").webhooks.create(
        name="mentions",
        targetUrl=receiver.url,
        resource="messages",
        event="created",
        filter="mentionedPeople=me",
    )
    admin = api_for("admin")

    admin.messages.create(roomId=demo["admin_room"]["id"], markdown=_mention(demo))
    api_for("alice").messages.create(toPersonEmail="gobot@webex.bot", text="no mention")
    assert emu.wait_idle()

    [body] = _bodies(receiver)
    assert body["data"]["roomType"] == "group"
    assert body["data"]["mentionedPeople"] == [demo["people"]["bot"]["id"]]


def test_room_type_direct_filter_skips_group_rooms(emu, api_for, demo, receiver):
    api_for("bot").webhooks.create(
        name="direct",
        targetUrl=receiver.url,
        resource="messages",
        event="created",
        filter="roomType=direct",
    )

    api_for("admin").messages.create(
        roomId=demo["admin_room"]["id"], markdown=_mention(demo)
    )
    api_for("alice").messages.create(toPersonEmail="gobot@webex.bot", text="direct")
    assert emu.wait_idle()

    assert [b["data"]["roomType"] for b in _bodies(receiver)] == ["direct"]


def test_bot_in_group_room_hears_only_mentions(emu, api_for, demo, receiver):
    api_for("bot").webhooks.create(
        name="everything", targetUrl=receiver.url, resource="messages", event="created"
    )
    admin = api_for("admin")
    room_id = demo["admin_room"]["id"]

    admin.messages.create(roomId=room_id, text="admins chatting, no bot")
    mention = admin.messages.create(roomId=room_id, markdown=_mention(demo))
    assert emu.wait_idle()

    assert [b["data"]["id"] for b in _bodies(receiver)] == [mention.id]


def test_bot_own_direct_message_reaches_its_webhook(emu, api_for, demo, receiver):
    bot = api_for("bot")
    bot.webhooks.create(
        name="direct",
        targetUrl=receiver.url,
        resource="messages",
        event="created",
        filter="roomType=direct",
    )

    sent = bot.messages.create(toPersonEmail="alice@example.com", text="your code")
    assert emu.wait_idle()

    [body] = _bodies(receiver)
    assert body["data"]["id"] == sent.id
    assert body["data"]["personId"] == demo["people"]["bot"]["id"]
    assert body["actorId"] == demo["people"]["bot"]["id"]


def test_non_member_webhooks_hear_nothing(emu, api_for, demo, receiver):
    api_for("bob").webhooks.create(
        name="bob", targetUrl=receiver.url, resource="messages", event="created"
    )

    api_for("admin").messages.create(
        roomId=demo["admin_room"]["id"], text="admins only"
    )
    assert emu.wait_idle()

    assert receiver.received == []


def test_card_submission_reaches_the_card_author(emu, api_for, demo, receiver):
    bot = api_for("bot")
    bot.webhooks.create(
        name="cards",
        targetUrl=receiver.url,
        resource="attachmentActions",
        event="created",
    )
    card = bot.messages.create(
        roomId=demo["admin_room"]["id"],
        text="fallback",
        attachments=[
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {"type": "AdaptiveCard", "version": "1.3", "body": []},
            }
        ],
    )

    action = api_for("admin").attachment_actions.create(
        type="submit", messageId=card.id, inputs={"confirm": "true"}
    )
    assert emu.wait_idle()

    [body] = _bodies(receiver)
    assert body["resource"] == "attachmentActions"
    assert body["data"] == {
        "id": action.id,
        "type": "submit",
        "messageId": card.id,
        "personId": demo["people"]["admin"]["id"],
        "roomId": demo["admin_room"]["id"],
        "created": action.to_dict()["created"],
    }


def test_membership_event_reaches_an_added_bot(emu, api_for, receiver):
    bot = api_for("bot")
    bot.webhooks.create(
        name="added", targetUrl=receiver.url, resource="memberships", event="created"
    )
    alice = api_for("alice")
    room = alice.rooms.create("Alice and the bot")

    alice.memberships.create(roomId=room.id, personEmail="gobot@webex.bot")
    assert emu.wait_idle()

    [body] = _bodies(receiver)
    assert body["data"]["personEmail"] == "gobot@webex.bot"
    assert body["data"]["roomId"] == room.id


def test_inactive_after_five_failures_until_reactivated(emu, api_for, receiver):
    receiver.status = 500
    bot = api_for("bot")
    hook = bot.webhooks.create(
        name="direct", targetUrl=receiver.url, resource="messages", event="created"
    )
    alice = api_for("alice")

    for index in range(6):
        alice.messages.create(toPersonEmail="gobot@webex.bot", text=f"try {index}")
        assert emu.wait_idle()
    inactive = bot.webhooks.get(hook.id)
    receiver.status = 200
    bot.webhooks.update(hook.id, name="direct", targetUrl=receiver.url, status="active")
    alice.messages.create(toPersonEmail="gobot@webex.bot", text="after reactivation")
    assert emu.wait_idle()

    assert inactive.status == "inactive"
    assert len(receiver.received) == 6
    assert [d["status_code"] for d in emu.deliveries] == [500] * 5 + [200]
    assert bot.webhooks.get(hook.id).status == "active"


def test_connection_error_is_recorded(emu, api_for):
    closed_port_url = "http://127.0.0.1:9/hook"
    api_for("bot").webhooks.create(
        name="dead", targetUrl=closed_port_url, resource="messages", event="created"
    )

    api_for("alice").messages.create(toPersonEmail="gobot@webex.bot", text="hello?")
    assert emu.wait_idle()

    [delivery] = emu.deliveries
    assert delivery["status_code"] is None
    assert delivery["error"]
    assert delivery["target_url"] == closed_port_url


def test_receiver_may_call_the_api_back_while_handling(emu, api_for, receiver):
    bot = api_for("bot")
    fetched = []
    receiver.on_event = lambda event: fetched.append(
        bot.messages.get(event["data"]["id"])
    )
    bot.webhooks.create(
        name="direct", targetUrl=receiver.url, resource="messages", event="created"
    )

    api_for("alice").messages.create(toPersonEmail="gobot@webex.bot", text="new code")
    assert emu.wait_idle()

    assert [m.text for m in fetched] == ["new code"]


def test_has_files_filter(emu, api_for, receiver, tmp_path):
    png = tmp_path / "qr.png"
    png.write_bytes(b"\x89PNG fake")
    api_for("bot").webhooks.create(
        name="files",
        targetUrl=receiver.url,
        resource="messages",
        event="created",
        filter="hasFiles=true",
    )
    alice = api_for("alice")

    alice.messages.create(toPersonEmail="gobot@webex.bot", text="no file")
    alice.messages.create(
        toPersonEmail="gobot@webex.bot", text="file", files=[str(png)]
    )
    assert emu.wait_idle()

    [body] = _bodies(receiver)
    assert len(body["data"]["files"]) == 1
