"""How fast, and in how little memory, the call report reads a large CSV.

Writes ROWS rows shaped like shared/fixtures/cdr/calls-sample.csv to a temporary
file, then reads them three ways: plain ``csv.reader`` (the floor any CSV reader
pays), ``read_call_history`` (the report) and ``read_call_history`` keeping the
Webex Go calls as CSV. Time and peak memory are measured in separate passes,
since tracemalloc slows the code it watches. Not a pass/fail test::

    .venv/bin/python bench/report_bench.py [ROWS]
"""

from __future__ import annotations

import csv
import random
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.reports import read_call_history

DEFAULT_ROWS = 100_000
HEADER = [
    "Start time", "Answer time", "Duration", "User", "User type", "User UUID",
    "Direction", "Calling number", "Called number", "Client type",
    "Sub client type", "Client version", "OS type", "Call type", "Call outcome",
    "Answered", "Location", "Org UUID", "Correlation ID", "Report ID", "Report time",
]  # fmt: skip
CLIENTS = [("SIP", "MOBILE_NETWORK"), ("WXC_CLIENT", ""), ("WXC_DEVICE", "")]
PEOPLE = [f"Person {n:04d}" for n in range(500)]


def write_rows(path: Path, rows: int, seed: int = 7) -> None:
    """Rows with realistic values; a third are Webex Go calls."""
    chance = random.Random(seed)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for n in range(rows):
            writer.writerow(_row(chance, start + timedelta(seconds=n * 25)))


def _row(chance: random.Random, moment: datetime) -> list[str]:
    client, sub_client = chance.choice(CLIENTS)
    answered = chance.random() < 0.7
    when = moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return [
        when, when if answered else "", str(chance.randint(0, 900) if answered else 0),
        chance.choice(PEOPLE), "User", str(uuid.UUID(int=chance.getrandbits(128))),
        chance.choice(["ORIGINATING", "TERMINATING"]), "+441632960001",
        "+441632961000", client, sub_client, "NA", "NA", "SIP_MOBILE",
        "Success" if answered else "Failure", "true" if answered else "false",
        "Main Office", "db5b5fab-8f4d-4e27-9da1-494c73cf256d",
        str(uuid.UUID(int=chance.getrandbits(128))),
        str(uuid.UUID(int=chance.getrandbits(128))), when,
    ]  # fmt: skip


def plain_csv(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as file:
        return sum(1 for _ in csv.reader(file)) - 1


def report(path: Path, keep_csv: bool = False) -> int:
    with open(path, "rb") as file:
        return read_call_history(file, keep_webex_go_csv=keep_csv).summary.total_calls


def timed(read: Callable[[], int]) -> tuple[int, float]:
    began = time.perf_counter()
    rows = read()
    return rows, time.perf_counter() - began


def peak_bytes(read: Callable[[], int]) -> int:
    tracemalloc.start()
    try:
        read()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str]) -> int:
    rows = int(argv[0]) if argv else DEFAULT_ROWS
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calls.csv"
        write_rows(path, rows)
        size_mb = path.stat().st_size / 1e6
        _say(f"{rows:,} rows, {size_mb:.1f} MB, Python {sys.version.split()[0]}")
        readers = {
            "csv.reader (baseline)": lambda: plain_csv(path),
            "read_call_history": lambda: report(path),
            "read_call_history + Webex Go CSV": lambda: report(path, keep_csv=True),
        }
        baseline = None
        for name, read in readers.items():
            count, seconds = timed(read)
            baseline = baseline or seconds
            peak = peak_bytes(read) / 1e6
            _say(
                f"{name:34} {count / seconds:>10,.0f} rows/s  {seconds:6.2f} s  "
                f"x{seconds / baseline:4.1f}  peak {peak:6.1f} MB (tracemalloc)"
            )
    _say(f"max RSS of the process: {_max_rss_mb():.1f} MB")
    return 0


def _max_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1e6 if sys.platform == "darwin" else rss / 1e3  # bytes vs KiB


def _say(text: str) -> None:
    print(text)  # noqa: T201 - a benchmark reports on stdout


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
