"""The Webex Go call report: Webex Go calls by person and by day.

A call went over a Webex Go line when its ``Client type`` is SIP and its ``Sub
client type`` is MOBILE_NETWORK (shared/reference/webex-platform.md, section 9.2).
Records come from a Control Hub CSV export (``read_call_history``) or from the
call history API (``summarize_records``); both go through one ``CallReport``, so the
same calls give the same ``Summary``. A record repeated under one ``Report ID``
counts once.

Texts come from the ``[report]`` table of ``manifest/messages``.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from handlers.call_history import (
    ANSWER_TIME,
    ANSWERED,
    CLIENT_TYPE,
    DIRECTION,
    DURATION,
    REPORT_ID,
    START_TIME,
    SUB_CLIENT_TYPE,
    USER,
    USER_UUID,
    CallHistoryCsv,
    MissingColumns,
    NotCallHistory,
    Record,
    ReportError,
    Source,
    clean,
    folded,
    normalize_record,
)
from handlers.report_chart import draw_bar_chart
from handlers.texts import Texts

__all__ = [
    "CallHistoryReport",
    "CallReport",
    "MissingColumns",
    "NotCallHistory",
    "PersonCalls",
    "ReportError",
    "Summary",
    "is_webex_go",
    "read_call_history",
    "read_records",
    "render_chart_png",
    "render_report_error",
    "render_summary_markdown",
    "summarize_records",
    "write_webex_go_csv",
]

logger = logging.getLogger(__name__)

MAX_MARKDOWN_BYTES = 7439  # Webex's limit for a message's markdown (reference, 2.1)
MAX_NAME_CHARS = 80
DAYS_BUDGET_BYTES = 1500
MAX_CHART_BARS = 90
MAX_SPAN_DAYS = 1000  # beyond this, days() lists only days with Webex Go calls
ANSWERED_VALUES = frozenset({"true", "yes", "1"})


@dataclass
class PersonCalls:
    """One person's Webex Go calls."""

    name: str
    calls: int = 0
    outgoing: int = 0
    incoming: int = 0
    answered: int = 0
    seconds: int = 0

    @property
    def minutes(self) -> float:
        return self.seconds / 60


@dataclass
class Summary:
    """Totals of a call history; per person and per day only for Webex Go calls.

    ``people`` is keyed by ``User``, or ``User UUID`` when a call has no user name;
    ``first_day`` and ``last_day`` span every dated call, Webex Go or not.
    """

    total_calls: int = 0
    webex_go_calls: int = 0
    duplicates: int = 0
    undated_webex_go_calls: int = 0
    first_day: date | None = None
    last_day: date | None = None
    people: dict[str, PersonCalls] = field(default_factory=dict)
    calls_per_day: dict[date, int] = field(default_factory=dict)

    @property
    def webex_go_share(self) -> float:
        return self.webex_go_calls / self.total_calls if self.total_calls else 0.0

    def days(self) -> list[tuple[date, int]]:
        """Webex Go calls per day from first to last day, days without any as 0."""
        if self.first_day is None or self.last_day is None:
            return sorted(self.calls_per_day.items())
        span = (self.last_day - self.first_day).days + 1
        if span > MAX_SPAN_DAYS:
            return sorted(self.calls_per_day.items())
        every_day = (self.first_day + timedelta(days=n) for n in range(span))
        return [(day, self.calls_per_day.get(day, 0)) for day in every_day]


class CallReport:
    """Counts records one at a time; keeps no record, only the Report IDs seen."""

    def __init__(self) -> None:
        self.summary = Summary()
        self._seen: set[str] = set()

    def add(self, record: Record) -> bool:
        """Count a record with case-folded keys; True if it is a new Webex Go call."""
        report_id = clean(record.get(REPORT_ID))
        if report_id is not None:
            if report_id in self._seen:
                self.summary.duplicates += 1
                return False
            self._seen.add(report_id)
        day = _utc_day(record.get(START_TIME))
        self.summary.total_calls += 1
        if day is not None:
            self._stretch_period(day)
        if not is_webex_go(record):
            return False
        self._count_webex_go(record, day)
        return True

    def _stretch_period(self, day: date) -> None:
        summary = self.summary
        if summary.first_day is None or day < summary.first_day:
            summary.first_day = day
        if summary.last_day is None or day > summary.last_day:
            summary.last_day = day

    def _count_webex_go(self, record: Record, day: date | None) -> None:
        summary = self.summary
        summary.webex_go_calls += 1
        if day is None:
            summary.undated_webex_go_calls += 1
        else:
            summary.calls_per_day[day] = summary.calls_per_day.get(day, 0) + 1
        name = clean(record.get(USER)) or clean(record.get(USER_UUID)) or ""
        person = summary.people.setdefault(name, PersonCalls(name))
        person.calls += 1
        direction = folded(record.get(DIRECTION))
        person.outgoing += direction == "originating"
        person.incoming += direction == "terminating"
        person.answered += _answered(record)
        person.seconds += _seconds(record.get(DURATION))


