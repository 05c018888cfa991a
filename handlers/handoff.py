"""Work the bot hands to the admin because Webex has no public API for it.

With ``DEVICE_SERVICE=controlhub`` a new activation code, Lost/Stolen and adding a
Webex Go device are done in Control Hub (shared/reference/webex-platform.md,
sections 7.3 and 7.4). The device service raises ``ControlHubHandOff``; its key
(``controlhub.<action>``) names a text that walks the admin through the Control
Hub path and asks them to paste what Control Hub shows (see
``handlers.activation_input``), so the bot can deliver it.
"""

from __future__ import annotations

from handlers.cards import render_card
from handlers.context import Context, Services
from handlers.errors import CommandError

GENERATE_CODE = "generate_code"
LOST_STOLEN = "lost_stolen"
ADD_DEVICE = "add_device"
ACTIONS = (GENERATE_CODE, LOST_STOLEN, ADD_DEVICE)


class ControlHubHandOff(CommandError):
    """Do this in Control Hub, then give the bot the new activation data.

    Args:
        action: one of ``ACTIONS``; a handler may offer the matching card.
        email: whose line it is.
    """

    def __init__(self, action: str, *, email: str) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown Control Hub action {action!r}")
        super().__init__(f"controlhub.{action}", email=email)
        self.action = action
        self.email = email


def send_handoff(services: Services, ctx: Context, handoff: ControlHubHandOff) -> str:
    """Name the Control Hub path and offer the card that brings the result back."""
    texts, email = services.texts, handoff.email
    steps = texts.render(handoff.key, email=email)
    token = services.confirmations.create(
        action="handoff",
        line_email=email,
        requested_by=ctx.actor.email,
        room_id=ctx.room_id,
    )
    card = render_card(
        "handoff",
        {
            "title": texts.render("controlhub.handoff_title", email=email),
            "steps": steps,
            "labels": texts.get("controlhub"),
            "image_hint": texts.render("controlhub.handoff_image", email=email),
            "submit_label": texts.render("controlhub.handoff_submit", email=email),
            "email": email,
            "token": token,
        },
    )
    message_id = ctx.reply(services, steps, card)
    services.confirmations.attach_message(token, message_id)
    return f"handed off to Control Hub: {handoff.action}"
