"""Reading notices: the list in a user's scope, a case's notices, a notice's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from ..calendar.service import current_calendar
from ..core import access
from ..core.models import User
from ..core.workdays import CalendarNotAvailable
from ..enterprises.models import Enterprise
from ..extensions import db
from ..inspections.models import InspectionCase
from . import rules
from .models import NoticeStatus, RectificationNotice

#: The deadline in force, as SQL (the extended one once granted).
DEADLINE_IN_FORCE = func.coalesce(
    RectificationNotice.extended_deadline_on, RectificationNotice.deadline_on
)

SORT_COLUMNS = {
    # Year, then running number (imported notices, without one, first in their year).
    "number": RectificationNotice.year * 1_000_000 + func.coalesce(RectificationNotice.sequence, 0),
    "enterprise": Enterprise.name,
    "served_on": RectificationNotice.served_on,
    "deadline": DEADLINE_IN_FORCE,
    "status": RectificationNotice.status,
}


def notices_query(
    user: User,
    *,
    status: str = "",
    overdue: bool = False,
    year: int | None = None,
    today: date | None = None,
) -> Select:
    """The notices ``user`` may see, filtered; sort and paginate with core.tables.paginate."""
    stmt = (
        access.scoped(RectificationNotice, user)
        .join(Enterprise, Enterprise.id == RectificationNotice.enterprise_id)
        .options(
            selectinload(RectificationNotice.enterprise),
            selectinload(RectificationNotice.agency),
        )
    )
    if status in NoticeStatus._value2member_map_:
        stmt = stmt.where(RectificationNotice.status == NoticeStatus(status))
    if overdue and today is not None:
        # rules.is_overdue, as SQL.
        stmt = stmt.where(
            RectificationNotice.status == NoticeStatus.ISSUED, DEADLINE_IN_FORCE < today
        )
    if year is not None:
        stmt = stmt.where(RectificationNotice.year == year)
    return stmt


def notice_years(user: User) -> list[int]:
    """The years the user's notices are numbered in, newest first (the year filter)."""
    stmt = access.scoped(select(RectificationNotice.year).distinct(), user)
    return sorted(db.session.scalars(stmt), reverse=True)


def case_notices(case: InspectionCase, user: User) -> list[RectificationNotice]:
    """The notices issued for ``case`` that ``user`` may see, in number order."""
    return list(
        db.session.scalars(
            access.scoped(RectificationNotice, user)
            .where(RectificationNotice.case_id == case.id)
            .order_by(RectificationNotice.year, RectificationNotice.sequence)
        )
    )


def is_overdue(notice: RectificationNotice, today: date) -> bool:
    return rules.is_overdue(notice.status.value, notice.current_deadline_on, today)


def reinspection_due(notice: RectificationNotice) -> date | None:
    """By when the 回头看 is due (None if the calendar does not reach that far yet)."""
    try:
        return rules.reinspection_due_on(
            notice.current_deadline_on,
            current_calendar(),
            workdays=int(current_app.config["REINSPECTION_WORKDAYS"]),
        )
    except CalendarNotAvailable:
        return None


@dataclass(frozen=True)
class Event:
    """One line of a notice's timeline."""

    on: date
    title: str
    detail: str = ""
    #: Bootstrap colour of the marker: secondary, primary, success, warning, danger.
    tone: str = "secondary"
    #: Planned (a deadline) rather than done.
    due: bool = False


def timeline(notice: RectificationNotice, today: date) -> list[Event]:
    """What happened to the notice and what is due, in date order."""
    events = [
        Event(
            notice.served_on,
            str(_l("送达")),
            str(_l("通知书 %(n)s 送达企业", n=notice.number)),
            "primary",
        )
    ]
    deadline_tone = "danger" if is_overdue(notice, today) else "warning"
    if notice.extended_deadline_on is not None:
        events.append(
            Event(notice.deadline_on, str(_l("原整改期限")), str(_l("已延期")), "secondary", True)
        )
        if notice.extension_requested_on is not None:
            events.append(
                Event(
                    notice.extension_requested_on,
                    str(_l("企业申请延期")),
                    notice.extension_reason,
                )
            )
        if notice.extension_granted_on is not None:
            events.append(
                Event(
                    notice.extension_granted_on,
                    str(_l("批准延期")),
                    str(_l("整改期限延至 %(d)s", d=notice.extended_deadline_on)),
                    "primary",
                )
            )
        events.append(
            Event(notice.extended_deadline_on, str(_l("延期后整改期限")), "", deadline_tone, True)
        )
    else:
        events.append(Event(notice.deadline_on, str(_l("整改期限")), "", deadline_tone, True))
    for report in notice.reports:
        events.append(
            Event(report.received_on, str(_l("收到整改报告")), report.measures_taken, "primary")
        )
    if notice.reinspection is not None:
        r = notice.reinspection
        tone = {"rectified": "success", "partly": "warning"}.get(r.result.value, "danger")
        events.append(
            Event(
                r.inspected_on,
                str(_l("复查（回头看）：%(r)s", r=r.result.label)),
                r.notes,
                tone,
            )
        )
    elif notice.status.value in rules.OPEN:
        due = reinspection_due(notice)
        if due is not None:
            events.append(Event(due, str(_l("回头看应完成")), "", "secondary", True))
    if notice.decision is not None:
        events.append(
            Event(notice.decision.decided_on, str(_l("依法处理")), notice.decision.notes, "danger")
        )
    # Done before due on the same day; otherwise by date.
    return sorted(events, key=lambda e: (e.on, e.due))