@dataclass(frozen=True)
class CallHistoryReport:
    """What one pass over a call history gives; ``webex_go_csv`` only if asked for."""

    summary: Summary
    webex_go_csv: bytes | None = None


def is_webex_go(record: Record) -> bool:
    """Client type SIP and Sub client type MOBILE_NETWORK, in any case or spacing."""
    return (
        folded(record.get(CLIENT_TYPE)) == "sip"
        and folded(record.get(SUB_CLIENT_TYPE)) == "mobile_network"
    )


def read_call_history(
    source: Source, *, keep_webex_go_csv: bool = False
) -> CallHistoryReport:
    """Summarize a Control Hub call history CSV in one streaming pass.

    Args:
        source: a binary file, or an iterable of text (or UTF-8 byte) lines.
        keep_webex_go_csv: also return the Webex Go calls as CSV bytes, with the
            input's columns in the input's order.

    Raises:
        NotCallHistory: the file is empty, binary or not a call history CSV.
        MissingColumns: a column the report needs is missing; names them.
    """
    table = CallHistoryCsv(source)
    report = CallReport()
    output = _CsvOutput(table.header) if keep_webex_go_csv else None
    for row in table:
        if report.add(row.record) and output is not None:
            output.write(row.values)
    summary = report.summary
    logger.info(
        "read call history: %d calls, %d Webex Go, %d repeated",
        summary.total_calls,
        summary.webex_go_calls,
        summary.duplicates,
    )
    return CallHistoryReport(summary, output.getvalue() if output is not None else None)


def read_records(
    records: Iterable[Mapping[str, object]], *, keep_webex_go_csv: bool = False
) -> CallHistoryReport:
    """Summarize call history API records (dicts keyed like the CSV header).

    With ``keep_webex_go_csv`` the Webex Go records (a subset) are kept and written
    as CSV, their keys in the order first seen as columns.
    """
    report = CallReport()
    calls = []
    for record in records:
        if report.add(normalize_record(record)) and keep_webex_go_csv:
            calls.append(record)
    csv_bytes = _records_csv(calls) if keep_webex_go_csv else None
    return CallHistoryReport(report.summary, csv_bytes)


def summarize_records(records: Iterable[Mapping[str, object]]) -> Summary:
    """Summarize call history API records; see ``read_records``."""
    return read_records(records).summary


def write_webex_go_csv(records: Iterable[Mapping[str, object]]) -> bytes:
    """The Webex Go calls among API records as UTF-8 CSV, each call once."""
    return read_records(records, keep_webex_go_csv=True).webex_go_csv or b""


def render_summary_markdown(
    summary: Summary, texts: Texts | None = None, *, max_bytes: int = MAX_MARKDOWN_BYTES
) -> str:
    """The summary as one Webex message; long lists end with "and N more"."""
    say = _sayer(texts)
    head = "\n\n".join(_headline(summary, say))
    if not summary.webex_go_calls:
        return head
    sections = [head]
    if summary.calls_per_day:
        day_lines = _day_lines(summary, say)
        title = say("report.summary.days")
        sections.append(_fitted(title, day_lines, DAYS_BUDGET_BYTES, say))
    budget = max_bytes - sum(_size(section) + 2 for section in sections)
    title = say("report.summary.people")
    sections.insert(1, _fitted(title, _person_lines(summary, say), budget, say))
    return "\n\n".join(sections)


def render_report_error(error: ReportError, texts: Texts | None = None) -> str:
    """What to tell the person about a file the report cannot use."""
    return _sayer(texts)(error.key, **error.params)


def render_chart_png(summary: Summary, texts: Texts | None = None) -> bytes:
    """A PNG bar chart of Webex Go calls per day (grouped when there are many)."""
    say = _sayer(texts)
    if not summary.webex_go_calls or not summary.calls_per_day:
        return draw_bar_chart(
            [], title=say("report.chart.title"), empty_text=say("report.chart.empty")
        )
    days = summary.days()
    group = max(1, math.ceil(len(days) / MAX_CHART_BARS))
    title = (
        say("report.chart.title")
        if group == 1
        else say("report.chart.title_grouped", days=group)
    )
    return draw_bar_chart(
        _bars(days, group),
        title=title,
        subtitle=say("report.chart.period", first=days[0][0], last=days[-1][0]),
        x_label=say("report.chart.x_label"),
        y_label=say("report.chart.y_label"),
        empty_text=say("report.chart.empty"),
    )


