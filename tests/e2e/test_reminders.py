"""Reminders end to end: rows made with the code, sweeps that send each one once."""

import json
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.scheduler import ReminderSweeper
from handlers.reminders import run_sweep
from storage.db import transaction
from storage.models import Reminder, ReminderStatus

ALICE, BOB = "alice@example.com", "bob@example.com"
REPO = Path(__file__).resolve().parents[2]


def _admin(sandbox, text):
    sandbox.mention(text)
    sandbox.settle()


def _reminder_dms(sandbox, email):
    return [
        m
        for m in sandbox.emulator.messages(to_person_email=email)
        if "Reminder:" in (m.get("markdown") or "")
    ]


def _expiry_notices(sandbox, email):
    return [
        m
        for m in sandbox.emulator.messages(to_person_email=email)
        if "has expired" in (m.get("markdown") or "")
    ]


def _reminders(sandbox, email=ALICE):
    with transaction(sandbox.runtime.engine) as session:
        query = (
            select(Reminder).where(Reminder.line_email == email).order_by(Reminder.id)
        )
        return list(session.exec(query))


def _advance(sandbox, days):
    sandbox.runtime.clock.advance(timedelta(days=days))


def _sweep(sandbox):
    return run_sweep(sandbox.runtime.services, "test-sweep")


def test_issuing_a_code_creates_its_reminders(sandbox):
    _admin(sandbox, f"add {ALICE}")
    assert [r.days_before for r in _reminders(sandbox)] == [30, 7, 1, 0]


def test_the_30_7_and_1_day_reminders_and_the_expiry_notice(sandbox):
    _admin(sandbox, f"add {ALICE}")

    sent = []
    for days in (60, 23, 6, 2):
        _advance(sandbox, days)
        sent.append(_sweep(sandbox).sent)
        _sweep(sandbox)  # a second sweep finds nothing more

    reminders = _reminder_dms(sandbox, ALICE)
    assert sent == [1, 1, 1, 1] and len(reminders) == 3
    assert (
        "in 30 days" in reminders[0]["markdown"]
        and "tomorrow" in reminders[2]["markdown"]
    )
    assert all(m["files"] for m in reminders)  # the QR code comes again
    assert "Activation Code:" in reminders[0]["markdown"]
    [notice] = _expiry_notices(sandbox, ALICE)
    assert "new code" in notice["markdown"]
    assert sandbox.scan_latest_qr(ALICE).body["error"] == "code_expired"


@pytest.mark.parametrize("event", ["new code", "activation", "lost", "delete"])
def test_each_event_cancels_the_old_codes_reminders(sandbox, event):
    _admin(sandbox, f"add {ALICE}")
    old_code_id = _reminders(sandbox)[0].code_id
    if event == "new code":
        _admin(sandbox, f"new code {ALICE}")
    elif event == "activation":
        assert sandbox.scan_latest_qr(ALICE).ok
    else:
        _admin(sandbox, f"{event} {ALICE}")
        sandbox.press(sandbox.cards_sent()[-1], 0)
        sandbox.settle()

    old = [r for r in _reminders(sandbox) if r.code_id == old_code_id]
    assert all(r.status is ReminderStatus.CANCELLED for r in old)  # none if deleted
    _advance(sandbox, 95)
    _sweep(sandbox)
    expected = 1 if event in ("new code", "lost") else 0  # the new code's notice only
    assert len(_reminder_dms(sandbox, ALICE)) == 0
    assert len(_expiry_notices(sandbox, ALICE)) == expected


def test_downtime_sends_only_the_nearest_reminder(sandbox):
    _admin(sandbox, f"add {ALICE}")

    _advance(sandbox, 85)  # the 30- and 7-day reminders fell due while down
    result = _sweep(sandbox)

    assert (result.sent, result.skipped) == (1, 1)
    [reminder] = _reminder_dms(sandbox, ALICE)
    assert "in 5 days" in reminder["markdown"]


