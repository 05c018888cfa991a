"""fetch_cdr against the emulated cdr_feed: windows, pages, rate limits, retries."""

import logging
from datetime import UTC, datetime, timedelta, timezone

import pytest
import requests

from bot.cdr import (
    DEFAULT_RETRY_AFTER,
    MAX_WINDOW,
    WINDOW_OVERLAP,
    allowed_range,
    cdr_windows,
    fetch_cdr,
    fetch_last_days,
    format_time,
)
from bot.http_retry import retry_after_seconds
from handlers.errors import ChatUnavailable
from handlers.reports import ReportError, read_call_history, summarize_records
from tests.reports.conftest import ADMIN_TOKEN, SAMPLE, SAMPLE_NOW

WEEK_START = datetime(2026, 11, 1, tzinfo=UTC)


def _fetch(server, fake_time, start=WEEK_START, end=SAMPLE_NOW, **options):
    return list(
        fetch_cdr(
            server.base_url,
            options.pop("token", ADMIN_TOKEN),
            start,
            end,
            sleep=fake_time.sleep,
            now=fake_time.now,
            **options,
        )
    )


def _csv_summary():
    with open(SAMPLE, "rb") as file:
        return read_call_history(file).summary


def test_the_api_gives_the_same_summary_as_the_csv(cdr_server, fake_time):
    records = _fetch(cdr_server, fake_time)

    assert len(records) == 16
    assert summarize_records(records) == _csv_summary()


def test_pages_429s_and_overlapping_windows_give_each_call_once(cdr_server, fake_time):
    store = cdr_server.store
    # what the real API allows per minute
    store.first_requests_per_minute, store.pages_per_minute = 1, 10
    windows = cdr_windows(WEEK_START, SAMPLE_NOW - timedelta(minutes=5))
    in_overlap = windows[0][1] - WINDOW_OVERLAP / 2
    store.add(_go_call("overlap-call", in_overlap))
    assert len(store.query(*windows[0])) == len(store.query(*windows[1])) == 1

    records = _fetch(cdr_server, fake_time, page_size=2)

    ids = [record["Report ID"] for record in records]
    assert len(ids) == len(set(ids)) == 17
    summary = summarize_records(records)
    assert (summary.total_calls, summary.webex_go_calls) == (17, 9)
    log = store.requests_log
    assert any("cursor" in request.args for request in log)  # pages were followed
    assert [r.status for r in log].count(429) == len(windows) - 1
    assert fake_time.naps == [60.0] * (len(windows) - 1)


def _go_call(report_id, start):
    return {
        "Start time": format_time(start),
        "Client type": "SIP",
        "Sub client type": "MOBILE_NETWORK",
        "Direction": "ORIGINATING",
        "User": "Overlap Person",
        "Duration": 30,
        "Answered": True,
        "Report ID": report_id,
    }


def test_windows_are_at_most_12_hours_and_overlap():
    windows = cdr_windows(WEEK_START, WEEK_START + timedelta(days=2))

    assert windows[0][0] == WEEK_START
    assert windows[-1][1] == WEEK_START + timedelta(days=2)
    assert all(end - start <= MAX_WINDOW for start, end in windows)
    for (_, end), (next_start, _) in zip(windows, windows[1:], strict=False):
        assert end - next_start == WINDOW_OVERLAP
    assert cdr_windows(WEEK_START, WEEK_START) == []


def test_the_range_is_narrowed_to_what_the_api_serves(cdr_server, fake_time):
    cdr_server.store.add(_go_call("too-old", SAMPLE_NOW - timedelta(days=31)))
    cdr_server.store.add(_go_call("too-new", SAMPLE_NOW - timedelta(minutes=1)))

    records = _fetch(
        cdr_server,
        fake_time,
        start=SAMPLE_NOW - timedelta(days=40),
        end=SAMPLE_NOW + timedelta(days=1),
    )

    assert len(records) == 16  # and no window was refused with a 400
    assert {r.status for r in cdr_server.store.requests_log} == {200}
    start, end = allowed_range(WEEK_START, SAMPLE_NOW, SAMPLE_NOW)
    assert end == SAMPLE_NOW - timedelta(minutes=5)


