"""Showing a line's status."""

from __future__ import annotations

from handlers.commands import Command
from handlers.context import Context, Services
from handlers.errors import NotFound
from handlers.ports import LineInfo
from handlers.texts import Texts


def handle_status(services: Services, ctx: Context, command: Command) -> str:
    """``status [email]``: the line's state with its colour, and the code's expiry."""
    email = command.email or ctx.actor.email

    line = services.devices.get_line(email)
    if line is None:
        raise NotFound("error.no_line", email=email)

    ctx.reply(services, describe_line(services.texts, line))
    return "status shown"


def describe_line(texts: Texts, line: LineInfo) -> str:
    status = texts.get(f"status.{line.status.value}")
    summary = texts.render("reply.status", email=line.email, **status)
    if line.code is None:
        return summary + "\n\n" + texts.render("reply.status_no_code")
    code = texts.render(
        "reply.status_code", masked=line.code.masked, expires=line.code.expires_at
    )
    return summary + "\n\n" + code
