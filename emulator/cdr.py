"""The detailed call history API, ``GET /v1/cdr_feed``, and the calls it serves.

As shared/reference/webex-platform.md (section 9.1) describes it: ``startTime`` and
``endTime`` pick a window of at most 12 hours between 30 days and 5 minutes before
now, matched against each call's ``Start time``; ``max`` sets the page size and a
``Link: <...>; rel="next"`` header leads to the next page; records are JSON objects
keyed like the Control Hub CSV header. A ``CdrStore`` can limit each token to a
number of first requests and of page requests a minute, answering 429 with a
Retry-After, and can fail the next requests on demand.

Mounted on the emulator's app, its token check and ``fail_next`` apply as on every
/v1 route; mounted alone, any token in ``CdrStore(tokens=...)`` is accepted::

    register_cdr(app, CdrStore.from_csv(path, tokens=["admin-token"]))
"""

from __future__ import annotations

import bisect
import csv
import math
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request

from .errors import bearer_token, error_response

EXTENSION_KEY = "webex_cdr"
MAX_WINDOW = timedelta(hours=12)
MAX_AGE = timedelta(days=30)
MIN_AGE = timedelta(minutes=5)
MAX_PAGE_SIZE = 5000
RATE_PERIOD = timedelta(minutes=1)
INTEGER_FIELDS = frozenset({"Duration", "Ring duration", "Hold Duration"})
BOOLEAN_FIELDS = frozenset({"Answered"})

cdr_api = Blueprint("webex_cdr", __name__, url_prefix="/v1")


@dataclass
class _Fault:
    status: int
    retry_after: str | None
    remaining: int


@dataclass(frozen=True)
class CdrRequest:
    """One answered request: its query parameters and status."""

    args: dict[str, str]
    status: int


