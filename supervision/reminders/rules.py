"""When a deadline is reminded: the stages of a policy and which of them are due (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..core.workdays import WorkdayCalendar

#: Who may be told about a deadline (the policy picks among these).
RECIPIENT_ROLES = ("responsible", "agency_officers", "provincial_officers", "ministry_digest")
WORKDAYS = "workdays"
DAYS = "days"
#: Stop listing overdue stages after this many (a forgotten deadline is not reminded forever
#: in the stage list; the last stage keeps repeating by date).
MAX_OVERDUE_STAGES = 400


@dataclass(frozen=True)
class Policy:
    """Offsets before the due date, a reminder on the day, then every N working days overdue."""

    offsets: tuple[int, ...] = (10, 3, 1)
    offset_unit: str = WORKDAYS
    on_due_day: bool = True
    overdue_every: int = 3


@dataclass(frozen=True)
class Stage:
    """One reminder moment: ``key`` is before:N, due or overdue:K; ``on`` the day it falls due."""

    key: str
    on: date

    @property
    def is_overdue(self) -> bool:
        return self.key.startswith("overdue:")


def stages(due_on: date, policy: Policy, calendar: WorkdayCalendar, *, until: date) -> list[Stage]:
    """Every stage of ``policy`` for a deadline on ``due_on`` up to ``until``, in date order.

    Before-stages count working days back from the due date (calendar days when
    ``offset_unit`` is "days"); the first overdue stage is the first working day after the due
    date, then one every ``overdue_every`` working days. Raises CalendarNotAvailable when a
    date needs a year the calendar does not know.
    """
    result: list[Stage] = []
    for n in sorted({int(n) for n in policy.offsets if int(n) > 0}, reverse=True):
        on = (
            due_on - timedelta(days=n)
            if policy.offset_unit == DAYS
            else calendar.add_workdays(due_on, -n)
        )
        if on <= until:
            result.append(Stage(f"before:{n}", on))
    if policy.on_due_day and due_on <= until:
        result.append(Stage("due", due_on))
    if policy.overdue_every > 0 and due_on < until:
        on = calendar.add_workdays(due_on, 1)
        k = 1
        while on <= until and k <= MAX_OVERDUE_STAGES:
            result.append(Stage(f"overdue:{k}", on))
            on = calendar.add_workdays(on, policy.overdue_every)
            k += 1
    return sorted(result, key=lambda s: s.on)


def current_stage(
    due_on: date, policy: Policy, calendar: WorkdayCalendar, *, today: date
) -> Stage | None:
    """The latest stage that has fallen due by ``today`` (None before the first one).

    Only this one is sent: a run that missed earlier stages (scheduler stopped) sends the
    latest and records the earlier ones as superseded, so nobody gets three mails at once.
    """
    passed = stages(due_on, policy, calendar, until=today)
    return passed[-1] if passed else None


def next_stage(
    due_on: date, policy: Policy, calendar: WorkdayCalendar, *, today: date
) -> Stage | None:
    """The first stage after ``today`` (what the "why not yet" page shows)."""
    horizon = max(today, due_on) + timedelta(days=60)
    upcoming = [s for s in stages(due_on, policy, calendar, until=horizon) if s.on > today]
    return upcoming[0] if upcoming else None


def next_stage_day(
    due_on: date, policy: Policy, calendar: WorkdayCalendar, *, after: date
) -> date | None:
    """The day of the first stage of ``policy`` after ``after`` (None: none comes any more),
    i.e. the first day on which ``stages(…, until=day)`` lists more than ``until=after``.

    Unlike ``next_stage`` it has no horizon: an overdue stage far ahead is still found.
    Raises CalendarNotAvailable when that day needs a year the calendar does not know.
    """
    found: list[date] = []
    for n in {int(n) for n in policy.offsets if int(n) > 0}:
        on = (
            due_on - timedelta(days=n)
            if policy.offset_unit == DAYS
            else calendar.add_workdays(due_on, -n)
        )
        if on > after:
            found.append(on)
    if policy.on_due_day and due_on > after:
        found.append(due_on)
    if policy.overdue_every > 0:
        on: date | None = calendar.add_workdays(due_on, 1)
        k = 1
        while on is not None and on <= after:
            # The last overdue stage listed is the MAX_OVERDUE_STAGES-th (see ``stages``).
            on = calendar.add_workdays(on, policy.overdue_every) if k < MAX_OVERDUE_STAGES else None
            k += 1
        if on is not None:
            found.append(on)
    return min(found, default=None)


def reminder_key(
    kind: str, subject_key: str, due_on: date, stage: str, user_id: int, channel: str
) -> str:
    """The idempotency key: the due date is part of it, so moving a deadline sends again for
    the new date and never repeats what was already sent for a date."""
    return f"{kind}:{subject_key}:{due_on.isoformat()}:{stage}:{user_id}:{channel}"


def retry_delay(attempts: int, *, base_minutes: int = 5, cap_minutes: int = 24 * 60) -> timedelta:
    """Backoff after the ``attempts``-th failure: 5, 10, 20, 40 … minutes, at most a day."""
    return timedelta(minutes=min(cap_minutes, base_minutes * 2 ** max(0, attempts - 1)))


#: Failures after which a reminder is no longer retried (it stays failed, shown to admins).
MAX_ATTEMPTS = 8


def overdue_workdays(due_on: date, today: date, calendar: WorkdayCalendar) -> int:
    """Working days past the due date (0 when not overdue)."""
    return max(0, calendar.workdays_between(due_on, today)) if today > due_on else 0


def reminder_day(local_now: datetime, *, send_from_hour: int) -> date:
    """The last day whose stages may go out at ``local_now`` (a local, wall-clock time).

    A day's reminders go out from ``send_from_hour`` on: nobody is mailed at midnight, so
    before that hour only the stages up to yesterday count.
    """
    today = local_now.date()
    return today if local_now.hour >= send_from_hour else today - timedelta(days=1)


def superseded(passed: list[Stage], *, first_seen: date | None) -> list[Stage]:
    """The stages before the current one (the last of ``passed``) that are recorded as
    superseded instead of being sent, when a run finds several fallen due at once.

    Before-stages and the due-day stage are few, so all of them are recorded (the "why was I
    not told ten days ahead?" question has an answer). Overdue stages repeat without end:
    only those since the deadline was first seen (``first_seen``; None: first seen now)
    are recorded, so a deadline found long overdue does not write hundreds of rows.
    """
    earlier = passed[:-1]
    return [
        s for s in earlier if not s.is_overdue or (first_seen is not None and s.on >= first_seen)
    ]


def stage_offset(key: str) -> int:
    """N of before:N / overdue:N (0 for due)."""
    _, _, n = key.partition(":")
    return int(n) if n.isdigit() else 0
