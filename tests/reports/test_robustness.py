"""Call history files that broke the reader once."""

import pytest

from handlers.reports import ReportError, read_call_history

HEADER = (
    "Start time,Direction,Client type,Sub client type,Duration,Answered,User,Report ID"
)


def _read(*rows):
    return read_call_history([line + "\n" for line in (HEADER, *rows)])


def test_start_times_at_the_edges_of_the_calendar_do_not_crash():
    report = _read(
        "9999-12-31T23:00:00-05:00,ORIGINATING,SIP,MOBILE_NETWORK,60,true,Alice,r1",
        "0001-01-01T00:30:00+01:00,ORIGINATING,SIP,MOBILE_NETWORK,60,true,Alice,r2",
    )
    assert report.summary.webex_go_calls == 2


def test_an_unclosed_quote_is_an_error_not_a_silent_loss():
    with pytest.raises(ReportError):
        _read(
            '2026-11-02T08:00:00Z,ORIGINATING,SIP,MOBILE_NETWORK,60,true,"unclosed,r1',
            "2026-11-02T09:00:00Z,ORIGINATING,SIP,MOBILE_NETWORK,60,true,Bob,r2",
        )
