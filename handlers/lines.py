"""Lost or stolen phones and deleted lines: destructive, so they ask first."""

from __future__ import annotations

import logging

from handlers.codes import deliver_code
from handlers.commands import Command
from handlers.confirm_cards import send_confirmation
from handlers.context import Context, Services
from handlers.errors import ChatUnavailable, NotFound

logger = logging.getLogger(__name__)


def handle_lost(services: Services, ctx: Context, command: Command) -> str:
    """``lost <email>``: ask for confirmation on a card."""
    return _ask(services, ctx, "lost", command)


def handle_delete(services: Services, ctx: Context, command: Command) -> str:
    """``delete <email>``: ask for confirmation on a card."""
    return _ask(services, ctx, "delete", command)


def report_lost(services: Services, ctx: Context, email: str) -> str:
    """Confirmed: disable the line on the lost phone and send fresh activation data."""
    issued = services.devices.report_lost(email)
    return deliver_code(
        services, ctx, issued, "reply.lost_done", outcome="reported lost"
    )


def delete_line(services: Services, ctx: Context, email: str) -> str:
    """Confirmed: remove the line, free its licence, tell its owner what to do."""
    services.devices.delete_line(email)
    if services.codebook not in (None, services.devices):
        try:
            services.codebook.delete_line(email)  # codes kept from Control Hub die too
        except NotFound:
            pass
    pool = services.devices.licence_pool()
    try:
        services.chat.send(
            to_person_email=email, markdown=services.texts.render("dm.deleted")
        )
    except ChatUnavailable as error:
        logger.warning(
            "could not tell the owner of a deleted line: status=%s", error.status
        )
    ctx.reply(
        services,
        services.texts.render(
            "reply.deleted", email=email, free=pool.free, size=pool.size
        ),
    )
    return "line deleted"


def _ask(services: Services, ctx: Context, action: str, command: Command) -> str:
    email = command.email
    assert email is not None
    line = services.devices.get_line(email)
    if line is None:
        raise NotFound("error.no_line", email=email)
    send_confirmation(
        services, ctx.room_id, action, email, line.status.value, ctx.actor.email
    )
    return f"{action} confirmation asked"
