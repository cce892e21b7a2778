"""The calendar in force: chinesecalendar plus what administrators maintain in the database."""

from __future__ import annotations

from datetime import date

import chinese_calendar
from flask import g, has_app_context
from sqlalchemy import select

from ..core import audit
from ..core.workdays import CalendarDayRow, WorkdayCalendar
from ..extensions import db
from . import rules
from .models import CalendarDay, CalendarYear

OFFICIAL_FIRST, OFFICIAL_LAST = 2004, 2026


def official_years() -> range:
    return range(OFFICIAL_FIRST, OFFICIAL_LAST + 1)


def _days_of(year: int):
    return select(CalendarDay).where(
        CalendarDay.on >= date(year, 1, 1), CalendarDay.on <= date(year, 12, 31)
    )


def load_calendar() -> WorkdayCalendar:
    """The calendar built from the database (chinesecalendar + administrators' data)."""
    overrides = {d.on: d.is_workday for d in db.session.scalars(select(CalendarDay))}
    years = frozenset(db.session.scalars(select(CalendarYear.year)))
    return WorkdayCalendar(overrides=overrides, extra_years=years)


def current_calendar() -> WorkdayCalendar:
    """The calendar in force, loaded once per request (or app context)."""
    if has_app_context():
        if "workday_calendar" not in g:
            g.workday_calendar = load_calendar()
        return g.workday_calendar
    return load_calendar()


def forget_cached_calendar() -> None:
    if has_app_context():
        g.pop("workday_calendar", None)


def day_names(year: int) -> dict[date, str]:
    """Names of the special days of a year: the administrator's, else chinesecalendar's."""
    names: dict[date, str] = {}
    if OFFICIAL_FIRST <= year <= OFFICIAL_LAST:
        d = date(year, 1, 1)
        while d.year == year:
            _on_holiday, name = chinese_calendar.get_holiday_detail(d)
            if name:
                names[d] = rules.HOLIDAY_NAMES.get(name, name)
            d = date.fromordinal(d.toordinal() + 1)
    for row in db.session.scalars(_days_of(year)):
        if row.name:
            names[row.on] = row.name
    return names


def covered_years() -> list[tuple[int, str]]:
    """(year, "official" / "database" / "both") for every year the calendar covers."""
    db_years = set(db.session.scalars(select(CalendarYear.year)))
    years = dict.fromkeys(official_years(), "official")
    for y in db_years:
        years[y] = "both" if y in years else "database"
    return sorted(years.items())


def import_days(rows: list[CalendarDayRow], *, source: str, file_name: str) -> dict[int, int]:
    """Replace each year in ``rows`` with the file's days; returns {year: days imported}.

    A year chinesecalendar does not know becomes a published year (the file is its whole
    schedule); for a year it knows, the file's days are corrections. Callers import nothing
    if the parser reported any error.
    """
    by_year: dict[int, list[CalendarDayRow]] = {}
    for row in rows:
        by_year.setdefault(row.on.year, []).append(row)
    for year, year_rows in sorted(by_year.items()):
        for old in db.session.scalars(_days_of(year)):
            db.session.delete(old)
        db.session.flush()
        for row in year_rows:
            db.session.add(CalendarDay(on=row.on, is_workday=row.is_workday, name=row.name))
        if not OFFICIAL_FIRST <= year <= OFFICIAL_LAST:
            published = db.session.get(CalendarYear, year)
            if published is None:
                db.session.add(CalendarYear(year=year, source=source))
            else:
                published.source = source
        db.session.flush()
        audit.record(
            db.session,
            action="import",
            entity="calendar_years",
            entity_id=str(year),
            label=f"{year} ({file_name})",
            changes={"days": (None, len(year_rows)), "source": (None, source)},
        )
    forget_cached_calendar()
    return {y: len(r) for y, r in by_year.items()}


def set_day(on: date, is_workday: bool, name: str) -> CalendarDay:
    day = db.session.get(CalendarDay, on)
    if day is None:
        day = CalendarDay(on=on, is_workday=is_workday, name=name)
        db.session.add(day)
    else:
        day.is_workday = is_workday
        day.name = name
    db.session.flush()
    forget_cached_calendar()
    return day


def remove_day(on: date) -> bool:
    day = db.session.get(CalendarDay, on)
    if day is None:
        return False
    db.session.delete(day)
    db.session.flush()
    forget_cached_calendar()
    return True


def remove_year(year: int) -> None:
    """Withdraw a published year and its days (e.g. entered from the wrong notice)."""
    for day in db.session.scalars(_days_of(year)):
        db.session.delete(day)
    published = db.session.get(CalendarYear, year)
    if published is not None:
        db.session.delete(published)
    db.session.flush()
    forget_cached_calendar()
