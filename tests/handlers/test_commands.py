import pytest

from handlers.commands import Command, command_text, load_command_specs, parse_command
from handlers.errors import CommandError
from handlers.ports import Message
from tests.conftest import load_fixture

SPECS = load_command_specs()
BOT_ID = load_fixture("api/people-me.json")["id"]


def _message(**fields) -> Message:
    base = dict(
        id="m", room_id="r", room_type="group", person_id="p", person_email="a@b.co"
    )
    return Message(**(base | fields))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("help", Command("help")),
        ("HELP", Command("help")),
        ("add alice@example.com", Command("add", "alice@example.com")),
        ("Add  Alice@Example.COM ", Command("add", "alice@example.com")),
        ("new code alice@example.com", Command("new_code", "alice@example.com")),
        ("NEW CODE", Command("new_code")),
        ("regenerate bob@example.com", Command("new_code", "bob@example.com")),
        ("status", Command("status")),
        ("status mailto:carol@example.com", Command("status", "carol@example.com")),
        ("add <dan@example.com>", Command("add", "dan@example.com")),
        ("what can you do", Command("unknown", text="what can you do")),
        (
            "newcode alice@example.com",
            Command("unknown", text="newcode alice@example.com"),
        ),
        ("", Command("unknown")),
    ],
)
def test_parse_command(text, expected):
    assert parse_command(" ".join(text.split()), SPECS) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("add", "error.missing_email"),
        ("add alice@", "error.invalid_email"),
        ("add alice", "error.invalid_email"),
        ("new code alice@example", "error.invalid_email"),
        ("status a@b.com c@d.com", "error.too_many_arguments"),
        ("add <script>@x.com", "error.invalid_email"),
    ],
)
def test_parse_command_refuses_bad_arguments(text, key):
    with pytest.raises(CommandError) as caught:
        parse_command(text, SPECS)
    assert caught.value.key == key


def test_command_text_strips_the_mention_from_html():
    fixture = load_fixture("api/message-group-mention.json")
    message = _message(text=fixture["text"], html=fixture["html"])
    assert command_text(message, BOT_ID, "GoBot") == "new code alice@example.com"


def test_command_text_prefers_html_when_the_client_shortened_the_name():
    html = (
        f'<p>please <spark-mention data-object-type="person" data-object-id="{BOT_ID}">'
        "Go</spark-mention> status &lt;x&gt;</p>"
    )
    message = _message(text="please Go status <x>", html=html)
    assert command_text(message, BOT_ID, "GoBot") == "please status <x>"


def test_command_text_keeps_other_mentions_text():
    tag = '<spark-mention data-object-type="person" data-object-id="{}">{}</spark-mention>'  # noqa: E501
    html = f"<p>{tag.format(BOT_ID, 'GoBot')} status {tag.format('X', 'Alice')}</p>"
    message = _message(text="GoBot status Alice", html=html)
    assert command_text(message, BOT_ID, "GoBot") == "status Alice"


def test_command_text_without_html_strips_the_display_name():
    message = _message(text="gobot  add  alice@example.com")
    assert command_text(message, BOT_ID, "GoBot") == "add alice@example.com"


def test_command_text_in_a_direct_room_is_the_text():
    message = _message(room_type="direct", text=" new code ")
    assert command_text(message, BOT_ID, "GoBot") == "new code"