class _Refused(Exception):
    def __init__(self, status: int, message: str, retry_after: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


class CdrStore:
    """Call history records, served by ``cdr_feed``. Thread-safe.

    Args:
        records: JSON records keyed like the CSV header (``records_from_csv``).
        tokens: bearer tokens accepted when no emulator checked the caller.
        now: the current time; tests move it.
        first_requests_per_minute, pages_per_minute: per-token limits, None for
            none. The real API allows 1 and 10.
    """

    def __init__(
        self,
        records: Iterable[Mapping[str, object]] = (),
        *,
        tokens: Iterable[str] = (),
        now: Callable[[], datetime] | None = None,
        first_requests_per_minute: int | None = None,
        pages_per_minute: int | None = None,
    ) -> None:
        self.tokens = set(tokens)
        self.now = now or (lambda: datetime.now(UTC))
        self.first_requests_per_minute = first_requests_per_minute
        self.pages_per_minute = pages_per_minute
        self._lock = threading.Lock()
        self._times: list[datetime] = []
        self._records: list[dict] = []
        self._recent: dict[tuple[str, bool], deque[datetime]] = {}
        self._faults: list[_Fault] = []
        self._log: list[CdrRequest] = []
        self.add(*records)

    @classmethod
    def from_csv(cls, path: str | Path, **options) -> CdrStore:
        """A store holding the calls of a Control Hub CSV file."""
        with open(path, encoding="utf-8-sig", newline="") as file:
            return cls(records_from_csv(file), **options)

    def add(self, *records: Mapping[str, object]) -> None:
        """Add records; each needs a ``Start time`` the API can filter on."""
        with self._lock:
            for record in records:
                moment = _parse_time(str(record.get("Start time", "")))
                if moment is None:
                    raise ValueError("a call history record needs a Start time")
                index = bisect.bisect_right(self._times, moment)
                self._times.insert(index, moment)
                self._records.insert(index, dict(record))

    def query(self, start: datetime, end: datetime) -> list[dict]:
        """The records that started from ``start`` (included) to ``end``."""
        with self._lock:
            low = bisect.bisect_left(self._times, start)
            high = bisect.bisect_left(self._times, end)
            return [dict(record) for record in self._records[low:high]]

    def fail_next(
        self, status: int, retry_after: str | int | None = None, times: int = 1
    ) -> None:
        """Answer the next ``times`` requests with ``status`` (Retry-After verbatim)."""
        header = None if retry_after is None else str(retry_after)
        with self._lock:
            self._faults.append(_Fault(status, header, times))

    @property
    def requests_log(self) -> list[CdrRequest]:
        with self._lock:
            return list(self._log)

    def take_fault(self) -> _Fault | None:
        with self._lock:
            if not self._faults:
                return None
            fault = self._faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.pop(0)
            return fault

    def admit(self, token: str, is_page: bool) -> int | None:
        """None if the request is within its limit, else seconds until it is."""
        limit = self.pages_per_minute if is_page else self.first_requests_per_minute
        if limit is None:
            return None
        now = self.now()
        with self._lock:
            recent = self._recent.setdefault((token, is_page), deque())
            while recent and now - recent[0] >= RATE_PERIOD:
                recent.popleft()
            if len(recent) >= limit:
                wait = RATE_PERIOD - (now - recent[0])
                return max(1, math.ceil(wait.total_seconds()))
            recent.append(now)
            return None

    def log_request(self, args: dict[str, str], status: int) -> None:
        with self._lock:
            self._log.append(CdrRequest(args, status))


def register_cdr(app: Flask, store: CdrStore) -> None:
    """Serve ``store`` at ``GET /v1/cdr_feed`` on ``app``; again swaps the store."""
    app.extensions[EXTENSION_KEY] = store
    if cdr_api.name not in app.blueprints:
        app.register_blueprint(cdr_api)


def records_from_csv(lines: Iterable[str]) -> list[dict]:
    """CSV rows as API records: missing values left out, numbers and flags typed.

    Typing ``Duration`` as a number and ``Answered`` as a boolean is a guess at the
    JSON shape (the reference names the fields, not their JSON types); readers
    accept both.
    """
    return [_record_from_row(row) for row in csv.DictReader(lines)]


@cdr_api.before_request
def _check_caller() -> Response | None:
    store = _store()
    fault = store.take_fault()
    if fault is not None:
        return error_response(fault.status, "Injected fault.", fault.retry_after)
    if g.get("caller") is None and bearer_token() not in store.tokens:
        message = (
            "The request requires a valid access token in the Authorization header."
        )
        return error_response(401, message)
    return None


@cdr_api.after_request
def _log_request(response: Response) -> Response:
    _store().log_request(request.args.to_dict(), response.status_code)
    return response


@cdr_api.get("/cdr_feed")
def cdr_feed() -> Response:
    store = _store()
    try:
        cursor = _cursor()
        start, end = _window(store, check_age=cursor == 0)
        max_items = _max_items()
        wait = store.admit(bearer_token(), is_page=cursor > 0)
        if wait is not None:
            raise _Refused(429, "Too many requests.", str(wait))
    except _Refused as refused:
        return error_response(refused.status, refused.message, refused.retry_after)
    return _page(store.query(start, end), cursor, max_items)


def _page(items: list[dict], cursor: int, max_items: int) -> Response:
    response = jsonify({"items": items[cursor : cursor + max_items]})
    if cursor + max_items < len(items):
        args = request.args.to_dict()
        args.update(max=str(max_items), cursor=str(cursor + max_items))
        response.headers["Link"] = f'<{request.base_url}?{urlencode(args)}>; rel="next"'
    return response


def _window(store: CdrStore, check_age: bool) -> tuple[datetime, datetime]:
    start = _parse_time(request.args.get("startTime", ""))
    end = _parse_time(request.args.get("endTime", ""))
    if start is None or end is None:
        raise _Refused(400, "startTime and endTime must be YYYY-MM-DDTHH:MM:SS.mmmZ.")
    if not start < end <= start + MAX_WINDOW:
        raise _Refused(400, "endTime must be after startTime, at most 12 hours.")
    now = store.now()
    if check_age and (start < now - MAX_AGE or end > now - MIN_AGE):
        raise _Refused(400, "The window must lie between 30 days and 5 minutes ago.")
    return start, end


def _max_items() -> int:
    try:
        max_items = int(request.args.get("max", MAX_PAGE_SIZE))
    except ValueError:
        raise _Refused(400, "max must be a positive integer.") from None
    if max_items < 1:
        raise _Refused(400, "max must be a positive integer.")
    return min(max_items, MAX_PAGE_SIZE)


def _cursor() -> int:
    value = request.args.get("cursor", "0")
    if not value.isdigit():
        raise _Refused(400, "cursor is malformed.")
    return int(value)


def _store() -> CdrStore:
    return current_app.extensions[EXTENSION_KEY]


def _parse_time(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _record_from_row(row: dict[str, str | None]) -> dict:
    record: dict[str, object] = {}
    for key, value in row.items():
        text = (value or "").strip() if isinstance(value, str) else ""
        if key is None or text in ("", "NA"):
            continue
        if key in INTEGER_FIELDS and text.isdigit():
            record[key] = int(text)
        elif key in BOOLEAN_FIELDS and text.lower() in ("true", "false"):
            record[key] = text.lower() == "true"
        else:
            record[key] = text
    return record
