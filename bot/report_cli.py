"""``webex-go-bot report FILE.csv``: the Webex Go call report on the command line."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from handlers.reports import (
    ReportError,
    read_call_history,
    render_chart_png,
    render_report_error,
    render_summary_markdown,
)

logger = logging.getLogger(__name__)


def add_report_command(commands: argparse._SubParsersAction) -> None:
    """Add ``report FILE.csv [--chart PNG] [--webex-go-csv CSV]`` to a CLI."""
    report = commands.add_parser(
        "report", help="summarize the Webex Go calls in a Control Hub call history CSV"
    )
    report.add_argument("path", type=Path, metavar="FILE.csv")
    report.add_argument("--chart", type=Path, help="also write a PNG chart here")
    report.add_argument(
        "--webex-go-csv", type=Path, help="also write the Webex Go calls, as CSV, here"
    )
    report.set_defaults(
        run=lambda args: main_report(args.path, args.chart, args.webex_go_csv)
    )


def main_report(
    path: str | Path, chart: Path | None = None, webex_go_csv: Path | None = None
) -> int:
    """Print the summary of the call history CSV at ``path``; 0 if it was read."""
    try:
        with open(path, "rb") as file:
            report = read_call_history(file, keep_webex_go_csv=webex_go_csv is not None)
    except OSError as error:
        _fail(f"cannot read {path}: {error.strerror or error}")
        return 1
    except ReportError as error:
        _fail(f"{path}: {render_report_error(error)}")
        return 1
    _say(render_summary_markdown(report.summary))
    if chart is not None:
        chart.write_bytes(render_chart_png(report.summary))
    if webex_go_csv is not None and report.webex_go_csv is not None:
        webex_go_csv.write_bytes(report.webex_go_csv)
    return 0


def _say(text: str) -> None:
    print(text)  # noqa: T201 - command-line output


def _fail(text: str) -> None:
    print(f"webex-go-bot: {text}", file=sys.stderr)  # noqa: T201 - command-line output
