"""Reading Control Hub call history CSV files into the report."""

import io
from datetime import date

import pytest
from PIL import Image

from handlers.call_history import MAX_LINE_CHARS
from handlers.reports import (
    MissingColumns,
    NotCallHistory,
    read_call_history,
    render_report_error,
)
from tests.reports.conftest import HEADER, SAMPLE, csv_file, go_row


def _read(path, **options):
    with open(path, "rb") as file:
        return read_call_history(file, **options)


def _people(summary):
    return {
        name: (p.calls, p.outgoing, p.incoming, p.answered, p.seconds)
        for name, p in summary.people.items()
    }


def test_the_sample_has_8_webex_go_calls_of_16():
    summary = _read(SAMPLE).summary

    assert (summary.total_calls, summary.webex_go_calls) == (16, 8)
    assert summary.webex_go_share == 0.5
    assert summary.duplicates == 0


def test_the_sample_counts_per_person_and_day():
    summary = _read(SAMPLE).summary

    # By hand from the file: Alice's calls at 08:00 (in, 180 s), 12:28 (out, 180 s),
    # 16:56 (out, unanswered) and 11:24 (in, 47 s); Carol's at 10:14 (out, 61 s),
    # 14:42 (in, unanswered), 09:10 (out, unanswered) and 13:38 (out, 305 s).
    assert _people(summary) == {
        "Alice Example": (4, 2, 2, 3, 407),
        "Carol Example": (4, 3, 1, 2, 366),
    }
    assert summary.calls_per_day == {
        date(2026, 11, 2): 2,
        date(2026, 11, 3): 1,
        date(2026, 11, 4): 2,
        date(2026, 11, 5): 1,
        date(2026, 11, 6): 2,
    }
    assert summary.first_day == date(2026, 11, 2)
    assert summary.last_day == date(2026, 11, 7)
    assert summary.days()[-1] == (date(2026, 11, 7), 0)
    assert round(summary.people["Alice Example"].minutes, 2) == 6.78


