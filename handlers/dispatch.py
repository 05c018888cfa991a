"""From a stored webhook event to a handler.

Webhooks carry ids only, so the message is fetched by id: its text, sender and
room come from Webex itself, not from the (replayable) webhook body.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from handlers.access import AdminPolicy, authorize
from handlers.codes import handle_add, handle_new_code
from handlers.commands import Command, command_text, parse_command
from handlers.context import Context, Services
from handlers.errors import ChatUnavailable, CommandError, NotAllowed
from handlers.help import handle_help
from handlers.ports import Person
from handlers.status import handle_status
from handlers.texts import Texts
from storage.models import LineStatus

logger = logging.getLogger(__name__)

Handler = Callable[[Services, Context, Command], str]

HANDLERS: dict[str, Handler] = {
    "help": handle_help,
    "unknown": handle_help,
    "add": handle_add,
    "new_code": handle_new_code,
    "status": handle_status,
}


@dataclass(frozen=True)
class Outcome:
    """How an event ended, for the log line: the handler and what it did."""

    handler: str
    result: str


class Dispatcher:
    def __init__(self, services: Services, admins: AdminPolicy, bot: Person) -> None:
        self.services = services
        self.admins = admins
        self.bot = bot

    def handle_event(self, resource: str, event: str, data: dict) -> Outcome:
        """Process one event. Raises ChatUnavailable if the event could not be read."""
        if resource == "messages" and event == "created":
            return self._handle_message(data)
        return Outcome("none", f"ignored {resource}/{event}")

    def _handle_message(self, data: dict) -> Outcome:
        # The bot's own messages reach its direct-room webhook too; drop them
        # before spending an API call.
        if data.get("personId") == self.bot.id:
            return Outcome("none", "own message dropped")

        message = self.services.chat.get_message(data["id"])
        if message.person_id == self.bot.id:
            return Outcome("none", "own message dropped")

        actor = Person(
            id=message.person_id,
            email=message.person_email.strip().lower(),
            display_name="",
        )
        ctx = Context(
            actor=actor,
            room_id=message.room_id,
            room_type=message.room_type,
            is_admin=self.admins.is_admin(actor),
        )
        text = command_text(message, self.bot.id, self.bot.display_name)
        return self._run(ctx, text)

    def _run(self, ctx: Context, text: str) -> Outcome:
        handler_name = "parse"
        try:
            command = parse_command(text, self.services.commands)
            handler_name = command.name
            spec = next(
                (s for s in self.services.commands if s.name == command.name), None
            )
            if spec is not None:
                command = authorize(spec, command, ctx.actor, ctx.is_admin)
            return Outcome(
                handler_name, HANDLERS[command.name](self.services, ctx, command)
            )
        except CommandError as error:
            return Outcome(handler_name, self._refuse(ctx, error))
        except ChatUnavailable as error:
            logger.warning(
                "webex unavailable while handling: status=%s tracking_id=%s",
                error.status,
                error.tracking_id,
            )
            return Outcome(handler_name, "failed: webex unavailable")
        except Exception:
            logger.exception("handler %s failed for room %s", handler_name, ctx.room_id)
            self._try_reply(ctx, self.services.texts.render("error.internal"))
            return Outcome(handler_name, "failed: internal error")

    def _refuse(self, ctx: Context, error: CommandError) -> str:
        if isinstance(error, NotAllowed):
            logger.warning(
                "refused %s for person %s in room %s",
                error.key,
                ctx.actor.id,
                ctx.room_id,
            )
        self._try_reply(ctx, render_error(self.services.texts, error))
        return f"refused: {error.key}"

    def _try_reply(self, ctx: Context, markdown: str) -> None:
        try:
            ctx.reply(self.services, markdown)
        except ChatUnavailable as error:
            logger.warning("could not reply: status=%s", error.status)


def render_error(texts: Texts, error: CommandError) -> str:
    """The reply for a refusal; a line status also gives its name and colour."""
    params = dict(error.params)
    status = params.get("status")
    if isinstance(status, LineStatus):
        params["status_name"] = texts.get(f"status.{status.value}.name")
        params["colour"] = texts.get(f"status.{status.value}.colour")
    return texts.render(error.key, **params)
