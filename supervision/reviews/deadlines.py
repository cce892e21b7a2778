"""The expert reviews' dated steps for the deadline engine (``reminders.sources.gather``):

- ``review_report``: the report, signed by every member, within 10 working days of the
  detailed review (seed 003 第十一条);
- ``review_decision``: the convener's decision within 10 working days of the report (第十二条).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..core.workdays import WorkdayCalendar
from ..reminders.sources import DeadlineSpec


def review_deadlines(today: date, calendar: WorkdayCalendar) -> Iterator[DeadlineSpec]:
    """(being written by the scoring and report part)"""
    return iter(())
