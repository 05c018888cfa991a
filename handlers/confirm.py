"""A submitted confirmation card: act once, and only on an admin's confirm."""

from __future__ import annotations

from handlers.confirm_cards import CANCEL, CONFIRM
from handlers.context import Context, Services
from handlers.errors import NotAllowed
from handlers.lines import delete_line, report_lost
from handlers.ports import AttachmentAction
from handlers.self_service import approve_own_code, decline_own_code

CONFIRMED = {
    "lost": report_lost,
    "delete": delete_line,
    "approve_code": approve_own_code,
}


def handle_confirmation(
    services: Services, ctx: Context, action: AttachmentAction
) -> str:
    """Card inputs arrive as strings: only ``confirm == "true"`` acts."""
    texts = services.texts
    pending = services.confirmations.get(action.inputs.get("request", ""))
    known = pending is not None and pending.action in CONFIRMED
    if not known or pending.message_id != action.message_id:
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

    # The line is the one stored with the confirmation, never the card's inputs.
    if choice == CONFIRM:
        return CONFIRMED[pending.action](services, ctx, pending.line_email)
    if pending.action == "approve_code":
        return decline_own_code(services, ctx, pending.line_email)
    ctx.reply(services, texts.render("reply.cancelled", email=pending.line_email))
    return f"{pending.action} cancelled"


def _used(done) -> str:
    if done is None or done.used_at is None:
        return "already handled"
    return f"{done.result} by {done.used_by} at {done.used_at:%H:%M} UTC"
