"""(being written)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..core.workdays import WorkdayCalendar
from ..reminders.sources import DeadlineSpec


def complaint_deadlines(today: date, calendar: WorkdayCalendar) -> Iterator[DeadlineSpec]:
    return iter(())
