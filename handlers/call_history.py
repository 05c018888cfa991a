"""Reading Webex Calling call history: a Control Hub CSV export or API records.

Both give plain records keyed by lower-case column name (``"sub client type"``),
read one at a time so a large file never sits in memory. Column names match after
trimming and case-folding; values are trimmed, and empty or ``NA`` values are
missing, as wxc_sdk treats them (shared/reference/webex-platform.md, section 9.2).

Errors, all ``CommandError`` so the person gets a reply saying what to send::

    ReportError
    ├── NotCallHistory    empty, not UTF-8, not CSV, or no call history column
    └── MissingColumns    a call history CSV without some column the report needs
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from handlers.errors import CommandError

logger = logging.getLogger(__name__)

# Control Hub header names (section 9.2); records use them case-folded.
START_TIME = "start time"
ANSWER_TIME = "answer time"
DURATION = "duration"
USER = "user"
USER_UUID = "user uuid"
DIRECTION = "direction"
CLIENT_TYPE = "client type"
SUB_CLIENT_TYPE = "sub client type"
ANSWERED = "answered"
REPORT_ID = "report id"

# Each group needs one of its columns; the first name is the one an error shows.
REQUIRED_COLUMNS = (
    ("Client type",),
    ("Sub client type",),
    ("Start time",),
    ("Direction",),
    ("Duration",),
    ("User", "User UUID"),
    ("Answered", "Answer time"),
)
USED_COLUMNS = frozenset(
    name.casefold() for group in REQUIRED_COLUMNS for name in group
) | {REPORT_ID}
MISSING_VALUES = frozenset({"", "NA"})

# One physical line longer than this is not a call history export (csv also limits
# one field to 128 KiB); reading stops before it can fill memory.
MAX_LINE_CHARS = 1024 * 1024

Record = dict[str, Any]
Source = IO[bytes] | IO[str] | Iterable[str] | Iterable[bytes]


class ReportError(CommandError):
    """A call history file the report cannot use; the reply says what to send."""


class NotCallHistory(ReportError):
    pass


class MissingColumns(ReportError):
    def __init__(self, columns: list[str]) -> None:
        super().__init__("report.missing_column", columns=", ".join(columns))
        self.columns = columns


@dataclass(frozen=True)
class CsvRow:
    """One data row: the used columns as a record, and the row as read."""

    record: Record
    values: list[str]


class CallHistoryCsv:
    """A call history CSV read row by row; ``header`` is the first row as given.

    Raises ``NotCallHistory`` or ``MissingColumns`` when the header is read (on
    construction) and ``NotCallHistory`` if a later line cannot be read.
    """

    def __init__(self, source: Source) -> None:
        self._lines = _text_lines(source)
        # strict: an unclosed quote is an error, not the rest of the file as one field
        self._reader = csv.reader(self._lines, strict=True)
        try:
            self.header = self._read_header()
            self._columns = _used_columns(self.header)
        except BaseException:
            self.close()
            raise

    def __iter__(self) -> Iterator[CsvRow]:
        columns = self._columns
        try:
            for values in _guarded(self._reader):
                if not any(values):
                    continue
                width = len(values)
                record = {name: values[i] for name, i in columns if i < width}
                yield CsvRow(record, values)
        finally:
            self.close()

    def close(self) -> None:
        """Stop reading; a binary file is left open for its owner to close."""
        self._lines.close()

    def _read_header(self) -> list[str]:
        for values in _guarded(self._reader):
            if any(value.strip() for value in values):
                return values
        raise NotCallHistory("report.empty_file")


def normalize_record(record: Mapping[str, object]) -> Record:
    """An API record (or any mapping) with keys trimmed and case-folded."""
    return {str(key).strip().casefold(): value for key, value in record.items()}


def clean(value: object) -> str | None:
    """A value trimmed, or None when missing (absent, empty or ``NA``)."""
    if type(value) is str:  # the common case first: several calls a CSV row
        text = value.strip()
    elif value is None:
        return None
    elif isinstance(value, bool):
        return "true" if value else "false"
    else:
        text = str(value).strip()
    return None if text in MISSING_VALUES else text


def folded(value: object) -> str | None:
    """A value trimmed and case-folded for comparison, or None when missing."""
    text = clean(value)
    return None if text is None else text.casefold()


def _used_columns(header: list[str]) -> list[tuple[str, int]]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(name.strip().casefold(), index)
    missing = [
        group[0]
        for group in REQUIRED_COLUMNS
        if not any(name.casefold() in positions for name in group)
    ]
    if len(missing) == len(REQUIRED_COLUMNS):
        logger.info("no call history column in a header of %d fields", len(header))
        raise NotCallHistory("report.not_csv")
    if missing:
        raise MissingColumns(missing)
    return [(name, i) for name, i in positions.items() if name in USED_COLUMNS]


def _guarded(reader: Any) -> Iterator[list[str]]:
    """The reader's rows; a malformed line becomes ``NotCallHistory``."""
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line = reader.line_num
            logger.info("unreadable call history line %d: %s", line, error)
            raise NotCallHistory("report.bad_line", line=line) from None
        yield values


def _text_lines(source: Source) -> Iterator[str]:
    """Lines of text without a byte order mark, each at most ``MAX_LINE_CHARS``."""
    if isinstance(source, io.TextIOBase):
        lines: Iterable[str | bytes] = _read_lines(source)
    elif hasattr(source, "read"):
        yield from _binary_lines(source)
        return
    else:
        lines = source
    for number, line in enumerate(lines):
        text = _decoded(line)
        yield _checked(text.removeprefix("\ufeff") if number == 0 else text)


def _binary_lines(source: Any) -> Iterator[str]:
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    try:
        for line in _read_lines(text):
            yield _checked(line)
    finally:
        # Leave the caller's file open: closing the wrapper would close it.
        if not getattr(source, "closed", False):
            text.detach()


def _read_lines(text: IO[str]) -> Iterator[str]:
    try:
        yield from iter(lambda: text.readline(MAX_LINE_CHARS), "")
    except UnicodeDecodeError:
        raise NotCallHistory("report.not_csv") from None


def _decoded(line: str | bytes) -> str:
    if isinstance(line, str):
        return line
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        raise NotCallHistory("report.not_csv") from None


def _checked(line: str) -> str:
    # A NUL or an endless line means binary data that happens to decode as UTF-8.
    if "\x00" in line or len(line) >= MAX_LINE_CHARS:
        raise NotCallHistory("report.not_csv")
    return line
