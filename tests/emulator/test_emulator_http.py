"""The HTTP surface: authentication, errors, injected faults, latency, inspection."""

import threading
import time

import pytest
import requests
from webexpythonsdk import ApiError, RateLimitError, RateLimitWarning, WebexAPI

from emulator import Emulator, EmulatorServer


def test_no_token_is_401_with_webex_error_body(server):
    response = requests.get(server.base_url + "people/me", timeout=5)

    body = response.json()
    assert response.status_code == 401
    assert body["trackingId"].startswith("EMU_")
    assert response.headers["TrackingID"] == body["trackingId"]
    assert body["errors"] == [{"description": body["message"]}]


def test_unknown_token_is_401(server):
    api = WebexAPI(access_token="not-a-token", base_url=server.base_url)

    with pytest.raises(ApiError) as caught:
        api.people.me()

    assert caught.value.status_code == 401


def test_unknown_route_is_a_json_404(server, demo):
    response = requests.get(
        server.base_url + "teams",
        headers={"Authorization": f"Bearer {demo['tokens']['bot']}"},
        timeout=5,
    )

    assert response.status_code == 404
    assert "trackingId" in response.json()


def test_fail_next_429_with_retry_after(emu, api_for):
    emu.fail_next("POST", r"^/v1/messages$", 429, retry_after=7)
    bot = api_for("bot", wait_on_rate_limit=False)

    with pytest.raises(RateLimitError) as caught:
        bot.messages.create(toPersonEmail="alice@example.com", text="hi")
    sent = bot.messages.create(toPersonEmail="alice@example.com", text="hi again")

    assert caught.value.retry_after == 7
    assert caught.value.response.headers["Retry-After"] == "7"
    assert sent.text == "hi again"


def test_sdk_waits_out_a_rate_limit(emu, api_for):
    emu.fail_next("GET", r"^/v1/people/me$", 429, retry_after="1")
    bot = api_for("bot")

    started = time.monotonic()
    with pytest.warns(RateLimitWarning):
        me = bot.people.me()

    assert me.type == "bot"
    assert time.monotonic() - started >= 1.0


def test_fail_next_keeps_malformed_retry_after_and_counts_times(emu, server, demo):
    emu.fail_next("get", r"/people/me", 503, retry_after="soon", times=2)
    headers = {"Authorization": f"Bearer {demo['tokens']['bot']}"}
    url = server.base_url + "people/me"

    statuses = [requests.get(url, headers=headers, timeout=5) for _ in range(3)]

    assert [r.status_code for r in statuses] == [503, 503, 200]
    assert statuses[0].headers["Retry-After"] == "soon"


def test_requests_log_records_every_call(emu, server, api_for):
    bot = api_for("bot")
    bot.people.me()
    with pytest.raises(ApiError):
        bot.people.get("unknown")
    requests.get(server.base_url + "rooms", timeout=5)

    assert emu.requests_log == [
        ("GET", "/v1/people/me", 200),
        ("GET", "/v1/people/unknown", 404),
        ("GET", "/v1/rooms", 401),
    ]


def test_latency_delays_every_call():
    emu = Emulator(latency_ms=150)
    _, token = emu.add_person("slow@example.com", "Slow Person")
    with EmulatorServer(emu) as server:
        api = WebexAPI(access_token=token, base_url=server.base_url)
        started = time.monotonic()
        api.people.me()
        elapsed = time.monotonic() - started

    assert elapsed >= 0.15


def test_inspection_routes(server, api_for, demo):
    api_for("bot").messages.create(toPersonEmail="alice@example.com", text="code")
    root = server.base_url.removesuffix("v1/") + "_emulator/"

    messages = requests.get(
        root + "messages", params={"sent_by": "gobot@webex.bot"}, timeout=5
    )
    idle = requests.post(root + "idle", params={"timeout": "1"}, timeout=5)
    deliveries = requests.get(root + "deliveries", timeout=5)

    assert [m["text"] for m in messages.json()["items"]] == ["code"]
    assert idle.json() == {"idle": True}
    assert deliveries.json() == {"items": []}


def test_server_refuses_non_loopback_hosts(emu):
    with pytest.raises(ValueError, match="loopback"):
        EmulatorServer(emu, host="0.0.0.0")


def test_base_url_has_trailing_slash(server):
    assert server.base_url.startswith("http://127.0.0.1:")
    assert server.base_url.endswith("/v1/")


def test_concurrent_posts_are_all_kept(emu, api_for, demo):
    room_id = demo["admin_room"]["id"]

    def post(index: int) -> None:
        api = api_for("admin")
        for number in range(10):
            api.messages.create(roomId=room_id, text=f"{index}-{number}")

    threads = [threading.Thread(target=post, args=(index,)) for index in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    ids = [m["id"] for m in emu.messages(room_id=room_id)]
    assert len(ids) == len(set(ids)) == 50
