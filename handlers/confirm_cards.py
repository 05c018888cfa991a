"""Confirmation cards: a question, a confirm button and a cancel button.

The card carries a random token that names a stored confirmation; the action
happens only when an admin submits that card with an explicit confirm.
"""

from __future__ import annotations

from handlers.cards import render_card
from handlers.context import Services

CONFIRM = "true"
CANCEL = "false"
# stored action -> the "action" a card submission carries
CARD_ACTIONS = {
    "lost": "lost_stolen",
    "delete": "delete",
    "approve_code": "approve_code",
}


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
            "cancel_label": texts.render(f"card.{action}_cancel"),
            "labels": texts.get("card"),
            "action": CARD_ACTIONS[action],
            "email": email,
            "token": token,
            "status": texts.get(f"status.{status}.name"),
            "requested_by": requested_by,
        },
    )


def send_confirmation(
    services: Services,
    room_id: str,
    action: str,
    email: str,
    status: str,
    requested_by: str,
) -> None:
    """Post a confirmation card for ``action`` on ``email``'s line in ``room_id``."""
    token = services.confirmations.create(
        action=action, line_email=email, requested_by=requested_by, room_id=room_id
    )
    card = build_confirm_card(services, action, email, token, status, requested_by)
    fallback = f"{card['body'][0]['text']} — {services.texts.render('reply.card_sent')}"
    message_id = services.chat.send(room_id=room_id, markdown=fallback, card=card)
    services.confirmations.attach_message(token, message_id)
