"""Bounded retries for the HTTP APIs the bot calls with ``requests``.

The admin device APIs (``bot.webex_admin``) and the call history API
(``bot.cdr``) share one policy: a 429 waits for its Retry-After (at least 1 s,
at most a cap, a default when the header is missing or malformed); a 5xx or a
dropped connection backs off exponentially; any other refusal fails at once;
and nothing sleeps inside a web request, where the error is raised instead.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from flask import has_request_context

from handlers.errors import ChatUnavailable

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retries:
    """How one API is retried; ``label`` names it in messages and logs."""

    label: str
    max_attempts: int
    backoff: float
    max_retry_after: float
    default_retry_after: float
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def send(
        self,
        session: requests.Session,
        method: str,
        url: str,
        *,
        token: str,
        params: dict[str, str] | None,
        timeout: float,
        accept: Callable[[int], bool],
        refuse: Callable[[int], Exception | None],
    ) -> tuple[requests.Response, int]:
        """The first response whose status ``accept`` takes, and the attempts made.

        ``refuse`` may turn a status into an error raised at once (e.g. 401).
        """
        headers = {"Authorization": f"Bearer {token}"}
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = session.request(
                    method,
                    url,
                    params=params,
                    headers=headers,
                    timeout=timeout,
                    allow_redirects=False,
                )
            except requests.RequestException as error:
                failure = ChatUnavailable(
                    f"{self.label} unreachable: {type(error).__name__}"
                )
                delay = self._backoff(attempt)
            else:
                if accept(response.status_code):
                    return response, attempt
                failure, delay = self._failure(response, attempt, refuse)
            if attempt == self.max_attempts or has_request_context():
                raise failure
            logger.warning(
                "%s call failed (status=%s), retry %d of %d in %.1f s",
                self.label,
                failure.status,
                attempt,
                self.max_attempts - 1,
                delay,
            )
            self.sleep(delay)
        raise AssertionError("unreachable")

    def _failure(
        self,
        response: requests.Response,
        attempt: int,
        refuse: Callable[[int], Exception | None],
    ) -> tuple[ChatUnavailable, float]:
        status = response.status_code
        refusal = refuse(status)
        if refusal is not None:
            raise refusal
        delay = self._backoff(attempt)
        if status == 429:
            delay = retry_after_seconds(
                response.headers.get("Retry-After"),
                self.max_retry_after,
                self.default_retry_after,
            )
        failure = ChatUnavailable(
            f"{self.label} answered {status}",
            status=status,
            tracking_id=response.headers.get("TrackingID"),
            retry_after=delay if status == 429 else None,
        )
        if status == 429 or status >= 500:
            return failure, delay
        raise failure

    def _backoff(self, attempt: int) -> float:
        return self.backoff * 2 ** (attempt - 1)


def retry_after_seconds(header: str | None, cap: float, default: float) -> float:
    """Seconds to wait for a Retry-After header: at least 1, at most ``cap``."""
    try:
        seconds = float(header or "")
    except ValueError:
        seconds = default
    if not math.isfinite(seconds):
        seconds = default
    return min(max(seconds, 1.0), cap)


def next_page(response: requests.Response, base_url: str, label: str) -> str | None:
    """The ``rel="next"`` page of a list, which must be on ``base_url``'s host."""
    link = response.links.get("next", {}).get("url")
    if not link:
        return None
    url = urljoin(response.url or base_url, link)
    if not same_origin(url, base_url):
        # Never send the token to a host other than the configured one.
        logger.warning(
            "%s next page on another host refused: %s", label, urlsplit(url).netloc
        )
        raise ChatUnavailable(f"{label} paged to another host")
    return url


def same_origin(url: str, base_url: str) -> bool:
    """True if ``url`` shares the scheme and host of ``base_url``."""
    one, other = urlsplit(url), urlsplit(base_url)
    return (one.scheme, one.netloc) == (other.scheme, other.netloc)
