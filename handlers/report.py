"""``report``: the Webex Go call report, for an attached CSV or the last N days."""

from __future__ import annotations

import re

from handlers.commands import Command
from handlers.context import Context, Services
from handlers.errors import CommandError
from handlers.ports import FileUpload, Message
from handlers.reports import (
    CallHistoryReport,
    read_call_history,
    read_records,
    render_chart_png,
    render_summary_markdown,
)

_LAST_DAYS = re.compile(r"^last\s+(\d+)\s+days?$", re.IGNORECASE)
MAX_DAYS = 30


def handle_report(services: Services, ctx: Context, command: Command) -> str:
    """Admins only (the manifest says so); the message's first file, if any, is read."""
    message = ctx.message
    if message is not None and message.files:
        report = _read_attachment(services, message)
        source = "attached file"
    else:
        days = _days(command.text)
        if services.call_history is None:
            raise CommandError("report.needs_admin_token")
        report = read_records(
            services.call_history.records(days), keep_webex_go_csv=True
        )
        source = f"last {days} days"

    _send_report(services, ctx, report)
    summary = report.summary
    return (
        f"report from {source}: {summary.webex_go_calls} of {summary.total_calls} calls"
    )


def _read_attachment(services: Services, message: Message) -> CallHistoryReport:
    with services.chat.open_file(message.files[0]) as stream:
        return read_call_history(stream, keep_webex_go_csv=True)


def _days(text: str) -> int:
    if not text:
        raise CommandError("report.needs_file")
    match = _LAST_DAYS.match(text.strip())
    if match is None or not 1 <= int(match.group(1)) <= MAX_DAYS:
        raise CommandError("report.bad_days")
    return int(match.group(1))


def _send_report(services: Services, ctx: Context, report: CallHistoryReport) -> None:
    texts, chat = services.texts, services.chat
    ctx.reply(services, render_summary_markdown(report.summary, texts))
    chat.send(
        room_id=ctx.room_id,
        markdown=texts.render("report.csv_caption"),
        file=FileUpload("webex-go-calls.csv", "text/csv", report.webex_go_csv or b""),
    )
    chat.send(
        room_id=ctx.room_id,
        markdown=texts.render("report.chart_caption"),
        file=FileUpload(
            "webex-go-calls.png", "image/png", render_chart_png(report.summary, texts)
        ),
    )
