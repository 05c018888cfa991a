"""Assigning lines and issuing activation codes."""

from __future__ import annotations

import logging

from handlers.commands import Command
from handlers.context import Context, Services
from handlers.delivery import send_activation
from handlers.errors import ChatUnavailable, CommandError
from handlers.ports import IssuedCode

logger = logging.getLogger(__name__)


def handle_add(services: Services, ctx: Context, command: Command) -> str:
    """``add <email>``: a new line, Pending Activation, with its first code."""
    email = _require_person(services, command)

    issued = services.devices.add_line(email)

    return _deliver(services, ctx, issued, "reply.line_added", outcome="line added")


def handle_new_code(services: Services, ctx: Context, command: Command) -> str:
    """``new code [email]``: a fresh code, which cancels the earlier ones."""
    email = command.email or ctx.actor.email

    issued = services.devices.issue_code(email)

    own_line = email == ctx.actor.email.lower() and ctx.room_type == "direct"
    reply_key = "reply.code_issued_self" if own_line else "reply.code_issued"
    return _deliver(services, ctx, issued, reply_key, outcome="code issued")


def _require_person(services: Services, command: Command) -> str:
    assert command.email is not None
    if services.chat.find_person(command.email) is None:
        raise CommandError("error.unknown_person", email=command.email)
    return command.email


def _deliver(
    services: Services,
    ctx: Context,
    issued: IssuedCode,
    reply_key: str,
    *,
    outcome: str,
) -> str:
    masked = issued.activation.masked
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
            services.texts.render(
                "reply.dm_failed", email=issued.email, masked=masked, reason=reason
            ),
        )
        return outcome + ", direct message failed"
    if reply_key == "reply.code_issued_self":
        # The person asked 1:1 for their own code: the DM above is the whole answer,
        # followed by a one-line note.
        ctx.reply(services, services.texts.render(reply_key, expires=issued.expires_at))
    else:
        ctx.reply(
            services,
            services.texts.render(
                reply_key,
                email=issued.email,
                masked=masked,
                expires=issued.expires_at,
                icon=services.texts.get("status.pending_activation.icon"),
            ),
        )
    return outcome
