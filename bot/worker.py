"""The worker pool that processes stored webhook events in the background.

Workers claim events from the database, so events left unfinished by a crash or
restart are claimed again once their lease lapses, by this process or another.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.engine import Engine

from handlers.clock import Clock
from handlers.dispatch import Outcome
from handlers.errors import ChatUnavailable
from storage.events import claim_next_event, finish_event, retry_event_later
from storage.models import EventStatus, WebhookEvent

logger = logging.getLogger(__name__)

Process = Callable[[str, str, dict], Outcome]

MAX_ATTEMPTS = 5


class EventWorkers:
    def __init__(
        self,
        engine: Engine,
        process: Process,
        clock: Clock,
        *,
        threads: int = 4,
        lease: timedelta = timedelta(minutes=5),
        poll_seconds: float = 1.0,
    ) -> None:
        self._engine = engine
        self._process = process
        self._clock = clock
        self._threads_wanted = threads
        self._lease = lease
        self._poll_seconds = poll_seconds
        self._owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._wakeup = threading.Condition()
        self._pending_wakeups = 0
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for number in range(self._threads_wanted):
            thread = threading.Thread(
                target=self._run, name=f"event-worker-{number}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop claiming; wait up to ``timeout`` for events in progress."""
        self._stopping.set()
        with self._wakeup:
            self._wakeup.notify_all()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads.clear()

    def wake(self) -> None:
        """A new event was stored: let a sleeping worker look now."""
        with self._wakeup:
            self._pending_wakeups += 1
            self._wakeup.notify()

    def run_once(self) -> bool:
        """Claim and process one event in the calling thread; False if none was due."""
        row = claim_next_event(
            self._engine, owner=self._owner, now=self._clock.now(), lease=self._lease
        )
        if row is None:
            return False
        self._handle(row)
        return True

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                found = self.run_once()
            except Exception:
                logger.exception("event worker could not claim an event")
                found = False
            if not found:
                self._wait()

    def _wait(self) -> None:
        with self._wakeup:
            if self._pending_wakeups == 0 and not self._stopping.is_set():
                self._wakeup.wait(self._poll_seconds)
            self._pending_wakeups = max(0, self._pending_wakeups - 1)

    def _handle(self, row: WebhookEvent) -> None:
        started = time.perf_counter()
        ids = f"event={row.id}"
        try:
            data = json.loads(row.body)["data"]
            ids = f"id={data.get('id')} room={data.get('roomId')}"
            if row.attempts > MAX_ATTEMPTS:
                # Claimed again and again: each worker that took it died or hung.
                outcome = Outcome(
                    "none", f"failed: gave up after {MAX_ATTEMPTS} attempts"
                )
            else:
                outcome = self._process(row.resource, row.event, data)
        except ChatUnavailable as error:
            self._retry_or_fail(row, error, started, ids)
            return
        except Exception:
            logger.exception("event %s/%s %s failed", row.resource, row.event, ids)
            outcome = Outcome("none", "failed: internal error")
        status = (
            EventStatus.FAILED
            if outcome.result.startswith("failed")
            else EventStatus.DONE
        )
        finish_event(
            self._engine,
            row.id,
            owner=self._owner,
            status=status,
            outcome=f"{outcome.handler}: {outcome.result}",
            now=self._clock.now(),
        )
        logger.info(
            "event %s/%s %s handler=%s outcome=%r %.0f ms",
            row.resource,
            row.event,
            ids,
            outcome.handler,
            outcome.result,
            (time.perf_counter() - started) * 1000,
        )

    def _retry_or_fail(
        self, row: WebhookEvent, error: ChatUnavailable, started: float, ids: str
    ) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        if row.attempts >= MAX_ATTEMPTS:
            finish_event(
                self._engine,
                row.id,
                owner=self._owner,
                status=EventStatus.FAILED,
                outcome=f"webex unavailable after {row.attempts} attempts",
                now=self._clock.now(),
            )
            logger.error(
                "event %s/%s %s failed: webex status=%s after %d attempts %.0f ms",
                row.resource,
                row.event,
                ids,
                error.status,
                row.attempts,
                elapsed,
            )
            return
        delay = timedelta(seconds=error.retry_after or 5 * 2**row.attempts)
        retry_event_later(
            self._engine,
            row.id,
            owner=self._owner,
            not_before=self._clock.now() + delay,
        )
        logger.warning(
            "event %s/%s %s deferred: webex status=%s, attempt %d, retry in %s %.0f ms",
            row.resource,
            row.event,
            ids,
            error.status,
            row.attempts,
            delay,
            elapsed,
        )
