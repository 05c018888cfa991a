"""``WebexChat``: the ``Chat`` port over webexpythonsdk.

The SDK's own rate-limit handling sleeps in an endless loop; it is switched off
here. Instead a 429 waits for its Retry-After (capped) and a 5xx or a dropped
connection is retried a bounded number of times, and neither ever sleeps inside
a web request: there the error is raised at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import BinaryIO, TypeVar
from urllib.parse import urlsplit

import requests
from flask import has_request_context
from requests_toolbelt import MultipartEncoder
from webexpythonsdk import WebexAPI
from webexpythonsdk.exceptions import ApiError, RateLimitError

from handlers.errors import ChatUnavailable, NotFound
from handlers.ports import AttachmentAction, FileUpload, Message, Person

logger = logging.getLogger(__name__)

T = TypeVar("T")


class WebexChat:
    """Implements ``handlers.ports.Chat``; see that protocol for each method."""

    def __init__(
        self,
        token: str,
        base_url: str,
        *,
        max_attempts: int = 4,
        max_retry_after: float = 60.0,
        backoff: float = 0.5,
        timeout: int = 30,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api = WebexAPI(
            access_token=token,
            base_url=base_url,
            wait_on_rate_limit=False,
            single_request_timeout=timeout,
        )
        self.max_attempts = max_attempts
        self.max_retry_after = max_retry_after
        self.backoff = backoff
        self._sleep = sleep

    def me(self) -> Person:
        return _person(self._call(self.api.people.me))

    def get_message(self, message_id: str) -> Message:
        data = self._call(lambda: self.api.messages.get(message_id))
        return Message(
            id=data.id,
            room_id=data.roomId,
            room_type=data.roomType,
            person_id=data.personId,
            person_email=data.personEmail or "",
            text=data.text or "",
            html=data.html,
            mentioned_people=tuple(data.mentionedPeople or ()),
            files=tuple(data.files or ()),
        )

    def get_attachment_action(self, action_id: str) -> AttachmentAction:
        data = self._call(lambda: self.api.attachment_actions.get(action_id))
        inputs = {str(key): str(value) for key, value in (data.inputs or {}).items()}
        return AttachmentAction(
            id=data.id,
            message_id=data.messageId,
            room_id=data.roomId,
            person_id=data.personId,
            inputs=inputs,
        )

    def find_person(self, email: str) -> Person | None:
        people = self._call(lambda: list(self.api.people.list(email=email)))
        return _person(people[0]) if people else None

    def get_person(self, person_id: str) -> Person:
        return _person(self._call(lambda: self.api.people.get(person_id)))

    def room_member_ids(self, room_id: str) -> frozenset[str]:
        memberships = self._call(
            lambda: list(self.api.memberships.list(roomId=room_id))
        )
        return frozenset(membership.personId for membership in memberships)

    @contextmanager
    def open_file(self, url: str) -> Iterator[BinaryIO]:
        # The bot token goes only to the API's own host, never to a URL elsewhere.
        if urlsplit(url).netloc != urlsplit(str(self.api.base_url)).netloc:
            raise ChatUnavailable("the file is not on the Webex API host")
        response = self._call(
            lambda: self.api._session.request("GET", url, erc=200, stream=True)
        )
        try:
            response.raw.decode_content = True
            # urllib3 closes an exhausted stream by itself, which breaks the
            # text wrapper reading it line by line.
            response.raw.auto_close = False
            yield response.raw
        finally:
            response.close()

    def send(
        self,
        *,
        room_id: str | None = None,
        to_person_email: str | None = None,
        markdown: str,
        file: FileUpload | None = None,
        card: dict | None = None,
    ) -> str:
        fields = {
            "roomId": room_id,
            "toPersonEmail": to_person_email,
            "markdown": markdown,
        }
        fields = {key: value for key, value in fields.items() if value is not None}
        if file is not None:
            return self._call(lambda: self._post_multipart(fields, file))
        if card is not None:
            fields["attachments"] = [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": card,
                }
            ]
        return self._call(lambda: self.api.messages.create(**fields)).id

    def list_webhooks(self) -> list:
        return self._call(lambda: list(self.api.webhooks.list()))

    def create_webhook(self, **fields) -> None:
        self._call(lambda: self.api.webhooks.create(**fields))

    def update_webhook(self, webhook_id: str, **fields) -> None:
        self._call(lambda: self.api.webhooks.update(webhook_id, **fields))

    def delete_webhook(self, webhook_id: str) -> None:
        self._call(lambda: self.api.webhooks.delete(webhook_id))

    def _post_multipart(self, fields: dict, file: FileUpload) -> str:
        # The SDK accepts only a path on disk for a local file; posting the form
        # through its session keeps the PNG in memory and leaves no file behind.
        form = MultipartEncoder(
            {**fields, "files": (file.filename, file.content, file.content_type)}
        )
        response = self.api._session.post(
            "messages", data=form, headers={"Content-Type": form.content_type}
        )
        return response["id"]

    def _call(self, request: Callable[[], T]) -> T:
        """Run ``request``, retrying 429, 5xx and dropped connections with a bound."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                return request()
            except RateLimitError as error:
                delay = min(
                    max(float(error.retry_after or 1), 1.0), self.max_retry_after
                )
                failure = _unavailable(error, retry_after=delay)
            except ApiError as error:
                if error.status_code == 404:
                    raise NotFound("error.not_found") from error
                if error.status_code < 500:
                    raise _unavailable(error) from error
                delay = self.backoff * 2 ** (attempt - 1)
                failure = _unavailable(error)
            except requests.RequestException as error:
                delay = self.backoff * 2 ** (attempt - 1)
                failure = ChatUnavailable(f"Webex unreachable: {type(error).__name__}")
            if attempt == self.max_attempts or has_request_context():
                raise failure
            logger.warning(
                "webex call failed (status=%s), retry %d of %d in %.1f s",
                failure.status,
                attempt,
                self.max_attempts - 1,
                delay,
            )
            self._sleep(delay)
        raise AssertionError("unreachable")


def _unavailable(error: ApiError, retry_after: float | None = None) -> ChatUnavailable:
    # Never keep the SDK's request object: it holds the bearer token.
    return ChatUnavailable(
        f"Webex answered {error.status_code}",
        status=error.status_code,
        tracking_id=getattr(error, "tracking_id", None),
        retry_after=retry_after,
    )


def _person(data) -> Person:
    emails = list(data.emails or [])
    return Person(
        id=data.id,
        email=(emails[0] if emails else "").lower(),
        display_name=data.displayName or "",
        type=data.type or "person",
    )