def test_a_byte_order_mark_is_ignored(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\n{go_row('r1')}\n".encode())

    assert _read(path).summary.webex_go_calls == 1


def test_quoted_fields_may_hold_commas_and_newlines(tmp_path):
    row = go_row("r1", user='"Example, Alice\nsecond line"')
    path = csv_file(tmp_path, f"{HEADER}\r\n{row}\r\n{go_row('r2')}\r\n")

    summary = _read(path).summary

    assert summary.webex_go_calls == 2
    assert "Example, Alice\nsecond line" in summary.people


def test_empty_and_na_values_are_missing(tmp_path):
    rows = [
        # no user name: counted under the user's UUID; Answered NA, so the answer
        # time decides; Duration NA counts no seconds
        (
            "2026-11-02T08:00:00Z,2026-11-02T08:00:01Z,NA,NA,uuid-1,TERMINATING,"
            "SIP,MOBILE_NETWORK,NA,r1"
        ),
        # no answer time and Answered empty: not answered
        "2026-11-02T09:00:00Z,,0,Bob,uuid-2,ORIGINATING,SIP,MOBILE_NETWORK,,r2",
        # Sub client type NA: not a Webex Go call
        "2026-11-02T10:00:00Z,,0,Bob,uuid-2,ORIGINATING,SIP,NA,false,r3",
    ]
    path = csv_file(tmp_path, "\n".join([HEADER, *rows]) + "\n")

    summary = _read(path).summary

    assert (summary.total_calls, summary.webex_go_calls) == (3, 2)
    assert _people(summary) == {"uuid-1": (1, 0, 1, 1, 0), "Bob": (1, 1, 0, 0, 0)}


def test_extra_and_reordered_columns_are_fine(tmp_path):
    text = (
        "Extra,Report ID,Sub client type,Client type,Answered,Direction,User,"
        "Duration,Start time,Location\n"
        "x,r1,MOBILE_NETWORK,SIP,true,ORIGINATING,Alice,120,2026-11-02T08:00:00Z,HQ\n"
        "y,r2,,WXC_CLIENT,true,ORIGINATING,Bob,120,2026-11-02T09:00:00Z,HQ\n"
    )

    report = _read(csv_file(tmp_path, text), keep_webex_go_csv=True)

    assert (report.summary.total_calls, report.summary.webex_go_calls) == (2, 1)
    assert _people(report.summary) == {"Alice": (1, 1, 0, 1, 120)}
    lines = report.webex_go_csv.decode().splitlines()
    assert lines[0] == text.splitlines()[0]
    assert lines[1:] == [text.splitlines()[1]]


def test_values_and_headers_match_after_trimming_and_case_folding(tmp_path):
    text = (
        " start TIME ,Answer time,DURATION,user,User UUID, Direction,"
        "client type,Sub Client Type ,answered,report id\n"
        "2026-11-02T08:00:00Z,,30,Alice,u1, originating , sip , mobile_network ,"
        "TRUE,r1\n"
    )

    summary = _read(csv_file(tmp_path, text)).summary

    assert summary.webex_go_calls == 1
    assert _people(summary) == {"Alice": (1, 1, 0, 1, 30)}


def test_a_report_id_counts_once(tmp_path):
    rows = [go_row("r1"), go_row("r1"), go_row("r2", user="Bob")]
    path = csv_file(tmp_path, "\n".join([HEADER, *rows]))

    report = _read(path, keep_webex_go_csv=True)

    assert (report.summary.total_calls, report.summary.duplicates) == (2, 1)
    assert len(report.webex_go_csv.decode().splitlines()) == 3


def test_the_day_is_the_utc_date_of_the_start_time(tmp_path):
    rows = [
        go_row("r1", start="2026-11-02T23:30:00-02:00"),  # 01:30 UTC on the 3rd
        go_row("r2", start="2026-11-03T00:30:00+02:00"),  # 22:30 UTC on the 2nd
        go_row("r3", start="not a time"),
    ]
    path = csv_file(tmp_path, "\n".join([HEADER, *rows]))

    summary = _read(path).summary

    assert summary.calls_per_day == {date(2026, 11, 2): 1, date(2026, 11, 3): 1}
    assert summary.undated_webex_go_calls == 1


@pytest.mark.parametrize(
    "make_source",
    [
        lambda text: io.BytesIO(text.encode()),
        lambda text: io.StringIO(text, newline=""),
        lambda text: text.splitlines(keepends=True),
        lambda text: [line.encode() for line in text.splitlines(keepends=True)],
    ],
    ids=["binary file", "text file", "str lines", "byte lines"],
)
def test_files_and_iterables_of_lines_are_read(make_source):
    text = SAMPLE.read_text(encoding="utf-8")

    assert read_call_history(make_source(text)).summary.webex_go_calls == 8


def test_the_callers_file_stays_open():
    with open(SAMPLE, "rb") as file:
        read_call_history(file)
        assert not file.closed


def test_the_webex_go_csv_keeps_the_input_columns_and_reads_back():
    report = _read(SAMPLE, keep_webex_go_csv=True)

    lines = report.webex_go_csv.decode().splitlines()
    assert lines[0] == SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert len(lines) == 9
    again = read_call_history(io.BytesIO(report.webex_go_csv)).summary
    assert (again.total_calls, again.webex_go_calls) == (8, 8)
    assert again.people == report.summary.people


def test_a_missing_column_is_named(tmp_path):
    text = "Start time,Duration,User,Direction,Client type,Answered\n"

    with pytest.raises(MissingColumns) as caught:
        _read(csv_file(tmp_path, text))

    assert caught.value.key == "report.missing_column"
    assert caught.value.columns == ["Sub client type"]
    assert "Sub client type" in render_report_error(caught.value)


def test_one_of_user_or_user_uuid_is_enough_but_not_neither(tmp_path):
    text = "Start time,Duration,Direction,Client type,Sub client type,Answer time\n"

    with pytest.raises(MissingColumns) as caught:
        _read(csv_file(tmp_path, text))

    assert caught.value.columns == ["User"]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\xff\xfe\x9c binary junk \x80\x81",
        _png(),
        b'{"items": [{"Start time": "2026-11-02T08:00:00Z"}]}',
        b"a,b\nvalid utf-8 with a \x00 NUL,2\n",
        "Start time,Answer time\n".encode("utf-16"),
        b"x" * (MAX_LINE_CHARS + 10),
        b"Start time;Duration;User;Direction;Client type;Sub client type;Answered\n",
    ],
    ids=["junk", "png", "json", "nul", "utf-16", "endless line", "semicolons"],
)
def test_a_file_that_is_not_csv_gets_a_clear_error(tmp_path, content):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)

    with pytest.raises(NotCallHistory) as caught:
        _read(path)

    assert caught.value.key == "report.not_csv"
    assert "not a call history CSV" in render_report_error(caught.value)


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n \n\r\n"])
def test_an_empty_file_gets_its_own_error(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)

    with pytest.raises(NotCallHistory) as caught:
        _read(path)

    assert caught.value.key == "report.empty_file"


def test_a_broken_line_is_named_by_number(tmp_path):
    huge_field = '"' + "x" * 200_000 + '"'
    text = "\n".join([HEADER, go_row("r1"), go_row("r2"), huge_field]) + "\n"

    with pytest.raises(NotCallHistory) as caught:
        _read(csv_file(tmp_path, text))

    assert caught.value.key == "report.bad_line"
    assert caught.value.params == {"line": 4}
    assert "Line 4" in render_report_error(caught.value)


def test_blank_lines_are_skipped(tmp_path):
    text = f"\n{HEADER}\n\n{go_row('r1')}\n\n,,,,,,,,,\n{go_row('r2')}\n"

    summary = _read(csv_file(tmp_path, text)).summary

    assert (summary.total_calls, summary.webex_go_calls) == (2, 2)
