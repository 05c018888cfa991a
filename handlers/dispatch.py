"""From a stored webhook event to a handler.

Webhooks carry ids only, so the message or card submission is fetched by id:
its text, author and room come from Webex itself, not from the (replayable)
webhook body, and so does the identity every action is authorized from.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from handlers.access import AdminPolicy, authorize
from handlers.actions import build_actions_card, command_from_card
from handlers.audit import handle_audit
from handlers.codes import handle_add, handle_new_code
from handlers.commands import Command, command_text, parse_command
from handlers.confirm import handle_confirmation
from handlers.context import Context, Services
from handlers.errors import ChatUnavailable, CommandError, NotAllowed, NotFound
from handlers.external_codes import handle_handoff_card, handle_send_code
from handlers.handoff import ControlHubHandOff, send_handoff
from handlers.help import handle_help
from handlers.lines import handle_delete, handle_lost
from handlers.ports import AttachmentAction, Message, Person
from handlers.refusals import render_error
from handlers.reminders import handle_reminders
from handlers.report import handle_report
from handlers.status import handle_status

logger = logging.getLogger(__name__)

Handler = Callable[[Services, Context, Command], str]

HANDLERS: dict[str, Handler] = {
    "help": handle_help,
    "unknown": handle_help,
    "add": handle_add,
    "new_code": handle_new_code,
    "status": handle_status,
    "lost": handle_lost,
    "delete": handle_delete,
    "audit": handle_audit,
    "report": handle_report,
    "reminders": handle_reminders,
    "send_code": handle_send_code,
}
AUDITED = {"add", "new_code", "lost", "delete", "confirmation", "send_code", "handoff"}


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
        # The bot's own messages reach its direct-room webhook too; drop them
        # before spending an API call.
        if data.get("personId") == self.bot.id:
            return Outcome("none", "own message dropped")
        try:
            if (resource, event) == ("messages", "created"):
                return self._handle_message(data["id"])
            if (resource, event) == ("attachmentActions", "created"):
                return self._handle_card(data["id"])
        except NotFound:
            # Deleted since, or not visible to the bot: nothing to answer.
            logger.warning("%s %s not found in Webex; ignored", resource, data["id"])
            return Outcome("none", "ignored: not found in Webex")
        return Outcome("none", f"ignored {resource}/{event}")

    def _handle_message(self, message_id: str) -> Outcome:
        message = self.services.chat.get_message(message_id)
        if message.person_id == self.bot.id:
            return Outcome("none", "own message dropped")
        actor = Person(message.person_id, message.person_email.strip().lower(), "")
        ctx = self._context(actor, message.room_id, message.room_type, message)
        text = command_text(message, self.bot.id, self.bot.display_name)
        if not text and ctx.room_type == "group" and ctx.is_admin:
            return self._run(ctx, "actions", lambda: self._actions(ctx))
        return self._run(ctx, "parse", lambda: self._run_text(ctx, text))

    def _handle_card(self, action_id: str) -> Outcome:
        action = self.services.chat.get_attachment_action(action_id)
        card = self.services.chat.get_message(action.message_id)
        if card.person_id != self.bot.id:
            return Outcome("none", "ignored: not the bot's card")
        actor = self.services.chat.get_person(action.person_id)
        ctx = self._context(actor, action.room_id, card.room_type)
        if action.inputs.get("action") == "handoff":
            return self._run(ctx, "handoff", lambda: self._handoff(ctx, action))
        if "request" in action.inputs:
            return self._run(ctx, "confirmation", lambda: self._confirm(ctx, action))
        return self._run(ctx, "card", lambda: self._run_card(ctx, action))

    def _context(
        self,
        actor: Person,
        room_id: str,
        room_type: str,
        message: Message | None = None,
    ) -> Context:
        is_admin = self.admins.is_admin(actor)
        return Context(actor, room_id, room_type, is_admin=is_admin, message=message)

    def _run_text(self, ctx: Context, text: str) -> tuple[str, str, str | None]:
        return self._run_command(ctx, parse_command(text, self.services.commands))

    def _run_card(
        self, ctx: Context, action: AttachmentAction
    ) -> tuple[str, str, str | None]:
        return self._run_command(ctx, command_from_card(action.inputs))

    def _run_command(
        self, ctx: Context, command: Command
    ) -> tuple[str, str, str | None]:
        spec = next((s for s in self.services.commands if s.name == command.name), None)
        try:
            if spec is not None:
                authorize(spec, command, ctx.actor, ctx.is_admin)
            result = HANDLERS[command.name](self.services, ctx, command)
        except CommandError as error:
            error.command = command.name
            raise
        return command.name, result, command.email or ctx.actor.email

    def _handoff(
        self, ctx: Context, action: AttachmentAction
    ) -> tuple[str, str, str | None]:
        result = handle_handoff_card(self.services, ctx, action)
        return "handoff", result, action.inputs.get("email")

    def _confirm(
        self, ctx: Context, action: AttachmentAction
    ) -> tuple[str, str, str | None]:
        result = handle_confirmation(self.services, ctx, action)
        return "confirmation", result, action.inputs.get("email")

    def _run(self, ctx: Context, handler: str, work: Callable) -> Outcome:
        """Run a handler; turn refusals and failures into replies and an Outcome."""
        try:
            handler, result, email = work()
        except ControlHubHandOff as handoff:
            handler = getattr(handoff, "command", handler)
            result, email = send_handoff(self.services, ctx, handoff), handoff.email
        except CommandError as error:
            handler = getattr(error, "command", handler)
            result, email = self._refuse(ctx, error), error.params.get("email")
        except ChatUnavailable as error:
            logger.warning(
                "webex unavailable while handling: status=%s tracking_id=%s",
                error.status,
                error.tracking_id,
            )
            return Outcome(handler, "failed: webex unavailable")
        except Exception:
            logger.exception("handler %s failed for room %s", handler, ctx.room_id)
            self._try_reply(ctx, self.services.texts.render("error.internal"))
            return Outcome(handler, "failed: internal error")
        if handler in AUDITED or result.startswith("refused"):
            ctx.record(self.services, handler, result, email)
        return Outcome(handler, result)

    def _actions(self, ctx: Context) -> tuple[str, str, None]:
        card = build_actions_card(self.services.texts)
        ctx.reply(
            self.services, self.services.texts.render("card.actions_fallback"), card
        )
        return "actions", "action card shown", None

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
