"""Assigning lines and issuing activation codes."""

from __future__ import annotations

import logging

from handlers.commands import Command
from handlers.context import Context, Services
from handlers.delivery import send_activation
from handlers.errors import ChatUnavailable, CommandError
from handlers.ports import IssuedCode
from handlers.self_service import handle_own_code

logger = logging.getLogger(__name__)


def handle_add(services: Services, ctx: Context, command: Command) -> str:
    """``add <email>``: a new line, Pending Activation, with its first code."""
    email = _require_person(services, command)

    issued = services.devices.add_line(email)

    return deliver_code(services, ctx, issued, "reply.line_added", outcome="line added")


def handle_new_code(services: Services, ctx: Context, command: Command) -> str:
    """``new code [email]``: a fresh code, which cancels the earlier ones.

    About the writer's own line it is self-service, with its limits: always for
    non-admins, and for admins when they write 1:1.
    """
    email = command.email or ctx.actor.email
    if email == ctx.actor.email and (ctx.room_type == "direct" or not ctx.is_admin):
        return handle_own_code(services, ctx)

    issued = services.devices.issue_code(email)

    return deliver_code(
        services, ctx, issued, "reply.code_issued", outcome="code issued"
    )


def deliver_code(
    services: Services,
    ctx: Context,
    issued: IssuedCode,
    reply_key: str,
    *,
    outcome: str,
) -> str:
    """DM the owner (and the admin, if e-mail is off); confirm, masked, in the room."""
    texts, masked = services.texts, issued.activation.masked
    try:
        send_activation(services, issued)
    except ChatUnavailable as error:
        logger.warning("direct message with a new code failed: status=%s", error.status)
        reason = (
            f"Webex answered {error.status}"
            if error.status
            else "Webex was unreachable"
        )
        ctx.reply(
            services,
            texts.render(
                "reply.dm_failed", email=issued.email, masked=masked, reason=reason
            ),
        )
        return f"{outcome} ({masked}), direct message failed"

    reply = texts.render(
        reply_key,
        email=issued.email,
        masked=masked,
        expires=issued.expires_at,
        icon=texts.get("status.pending_activation.icon"),
    )
    if _admin_copy_needed(services, ctx, issued):
        send_activation(services, issued, to=ctx.actor.email)
        reply += "\n\n" + texts.render("reply.suppressed_email", email=issued.email)
    ctx.reply(services, reply)
    return f"{outcome} ({masked})"


def _admin_copy_needed(services: Services, ctx: Context, issued: IssuedCode) -> bool:
    """With e-mail suppressed, the admin who acted delivers the code by hand."""
    return (
        services.options.suppress_email
        and ctx.is_admin
        and ctx.actor.email != issued.email
    )


def _require_person(services: Services, command: Command) -> str:
    assert command.email is not None
    if services.chat.find_person(command.email) is None:
        raise CommandError("error.unknown_person", email=command.email)
    return command.email
