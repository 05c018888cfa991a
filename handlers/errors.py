"""The bot's errors, one tree::

    BotError
    ├── InvalidSignature    the webhook signature is missing or wrong (HTTP 401)
    ├── BadEvent            the webhook body cannot be read (HTTP 400)
    ├── CommandError        the person can fix it; carries a message key for the reply
    │   ├── NotAllowed      the person may not do this
    │   ├── RuleViolation   Webex Go does not allow it in the line's state
    │   └── NotFound        no such line, person or code (also a LookupError)
    └── ChatUnavailable     Webex could not be reached or refused the call

A ``CommandError`` names a text in ``manifest/messages`` and the values to fill in,
so the reply can be given in the person's language.
"""

from __future__ import annotations


class BotError(Exception):
    """Base of every error the bot raises on purpose."""


class InvalidSignature(BotError):
    pass


class BadEvent(BotError):
    pass


class CommandError(BotError):
    """Something the person asked for cannot be done; the reply says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotAllowed(CommandError):
    pass


class RuleViolation(CommandError):
    pass


class NotFound(CommandError, LookupError):
    pass


class ChatUnavailable(BotError):
    """Webex answered with an error, or could not be reached, after any retries.

    Args:
        status: the HTTP status, or None when no answer came.
        retry_after: seconds Webex asked us to wait, when it said so.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        tracking_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.tracking_id = tracking_id
        self.retry_after = retry_after
