"""The expert review's dated steps (seed 003): the report within 10 working days after the
detailed review (第十一条), the convener's decision within 10 working days after the report
(第十二条). "Within N working days after X" is the N-th working day after X (X never counts)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ...core.workdays import WorkdayCalendar

REPORT_WORKDAYS = 10
DECISION_WORKDAYS = 10


def report_due(scored_on: date, calendar: WorkdayCalendar) -> date:
    """评审报告应当在详细评审环节完成后的 10 个工作日内完成并提交."""
    return calendar.add_workdays(scored_on, REPORT_WORKDAYS)


def decision_due(reported_on: date, calendar: WorkdayCalendar) -> date:
    """征集人根据评审报告在 10 个工作日内确定推广单位."""
    return calendar.add_workdays(reported_on, DECISION_WORKDAYS)
