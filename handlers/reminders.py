"""Reminders before an unused code expires, the expiry notice, the admin digest.

The scheduler calls ``run_sweep`` every few minutes. Every reminder is a row
created with its code; a sweep claims the due ones atomically, so however many
schedulers run, each reminder is sent once. Of several reminders of one code
that are due at once (the bot was down), only the nearest to expiry is sent, and
once the code has expired only the expiry notice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.commands import Command
from handlers.context import Context, Services
from handlers.delivery import send_activation
from handlers.errors import ChatUnavailable
from handlers.ports import IssuedCode
from storage.models import CodeState, LineStatus, ReminderStatus
from storage.reminders import EXPIRY_NOTICE, DueReminder

logger = logging.getLogger(__name__)

RETRY_DELAY = timedelta(minutes=5)
# A reminder helps only a line that waits for a phone; an unknown state may be one.
WAITING = (LineStatus.PENDING_ACTIVATION, LineStatus.UNKNOWN)
DIGEST_EXPIRING_DAYS = 7


@dataclass
class SweepResult:
    sent: int = 0
    skipped: int = 0
    retried: int = 0
    digests: int = 0


def run_sweep(services: Services, owner: str) -> SweepResult:
    """Send what is due: reminders, expiry notices and the daily admin digest."""
    result = SweepResult()
    by_code: dict[int, list[DueReminder]] = defaultdict(list)
    for due in services.reminders.claim_due(owner):
        by_code[due.code_id].append(due)
    for reminders in by_code.values():
        try:
            _handle_code(services, owner, reminders, result)
        except Exception:
            logger.exception(
                "reminders of code %s failed; retry later", reminders[0].code_id
            )
            for due in reminders:
                services.reminders.retry_later(due.id, owner, RETRY_DELAY)
            result.retried += 1
    if services.options.admin_digest:
        result.digests = _send_digest_if_due(services)
    if result.sent or result.retried or result.digests:
        logger.info(
            "reminder sweep: %d sent, %d skipped, %d to retry, %d digests",
            result.sent,
            result.skipped,
            result.retried,
            result.digests,
        )
    return result


def _handle_code(
    services: Services, owner: str, reminders: list[DueReminder], result: SweepResult
) -> None:
    store = services.reminders
    reminders.sort(key=lambda due: due.days_before)
    if not _still_wanted(services, reminders[0]):
        for due in reminders:
            store.finish(due.id, owner, ReminderStatus.CANCELLED)
        return
    # The nearest to expiry wins: the expiry notice (0 days) if it is due.
    chosen, rest = reminders[0], reminders[1:]
    for due in rest:
        store.finish(due.id, owner, ReminderStatus.SKIPPED)
        result.skipped += 1
    if chosen.days_before == EXPIRY_NOTICE:
        store.expire_code(chosen.code_id)
        send = _send_expiry_notice
    elif chosen.expires_at <= services.clock.now():
        store.finish(chosen.id, owner, ReminderStatus.SKIPPED)
        result.skipped += 1
        return
    else:
        send = _send_reminder
    try:
        send(services, chosen)
    except ChatUnavailable as error:
        logger.warning(
            "reminder %s not sent (status=%s); retry later", chosen.id, error.status
        )
        delay = timedelta(seconds=error.retry_after or 0) or RETRY_DELAY
        store.retry_later(chosen.id, owner, delay)
        result.retried += 1
        return
    store.finish(chosen.id, owner, ReminderStatus.SENT)
    result.sent += 1


def _still_wanted(services: Services, due: DueReminder) -> bool:
    """Checked just before sending, not at the claim: the code may have been
    replaced or used, and the line set up or deleted, since."""
    if services.reminders.code_state(due.code_id) not in (
        CodeState.ACTIVE,
        CodeState.EXPIRED,
    ):
        return False
    line = services.devices.get_line(due.email)
    return line is not None and line.status in WAITING


def _send_reminder(services: Services, due: DueReminder) -> None:
    texts = services.texts
    days = max(1, round((due.expires_at - services.clock.now()) / timedelta(days=1)))
    when = texts.render(
        "reminder.tomorrow" if days == 1 else "reminder.in_days", days=days
    )
    heading = texts.render(
        "reminder.heading", when=when, expires=due.expires_at, support=_help(services)
    )
    issued = IssuedCode(due.email, due.activation, due.expires_at, due.expires_at)
    send_activation(services, issued, heading=heading)


def _send_expiry_notice(services: Services, due: DueReminder) -> None:
    key = (
        "reminder.expired_self"
        if services.options.self_service != "off"
        else "reminder.expired"
    )
    text = services.texts.render(key, expires=due.expires_at, support=_help(services))
    services.chat.send(to_person_email=due.email, markdown=text)


def _help(services: Services) -> str:
    return services.options.support_contact


def handle_reminders(services: Services, ctx: Context, command: Command) -> str:
    """``reminders``: the next reminders due, in the admin room."""
    texts, upcoming = services.texts, services.reminders.upcoming()
    if not upcoming:
        ctx.reply(services, texts.render("reminder.none_upcoming"))
        return "reminders shown: none"
    lines = [texts.render("reminder.upcoming_title")]
    for reminder in upcoming:
        kind = _kind(texts, reminder.days_before)
        lines.append(
            texts.render(
                "reminder.upcoming_line",
                due=reminder.due_at,
                email=reminder.line_email,
                kind=kind,
            )
        )
    ctx.reply(services, "\n".join(lines))
    return f"reminders shown: {len(upcoming)}"


def _kind(texts, days_before: int) -> str:
    if days_before == EXPIRY_NOTICE:
        return texts.render("reminder.kind_expiry")
    if days_before == 1:
        return texts.render("reminder.kind_day_before")
    return texts.render("reminder.kind_before", days=days_before)


def _send_digest_if_due(services: Services) -> int:
    if not services.options.admin_room_ids:
        return 0  # no admin room to read it
    now = services.clock.now()
    since = services.digests.claim(now, lambda last: _digest_due(services, last, now))
    if since is None:
        return 0
    text = build_digest(services, since, now)
    if text is None:
        return 0  # nothing expiring or expired: no message to read
    sent = 0
    for room_id in services.options.admin_room_ids:
        try:
            services.chat.send(room_id=room_id, markdown=text)
            sent += 1
        except ChatUnavailable as error:
            logger.warning(
                "digest not delivered to room %s: status=%s", room_id, error.status
            )
    return sent


def _digest_due(services: Services, last: datetime | None, now: datetime) -> bool:
    """Once a day, at the reminder hour in the bot's time zone."""
    options = services.options
    zone = ZoneInfo(options.timezone)
    local_now = now.astimezone(zone)
    todays_slot = datetime.combine(
        local_now.date(), time(options.reminder_hour), tzinfo=zone
    )
    if local_now < todays_slot:
        todays_slot -= timedelta(days=1)
    return last is None or last < todays_slot


def build_digest(services: Services, since: datetime, now: datetime) -> str | None:
    """Codes expiring within a week, and codes that expired since ``since``."""
    texts, digests = services.texts, services.digests
    expiring = digests.unused_codes(now, now + timedelta(days=DIGEST_EXPIRING_DAYS))
    expired = digests.unused_codes(since, now)
    if not expiring and not expired:
        return None
    lines = [texts.render("reminder.digest_title", days=DIGEST_EXPIRING_DAYS)]
    for code in expiring:
        lines.append(
            texts.render(
                "reminder.digest_expiring",
                email=code.email,
                masked=code.masked,
                expires=code.expires_at,
            )
        )
    for code in expired:
        lines.append(
            texts.render(
                "reminder.digest_expired",
                email=code.email,
                masked=code.masked,
                expired=code.expires_at,
            )
        )
    return "\n".join(lines)
