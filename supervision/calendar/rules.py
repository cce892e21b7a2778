"""Pure helpers for showing a calendar year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..core.workdays import WorkdayCalendar

#: chinesecalendar's English holiday names → the official Chinese names.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class SpecialDay:
    on: date
    is_workday: bool
    #: "override" (set by an administrator) or "official".
    source: str
    name: str = ""


def special_days(
    calendar: WorkdayCalendar, year: int, names: dict[date, str] | None = None
) -> list[SpecialDay]:
    """Days of ``year`` that differ from "Monday–Friday work", plus every override.

    Raises ``CalendarNotAvailable`` when the calendar does not cover the year.
    """
    names = names or {}
    d = date(year, 1, 1)
    result = []
    while d.year == year:
        working = calendar.is_workday(d)
        overridden = d in calendar.overrides
        if overridden or working != (d.weekday() < 5):
            source = "override" if overridden else "official"
            result.append(SpecialDay(d, working, source, names.get(d, "")))
        d += timedelta(days=1)
    return result


def workday_count(calendar: WorkdayCalendar, year: int) -> int:
    return calendar.workdays_between(date(year - 1, 12, 31), date(year, 12, 31))