def test_fetch_last_days_reads_up_to_five_minutes_ago(cdr_server, fake_time):
    records = list(
        fetch_last_days(
            cdr_server.base_url,
            ADMIN_TOKEN,
            3,
            now=fake_time.now,
            sleep=fake_time.sleep,
        )
    )

    assert {r["Start time"][:10] for r in records} == {
        "2026-11-05",
        "2026-11-06",
        "2026-11-07",
    }
    first = cdr_server.store.requests_log[0].args
    assert first["startTime"] == "2026-11-05T00:00:00.000Z"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("2", 2.0), ("soon", 60.0), ("99999", 120.0), ("0", 1.0), ("nan", 60.0)],
)
def test_retry_after_is_bounded_and_malformed_values_are_handled(
    cdr_server, fake_time, header, expected
):
    cdr_server.store.fail_next(429, retry_after=header)

    assert len(_fetch(cdr_server, fake_time)) == 16
    assert fake_time.naps == [expected]
    assert retry_after_seconds(None, 30, DEFAULT_RETRY_AFTER) == 30.0


def test_5xx_is_retried_a_bounded_number_of_times(cdr_server, fake_time):
    cdr_server.store.fail_next(503, times=10)

    with pytest.raises(ChatUnavailable) as caught:
        _fetch(cdr_server, fake_time, max_attempts=3)

    assert caught.value.status == 503
    assert fake_time.naps == [1.0, 2.0]
    assert len(cdr_server.store.requests_log) == 3


def test_a_5xx_then_success_goes_on(cdr_server, fake_time):
    cdr_server.store.fail_next(502, times=2)

    assert len(_fetch(cdr_server, fake_time)) == 16
    assert fake_time.naps == [1.0, 2.0]


def test_a_refused_token_asks_for_the_right_role(cdr_server, fake_time):
    with pytest.raises(ReportError) as caught:
        _fetch(cdr_server, fake_time, token="not-an-admin")

    assert caught.value.key == "report.cdr_forbidden"
    assert fake_time.naps == []


def test_other_4xx_fail_at_once(cdr_server, fake_time):
    cdr_server.store.fail_next(451)

    with pytest.raises(ChatUnavailable) as caught:
        _fetch(cdr_server, fake_time)

    assert caught.value.status == 451
    assert fake_time.naps == []


def test_the_token_never_reaches_the_log(cdr_server, fake_time, caplog):
    caplog.set_level(logging.DEBUG)
    cdr_server.store.fail_next(429, retry_after="1")
    cdr_server.store.fail_next(500)

    _fetch(cdr_server, fake_time)

    assert "retry" in caplog.text
    assert ADMIN_TOKEN not in caplog.text


class _OneAnswer:
    """A session answering every GET with one response, counting the calls."""

    def __init__(self, response: requests.Response) -> None:
        self.response = response
        self.calls = 0

    def request(self, method, url, **kwargs):
        assert method == "GET"
        self.calls += 1
        self.response.url = url
        return self.response


def _response(body: bytes, link: str | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = body
    if link:
        response.headers["Link"] = f'<{link}>; rel="next"'
    return response


def _fetch_from(session, fake_time):
    """One hour of calls from a fake session, as if from a loopback server."""
    return list(
        fetch_cdr(
            "http://127.0.0.1:9/v1/",
            ADMIN_TOKEN,
            WEEK_START,
            WEEK_START + timedelta(hours=1),
            session=session,
            now=fake_time.now,
        )
    )


def test_a_next_page_on_another_host_is_refused(fake_time):
    session = _OneAnswer(
        _response(b'{"items": []}', link="http://198.51.100.7/v1/cdr_feed?cursor=2")
    )

    with pytest.raises(ChatUnavailable, match="another host"):
        _fetch_from(session, fake_time)

    assert session.calls == 1


@pytest.mark.parametrize("body", [b"<html>", b'{"message": "x"}', b"[1, 2]"])
def test_an_answer_without_items_is_an_error(fake_time, body):
    session = _OneAnswer(_response(body))

    with pytest.raises(ChatUnavailable):
        _fetch_from(session, fake_time)


def test_times_are_sent_in_the_api_format():
    moment = datetime(2026, 11, 2, 8, 0, 0, 123456, tzinfo=UTC)

    assert format_time(moment) == "2026-11-02T08:00:00.123Z"
    assert format_time(moment.replace(tzinfo=None)) == "2026-11-02T08:00:00.123Z"
    paris = moment.astimezone(timezone(timedelta(hours=1)))
    assert format_time(paris) == "2026-11-02T08:00:00.123Z"


def test_a_next_page_pointing_back_is_not_followed_forever(fake_time):
    url = "http://127.0.0.1:9/v1/cdr_feed?cursor=2"
    session = _OneAnswer(_response(b'{"items": []}', link=url))

    with pytest.raises(ChatUnavailable, match="do not end"):
        _fetch_from(session, fake_time)

    assert session.calls == 2
