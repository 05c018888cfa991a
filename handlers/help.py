"""The list of commands, from the manifest."""

from __future__ import annotations

from handlers.commands import Command, CommandSpec
from handlers.context import Context, Services
from handlers.texts import Texts


def handle_help(services: Services, ctx: Context, command: Command) -> str:
    """``help``, and anything not understood: the commands with an example each."""
    text = build_help(services.texts, services.commands, is_admin=ctx.is_admin)
    if command.name == "unknown" and command.text:
        text = (
            services.texts.render("help.unknown", text=command.text[:80])
            + "\n\n"
            + text
        )
    ctx.reply(services, text)
    return "help shown" if command.name == "help" else "not understood, help shown"


def build_help(texts: Texts, specs: tuple[CommandSpec, ...], *, is_admin: bool) -> str:
    """Everyone sees what they can do for their own line; admins also see theirs."""
    lines = [texts.render("help.title"), ""]
    for key in ("user_title", "user_new_code", "user_status", "user_help"):
        lines.append(texts.render(f"help.{key}"))
    if is_admin:
        lines += ["", texts.render("help.admin_title")]
        for spec in specs:
            lines.append(
                texts.render("help.line", **texts.get(f"commands.{spec.name}"))
            )
    return "\n".join(lines)