def test_after_expiry_only_the_notice_goes_out(sandbox):
    _admin(sandbox, f"add {ALICE}")

    _advance(sandbox, 100)
    result = _sweep(sandbox)

    assert (result.sent, result.skipped) == (1, 3)
    assert _reminder_dms(sandbox, ALICE) == []
    assert len(_expiry_notices(sandbox, ALICE)) == 1
    _admin(sandbox, f"status {ALICE}")
    assert (
        "No activation code is waiting"
        in sandbox.emulator.messages(room_id=sandbox.admin_room_id)[-1]["markdown"]
    )


def test_a_429_during_a_sweep_is_retried_on_the_next_one(sandbox):
    _admin(sandbox, f"add {ALICE}")
    _advance(sandbox, 61)
    sandbox.emulator.fail_next(
        "POST", r"^/v1/messages$", 429, retry_after="1", times=10
    )

    first = _sweep(sandbox)
    assert (first.sent, first.retried) == (0, 1)
    assert _reminder_dms(sandbox, ALICE) == []

    sandbox.emulator._faults.clear()
    sandbox.runtime.clock.advance(timedelta(minutes=10))
    second = _sweep(sandbox)

    assert second.sent == 1 and len(_reminder_dms(sandbox, ALICE)) == 1


def test_two_sweeps_racing_in_threads_send_each_reminder_once(sandbox):
    for email in (ALICE, BOB, "carol@example.com", "dan@example.com"):
        _admin(sandbox, f"add {email}")
    _advance(sandbox, 61)
    sweepers = [ReminderSweeper(sandbox.runtime) for _ in range(2)]
    barrier = threading.Barrier(2)

    def race(sweeper):
        barrier.wait()
        for _ in range(5):
            sweeper()

    threads = [threading.Thread(target=race, args=(s,)) for s in sweepers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reminders = [
        m for m in sandbox.sent_by_bot() if "Reminder:" in (m.get("markdown") or "")
    ]
    assert len(reminders) == 4
    assert len({m["roomId"] for m in reminders}) == 4


SWEEP_SCRIPT = """
import json, sys, time
from datetime import timedelta
from bot import create_app
from bot.scheduler import ReminderSweeper
from bot.settings import load_settings
settings = load_settings(environ={}, env_file=None, **json.loads(sys.argv[1]))
app = create_app(settings, start_workers=False)
runtime = app.extensions["webex_go_bot"]
runtime.clock.advance(timedelta(days=61))
sweep = ReminderSweeper(runtime)
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
print(sum(sweep().sent for _ in range(5)))
"""


def test_two_sweeps_racing_in_two_processes_send_each_reminder_once(sandbox):
    import time

    for email in (ALICE, BOB, "carol@example.com", "dan@example.com"):
        _admin(sandbox, f"add {email}")
    settings = {
        "bot_token": sandbox.settings.bot_token,
        "api_url": sandbox.settings.api_url,
        "webhook_secret": "unused-here",
        "database_url": sandbox.settings.database_url,
        "log_level": "WARNING",
    }
    start = str(time.time() + 3)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SWEEP_SCRIPT, json.dumps(settings), start],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]

    assert all(process.returncode == 0 for process in processes), outputs
    assert sum(int(out.strip().splitlines()[-1]) for out, _ in outputs) == 4
    reminders = [
        m for m in sandbox.sent_by_bot() if "Reminder:" in (m.get("markdown") or "")
    ]
    assert len(reminders) == 4


def test_the_admin_digest_goes_out_once_a_day(sandbox):
    _admin(sandbox, f"add {ALICE}")
    _advance(sandbox, 85)

    first, again = _sweep(sandbox), _sweep(sandbox)
    _advance(sandbox, 1)
    next_day = _sweep(sandbox)

    assert (first.digests, again.digests, next_day.digests) == (1, 0, 1)
    digests = [
        m
        for m in sandbox.emulator.messages(room_id=sandbox.admin_room_id)
        if "daily digest" in (m.get("markdown") or "")
    ]
    assert ALICE in digests[0]["markdown"] and "expires" in digests[0]["markdown"]


def test_the_reminders_command_lists_upcoming_ones(sandbox):
    _admin(sandbox, f"add {ALICE}")
    _admin(sandbox, "reminders")
    reply = sandbox.emulator.messages(room_id=sandbox.admin_room_id)[-1]["markdown"]
    assert "30 days before expiry" in reply and "expiry notice" in reply
