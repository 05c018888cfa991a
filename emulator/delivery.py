"""Webhook delivery: one thread posts signed events, in order, to loopback targets.

API calls only queue events (so they answer before delivery, as Webex does). Each
event's body is serialised once, when it is queued, and the ``X-Spark-Signature`` header
is the hex HMAC-SHA1 of exactly those bytes keyed with the webhook secret. A failed
delivery (connection error or non-2xx answer) is recorded and not retried; the webhook
registry counts consecutive failures and deactivates the webhook.
"""

import copy
import hashlib
import hmac
import json
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

import requests

from .loopback import is_loopback_url

logger = logging.getLogger(__name__)

DELIVERY_TIMEOUT_SECONDS = 5.0
_STOP = object()


def sign(body: bytes, secret: str) -> str:
    """The X-Spark-Signature value: hex HMAC-SHA1 of the body, keyed with the secret."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha1).hexdigest()


@dataclass(frozen=True)
class _Job:
    webhook_id: str
    target_url: str
    envelope: dict
    body: bytes
    headers: dict[str, str]


class Deliverer:
    """A queue of webhook events and the one thread that posts them."""

    def __init__(
        self,
        on_result: Callable[[str, bool], None],
        is_active: Callable[[str], bool],
    ) -> None:
        self._on_result = on_result
        self._is_active = is_active
        self._queue: queue.Queue = queue.Queue()
        self._idle = threading.Condition()
        self._pending = 0
        self._records: list[dict] = []
        self._thread: threading.Thread | None = None

    def enqueue(
        self, webhook_id: str, target_url: str, secret: str | None, envelope: dict
    ) -> None:
        """Queue one event; its body is serialised (and signed) here, once."""
        body = json.dumps(envelope).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Spark-Signature"] = sign(body, secret)
        with self._idle:
            self._pending += 1
        self._queue.put(
            _Job(webhook_id, target_url, copy.deepcopy(envelope), body, headers)
        )

    @property
    def records(self) -> list[dict]:
        with self._idle:
            return copy.deepcopy(self._records)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every queued event has been attempted; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("webhook delivery is already running")
        self._thread = threading.Thread(
            target=self._run, name="emulator-delivery", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Deliver what is already queued, then stop the thread."""
        if self._thread is None:
            return
        self._queue.put(_STOP)
        self._thread.join()
        self._thread = None

    def _run(self) -> None:
        with requests.Session() as session:
            # Environment proxies must never see an event: delivery stays on loopback.
            session.trust_env = False
            while (job := self._queue.get()) is not _STOP:
                try:
                    self._deliver(session, job)
                finally:
                    with self._idle:
                        self._pending -= 1
                        self._idle.notify_all()

    def _deliver(self, session: requests.Session, job: _Job) -> None:
        if not self._is_active(job.webhook_id):
            logger.debug(
                "skipped event for inactive or deleted webhook %s", job.webhook_id
            )
            return
        status_code, error = self._post(session, job)
        record = {
            "webhook_id": job.webhook_id,
            "target_url": job.target_url,
            "status_code": status_code,
            "error": error,
            "body": job.envelope,
        }
        with self._idle:
            self._records.append(record)
        ok = status_code is not None and 200 <= status_code < 300
        logger.info(
            "delivered %s/%s to webhook %s: %s",
            job.envelope["resource"],
            job.envelope["event"],
            job.webhook_id,
            status_code or error,
        )
        self._on_result(job.webhook_id, ok)

    def _post(
        self, session: requests.Session, job: _Job
    ) -> tuple[int | None, str | None]:
        if not is_loopback_url(job.target_url):
            return None, "refused: the emulator delivers to loopback targets only"
        try:
            response = session.post(
                job.target_url,
                data=job.body,
                headers=job.headers,
                timeout=DELIVERY_TIMEOUT_SECONDS,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            return None, f"{type(exc).__name__}: {exc}"
        response.close()
        return response.status_code, None
