"""People, rooms and memberships through the real Webex SDK."""

import base64
import re

import pytest
import requests
from webexpythonsdk import ApiError

ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
TIMESTAMP_PATTERN = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _decoded(object_id: str) -> str:
    return base64.urlsafe_b64decode(object_id + "=" * (-len(object_id) % 4)).decode()


def test_me_is_the_bot_in_webex_shape(api_for, demo):
    me = api_for("bot").people.me().to_dict()

    assert list(me) == [
        "id", "emails", "displayName", "nickName", "orgId", "created", "type",
    ]  # fmt: skip
    assert me["emails"] == ["gobot@webex.bot"]
    assert me["type"] == "bot"
    assert ID_PATTERN.match(me["id"])
    assert re.match(r"^ciscospark://us/PEOPLE/[0-9a-f-]{36}$", _decoded(me["id"]))
    assert _decoded(me["orgId"]).startswith("ciscospark://us/ORGANIZATION/")
    assert TIMESTAMP_PATTERN.match(me["created"])


def test_person_has_first_and_last_name(api_for):
    alice = api_for("alice").people.me()

    assert (alice.firstName, alice.lastName, alice.nickName) == (
        "Alice",
        "Example",
        "Alice",
    )
    assert alice.type == "person"


def test_people_by_email_is_exact_and_case_insensitive(api_for, demo):
    bot = api_for("bot")

    found = list(bot.people.list(email="Alice@Example.COM"))

    assert [p.id for p in found] == [demo["people"]["alice"]["id"]]
    assert list(bot.people.list(email="alice@example")) == []
    assert list(bot.people.list(email="nobody@example.com")) == []


def test_people_by_id_list(api_for, demo):
    ids = [demo["people"]["alice"]["id"], demo["people"]["bob"]["id"]]

    found = list(api_for("bot").people.list(id=",".join(ids)))

    assert [p.id for p in found] == ids


def test_person_by_id_and_unknown_id(api_for, demo):
    bot = api_for("bot")

    assert bot.people.get(demo["people"]["carol"]["id"]).displayName == "Carol Example"
    with pytest.raises(ApiError) as caught:
        bot.people.get("Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ub2JvZHk")
    assert caught.value.status_code == 404


def test_person_by_email_helper(emu, demo):
    assert emu.person_by_email("DAN@example.com")["id"] == demo["people"]["dan"]["id"]
    assert emu.person_by_email("eve@example.com") is None


def test_create_room_list_and_filter(api_for):
    alice = api_for("alice")

    room = alice.rooms.create("Alice's room")
    alice.messages.create(toPersonEmail="bob@example.com", text="hello")

    assert (room.type, room.isLocked) == ("group", False)
    assert {r.type for r in alice.rooms.list()} == {"group", "direct"}
    assert [r.title for r in alice.rooms.list(type="group")] == ["Alice's room"]
    assert [r.title for r in alice.rooms.list(type="direct")] == ["Bob Example"]


def test_room_is_hidden_from_non_members(api_for, demo):
    with pytest.raises(ApiError) as caught:
        api_for("alice").rooms.get(demo["admin_room"]["id"])
    assert caught.value.status_code == 404
    assert (
        api_for("admin").rooms.get(demo["admin_room"]["id"]).title == "Webex Go admins"
    )


def test_memberships_list_add_and_delete(api_for, demo):
    admin = api_for("admin")
    room_id = demo["admin_room"]["id"]

    added = admin.memberships.create(roomId=room_id, personEmail="carol@example.com")
    emails = sorted(m.personEmail for m in admin.memberships.list(roomId=room_id))
    admin.memberships.delete(added.id)

    assert emails == ["admin@example.com", "carol@example.com", "gobot@webex.bot"]
    assert added.personDisplayName == "Carol Example"
    assert added.isModerator is False
    assert len(list(admin.memberships.list(roomId=room_id))) == 2


def test_adding_a_member_twice_conflicts(api_for, demo):
    with pytest.raises(ApiError) as caught:
        api_for("admin").memberships.create(
            roomId=demo["admin_room"]["id"], personId=demo["people"]["bot"]["id"]
        )
    assert caught.value.status_code == 409


def test_non_member_cannot_list_memberships(api_for, demo):
    with pytest.raises(ApiError) as caught:
        list(api_for("bob").memberships.list(roomId=demo["admin_room"]["id"]))
    assert caught.value.status_code == 404


def test_lists_page_with_link_headers(server, demo, api_for):
    admin = api_for("admin")
    room_id = demo["admin_room"]["id"]
    for index in range(5):
        admin.messages.create(roomId=room_id, text=f"message {index}")
    headers = {"Authorization": f"Bearer {demo['tokens']['admin']}"}

    first = requests.get(
        server.base_url + "messages",
        params={"roomId": room_id, "max": 2},
        headers=headers,
        timeout=5,
    )
    texts = [m.text for m in admin.messages.list(roomId=room_id, max=2)]

    assert len(first.json()["items"]) == 2
    assert first.links["next"]["url"].startswith(server.base_url + "messages?")
    assert texts == [f"message {index}" for index in range(4, -1, -1)]
