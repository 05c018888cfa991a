"""Who may act on which line.

Admins may act on any line; anyone else only on their own. The identity is the
one Webex reports for the message or card submission, never a name or address
typed into it.
"""

from __future__ import annotations

from collections.abc import Iterable

from handlers.commands import Command, CommandSpec
from handlers.errors import NotAllowed
from handlers.ports import Person


class AdminPolicy:
    def __init__(self, emails: Iterable[str]) -> None:
        self._emails = frozenset(email.strip().lower() for email in emails)

    def is_admin(self, person: Person) -> bool:
        return person.email.strip().lower() in self._emails


def authorize(
    spec: CommandSpec, command: Command, actor: Person, is_admin: bool
) -> Command:
    """The command with its target line filled in; NotAllowed if not permitted."""
    if spec.admin_only and not is_admin:
        raise NotAllowed("error.admin_only", command=spec.words[0])
    own_email = actor.email.strip().lower()
    if command.email is None:
        return Command(name=command.name, email=own_email, text=command.text)
    if command.email != own_email and not is_admin:
        raise NotAllowed("error.not_own_line", command=spec.words[0])
    return command
