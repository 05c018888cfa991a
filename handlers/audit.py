"""``audit`` and ``audit <email>``: the latest entries of the audit trail."""

from __future__ import annotations

import re

from handlers.commands import Command
from handlers.context import Context, Services

AUDIT_LIMIT = 20
_MARKDOWN = re.compile(r"([\\`*_{}\[\]#|<>~])")


def escape_markdown(text: str) -> str:
    """Text recorded from outside shown literally: one line, no markup, no links."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def handle_audit(services: Services, ctx: Context, command: Command) -> str:
    """Only admins reach this; the command's address, if any, narrows the trail."""
    texts = services.texts
    email = command.email
    scope = f" for {email}" if email else ""

    entries = services.audit.latest(line_email=email, limit=AUDIT_LIMIT)

    if not entries:
        ctx.reply(services, texts.render("reply.audit_empty", scope=scope))
        return "audit shown: empty"
    lines = [texts.render("reply.audit_title", scope=scope)]
    for entry in entries:
        line = f" · {entry.line_email}" if entry.line_email and not email else ""
        lines.append(
            texts.render(
                "reply.audit_line",
                at=entry.at,
                actor=escape_markdown(entry.actor),
                action=escape_markdown(entry.action),
                line=escape_markdown(line),
                outcome=escape_markdown(entry.outcome),
            )
        )
    ctx.reply(services, "\n".join(lines))
    return f"audit shown: {len(entries)} entries"
