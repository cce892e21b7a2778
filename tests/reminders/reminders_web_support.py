"""Deadlines, reminders and notifications written straight into the tables, for the web tests
of the reminders pages (the engine's own tests drive the sources)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from supervision.extensions import db
from supervision.reminders.models import Deadline, Notification, Reminder, ReminderState

__all__ = ["make_deadline", "make_notification", "make_reminder"]

_serial = itertools.count(1)


def make_deadline(
    *,
    due_on: date,
    title: str | None = None,
    kind: str = "task_filing",
    province=None,
    agency=None,
    owner=None,
    category: int | None = None,
    people=(),
    done_on: date | None = None,
    cancelled: bool = False,
    previous: tuple[date, ...] = (),
) -> Deadline:
    n = next(_serial)
    deadline = Deadline(
        kind=kind,
        subject_key=f"test:{n}",
        title=title or f"期限{n}",
        link="/inspections/",
        owner_org_id=(owner or agency or province).id if (owner or agency or province) else None,
        province_id=province.id if province is not None else None,
        agency_id=agency.id if agency is not None else None,
        category=category,
        due_on=due_on,
        previous_due_dates=[d.isoformat() for d in previous],
        done_on=done_on,
        cancelled=cancelled,
    )
    deadline.people = list(people)
    db.session.add(deadline)
    db.session.commit()
    return deadline


def make_reminder(
    deadline: Deadline,
    user,
    *,
    stage: str = "before:3",
    stage_on: date | None = None,
    channel: str = "email",
    state: ReminderState = ReminderState.SENT,
    error: str = "",
    reason: str = "",
    attempts: int = 0,
    next_attempt_at: datetime | None = None,
    created_at: datetime | None = None,
) -> Reminder:
    reminder = Reminder(
        key=f"{deadline.kind}:{deadline.subject_key}:{deadline.due_on}:{stage}:{user.id}:{channel}",
        deadline_id=deadline.id,
        user_id=user.id,
        channel=channel,
        stage=stage,
        stage_on=stage_on or deadline.due_on,
        due_on=deadline.due_on,
        recipient_role="responsible",
        state=state,
        error=error,
        reason=reason,
        attempts=attempts,
        next_attempt_at=next_attempt_at,
        created_at=created_at or datetime(2020, 2, 17, 1, 0, tzinfo=UTC),
    )
    db.session.add(reminder)
    db.session.commit()
    return reminder


def make_notification(
    user,
    title: str,
    *,
    link: str = "/inspections/",
    deadline: Deadline | None = None,
    read_at: datetime | None = None,
    created_at: datetime | None = None,
) -> Notification:
    notification = Notification(
        user_id=user.id,
        title=title,
        body=f"{title}的说明",
        link=link,
        deadline_id=deadline.id if deadline is not None else None,
        read_at=read_at,
        created_at=created_at or datetime(2020, 2, 17, 1, 0, tzinfo=UTC),
    )
    db.session.add(notification)
    db.session.commit()
    return notification
