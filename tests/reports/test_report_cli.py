"""``webex-go-bot report FILE.csv`` prints the same summary the bot sends."""

import argparse
import io

from PIL import Image

from bot.report_cli import add_report_command, main_report
from handlers.reports import read_call_history, render_summary_markdown
from tests.reports.conftest import SAMPLE


def test_the_summary_is_printed(capsys):
    assert main_report(SAMPLE) == 0

    out = capsys.readouterr().out
    with open(SAMPLE, "rb") as file:
        expected = render_summary_markdown(read_call_history(file).summary)
    assert out == expected + "\n"
    assert "8 of 16 calls (50%)" in out


def test_chart_and_webex_go_csv_are_written_on_request(tmp_path, capsys):
    chart, calls = tmp_path / "chart.png", tmp_path / "go.csv"

    assert main_report(SAMPLE, chart=chart, webex_go_csv=calls) == 0

    assert Image.open(io.BytesIO(chart.read_bytes())).format == "PNG"
    assert len(calls.read_text(encoding="utf-8").splitlines()) == 9


def test_a_file_that_is_not_call_history_says_why(tmp_path, capsys):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")

    assert main_report(path) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    assert "not a call history CSV" in captured.err


def test_a_missing_file_says_so(tmp_path, capsys):
    assert main_report(tmp_path / "nope.csv") == 1

    assert "cannot read" in capsys.readouterr().err


def test_the_subcommand_parses_and_runs(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="webex-go-bot")
    add_report_command(parser.add_subparsers(required=True))
    chart = tmp_path / "c.png"

    args = parser.parse_args(["report", str(SAMPLE), "--chart", str(chart)])

    assert args.run(args) == 0
    assert chart.exists()
    assert "Alice Example" in capsys.readouterr().out
