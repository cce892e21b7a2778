"""Helpers of the deadline-engine tests: local times, notices written straight into the
tables (the rectification feature's own tests drive its forms), lookups."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from supervision.extensions import db
from supervision.rectification.models import DeadlineBasis, RectificationNotice
from supervision.reminders.models import Deadline, Notification, Reminder, ReminderState

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def local(year, month, day, hour=9, minute=0) -> datetime:
    """A wall-clock time in Beijing (aware)."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def make_notice(
    *,
    enterprise,
    agency,
    deadline_on: date,
    case=None,
    served_on: date | None = None,
    imported: bool = False,
) -> RectificationNotice:
    n = next(_numbers)
    notice = RectificationNotice(
        case_id=case.id if case is not None else None,
        province_id=enterprise.province_id,
        agency_id=agency.id,
        enterprise_id=enterprise.id,
        year=deadline_on.year if not imported else 2019,
        sequence=None if imported else n,
        number=f"测节监改〔{2019 if imported else 2020}〕{n}号",
        violation="单位产品能耗超过限额标准",
        measures="限期整改",
        served_on=served_on or date(2020, 4, 1),
        deadline_basis=DeadlineBasis.DATE,
        deadline_on=deadline_on,
        imported=imported,
    )
    db.session.add(notice)
    db.session.commit()
    return notice


def deadline(kind: str, subject_key: str) -> Deadline | None:
    return db.session.scalar(
        select(Deadline).where(Deadline.kind == kind, Deadline.subject_key == subject_key)
    )


def reminders_of(user=None, *, channel: str | None = None, state=None) -> list[Reminder]:
    stmt = select(Reminder).order_by(Reminder.id)
    if user is not None:
        stmt = stmt.where(Reminder.user_id == user.id)
    if channel is not None:
        stmt = stmt.where(Reminder.channel == channel)
    if state is not None:
        stmt = stmt.where(Reminder.state == ReminderState(state))
    return list(db.session.scalars(stmt))


def notifications_of(user) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )
