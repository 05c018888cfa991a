"""Webex Calling detailed call history (CDR) over HTTP, with an admin token.

``GET {base}/cdr_feed`` answers ``{"items": [...]}`` for one window of at most
12 hours, between 30 days and 5 minutes ago, and pages with a ``Link`` header
(shared/reference/webex-platform.md, section 9.1). The docs disagree on whether the
window filters on a call's start or end, so windows overlap by a few minutes and
records are given once per ``Report ID``.

The API allows one first request a minute (plus ten page requests): a 429 waits for
its Retry-After (capped), a 5xx or a dropped connection is retried with a bound.
Run this in the worker, never inside a web request: a 30-day report takes about an
hour of windows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import requests

from bot.http_retry import Retries, next_page
from handlers.call_history import ReportError
from handlers.errors import ChatUnavailable

logger = logging.getLogger(__name__)

DEFAULT_CDR_URL = "https://analytics-calling.webexapis.com/v1/"
MAX_WINDOW = timedelta(hours=12)
WINDOW_OVERLAP = timedelta(minutes=5)
MAX_AGE = timedelta(days=30)
MIN_AGE = timedelta(minutes=5)
# The oldest start is this much younger than MAX_AGE, so it is still inside the
# allowed range when a request goes out after a wait.
AGE_MARGIN = timedelta(minutes=10)
MAX_PAGE_SIZE = 5000
MAX_PAGES_PER_WINDOW = 1000  # 5 million calls in 12 hours: a paging loop, not data
LABEL = "call history"
DEFAULT_RETRY_AFTER = 60.0  # the first-request limit is one a minute


def _utcnow() -> datetime:
    return datetime.now(UTC)


class CdrClient:
    """Reads call history records for one window at a time."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_CDR_URL,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        page_size: int = MAX_PAGE_SIZE,
        max_attempts: int = 5,
        max_retry_after: float = 120.0,
        backoff: float = 1.0,
        timeout: float = 60.0,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.session = session or requests.Session()
        self.page_size = page_size
        self.timeout = timeout
        self._token = token
        self._retries = Retries(
            LABEL,
            max_attempts,
            backoff,
            max_retry_after,
            DEFAULT_RETRY_AFTER,
            sleep,
        )

    def __repr__(self) -> str:
        return f"CdrClient({self.base_url!r})"

    def window(self, start: datetime, end: datetime) -> Iterator[dict]:
        """The records of one window, following ``rel="next"`` pages."""
        url: str | None = urljoin(self.base_url, "cdr_feed")
        params: dict[str, str] | None = {
            "startTime": format_time(start),
            "endTime": format_time(end),
            "max": str(self.page_size),
        }
        visited: set[str] = set()
        while url is not None:
            response = self._get(url, params)
            visited.add(response.url or url)
            yield from _items(response)
            url, params = next_page(response, self.base_url, LABEL), None
            if url in visited or len(visited) >= MAX_PAGES_PER_WINDOW:
                raise ChatUnavailable("call history pages do not end")
        logger.info("cdr window %s to %s: %d pages", start, end, len(visited))

    def _get(self, url: str, params: dict[str, str] | None) -> requests.Response:
        response, _attempts = self._retries.send(
            self.session,
            "GET",
            url,
            token=self._token,
            params=params,
            timeout=self.timeout,
            accept=lambda status: status == 200,
            refuse=_refusal,
        )
        return response


def _refusal(status: int) -> Exception | None:
    return ReportError("report.cdr_forbidden") if status in (401, 403) else None


def fetch_cdr(
    base_url: str,
    token: str,
    start: datetime,
    end: datetime,
    *,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], datetime] = _utcnow,
    **options: Any,
) -> Iterator[dict]:
    """Call history records that started from ``start`` to ``end``, each once.

    The range is narrowed to what the API serves (30 days to 5 minutes ago) and read
    in overlapping windows of at most 12 hours. Naive times are taken as UTC.

    Args:
        options: ``page_size``, ``max_attempts``, ``max_retry_after``, ``backoff``
            and ``timeout`` for ``CdrClient``.

    Raises:
        ReportError: ``report.cdr_forbidden`` when the token may not read it.
        ChatUnavailable: Webex refused or could not be reached after retries.
    """
    start, end = allowed_range(start, end, now())
    client = CdrClient(token, base_url, session=session, sleep=sleep, **options)
    seen: set[str] = set()
    try:
        for window_start, window_end in cdr_windows(start, end):
            for record in client.window(window_start, window_end):
                report_id = record.get("Report ID")
                if report_id:
                    if report_id in seen:
                        continue
                    seen.add(report_id)
                yield record
    finally:
        if session is None:
            client.session.close()


def fetch_last_days(
    base_url: str,
    token: str,
    days: int,
    *,
    now: Callable[[], datetime] = _utcnow,
    **kwargs: Any,
) -> Iterator[dict]:
    """The records of the last ``days`` days (at most 30), each once."""
    moment = now()
    return fetch_cdr(
        base_url,
        token,
        moment - timedelta(days=days),
        moment,
        now=lambda: moment,
        **kwargs,
    )


def allowed_range(
    start: datetime, end: datetime, now: datetime
) -> tuple[datetime, datetime]:
    """``start`` and ``end`` narrowed to between 30 days and 5 minutes before now."""
    start, end = _as_utc(start), _as_utc(end)
    oldest = now - MAX_AGE + AGE_MARGIN
    newest = now - MIN_AGE
    if start < oldest or end > newest:
        logger.info("cdr range narrowed to between %s and %s", oldest, newest)
    return max(start, oldest), min(end, newest)


def cdr_windows(
    start: datetime,
    end: datetime,
    size: timedelta = MAX_WINDOW,
    overlap: timedelta = WINDOW_OVERLAP,
) -> list[tuple[datetime, datetime]]:
    """Windows of at most ``size`` covering start to end, each overlapping the last."""
    if overlap >= size:
        raise ValueError("the overlap must be shorter than a window")
    windows = []
    window_start = start
    while window_start < end:
        window_end = min(window_start + size, end)
        windows.append((window_start, window_end))
        if window_end == end:
            break
        window_start = window_end - overlap
    return windows


def format_time(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ`` in UTC, as the API wants."""
    moment = _as_utc(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _items(response: requests.Response) -> list[dict]:
    try:
        body = response.json()
    except ValueError:
        raise ChatUnavailable("call history answered no JSON", status=200) from None
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise ChatUnavailable("call history answered no items", status=200)
    return [item for item in items if isinstance(item, dict)]


class CdrCallHistory:
    """Implements ``handlers.ports.CallHistory`` over the call history API."""

    def __init__(self, base_url: str, token: str) -> None:
        self._base_url = base_url
        self._token = token

    def __repr__(self) -> str:
        return f"CdrCallHistory({self._base_url!r})"

    def records(self, days: int) -> Iterator[dict]:
        return fetch_last_days(self._base_url, self._token, days)
