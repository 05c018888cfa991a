"""When reminders fall due: offsets, the local hour, daylight saving."""

from datetime import UTC, datetime, timedelta

from storage.reminders import EXPIRY_NOTICE, ReminderPolicy


def _due(policy, issued, expires):
    return {days: moment for days, moment in policy.due_times(issued, expires)}


def test_offsets_at_the_local_hour_in_utc():
    issued = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)
    due = _due(
        ReminderPolicy((30, 7, 1), 9, "UTC"), issued, issued + timedelta(days=90)
    )

    assert due[30] == datetime(2027, 2, 2, 9, 0, tzinfo=UTC)
    assert due[7] == datetime(2027, 2, 25, 9, 0, tzinfo=UTC)
    assert due[1] == datetime(2027, 3, 3, 9, 0, tzinfo=UTC)
    # the notice waits for the first reminder hour after expiry (15:30 is past 09:00)
    assert due[EXPIRY_NOTICE] == datetime(2027, 3, 5, 9, 0, tzinfo=UTC)


def test_a_daylight_saving_change_week_keeps_the_local_hour():
    # Europe/London moves from GMT to BST on Sunday 28 March 2027.
    expires = datetime(2027, 4, 2, 12, 0, tzinfo=UTC)
    due = _due(
        ReminderPolicy((7, 1), 9, "Europe/London"),
        expires - timedelta(days=90),
        expires,
    )

    assert due[7] == datetime(2027, 3, 26, 9, 0, tzinfo=UTC)  # 09:00 GMT
    assert due[1] == datetime(2027, 4, 1, 8, 0, tzinfo=UTC)  # 09:00 BST
    assert due[EXPIRY_NOTICE] == datetime(2027, 4, 3, 8, 0, tzinfo=UTC)


def test_the_local_day_decides_in_a_zone_far_from_utc():
    # 20:00 UTC on 1 March is already 2 March in Auckland (UTC+13 in summer).
    expires = datetime(2027, 3, 1, 20, 0, tzinfo=UTC)
    due = _due(
        ReminderPolicy((1,), 9, "Pacific/Auckland"),
        expires - timedelta(days=90),
        expires,
    )

    assert due[1] == datetime(2027, 2, 28, 20, 0, tzinfo=UTC)  # 09:00 on 1 March local


def test_reminders_already_past_at_issue_are_not_created():
    issued = datetime(2027, 1, 1, 10, 0, tzinfo=UTC)
    due = _due(
        ReminderPolicy((30, 7, 1), 9, "UTC"), issued, issued + timedelta(days=10)
    )
    assert sorted(due) == [EXPIRY_NOTICE, 1, 7]
