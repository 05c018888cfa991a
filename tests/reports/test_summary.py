"""The summary: API records and CSV rows alike, markdown within Webex's limit."""

import io
from datetime import date, timedelta

import pytest

from emulator.cdr import records_from_csv
from handlers.reports import (
    MAX_MARKDOWN_BYTES,
    PersonCalls,
    Summary,
    read_call_history,
    read_records,
    render_report_error,
    render_summary_markdown,
    summarize_records,
    write_webex_go_csv,
)
from handlers.texts import Texts
from tests.reports.conftest import SAMPLE


def _sample_records() -> list[dict]:
    with open(SAMPLE, encoding="utf-8", newline="") as file:
        return records_from_csv(file)


def _csv_summary() -> Summary:
    with open(SAMPLE, "rb") as file:
        return read_call_history(file).summary


def test_api_records_and_csv_rows_give_the_same_summary():
    records = _sample_records()
    assert isinstance(records[0]["Duration"], int)
    assert records[0]["Answered"] is True

    assert summarize_records(records) == _csv_summary()


def test_api_record_keys_match_after_trimming_and_case_folding():
    records = [
        {f" {key.upper()} ": value for key, value in record.items()}
        for record in _sample_records()
    ]

    assert summarize_records(records) == _csv_summary()


def test_records_without_a_value_count_as_missing():
    records = [
        {"Client type": "SIP", "Sub client type": "MOBILE_NETWORK", "User": None},
        {"Client type": "SIP", "Sub client type": None},
    ]

    summary = summarize_records(records)

    assert (summary.total_calls, summary.webex_go_calls) == (2, 1)
    assert list(summary.people) == [""]
    assert summary.undated_webex_go_calls == 1


def test_write_webex_go_csv_keeps_webex_go_calls_once():
    records = _sample_records()
    records.append(dict(records[0]))  # the same Report ID again

    output = write_webex_go_csv(records)

    again = read_call_history(io.BytesIO(output)).summary
    assert (again.total_calls, again.webex_go_calls) == (8, 8)
    header = output.decode().splitlines()[0].split(",")
    assert header[:4] == ["Start time", "Answer time", "Duration", "User"]
    assert "true" in output.decode()  # booleans written as the export writes them


def test_one_pass_over_records_gives_summary_and_csv():
    report = read_records(iter(_sample_records()), keep_webex_go_csv=True)

    assert report.summary == _csv_summary()
    assert report.webex_go_csv == write_webex_go_csv(_sample_records())
    assert read_records(_sample_records()).webex_go_csv is None


def test_the_markdown_gives_share_people_and_days():
    text = render_summary_markdown(_csv_summary())

    assert "**Webex Go calls**, 02 Nov 2026 to 07 Nov 2026 (UTC)" in text
    assert "8 of 16 calls (50%) were Webex Go calls." in text
    assert (
        "- **Alice Example**: 4 (2 outgoing, 2 incoming), 3 answered, 6.8 min"
    ) in text
    assert "- Mon 02 Nov 2026: 2" in text
    assert "Sat 07 Nov" not in text  # only days with Webex Go calls are listed


def test_the_markdown_says_when_there_is_nothing_to_count():
    assert "has no calls" in render_summary_markdown(Summary())
    none = render_summary_markdown(Summary(total_calls=3))
    assert "None of the 3 calls was a Webex Go call." in none


def test_repeats_and_undated_calls_are_mentioned():
    summary = Summary(
        total_calls=2, webex_go_calls=2, duplicates=5, undated_webex_go_calls=2
    )
    summary.people["Bob"] = PersonCalls("Bob", calls=2)

    text = render_summary_markdown(summary)

    assert "5 repeated records (same Report ID) were counted once." in text
    assert "2 Webex Go calls had no readable start time." in text


def _crowd(people: int) -> Summary:
    summary = Summary(total_calls=people, webex_go_calls=people)
    for n in range(people):
        name = f"Person {n:05d} with a rather long display name — ünïcödé ✓"
        summary.people[name] = PersonCalls(name, calls=1, outgoing=1, seconds=60)
    return summary


@pytest.mark.parametrize("people", [150, 5000])
def test_long_lists_end_with_and_n_more_within_the_webex_limit(people):
    text = render_summary_markdown(_crowd(people))

    assert len(text.encode("utf-8")) <= MAX_MARKDOWN_BYTES
    shown = text.count("- **Person")
    assert text.rstrip().endswith(f"- and {people - shown} more")
    assert shown > 50


def test_names_cannot_break_the_markdown():
    summary = Summary(total_calls=1, webex_go_calls=1)
    name = "*Mal* [link](http://x) <b>`x`</b>\n# heading" + "y" * 200
    summary.people[name] = PersonCalls(name, calls=1)

    text = render_summary_markdown(summary)

    assert "\\*Mal\\* \\[link\\](http://x) \\<b\\>\\`x\\`\\</b\\> \\# heading" in text
    assert "y" * 100 not in text


def test_texts_come_from_the_manifest():
    assert "The call history has no calls." in render_summary_markdown(
        Summary(), Texts()
    )


def test_report_errors_render_in_english_without_a_manifest_entry():
    from handlers.reports import MissingColumns

    text = render_report_error(MissingColumns(["Direction", "Duration"]))

    assert "no Direction, Duration column" in text


def test_many_people_and_many_days_still_fit():
    summary = _crowd(3000)
    for n in range(400):
        summary.calls_per_day[date(2025, 1, 1) + timedelta(days=n)] = 3

    text = render_summary_markdown(summary)

    assert len(text.encode("utf-8")) <= MAX_MARKDOWN_BYTES
    assert text.count(" more") == 2
    assert "- Wed 01 Jan 2025: 3" in text
