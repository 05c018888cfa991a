"""Messages: rendering, limits, addressing, visibility, listing, editing, deleting."""

import pytest
import requests
from webexpythonsdk import ApiError

MAX_BYTES = 7439


def _status(call) -> int:
    with pytest.raises(ApiError) as caught:
        call()
    return caught.value.status_code


def test_mention_renders_like_webex(api_for, demo):
    bot_id = demo["people"]["bot"]["id"]
    admin = api_for("admin")

    sent = admin.messages.create(
        roomId=demo["admin_room"]["id"],
        markdown=f"<@personId:{bot_id}|GoBot> new code alice@example.com",
    )
    seen = api_for("bot").messages.get(sent.id).to_dict()

    assert seen["text"] == "GoBot new code alice@example.com"
    assert seen["html"] == (
        f'<p><spark-mention data-object-type="person" data-object-id="{bot_id}">'
        "GoBot</spark-mention> new code alice@example.com</p>"
    )
    assert seen["mentionedPeople"] == [bot_id]
    assert (seen["roomType"], seen["personEmail"]) == ("group", "admin@example.com")


def test_mention_by_email_defaults_to_display_name(api_for, demo):
    sent = api_for("admin").messages.create(
        roomId=demo["admin_room"]["id"], markdown="<@personEmail:gobot@webex.bot> help"
    )

    assert sent.text == "GoBot help"
    assert sent.mentionedPeople == [demo["people"]["bot"]["id"]]


def test_plain_text_message_has_no_html(api_for, demo):
    sent = api_for("alice").messages.create(
        toPersonEmail="gobot@webex.bot", text="new code"
    )

    assert sent.to_dict().keys() >= {"id", "roomId", "roomType", "text", "created"}
    assert "html" not in sent.to_dict()
    assert sent.toPersonEmail == "gobot@webex.bot"


def test_markdown_only_gets_plain_text(api_for):
    sent = api_for("alice").messages.create(
        toPersonEmail="bob@example.com", markdown="**Code** for `alice`"
    )

    assert sent.text == "Code for alice"
    assert sent.html == "<p><strong>Code</strong> for <code>alice</code></p>"


@pytest.mark.parametrize("field", ["text", "markdown"])
def test_text_limit_is_7439_bytes(api_for, field):
    alice = api_for("alice")

    alice.messages.create(toPersonEmail="bob@example.com", **{field: "a" * MAX_BYTES})
    with pytest.raises(ApiError) as caught:
        alice.messages.create(toPersonEmail="bob@example.com", **{field: "a" * 7440})

    assert caught.value.status_code == 400
    assert "7439" in caught.value.message


def test_text_limit_counts_utf8_bytes(api_for):
    alice = api_for("alice")
    fits = "é" * 3719 + "a"  # 7439 bytes, 3720 characters
    too_long = "é" * 3720  # 7440 bytes, 3720 characters

    alice.messages.create(toPersonEmail="bob@example.com", text=fits)

    assert (
        _status(
            lambda: alice.messages.create(
                toPersonEmail="bob@example.com", text=too_long
            )
        )
        == 400
    )


def test_message_needs_content(api_for):
    alice = api_for("alice")

    assert (
        _status(lambda: alice.messages.create(toPersonEmail="bob@example.com")) == 400
    )


def test_direct_message_to_self_is_refused(api_for):
    alice = api_for("alice")

    status = _status(
        lambda: alice.messages.create(toPersonEmail="alice@example.com", text="x")
    )

    assert status == 400


def test_direct_message_to_unknown_person_is_not_found(api_for):
    alice = api_for("alice")

    status = _status(
        lambda: alice.messages.create(toPersonEmail="eve@example.com", text="x")
    )

    assert status == 404


def test_direct_messages_share_one_room(api_for, demo):
    alice, bot = api_for("alice"), api_for("bot")

    first = alice.messages.create(toPersonEmail="gobot@webex.bot", text="hi")
    reply = bot.messages.create(toPersonId=demo["people"]["alice"]["id"], text="hello")

    assert first.roomId == reply.roomId
    assert reply.toPersonId == demo["people"]["alice"]["id"]
    assert bot.messages.get(first.id).text == "hi"


