"""``WebexAdminApi``: JSON calls to the Webex REST API with an admin token.

Like ``bot.webex``: a 429 waits for its Retry-After (capped), a 5xx or a dropped
connection is retried a bounded number of times, and inside a web request nothing
sleeps: the error is raised at once. Redirects are not followed and list pages are
followed only on the configured host, so the token goes nowhere else.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from flask import has_request_context

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
        self.max_attempts = max_attempts
        self.max_retry_after = max_retry_after
        self.backoff = backoff
        self.timeout = timeout
        self._token = token
        self._sleep = sleep

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
            next_url = self._next_page(response)
            if next_url is None:
                return
            url, query = next_url, None
        raise ChatUnavailable("Webex list pages do not end")

    def delete(self, path: str) -> bool:
        """True once deleted; False if it was not there (404)."""
        response, retried = self._request("DELETE", urljoin(self.base_url, path))
        # A retried DELETE may find the device gone because the first one worked.
        return response.status_code != 404 or retried

    def _next_page(self, response: requests.Response) -> str | None:
        link = response.links.get("next", {}).get("url")
        if not link:
            return None
        url = urljoin(response.url or self.base_url, link)
        if not _same_origin(url, self.base_url):
            # Never send the admin token to a host other than the configured one.
            logger.warning(
                "next page on another host refused: %s", urlsplit(url).netloc
            )
            raise ChatUnavailable("Webex paged to another host")
        return url

    def _request(
        self, method: str, url: str, params: dict[str, str] | None = None
    ) -> tuple[requests.Response, bool]:
        """The response (2xx or 404) and whether it took more than one attempt."""
        headers = {"Authorization": f"Bearer {self._token}"}
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            except requests.RequestException as error:
                failure = ChatUnavailable(f"Webex unreachable: {type(error).__name__}")
                delay = self.backoff * 2 ** (attempt - 1)
            else:
                if 200 <= response.status_code < 300 or response.status_code == 404:
                    return response, attempt > 1
                failure, delay = self._failure(response, attempt)
            if attempt == self.max_attempts or has_request_context():
                raise failure
            logger.warning(
                "webex admin call failed (status=%s), retry %d of %d in %.1f s",
                failure.status,
                attempt,
                self.max_attempts - 1,
                delay,
            )
            self._sleep(delay)
        raise AssertionError("unreachable")

    def _failure(
        self, response: requests.Response, attempt: int
    ) -> tuple[ChatUnavailable, float]:
        """The error for a refused call and how long to wait, or raise at once."""
        status = response.status_code
        if status in (401, 403):
            raise CommandError("controlhub.token_refused", status=status)
        delay = self.backoff * 2 ** (attempt - 1)
        if status == 429:
            delay = _retry_after(
                response.headers.get("Retry-After"), self.max_retry_after
            )
        failure = ChatUnavailable(
            f"Webex answered {status}",
            status=status,
            tracking_id=response.headers.get("TrackingID"),
            retry_after=delay if status == 429 else None,
        )
        if status == 429 or status >= 500:
            return failure, delay
        raise failure


def _same_origin(url: str, base_url: str) -> bool:
    one, other = urlsplit(url), urlsplit(base_url)
    return (one.scheme, one.netloc) == (other.scheme, other.netloc)


def _retry_after(header: str | None, cap: float) -> float:
    """Seconds to wait for a Retry-After header: at least 1, at most ``cap``."""
    try:
        seconds = float(header or "")
    except ValueError:
        seconds = DEFAULT_RETRY_AFTER
    if not math.isfinite(seconds):
        seconds = DEFAULT_RETRY_AFTER
    return min(max(seconds, 1.0), cap)


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
