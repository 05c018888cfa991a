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
    lines = [texts.render("help.title"), ""]
    if is_admin:
        lines.append(texts.render("help.admin_title"))
        for spec in specs:
            lines.append(
                texts.render("help.line", **texts.get(f"commands.{spec.name}"))
            )
        return "\n".join(lines)
    lines.append(texts.render("help.user_title"))
    lines.append(texts.render("help.user_new_code"))
    lines.append(texts.render("help.user_status"))
    lines.append(texts.render("help.line", **texts.get("commands.help")))
    return "\n".join(lines)
