"""``audit`` and ``audit <email>``: the latest entries of the audit trail."""

from __future__ import annotations

from handlers.commands import Command
from handlers.context import Context, Services

AUDIT_LIMIT = 20


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
                actor=entry.actor,
                action=entry.action,
                line=line,
                outcome=entry.outcome,
            )
        )
    ctx.reply(services, "\n".join(lines))
    return f"audit shown: {len(entries)} entries"