def test_non_member_cannot_post_or_read(api_for, demo):
    room_id = demo["admin_room"]["id"]
    sent = api_for("admin").messages.create(roomId=room_id, text="admins only")
    bob = api_for("bob")

    assert _status(lambda: bob.messages.create(roomId=room_id, text="let me in")) == 404
    assert _status(lambda: bob.messages.get(sent.id)) == 404


def test_bot_sees_only_group_messages_that_mention_it(api_for, demo):
    room_id = demo["admin_room"]["id"]
    admin, bot = api_for("admin"), api_for("bot")
    bot_id = demo["people"]["bot"]["id"]

    plain = admin.messages.create(roomId=room_id, text="just admins talking")
    mention = admin.messages.create(
        roomId=room_id, markdown=f"<@personId:{bot_id}> status"
    )
    own = bot.messages.create(roomId=room_id, text="I am here")

    assert _status(lambda: bot.messages.get(plain.id)) == 404
    assert bot.messages.get(mention.id).id == mention.id
    assert bot.messages.get(own.id).id == own.id
    assert admin.messages.get(plain.id).text == "just admins talking"


def test_bot_lists_group_room_only_with_mentioned_people_me(api_for, demo):
    room_id = demo["admin_room"]["id"]
    admin, bot = api_for("admin"), api_for("bot")
    bot_id = demo["people"]["bot"]["id"]
    admin.messages.create(roomId=room_id, text="no mention")
    mention = admin.messages.create(roomId=room_id, markdown=f"<@personId:{bot_id}> hi")

    listed = list(bot.messages.list(roomId=room_id, mentionedPeople="me"))

    assert [m.id for m in listed] == [mention.id]
    assert _status(lambda: list(bot.messages.list(roomId=room_id))) == 403
    too_many = bot.messages.list(roomId=room_id, mentionedPeople="me", max=101)
    assert _status(lambda: list(too_many)) == 400


def test_list_is_newest_first(api_for, demo):
    admin = api_for("admin")
    room_id = demo["admin_room"]["id"]
    for text in ("one", "two", "three"):
        admin.messages.create(roomId=room_id, text=text)

    assert [m.text for m in admin.messages.list(roomId=room_id)] == [
        "three",
        "two",
        "one",
    ]


def test_list_needs_room_id(server, demo):
    response = requests.get(
        server.base_url + "messages",
        headers={"Authorization": f"Bearer {demo['tokens']['admin']}"},
        timeout=5,
    )

    assert response.status_code == 400


def test_only_the_author_deletes(api_for, demo):
    room_id = demo["admin_room"]["id"]
    admin, bot = api_for("admin"), api_for("bot")
    sent = bot.messages.create(roomId=room_id, text="card soon")

    assert _status(lambda: admin.messages.delete(sent.id)) == 403
    bot.messages.delete(sent.id)
    assert _status(lambda: admin.messages.get(sent.id)) == 404


def test_edit_by_author_up_to_ten_times(api_for, demo):
    room_id = demo["admin_room"]["id"]
    admin = api_for("admin")
    sent = admin.messages.create(roomId=room_id, text="v0")

    for version in range(1, 11):
        edited = admin.messages.update(sent.id, roomId=room_id, text=f"v{version}")

    assert edited.text == "v10"
    assert (
        _status(lambda: admin.messages.update(sent.id, roomId=room_id, text="v11"))
        == 400
    )
    assert _status(lambda: api_for("bot").messages.update(sent.id, text="x")) == 404


def test_emu_messages_filters(emu, api_for, demo):
    alice, bot = api_for("alice"), api_for("bot")
    alice.messages.create(toPersonEmail="gobot@webex.bot", text="to the bot")
    bot.messages.create(toPersonEmail="alice@example.com", text="to alice")
    bot.messages.create(roomId=demo["admin_room"]["id"], text="to the admins")

    from_bot = emu.messages(sent_by="GoBot@webex.bot")
    to_alice = emu.messages(to_person_email="alice@example.com")
    in_room = emu.messages(room_id=demo["admin_room"]["id"])

    assert [m["text"] for m in from_bot] == ["to alice", "to the admins"]
    assert [m["text"] for m in to_alice] == ["to alice"]
    assert [m["text"] for m in in_room] == ["to the admins"]
    assert len(emu.messages(sent_by=demo["people"]["alice"]["id"])) == 1
