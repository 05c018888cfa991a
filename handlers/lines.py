"""Lost or stolen phones and deleted lines: destructive, so they ask first.

``lost`` and ``delete`` answer with a confirmation card. The card carries a
random token; the action happens only when an admin submits that card with an
explicit confirm, and a card acts once, whoever submits it again.
"""

from __future__ import annotations

import logging

from handlers.cards import render_card
from handlers.codes import deliver_code
from handlers.commands import Command
from handlers.context import Context, Services
from handlers.errors import ChatUnavailable, NotAllowed, NotFound
from handlers.ports import AttachmentAction

logger = logging.getLogger(__name__)

CONFIRM = "true"
CANCEL = "false"
CARD_ACTIONS = {"lost": "lost_stolen", "delete": "delete"}


def handle_lost(services: Services, ctx: Context, command: Command) -> str:
    """``lost <email>``: ask for confirmation on a card."""
    return _ask(services, ctx, "lost", command)


def handle_delete(services: Services, ctx: Context, command: Command) -> str:
    """``delete <email>``: ask for confirmation on a card."""
    return _ask(services, ctx, "delete", command)


def handle_confirmation(
    services: Services, ctx: Context, action: AttachmentAction
) -> str:
    """A confirmation card was submitted: act once, only on an admin's confirm."""
    texts = services.texts
    pending = services.confirmations.get(action.inputs.get("request", ""))
    if pending is None or pending.message_id != action.message_id:
        ctx.reply(services, texts.render("reply.confirmation_unknown"))
        return "refused: unknown confirmation"
    if not ctx.is_admin:
        raise NotAllowed("error.not_admin_card")

    choice = action.inputs.get("confirm")
    if choice not in (CONFIRM, CANCEL):
        ctx.reply(services, texts.render("reply.confirmation_needs_choice"))
        return "nothing done: no choice"
    result = "confirmed" if choice == CONFIRM else "cancelled"
    if not services.confirmations.use(
        pending.token, used_by=ctx.actor.email, result=result
    ):
        done = services.confirmations.get(pending.token)
        ctx.reply(services, texts.render("reply.confirmation_used", result=_used(done)))
        return "refused: confirmation already used"
    if choice == CANCEL:
        ctx.reply(services, texts.render("reply.cancelled", email=pending.line_email))
        return f"{pending.action} cancelled"
    if pending.action == "lost":
        return _report_lost(services, ctx, pending.line_email)
    return _delete(services, ctx, pending.line_email)


def _ask(services: Services, ctx: Context, action: str, command: Command) -> str:
    email = command.email
    assert email is not None
    line = services.devices.get_line(email)
    if line is None:
        raise NotFound("error.no_line", email=email)

    token = services.confirmations.create(
        action=action,
        line_email=email,
        requested_by=ctx.actor.email,
        room_id=ctx.room_id,
    )
    card = build_confirm_card(
        services, action, email, token, line.status.value, ctx.actor.email
    )
    title = card["body"][0]["text"]
    message_id = ctx.reply(
        services, f"{title} {services.texts.render('reply.card_sent')}", card
    )
    services.confirmations.attach_message(token, message_id)
    return f"{action} confirmation asked"


def build_confirm_card(
    services: Services,
    action: str,
    email: str,
    token: str,
    status: str,
    requested_by: str,
) -> dict:
    texts = services.texts
    return render_card(
        "confirm",
        {
            "title": texts.render(f"card.{action}_title", email=email),
            "consequence": texts.render(f"card.{action}_consequence", email=email),
            "confirm_label": texts.render(f"card.{action}_confirm"),
            "labels": texts.get("card"),
            "action": CARD_ACTIONS[action],
            "email": email,
            "token": token,
            "status": texts.get(f"status.{status}.name"),
            "requested_by": requested_by,
        },
    )


def _report_lost(services: Services, ctx: Context, email: str) -> str:
    issued = services.devices.report_lost(email)
    return deliver_code(
        services, ctx, issued, "reply.lost_done", outcome="reported lost"
    )


def _delete(services: Services, ctx: Context, email: str) -> str:
    services.devices.delete_line(email)
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


def _used(done) -> str:
    if done is None or done.used_at is None:
        return "already handled"
    return f"{done.result} by {done.used_by} at {done.used_at:%H:%M} UTC"
