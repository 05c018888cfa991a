"""``WebexAdminApi``: JSON calls to the Webex REST API with an admin token.

Like ``bot.webex``: a 429 waits for its Retry-After (capped), a 5xx or a dropped
connection is retried a bounded number of times, and inside a web request nothing
sleeps: the error is raised at once. Redirects are not followed and list pages are
followed only on the configured host, so the token goes nowhere else.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin

import requests

from bot.http_retry import Retries, next_page
from handlers.errors import ChatUnavailable, CommandError

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
MAX_PAGES = 1000
DEFAULT_RETRY_AFTER = 15.0  # what the Webex SDK assumes without a header


class WebexAdminApi:
    """JSON calls to the Webex REST API with an admin token, retried with bounds.

    ``get_json`` answers None for a 404 and ``delete`` False; 401 and 403 raise
    ``CommandError("controlhub.token_refused")``; other failures ``ChatUnavailable``.
    """

    def __init__(
        self,
        token: str,
        base_url: str,
        *,
        session: requests.Session | None = None,
        max_attempts: int = 4,
        max_retry_after: float = 60.0,
        backoff: float = 0.5,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.session = session or requests.Session()
        self.timeout = timeout
        self._token = token
        self._retries = Retries(
            "Webex", max_attempts, backoff, max_retry_after, DEFAULT_RETRY_AFTER, sleep
        )

    def __repr__(self) -> str:
        return f"WebexAdminApi({self.base_url!r})"

    def get_json(self, path: str, params: dict[str, str] | None = None) -> Any:
        """The parsed body of a GET, or None if Webex answers 404."""
        response, _ = self._request("GET", urljoin(self.base_url, path), params)
        return None if response.status_code == 404 else _json(response)

    def get_items(self, path: str, params: dict[str, str]) -> Iterator[dict]:
        """The ``items`` of a list, following ``rel="next"`` pages on this host."""
        url = urljoin(self.base_url, path)
        query: dict[str, str] | None = {"max": str(PAGE_SIZE), **params}
        for _ in range(MAX_PAGES):
            response, _ = self._request("GET", url, query)
            if response.status_code == 404:
                return
            yield from _items(_json(response))
            next_url = next_page(response, self.base_url, "Webex")
            if next_url is None:
                return
            url, query = next_url, None
        raise ChatUnavailable("Webex list pages do not end")

    def delete(self, path: str) -> bool:
        """True once deleted; False if it was not there (404)."""
        response, retried = self._request("DELETE", urljoin(self.base_url, path))
        # A retried DELETE may find the device gone because the first one worked.
        return response.status_code != 404 or retried

    def _request(
        self, method: str, url: str, params: dict[str, str] | None = None
    ) -> tuple[requests.Response, bool]:
        """The response (2xx or 404) and whether it took more than one attempt."""
        response, attempts = self._retries.send(
            self.session,
            method,
            url,
            token=self._token,
            params=params,
            timeout=self.timeout,
            accept=_answered,
            refuse=_refusal,
        )
        return response, attempts > 1


def _answered(status: int) -> bool:
    return 200 <= status < 300 or status == 404


def _refusal(status: int) -> Exception | None:
    if status in (401, 403):
        return CommandError("controlhub.token_refused", status=status)
    return None


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise ChatUnavailable("Webex answered no JSON", status=200) from None


def _items(body: Any) -> list[dict]:
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise ChatUnavailable("Webex answered no items", status=200)
    return [item for item in items if isinstance(item, dict)]
