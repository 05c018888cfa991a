"""Codes made outside the bot (in Control Hub) and delivered by it.

Webex has no public API that makes Webex Go codes (shared/reference,
section 7.4). With ``DEVICE_SERVICE=controlhub`` a new code, Lost/Stolen and
adding a line end in a hand-off: the bot names the Control Hub path and shows
a card; the admin brings back the activation string, the SM-DP+ address and
code, or a screenshot of the QR code. ``send code`` does the same on either
device service. From then on the code is treated like one the bot issued.
"""

from __future__ import annotations

from handlers.activation_input import (
    ParsedActivation,
    decode_activation_image,
    parse_activation_fields,
    parse_activation_input,
)
from handlers.codes import deliver_code
from handlers.commands import Command
from handlers.context import Context, Services
from handlers.errors import CommandError, NotAllowed
from handlers.ports import AttachmentAction
from handlers.refusals import render_error

MAX_IMAGE_BYTES = 10 * 1024 * 1024


def handle_send_code(services: Services, ctx: Context, command: Command) -> str:
    """``send code <email> <activation string>``, or with a QR screenshot attached."""
    assert command.email is not None
    if command.text:
        parsed = parse_activation_input(command.text)
        if ctx.room_type == "group":
            ctx.reply(services, services.texts.render("external.pasted_in_group"))
    elif ctx.message is not None and ctx.message.files:
        with services.chat.open_file(ctx.message.files[0]) as stream:
            parsed = decode_activation_image(stream.read(MAX_IMAGE_BYTES))
    else:
        raise CommandError("external.missing")
    return deliver_external(services, ctx, command.email, parsed)


def deliver_external(
    services: Services, ctx: Context, email: str, parsed: ParsedActivation
) -> str:
    """Record the code, DM it to its owner, confirm (masked) where the admin is."""
    person = services.chat.find_person(email)
    if person is None:
        raise CommandError("error.unknown_person", email=email)
    if person.type == "bot":
        raise CommandError("external.not_a_person", email=email)
    issued = services.codebook.record_code(email, parsed.activation)
    outcome = deliver_code(
        services, ctx, issued, "external.sent", outcome="code delivered"
    )
    if parsed.confirmation_required:
        ctx.reply(
            services, services.texts.render("external.confirmation_needed", email=email)
        )
    return outcome


def handle_handoff_card(
    services: Services, ctx: Context, action: AttachmentAction
) -> str:
    """The hand-off card came back: check what was entered, then deliver it once."""
    pending = services.confirmations.get(action.inputs.get("request", ""))
    known = pending is not None and pending.action == "handoff"
    if not known or pending.message_id != action.message_id:
        ctx.reply(services, services.texts.render("reply.confirmation_unknown"))
        return "refused: unknown hand-off"
    if not ctx.is_admin:
        raise NotAllowed("error.not_admin_card")

    try:
        parsed = _parse_card(action.inputs)
    except CommandError as error:
        # Card inputs are private; the reason may quote them, so it goes 1:1.
        services.chat.send(
            to_person_email=ctx.actor.email,
            markdown=render_error(services.texts, error),
        )
        ctx.reply(services, services.texts.render("controlhub.handoff_error_sent"))
        return f"refused 1:1: {error.key}"
    if not services.confirmations.use(
        pending.token, used_by=ctx.actor.email, result="sent"
    ):
        ctx.reply(
            services,
            services.texts.render("controlhub.handoff_used", email=pending.line_email),
        )
        return "refused: hand-off already used"
    return deliver_external(services, ctx, pending.line_email, parsed)


def _parse_card(inputs: dict[str, str]) -> ParsedActivation:
    full = inputs.get("activation", "").strip()
    if full:
        return parse_activation_input(full)
    return parse_activation_fields(
        inputs.get("smdp_address", ""), inputs.get("activation_code", "")
    )
