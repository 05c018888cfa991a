"""The action card: a mention with no command shows it; its buttons run commands."""

from __future__ import annotations

from handlers.cards import render_card
from handlers.commands import Command, normalize_email
from handlers.errors import CommandError
from handlers.texts import Texts

# card action -> command; "lost_stolen" is the name Control Hub's action goes by
CARD_COMMANDS = {
    "new_code": "new_code",
    "status": "status",
    "lost_stolen": "lost",
    "delete": "delete",
}


def build_actions_card(texts: Texts) -> dict:
    return render_card(
        "actions",
        {
            "title": texts.render("card.actions_title"),
            "email_label": texts.render("card.email_label"),
            "email_error": texts.render("card.email_error"),
            "buttons": {
                "new_code": texts.render("card.button_new_code"),
                "status": texts.render("card.button_status"),
                "lost": texts.render("card.button_lost"),
                "delete": texts.render("card.button_delete"),
            },
        },
    )


def command_from_card(inputs: dict[str, str]) -> Command:
    """The command a card submission stands for; inputs arrive as strings."""
    name = CARD_COMMANDS.get(inputs.get("action", ""))
    if name is None:
        raise CommandError("error.unknown_card_action")
    email = inputs.get("email", "").strip()
    if not email:
        raise CommandError("error.missing_email", command=name.replace("_", " "))
    return Command(name=name, email=normalize_email(email))
