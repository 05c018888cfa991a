"""Three gunicorn workers and two scheduler processes on one database.

1,000 signed deliveries (every webhook delivered three times) go to the workers;
every command must be answered once, every due reminder sent once, nothing lost.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from bot.signature import sign
from emulator import Emulator, EmulatorServer, seed_demo
from storage.db import make_engine
from storage.devices import EmbeddedDeviceService
from storage.events import count_unfinished_events
from storage.schema import upgrade_schema

REPO = Path(__file__).resolve().parents[2]
SECRET = "multi-process-secret"
USERS = 80  # each writes 4 messages 1:1: 320 events, delivered 3 times plus extras
MESSAGES_PER_USER = 4
REMINDER_LINES = 40


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(server, database_url, port):
    keep = {
        k: v for k, v in os.environ.items() if not k.startswith(("WEBEX_", "DATABASE"))
    }
    return keep | {
        "WEBEX_BOT_TOKEN": "emu-token-bot",
        "WEBEX_API_URL": server.base_url,
        "WEBEX_WEBHOOK_SECRET": SECRET,
        "DATABASE_URL": database_url,
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "ADMIN_DIGEST": "off",
        "WORKER_THREADS": "4",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
    }


def _lines_with_reminders_due(database_url, emails):
    """Codes issued 89 days and a half ago: their 1-day reminder is due now."""
    engine = make_engine(database_url)
    past = datetime.now(UTC) - timedelta(days=89, hours=12)
    devices = EmbeddedDeviceService(
        engine,
        smdp_address="smdp.test.example",
        code_ttl=timedelta(days=90),
        now=lambda: past,
        licence_pool_size=1000,
    )
    for email in emails:
        devices.add_line(email)
    engine.dispose()


def test_workers_and_schedulers_share_the_work_once(database_url, tmp_path):
    emu = Emulator()
    seed_demo(emu)
    people = [emu.add_person(f"user{n}@example.com", f"User {n}") for n in range(USERS)]
    server = EmulatorServer(emu)
    server.start()
    engine = make_engine(database_url)
    upgrade_schema(engine)
    reminded = [f"reminded{n}@example.com" for n in range(REMINDER_LINES)]
    for email in reminded:
        emu.add_person(email, email)
    _lines_with_reminders_due(database_url, reminded)
    port = _free_port()
    env = _environment(server, database_url, port)
    processes = []
    try:
        register = subprocess.run(
            [sys.executable, "-m", "bot.cli", "register-webhooks"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert register.returncode == 0, register.stderr
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "3",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--graceful-timeout",
            "20",
            "bot.wsgi:create()",
        ]
        processes.append(
            subprocess.Popen(
                gunicorn,
                env=env,
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bot.cli", "scheduler"],
                    env=env,
                    cwd=tmp_path,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
        _wait_until_serving(port)

        for _person, token in people:
            client = requests.Session()
            client.headers["Authorization"] = f"Bearer {token}"
            for n in range(MESSAGES_PER_USER):
                client.post(
                    server.base_url + "messages",
                    json={
                        "toPersonEmail": "gobot@webex.bot",
                        "text": "help" if n % 2 else "status",
                    },
                    timeout=10,
                ).raise_for_status()
        assert emu.wait_idle(timeout=60)
        replays = _replay_every_delivery(emu, times=2)
        extra = _replay_some_again(emu, total=1000 - len(emu.deliveries) - replays)

        _wait_until_done(engine, emu, expected_replies=USERS * MESSAGES_PER_USER)
        time.sleep(2)  # anything sent twice would show up by now
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        errors = [process.communicate(timeout=60)[1] for process in processes]
        server.stop()
        engine.dispose()

    commands = [m for m in emu.messages() if m["personEmail"].startswith("user")]
    replies = [
        m for m in emu.messages(sent_by="gobot@webex.bot") if m["roomType"] == "direct"
    ]
    answered_rooms = [m["roomId"] for m in replies if not m.get("files")]
    reminder_rooms = [
        m["roomId"] for m in replies if "Reminder:" in (m.get("markdown") or "")
    ]

    assert len(emu.deliveries) + replays + extra >= 1000
    assert len(commands) == USERS * MESSAGES_PER_USER
    # every command answered exactly once: as many answers as commands, per room too
    user_rooms = {m["roomId"] for m in commands}
    assert sorted(r for r in answered_rooms if r in user_rooms) == sorted(
        m["roomId"] for m in commands
    )
    assert len(reminder_rooms) == REMINDER_LINES == len(set(reminder_rooms))
    assert all(process.returncode == 0 for process in processes), errors


def _wait_until_serving(port, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def _post_signed(delivery):
    body = json.dumps(delivery["body"]).encode()
    response = requests.post(
        delivery["target_url"],
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Spark-Signature": sign(body, SECRET),
        },
        timeout=10,
    )
    assert response.status_code in (200, 202)


def _replay_every_delivery(emu, times):
    originals = [d for d in emu.deliveries if d["body"]["resource"] == "messages"]
    for _ in range(times):
        for delivery in originals:
            _post_signed(delivery)
    return len(originals) * times


def _replay_some_again(emu, total):
    originals = [d for d in emu.deliveries if d["body"]["resource"] == "messages"]
    for delivery in originals[: max(0, total)]:
        _post_signed(delivery)
    return max(0, min(total, len(originals)))


def _wait_until_done(engine, emu, expected_replies, timeout=180.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        emu.wait_idle(timeout=2)
        answers = [
            m
            for m in emu.messages(sent_by="gobot@webex.bot")
            if m["roomType"] == "direct" and not m.get("files")
        ]
        if count_unfinished_events(engine) == 0 and len(answers) >= expected_replies:
            return
        time.sleep(0.5)
    raise AssertionError("the workers did not finish in time")
