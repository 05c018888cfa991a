"""The call report through the emulator: an attached CSV and the call history API."""

import csv
import io

from PIL import Image

from bot.cli import main
from bot.sandbox import SAMPLE_CALLS


def _bot_replies(sandbox):
    return [m for m in sandbox.sent_by_bot() if m["roomId"] == sandbox.admin_room_id]


def test_report_on_an_attached_csv_answers_with_summary_csv_and_chart(sandbox):
    sandbox.attach(SAMPLE_CALLS, "report")
    sandbox.settle()

    summary, table, chart = _bot_replies(sandbox)
    assert "8 of 16 calls (50%) were Webex Go calls." in summary["markdown"]
    assert (
        "**Alice Example**: 4 (2 outgoing, 2 incoming), 3 answered"
        in summary["markdown"]
    )
    [(name, kind, content)] = sandbox.emulator.file_bytes(table)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert (name, kind, len(rows)) == ("webex-go-calls.csv", "text/csv", 8)
    assert {row["Sub client type"] for row in rows} == {"MOBILE_NETWORK"}
    [(name, kind, png)] = sandbox.emulator.file_bytes(chart)
    assert kind == "image/png" and Image.open(io.BytesIO(png)).format == "PNG"


def test_report_last_days_reads_the_call_history_api(sandbox):
    sandbox.mention("report last 30 days")
    sandbox.settle()

    summary = _bot_replies(sandbox)[0]["markdown"]
    assert "Webex Go calls" in summary
    assert sandbox.emulator.cdr.requests_log  # the API was asked


def test_report_without_a_file_or_days_says_what_to_send(sandbox):
    sandbox.mention("report")
    sandbox.settle()
    assert "Attach the call history CSV" in _bot_replies(sandbox)[0]["markdown"]


def test_a_non_csv_attachment_gets_a_clear_reply(sandbox, tmp_path):
    junk = tmp_path / "photo.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    sandbox.attach(junk, "report")
    sandbox.settle()
    assert "not a call history CSV" in _bot_replies(sandbox)[0]["markdown"]


def test_report_is_for_admins(sandbox):
    sandbox.write_directly("alice@example.com", "report last 7 days")
    sandbox.settle()
    reply = sandbox.emulator.messages(to_person_email="alice@example.com")[-1]
    assert "Only Webex Go admins" in reply["markdown"]


def test_the_command_line_report_gives_the_same_summary(capsys):
    assert main(["report", str(SAMPLE_CALLS)]) == 0
    assert "8 of 16 calls (50%) were Webex Go calls." in capsys.readouterr().out
