"""The pure reminder rules: stages of a policy, the one stage sent, catch-up, keys, backoff."""

from datetime import date, datetime, timedelta

import pytest

from supervision.core.workdays import CalendarNotAvailable, WorkdayCalendar
from supervision.reminders import rules
from supervision.reminders.defaults import CERTIFICATE, KINDS, STANDARD
from supervision.tasks.rules import correction_due_on

CAL = WorkdayCalendar()
FILING_DUE = date(2020, 2, 20)  # 工信部节函〔2020〕1号: tasks reported by 20 February


def keys(stages):
    return [(s.key, s.on) for s in stages]


def test_the_2020_task_filing_stages_count_working_days():
    """02-20 is a Thursday; ten working days back skips two weekends: 02-06."""
    found = rules.stages(FILING_DUE, STANDARD, CAL, until=date(2020, 3, 3))
    assert keys(found) == [
        ("before:10", date(2020, 2, 6)),
        ("before:3", date(2020, 2, 17)),
        ("before:1", date(2020, 2, 19)),
        ("due", date(2020, 2, 20)),
        ("overdue:1", date(2020, 2, 21)),
        ("overdue:2", date(2020, 2, 26)),  # every 3 working days: 24, 25, 26
        ("overdue:3", date(2020, 3, 2)),
    ]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2020, 2, 5), None),
        (date(2020, 2, 6), "before:10"),
        (date(2020, 2, 16), "before:10"),  # Sunday: nothing new
        (date(2020, 2, 17), "before:3"),
        (date(2020, 2, 20), "due"),
        (date(2020, 2, 21), "overdue:1"),
        (date(2020, 2, 25), "overdue:1"),
        (date(2020, 2, 26), "overdue:2"),
    ],
)
def test_current_stage_is_the_latest_fallen_due(today, expected):
    stage = rules.current_stage(FILING_DUE, STANDARD, CAL, today=today)
    assert (stage.key if stage else None) == expected


def test_next_stage_says_what_comes():
    assert rules.next_stage(FILING_DUE, STANDARD, CAL, today=date(2020, 2, 1)) == rules.Stage(
        "before:10", date(2020, 2, 6)
    )
    assert rules.next_stage(FILING_DUE, STANDARD, CAL, today=date(2020, 2, 17)).key == "before:1"


def test_working_days_skip_the_national_day_holiday():
    """Due 2020-10-12, after the 1–8 October holiday (09-27 and 10-10 are working weekend days)."""
    found = rules.stages(date(2020, 10, 12), STANDARD, CAL, until=date(2020, 10, 12))
    assert keys(found) == [
        ("before:10", date(2020, 9, 22)),
        ("before:3", date(2020, 9, 30)),
        ("before:1", date(2020, 10, 10)),
        ("due", date(2020, 10, 12)),
    ]


def test_certificates_count_calendar_days_and_stop_at_expiry():
    expires = date(2021, 3, 31)
    found = rules.stages(expires, CERTIFICATE, CAL, until=date(2021, 12, 31))
    assert keys(found) == [
        ("before:60", date(2021, 1, 30)),  # a Saturday: calendar days, sent all the same
        ("before:30", date(2021, 3, 1)),
        ("before:7", date(2021, 3, 24)),
        ("due", expires),
    ]
    assert KINDS["certificate_expiry"].policy == CERTIFICATE


def test_a_policy_without_day_or_overdue_reminders():
    policy = rules.Policy(offsets=(5,), on_due_day=False, overdue_every=0)
    assert keys(rules.stages(FILING_DUE, policy, CAL, until=date(2020, 12, 31))) == [
        ("before:5", date(2020, 2, 13))
    ]


def test_a_year_without_calendar_is_an_error_not_a_silence():
    with pytest.raises(CalendarNotAvailable):
        rules.stages(date(2099, 3, 1), STANDARD, CAL, until=date(2099, 3, 1))


@pytest.mark.parametrize(
    ("local_now", "day"),
    [
        (datetime(2020, 2, 17, 7, 59), date(2020, 2, 16)),
        (datetime(2020, 2, 17, 8, 0), date(2020, 2, 17)),
        (datetime(2020, 2, 17, 23, 59), date(2020, 2, 17)),
    ],
)
def test_a_days_reminders_go_out_from_the_configured_hour(local_now, day):
    assert rules.reminder_day(local_now, send_from_hour=8) == day


