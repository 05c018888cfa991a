"""The emulated cdr_feed: auth, windows, filtering, paging, rate limits, faults."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from emulator import Emulator, seed_demo
from emulator.app import create_app
from emulator.cdr import CdrStore, register_cdr
from tests.reports.conftest import ADMIN_TOKEN, SAMPLE, SAMPLE_NOW

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
DAY = {"startTime": "2026-11-02T00:00:00.000Z", "endTime": "2026-11-02T12:00:00.000Z"}


@pytest.fixture
def client(cdr_store):
    app = Flask("cdr_test")
    register_cdr(app, cdr_store)
    return app.test_client()


def _start_times(response) -> list[str]:
    return [item["Start time"] for item in response.get_json()["items"]]


def test_calls_are_filtered_on_start_time(client):
    response = client.get("/v1/cdr_feed", query_string=DAY, headers=AUTH)

    assert response.status_code == 200
    assert _start_times(response) == [
        "2026-11-02T08:00:00.100Z",
        "2026-11-02T09:07:13.101Z",
        "2026-11-02T10:14:26.102Z",
    ]
    assert "Link" not in response.headers


def test_records_are_json_keyed_like_the_csv(client):
    item = client.get("/v1/cdr_feed", query_string=DAY, headers=AUTH).get_json()
    first = item["items"][0]

    assert first["Client type"] == "SIP"
    assert first["Sub client type"] == "MOBILE_NETWORK"
    assert first["Duration"] == 180
    assert first["Answered"] is True
    assert "Client version" not in first  # empty in the export, so left out


def test_pages_follow_the_link_header(client):
    url, seen = "/v1/cdr_feed", []
    params = {**DAY, "max": "2"}
    while url:
        response = client.get(url, query_string=params, headers=AUTH)
        seen += _start_times(response)
        link = response.headers.get("Link")
        url = link[1 : link.index(">")] if link else None
        params = None

    assert len(seen) == len(set(seen)) == 3


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer nope"}, 401), (AUTH, 200)],
)
def test_a_known_bearer_token_is_required(client, headers, status):
    response = client.get("/v1/cdr_feed", query_string=DAY, headers=headers)

    assert response.status_code == status


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"startTime": "yesterday", "endTime": "2026-11-02T12:00:00.000Z"},
        {"startTime": "2026-11-02T00:00:00Z", "endTime": "2026-11-02T12:00:01Z"},
        {"startTime": "2026-11-02T12:00:00Z", "endTime": "2026-11-02T00:00:00Z"},
        {"startTime": "2026-10-01T00:00:00Z", "endTime": "2026-10-01T06:00:00Z"},
        {"startTime": "2026-11-07T23:00:00Z", "endTime": "2026-11-07T23:58:00Z"},
        {**DAY, "max": "0"},
        {**DAY, "cursor": "x"},
    ],
    ids=[
        "no window",
        "bad time",
        "over 12 h",
        "backwards",
        "over 30 days ago",
        "under 5 minutes ago",
        "bad max",
        "bad cursor",
    ],
)
def test_windows_the_api_does_not_serve_are_refused(client, query):
    response = client.get("/v1/cdr_feed", query_string=query, headers=AUTH)

    assert response.status_code == 400
    assert response.get_json()["errors"][0]["description"]
    assert response.headers["TrackingID"].startswith("EMU_")


def test_first_requests_are_rate_limited_per_minute(client, cdr_store, fake_time):
    cdr_store.first_requests_per_minute = 1

    assert client.get("/v1/cdr_feed", query_string=DAY, headers=AUTH).status_code == 200
    limited = client.get("/v1/cdr_feed", query_string=DAY, headers=AUTH)
    fake_time.sleep(59)
    still = client.get("/v1/cdr_feed", query_string=DAY, headers=AUTH)
    fake_time.sleep(1)
    again = client.get("/v1/cdr_feed", query_string=DAY, headers=AUTH)

    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "60")
    assert (still.status_code, still.headers["Retry-After"]) == (429, "1")
    assert again.status_code == 200


def test_injected_faults_answer_first(client, cdr_store):
    cdr_store.fail_next(503, times=2)
    cdr_store.fail_next(429, retry_after="soon")

    statuses = [
        client.get("/v1/cdr_feed", query_string=DAY, headers=AUTH) for _ in range(4)
    ]

    assert [r.status_code for r in statuses] == [503, 503, 429, 200]
    assert statuses[2].headers["Retry-After"] == "soon"
    assert [r.status for r in cdr_store.requests_log] == [503, 503, 429, 200]


def test_records_need_a_start_time():
    with pytest.raises(ValueError, match="Start time"):
        CdrStore([{"Report ID": "x"}])


def test_on_the_emulator_app_emulator_tokens_and_faults_apply(fake_time):
    emu = Emulator()
    org = seed_demo(emu)
    app = create_app(emu)
    register_cdr(app, CdrStore.from_csv(SAMPLE, now=lambda: SAMPLE_NOW))
    client = app.test_client()
    admin = {"Authorization": f"Bearer {org['tokens']['admin']}"}

    emu.fail_next("GET", r"^/v1/cdr_feed$", 429, retry_after="7")
    limited = client.get("/v1/cdr_feed", query_string=DAY, headers=admin)
    served = client.get("/v1/cdr_feed", query_string=DAY, headers=admin)
    refused = client.get("/v1/cdr_feed", query_string=DAY, headers=AUTH)

    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "7")
    assert len(served.get_json()["items"]) == 3
    assert refused.status_code == 401
    assert ("GET", "/v1/cdr_feed", 200) in emu.requests_log


def test_now_defaults_to_the_real_clock():
    store = CdrStore()
    assert abs(store.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_page_requests_have_their_own_limit(client, cdr_store):
    cdr_store.pages_per_minute = 1
    page = {**DAY, "max": "1", "cursor": "1"}

    first = client.get("/v1/cdr_feed", query_string=DAY, headers=AUTH)
    pages = [client.get("/v1/cdr_feed", query_string=page, headers=AUTH) for _ in "ab"]

    assert first.status_code == 200
    assert [r.status_code for r in pages] == [200, 429]


def test_registering_again_swaps_the_store(client, cdr_store):
    app = client.application
    register_cdr(app, CdrStore(tokens=[ADMIN_TOKEN], now=cdr_store.now))

    response = client.get("/v1/cdr_feed", query_string=DAY, headers=AUTH)

    assert response.get_json() == {"items": []}
