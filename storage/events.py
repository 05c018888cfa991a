"""The durable queue of webhook events: record, claim, finish."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from storage.db import transaction
from storage.models import EventStatus, WebhookEvent


def add_event(
    engine: Engine, *, key: str, resource: str, event: str, body: str, now: datetime
) -> bool:
    """Store an event unless one with the same key exists; True if it is new."""
    row = WebhookEvent(
        key=key,
        resource=resource,
        event=event,
        body=body,
        received_at=now,
        not_before=now,
    )
    try:
        with transaction(engine) as session:
            session.add(row)
    except IntegrityError:
        return False
    return True


def claim_next_event(
    engine: Engine, *, owner: str, now: datetime, lease: timedelta
) -> WebhookEvent | None:
    """Claim the oldest event that is due, or whose claim has lapsed.

    The row lock (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite the whole
    transaction is ``BEGIN IMMEDIATE``) makes each claim go to one worker only.
    """
    lapsed = now - lease
    query = (
        select(WebhookEvent)
        .where(
            or_(
                (WebhookEvent.status == EventStatus.PENDING)
                & (WebhookEvent.not_before <= now),
                (WebhookEvent.status == EventStatus.PROCESSING)
                & (WebhookEvent.claimed_at < lapsed),
            )
        )
        .order_by(WebhookEvent.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    with transaction(engine) as session:
        row = session.exec(query).first()
        if row is None:
            return None
        row.status = EventStatus.PROCESSING
        row.claimed_by = owner
        row.claimed_at = now
        row.attempts += 1
        session.add(row)
    return row


def finish_event(
    engine: Engine,
    event_id: int,
    *,
    owner: str,
    status: EventStatus,
    outcome: str,
    now: datetime,
) -> None:
    """Record how an event ended, if this worker still holds its claim."""
    with transaction(engine) as session:
        row = session.get(WebhookEvent, event_id)
        if row is None or row.claimed_by != owner:
            return
        row.status = status
        row.outcome = outcome[:200]
        row.finished_at = now
        session.add(row)


def retry_event_later(
    engine: Engine, event_id: int, *, owner: str, not_before: datetime
) -> None:
    """Give an event back to the queue, due again at ``not_before``."""
    with transaction(engine) as session:
        row = session.get(WebhookEvent, event_id)
        if row is None or row.claimed_by != owner:
            return
        row.status = EventStatus.PENDING
        row.claimed_by = None
        row.claimed_at = None
        row.not_before = not_before
        session.add(row)


def count_unfinished_events(engine: Engine) -> int:
    """How many events are pending or being processed."""
    unfinished = (EventStatus.PENDING, EventStatus.PROCESSING)
    with transaction(engine) as session:
        query = select(func.count()).select_from(WebhookEvent)
        return session.exec(query.where(WebhookEvent.status.in_(unfinished))).one()


def get_event(engine: Engine, key: str) -> WebhookEvent | None:
    """The stored event with this dedupe key, if any."""
    with transaction(engine) as session:
        return session.exec(select(WebhookEvent).where(WebhookEvent.key == key)).first()