class _CsvOutput:
    """Webex Go rows written as they are read, so no other row is kept."""

    def __init__(self, header: list[str]) -> None:
        # Encoded as written: a StringIO may hold four bytes per character.
        self._buffer = io.BytesIO()
        self._text = io.TextIOWrapper(self._buffer, encoding="utf-8", newline="")
        self._writer = csv.writer(self._text)
        self._writer.writerow(header)

    def write(self, values: list[str]) -> None:
        self._writer.writerow(values)

    def getvalue(self) -> bytes:
        self._text.flush()
        return self._buffer.getvalue()


def _utc_day(value: object) -> date | None:
    text = clean(value)
    if text is None:
        return None
    try:
        if text[-1] in "Zz" and text[10:11] in ("T", "t", " "):
            return date.fromisoformat(text[:10])  # the common case, no tz arithmetic
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.date()
    try:
        return moment.astimezone(UTC).date()
    except OverflowError:  # near year 1 or 9999: no UTC day to speak of
        return None


def _answered(record: Record) -> bool:
    answered = folded(record.get(ANSWERED))
    if answered is not None:
        return answered in ANSWERED_VALUES
    return clean(record.get(ANSWER_TIME)) is not None


def _seconds(value: object) -> int:
    text = clean(value)
    if text is None:
        return 0
    try:
        return max(0, int(float(text)))
    except (ValueError, OverflowError):
        return 0


def _records_csv(calls: list[Mapping[str, object]]) -> bytes:
    columns = list(dict.fromkeys(key for call in calls for key in call))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, restval="")
    writer.writeheader()
    for call in calls:
        writer.writerow({key: _csv_value(value) for key, value in call.items()})
    return buffer.getvalue().encode("utf-8")


def _csv_value(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


Say = Callable[..., str]


def _sayer(texts: Texts | None) -> Say:
    return (texts or Texts()).render


def _headline(summary: Summary, say: Say) -> list[str]:
    if summary.first_day is not None and summary.last_day is not None:
        lines = [
            say(
                "report.summary.title_period",
                first=summary.first_day,
                last=summary.last_day,
            )
        ]
    else:
        lines = [say("report.summary.title")]
    if not summary.total_calls:
        lines.append(say("report.summary.no_calls"))
    elif not summary.webex_go_calls:
        lines.append(say("report.summary.none", total=summary.total_calls))
    else:
        lines.append(
            say(
                "report.summary.share",
                webex_go=summary.webex_go_calls,
                total=summary.total_calls,
                share=summary.webex_go_share,
            )
        )
    if summary.duplicates:
        lines.append(say("report.summary.duplicates", count=summary.duplicates))
    if summary.undated_webex_go_calls:
        lines.append(
            say("report.summary.undated", count=summary.undated_webex_go_calls)
        )
    return lines


def _person_lines(summary: Summary, say: Say) -> list[str]:
    people = sorted(summary.people.values(), key=lambda p: (-p.calls, p.name))
    return [
        say(
            "report.summary.person",
            name=_escaped(p.name) or say("report.summary.unknown_person"),
            calls=p.calls,
            outgoing=p.outgoing,
            incoming=p.incoming,
            answered=p.answered,
            minutes=p.minutes,
        )
        for p in people
    ]


def _day_lines(summary: Summary, say: Say) -> list[str]:
    return [
        say("report.summary.day", day=day, calls=calls)
        for day, calls in sorted(summary.calls_per_day.items())
    ]


def _fitted(title: str, lines: list[str], budget: int, say: Say) -> str:
    """The title and as many lines as fit in ``budget`` bytes, then "and N more"."""
    reserve = _size(say("report.summary.more", count=len(lines))) + 1
    kept, used = [title], _size(title)
    for index, line in enumerate(lines):
        needed = _size(line) + 1 + (reserve if index < len(lines) - 1 else 0)
        if used + needed > budget:
            kept.append(say("report.summary.more", count=len(lines) - index))
            break
        kept.append(line)
        used += _size(line) + 1
    return "\n".join(kept)


def _escaped(name: str) -> str:
    """A name safe to show in markdown: one line, short, no formatting."""
    name = " ".join(name.split())
    if len(name) > MAX_NAME_CHARS:
        name = name[: MAX_NAME_CHARS - 1] + "…"
    return re.sub(r"([\\`*_\[\]<>#|~])", r"\\\1", name)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _bars(days: list[tuple[date, int]], group: int) -> list[tuple[str, int]]:
    return [
        (days[i][0].strftime("%d %b"), sum(calls for _, calls in days[i : i + group]))
        for i in range(0, len(days), group)
    ]