def test_missed_stages_are_superseded_overdue_ones_only_since_first_seen():
    passed = rules.stages(FILING_DUE, STANDARD, CAL, until=date(2020, 3, 3))
    # First seen now (no earlier rows): every before/due stage, no overdue one.
    assert [s.key for s in rules.superseded(passed, first_seen=None)] == [
        "before:10",
        "before:3",
        "before:1",
        "due",
    ]
    # Seen since 02-21: the overdue stages missed since then too; never the current one.
    assert [s.key for s in rules.superseded(passed, first_seen=date(2020, 2, 21))] == [
        "before:10",
        "before:3",
        "before:1",
        "due",
        "overdue:1",
        "overdue:2",
    ]
    assert rules.superseded(passed[:1], first_seen=None) == []


def test_the_idempotency_key_holds_the_due_date():
    a = rules.reminder_key("task_filing", "2020:410000", FILING_DUE, "before:3", 7, "email")
    b = rules.reminder_key("task_filing", "2020:410000", date(2020, 2, 27), "before:3", 7, "email")
    assert a == "task_filing:2020:410000:2020-02-20:before:3:7:email"
    assert a != b


def test_backoff_doubles_up_to_a_day():
    assert [rules.retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=5),
        timedelta(minutes=10),
        timedelta(minutes=20),
        timedelta(minutes=40),
    ]
    assert rules.retry_delay(20) == timedelta(days=1)


def test_stage_offset():
    assert [rules.stage_offset(k) for k in ("before:10", "due", "overdue:4")] == [10, 0, 4]


@pytest.mark.parametrize(
    ("returned_on", "workdays", "due"),
    [
        (date(2020, 2, 21), 5, date(2020, 2, 28)),  # Friday + 5 working days
        (date(2020, 9, 29), 5, date(2020, 10, 13)),  # across the National Day holiday
        (date(2020, 2, 22), 1, date(2020, 2, 24)),  # returned on a Saturday
    ],
)
def test_a_returned_filing_is_corrected_within_working_days(returned_on, workdays, due):
    assert correction_due_on(returned_on, CAL, workdays) == due


# -- the next stage's day (what send-due stores, so that it reads only what is due) ----------

NO_DAY_OR_OVERDUE = rules.Policy(offsets=(5,), on_due_day=False, overdue_every=0)


@pytest.mark.parametrize(
    ("due_on", "policy"),
    [
        (FILING_DUE, STANDARD),
        (date(2020, 10, 12), STANDARD),  # across the national-day holiday
        (date(2020, 4, 20), CERTIFICATE),  # calendar days, nothing once expired
        (date(2020, 3, 16), KINDS["training_registration"].policy),
        (date(2020, 3, 16), NO_DAY_OR_OVERDUE),
    ],
)
def test_the_next_stage_day_is_the_first_day_with_a_new_stage(due_on, policy):
    """For every day around the deadline: the day after which ``stages`` lists more."""
    day = due_on - timedelta(days=90)
    while day <= due_on + timedelta(days=60):
        listed = rules.stages(due_on, policy, CAL, until=day)
        later = [s.on for s in rules.stages(due_on, policy, CAL, until=day + timedelta(days=400))]
        expected = min((on for on in later if on > day), default=None)
        assert rules.next_stage_day(due_on, policy, CAL, after=day) == expected, day
        assert all(s.on <= day for s in listed)
        day += timedelta(days=1)


def test_a_long_forgotten_deadline_has_no_next_stage_after_the_last_overdue_one():
    found = rules.stages(FILING_DUE, STANDARD, CAL, until=date(2026, 12, 31))
    last = found[-1]
    assert last.key == f"overdue:{rules.MAX_OVERDUE_STAGES}"
    before_last = found[-2].on
    assert rules.next_stage_day(FILING_DUE, STANDARD, CAL, after=before_last) == last.on
    assert rules.next_stage_day(FILING_DUE, STANDARD, CAL, after=last.on) is None


def test_the_next_stage_day_needs_the_calendar_of_its_year():
    with pytest.raises(CalendarNotAvailable):
        rules.next_stage_day(date(2099, 6, 1), STANDARD, CAL, after=date(2099, 5, 1))
