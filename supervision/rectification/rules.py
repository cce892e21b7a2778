"""Rectification date and numbering rules (pure): the deadline of a notice, its extension, the
re-inspection date, the notice number."""

from __future__ import annotations

from datetime import date, timedelta

from ..core.workdays import WorkdayCalendar

DATE = "date"
WORKDAYS = "workdays"
DAYS = "days"


def notice_deadline(
    served_on: date,
    basis: str,
    calendar: WorkdayCalendar,
    *,
    days: int | None = None,
    on: date | None = None,
) -> date:
    """The rectification deadline stated on a notice.

    - ``date``: the given date ``on`` (it must not be before service);
    - ``workdays``: the ``days``-th working day after service (service day not counted);
    - ``days``: ``days`` calendar days after service; a deadline falling on a day off moves to
      the next working day (《民法典》/《行政处罚法》 counting of periods).
    """
    if basis == DATE:
        if on is None:
            raise ValueError("请填写整改期限日期")
        if on < served_on:
            raise ValueError("整改期限不能早于送达日期")
        return on
    if days is None or days < 1:
        raise ValueError("整改期限天数必须为正整数")
    if basis == WORKDAYS:
        return calendar.add_workdays(served_on, days)
    if basis == DAYS:
        return calendar.roll_forward(served_on + timedelta(days=days))
    raise ValueError(f"未知的整改期限方式：{basis}")


def reinspection_due_on(deadline_on: date, calendar: WorkdayCalendar, *, workdays: int) -> date:
    """By when the 回头看 should be done: ``workdays`` working days after the deadline in force."""
    return calendar.add_workdays(deadline_on, workdays)
