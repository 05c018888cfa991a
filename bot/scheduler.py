"""The reminder sweep on APScheduler.

The scheduler holds one periodic job in memory and nothing else: reminders are
rows, so a restart neither duplicates jobs nor loses reminders, and a second
scheduler on the same database only shares the work (each reminder is claimed
by one sweep). Still, run one per deployment: ``serve`` and ``demo`` start it
unless told ``--no-scheduler``; with several web workers, run
``webex-go-bot scheduler`` once instead.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot import Runtime
from bot.registration import repair_webhooks
from handlers.errors import ChatUnavailable
from handlers.reminders import SweepResult, run_sweep

logger = logging.getLogger(__name__)

SWEEP_JOB_ID = "reminder-sweep"
WEBHOOK_JOB_ID = "webhook-health"
WEBHOOK_CHECK_MINUTES = 15


class WebhookHealth:
    """Webex marks a webhook inactive after failed deliveries; put it right."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def __call__(self) -> list[str]:
        settings = self.runtime.settings
        try:
            return repair_webhooks(
                self.runtime.services.chat,
                settings.public_url or "",
                self.runtime.secret,
            )
        except ChatUnavailable as error:
            logger.warning("webhook check failed: status=%s", error.status)
            return []


class ReminderSweeper:
    """Runs ``run_sweep`` as one owner (for claims) of this process."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.owner = f"sweep-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def __call__(self) -> SweepResult:
        try:
            return run_sweep(self.runtime.services, self.owner)
        except Exception:
            logger.exception("reminder sweep failed; the next one will try again")
            return SweepResult()


def start_scheduler(runtime: Runtime, *, paused: bool = False) -> BackgroundScheduler:
    """Schedule the sweep every ``REMINDER_SWEEP_MINUTES`` in a background thread."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        ReminderSweeper(runtime),
        "interval",
        minutes=runtime.settings.reminder_sweep_minutes,
        id=SWEEP_JOB_ID,
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )
    if runtime.settings.public_url:
        scheduler.add_job(
            WebhookHealth(runtime),
            "interval",
            minutes=WEBHOOK_CHECK_MINUTES,
            id=WEBHOOK_JOB_ID,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
        )
    logger.info(
        "reminder sweep every %d minutes", runtime.settings.reminder_sweep_minutes
    )
    scheduler.start(paused=paused)
    return scheduler
