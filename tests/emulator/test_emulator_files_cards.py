"""Files (multipart upload, download, sharing) and cards with their submissions."""

import io

import pytest
import requests
import segno
from requests_toolbelt import MultipartEncoder
from webexpythonsdk import ApiError

CARD = {
    "contentType": "application/vnd.microsoft.card.adaptive",
    "content": {
        "type": "AdaptiveCard",
        "version": "1.3",
        "body": [{"type": "Input.Text", "id": "email", "label": "E-mail"}],
        "actions": [
            {"type": "Action.Submit", "title": "Send", "data": {"action": "new"}}
        ],
    },
}


def _qr_png() -> bytes:
    buffer = io.BytesIO()
    segno.make("LPA:1$smdp.example.com$ABCD-1234", micro=False).save(buffer, kind="png")
    return buffer.getvalue()


def _auth(demo: dict, key: str) -> dict:
    return {"Authorization": f"Bearer {demo['tokens'][key]}"}


@pytest.fixture
def png_path(tmp_path):
    path = tmp_path / "qr.png"
    path.write_bytes(_qr_png())
    return path


def test_upload_one_file_and_download_it(emu, server, api_for, demo, png_path):
    sent = api_for("bot").messages.create(
        toPersonEmail="alice@example.com", markdown="Your code", files=[str(png_path)]
    )

    [url] = sent.files
    download = requests.get(url, headers=_auth(demo, "alice"), timeout=5)

    assert url.startswith(server.base_url + "contents/")
    assert download.status_code == 200
    assert download.content == png_path.read_bytes()
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["Content-Disposition"] == 'attachment; filename="qr.png"'
    assert emu.file_bytes(emu.messages()[-1]) == [("qr.png", "image/png", _qr_png())]


def test_download_needs_room_membership(api_for, demo, png_path):
    sent = api_for("bot").messages.create(
        toPersonEmail="alice@example.com", text="code", files=[str(png_path)]
    )

    response = requests.get(sent.files[0], headers=_auth(demo, "bob"), timeout=5)

    assert response.status_code == 404


def test_two_file_parts_are_refused(server, demo):
    encoder = MultipartEncoder(
        fields=[
            ("toPersonEmail", "alice@example.com"),
            ("text", "two files"),
            ("files", ("a.png", io.BytesIO(b"a"), "image/png")),
            ("files", ("b.png", io.BytesIO(b"b"), "image/png")),
        ]
    )
    headers = {**_auth(demo, "bot"), "Content-Type": encoder.content_type}

    response = requests.post(
        server.base_url + "messages", data=encoder, headers=headers, timeout=5
    )

    assert response.status_code == 400
    assert "one file" in response.json()["message"]


def test_file_urls_must_be_the_emulators_own(api_for, demo, png_path):
    bot = api_for("bot")
    uploaded = bot.messages.create(
        toPersonEmail="alice@example.com", text="code", files=[str(png_path)]
    )

    shared = bot.messages.create(roomId=demo["admin_room"]["id"], files=uploaded.files)
    with pytest.raises(ApiError) as caught:
        bot.messages.create(
            toPersonEmail="alice@example.com", files=["https://example.com/qr.png"]
        )

    assert shared.files == uploaded.files
    assert caught.value.status_code == 400


def test_card_message_round_trips(api_for):
    bot = api_for("bot")

    sent = bot.messages.create(
        toPersonEmail="alice@example.com", text="fallback", attachments=[CARD]
    )

    assert bot.messages.get(sent.id).attachments == [CARD]


def test_at_most_one_card(api_for):
    with pytest.raises(ApiError) as caught:
        api_for("bot").messages.create(
            toPersonEmail="alice@example.com", text="two", attachments=[CARD, CARD]
        )
    assert caught.value.status_code == 400


def test_attachment_action_submit_and_get(api_for, demo):
    bot, admin = api_for("bot"), api_for("admin")
    card = bot.messages.create(
        roomId=demo["admin_room"]["id"], text="fallback", attachments=[CARD]
    )

    submitted = admin.attachment_actions.create(
        type="submit", messageId=card.id, inputs={"email": "alice@example.com"}
    )
    action = bot.attachment_actions.get(submitted.id).to_dict()

    assert list(action) == [
        "id", "type", "messageId", "inputs", "personId", "roomId", "created",
    ]  # fmt: skip
    assert action["inputs"] == {"email": "alice@example.com"}
    assert action["personId"] == demo["people"]["admin"]["id"]
    assert action["roomId"] == demo["admin_room"]["id"]


def test_attachment_action_needs_a_card(api_for, demo):
    sent = api_for("bot").messages.create(
        roomId=demo["admin_room"]["id"], text="no card"
    )

    with pytest.raises(ApiError) as caught:
        api_for("admin").attachment_actions.create(
            type="submit", messageId=sent.id, inputs={}
        )

    assert caught.value.status_code == 400


def test_attachment_action_needs_room_membership(api_for, demo):
    card = api_for("bot").messages.create(
        roomId=demo["admin_room"]["id"], text="fallback", attachments=[CARD]
    )

    with pytest.raises(ApiError) as caught:
        api_for("bob").attachment_actions.create(
            type="submit", messageId=card.id, inputs={}
        )

    assert caught.value.status_code == 404


def test_messages_with_files_or_cards_cannot_be_edited(api_for, demo):
    bot = api_for("bot")
    card = bot.messages.create(
        roomId=demo["admin_room"]["id"], text="fallback", attachments=[CARD]
    )

    with pytest.raises(ApiError) as caught:
        bot.messages.update(card.id, roomId=demo["admin_room"]["id"], text="changed")

    assert caught.value.status_code == 400
