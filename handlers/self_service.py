"""People serving themselves 1:1: a new code for their own line, within limits.

Whatever the text says, these act only on the line of the person Webex reports
as the author. ``SELF_SERVICE`` decides: ``on`` sends the code at once,
``approval`` asks the admins on a card first, ``off`` points to an admin.
"""

from __future__ import annotations

from handlers.confirm_cards import send_confirmation
from handlers.context import Context, Services
from handlers.delivery import send_activation
from handlers.errors import CommandError, NotFound, RuleViolation
from handlers.handoff import ControlHubHandOff, send_handoff
from handlers.ports import IssuedCode
from storage.models import LineStatus


def handle_own_code(services: Services, ctx: Context) -> str:
    """``new code`` about the writer's own line."""
    options, email = services.options, ctx.actor.email
    if options.self_service == "off":
        raise CommandError("self.off", support=options.support_contact)
    line = services.devices.get_line(email)
    if line is None:
        raise NotFound("self.no_line", support=options.support_contact)
    if line.status is LineStatus.UNKNOWN:
        raise RuleViolation("self.unknown_state", support=options.support_contact)
    if line.status is not LineStatus.PENDING_ACTIVATION:
        raise RuleViolation("self.line_not_pending", status=line.status)
    _take_a_slot(services, email)

    if options.self_service == "approval":
        return _ask_admins(services, ctx)
    try:
        issued = services.devices.issue_code(email)
    except ControlHubHandOff as handoff:
        return _forward_handoff(services, ctx, handoff)
    _send(services, issued, "reply.code_issued_self")
    return f"self-service code issued ({issued.activation.masked})"


def _forward_handoff(
    services: Services, ctx: Context, handoff: ControlHubHandOff
) -> str:
    """Codes are made in Control Hub: the admins get the hand-off, not the person."""
    room_id = services.options.admin_room_id
    if room_id is None:
        raise CommandError("self.off", support=services.options.support_contact)
    admins = Context(ctx.actor, room_id, "group", is_admin=False)
    send_handoff(services, admins, handoff)
    ctx.reply(services, services.texts.render("self.forwarded_to_admins"))
    return "self-service request handed to the admins"


def approve_own_code(services: Services, ctx: Context, email: str) -> str:
    """An admin approved: issue the code, send it, and say so in the admin room."""
    issued = services.devices.issue_code(email)
    _send(services, issued, "self.approved", notify=False)
    ctx.reply(
        services,
        services.texts.render(
            "self.approved_reply",
            email=email,
            masked=issued.activation.masked,
            expires=issued.expires_at,
        ),
    )
    return f"self-service code approved ({issued.activation.masked})"


def decline_own_code(services: Services, ctx: Context, email: str) -> str:
    """An admin declined: tell the person, and confirm in the admin room."""
    texts = services.texts
    declined = texts.render("self.declined", support=services.options.support_contact)
    services.chat.send(to_person_email=email, markdown=declined)
    ctx.reply(services, texts.render("self.declined_reply", email=email))
    return "self-service code declined"


def _take_a_slot(services: Services, email: str) -> None:
    refusal = services.limits.take(email)
    if refusal is None:
        return
    reason, retry_at = refusal
    raise RuleViolation(
        f"self.{reason}",
        retry_at=retry_at,
        minutes=int(services.limits.cooldown.total_seconds() // 60),
        limit=services.limits.daily_limit,
        support=services.options.support_contact,
    )


def _ask_admins(services: Services, ctx: Context) -> str:
    room_id = services.options.admin_room_id
    assert room_id is not None, "settings require ADMIN_ROOM_IDS for approval mode"
    status = LineStatus.PENDING_ACTIVATION.value
    send_confirmation(
        services, room_id, "approve_code", ctx.actor.email, status, ctx.actor.email
    )
    ctx.reply(services, services.texts.render("self.waiting_for_approval"))
    return "self-service code asked for approval"


def _send(
    services: Services, issued: IssuedCode, note_key: str, notify: bool = True
) -> None:
    texts = services.texts
    send_activation(services, issued)
    services.chat.send(
        to_person_email=issued.email,
        markdown=texts.render(note_key, expires=issued.expires_at),
    )
    room_id = services.options.admin_room_id
    if notify and services.options.self_service_notify and room_id:
        notice = texts.render(
            "self.notice",
            email=issued.email,
            masked=issued.activation.masked,
            expires=issued.expires_at,
        )
        services.chat.send(room_id=room_id, markdown=notice)
