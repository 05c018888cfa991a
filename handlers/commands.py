"""Turning a message into a command.

The grammar (command words, which take an e-mail address, which are for admins)
is data in ``manifest/commands.toml``.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass

from handlers.errors import CommandError
from handlers.ports import Message
from handlers.texts import MANIFEST

EMAIL_PATTERN = re.compile(r"^[^@\s<>\"'`]+@[^@\s<>\"'`]+\.[a-z]{2,}$")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class CommandSpec:
    name: str
    words: tuple[str, ...]
    argument: str = "none"
    admin_only: bool = False


@dataclass(frozen=True)
class Command:
    """A parsed request. ``name`` is ``unknown`` when nothing matched."""

    name: str
    email: str | None = None
    text: str = ""


def load_command_specs() -> tuple[CommandSpec, ...]:
    with open(MANIFEST / "commands.toml", "rb") as file:
        entries = tomllib.load(file)["command"]
    return tuple(
        CommandSpec(
            name=entry["name"],
            words=tuple(entry["words"]),
            argument=entry.get("argument", "none"),
            admin_only=entry.get("admin_only", False),
        )
        for entry in entries
    )


def command_text(message: Message, bot_id: str, bot_name: str) -> str:
    """The message's text without the bot's mention, whitespace collapsed.

    The html form is preferred: it marks the mention exactly, whereas a client
    may shorten the display name that starts ``text``.
    """
    if message.html and bot_id in message.html:
        mention = re.compile(
            r"<spark-mention[^>]*data-object-id=\""
            + re.escape(bot_id)
            + r"\"[^>]*>.*?</spark-mention>",
            re.DOTALL,
        )
        text = html.unescape(_TAG.sub(" ", mention.sub(" ", message.html)))
    else:
        text = message.text
        if message.room_type == "group" and text.lower().startswith(bot_name.lower()):
            text = text[len(bot_name) :]
    return " ".join(text.split())


def parse_command(text: str, specs: tuple[CommandSpec, ...]) -> Command:
    """Match the command words and check the e-mail argument.

    Raises CommandError for a missing or malformed e-mail address.
    """
    lowered = text.lower()
    candidates = sorted(
        ((word, spec) for spec in specs for word in spec.words),
        key=lambda pair: -len(pair[0]),
    )
    for word, spec in candidates:
        if lowered == word or lowered.startswith(word + " "):
            return _with_argument(spec, text[len(word) :].strip())
    return Command(name="unknown", text=text)


def normalize_email(value: str) -> str:
    """Trim and lower-case an address; raise CommandError if it is not one."""
    email = value.strip().strip("<>").lower()
    if email.startswith("mailto:"):
        email = email[len("mailto:") :]
    if not EMAIL_PATTERN.match(email) or len(email) > 320:
        raise CommandError("error.invalid_email", value=value.strip())
    return email


def _with_argument(spec: CommandSpec, rest: str) -> Command:
    if spec.argument == "none":
        return Command(name=spec.name, text=rest)
    if spec.argument == "email_and_text":
        first, _, text = rest.partition(" ")
        if not first:
            raise CommandError("error.missing_email", command=spec.words[0])
        return Command(name=spec.name, email=normalize_email(first), text=text.strip())
    if not rest:
        if spec.argument == "email":
            raise CommandError("error.missing_email", command=spec.words[0])
        return Command(name=spec.name)
    if len(rest.split()) > 1:
        raise CommandError(
            "error.too_many_arguments", command=spec.words[0], value=rest
        )
    return Command(name=spec.name, email=normalize_email(rest))
