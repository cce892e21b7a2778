"""Chinese statutory working-day (工作日) arithmetic and calendar CSV parsing, free of I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from itertools import islice
from types import MappingProxyType

import chinese_calendar

_ONE_DAY = timedelta(days=1)
# A real calendar never has a year without working days; a longer gap means broken admin data
# (e.g. every day overridden as off), and we would rather fail loudly than scan to date.max.
_MAX_GAP_DAYS = 400


class CalendarNotAvailable(LookupError):
    """No source (chinesecalendar or an administrator-published year) covers ``year``."""

    def __init__(self, year: int) -> None:
        # args = (year,) keeps the exception picklable; the message is built in __str__.
        super().__init__(year)
        self.year = year

    def __str__(self) -> str:
        return f"尚无 {self.year} 年的法定节假日安排"


@cache
def _official_knows(year: int) -> bool:
    # chinesecalendar exposes no "supported years" API; probing keeps us correct after upgrades.
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _as_date(d: date) -> date:
    # datetime is a date subclass; without this, arithmetic would leak datetimes to callers.
    return d.date() if isinstance(d, datetime) else d


@dataclass(frozen=True)
class WorkdayCalendar:
    """Working-day rules assembled from data (the caller loads it; this class never touches a DB).

    For a day ``d`` the status is decided as follows, first match wins, once ``covers(d.year)``:

    1. ``overrides[d]`` if present (True = working day, False = day off);
    2. if ``d.year`` is in ``extra_years``: Monday to Friday working, Saturday/Sunday off
       (an administrator-published year is read from the administrator's data alone, so its
       meaning does not change when chinesecalendar later learns that year);
    3. chinesecalendar, if ``use_official`` is set and it knows the year.

    A year covered by neither 2 nor 3 raises :class:`CalendarNotAvailable`, even for days that
    have an override: a few overrides do not make a whole year's schedule known.
    """

    overrides: Mapping[date, bool] = field(default_factory=dict)
    extra_years: frozenset[int] = frozenset()
    use_official: bool = True

    def __post_init__(self) -> None:
        # Copy so that a caller mutating its dict/set cannot change a "frozen" calendar.
        overrides = {_as_date(k): bool(v) for k, v in self.overrides.items()}
        object.__setattr__(self, "overrides", MappingProxyType(overrides))
        object.__setattr__(self, "extra_years", frozenset(self.extra_years))

    def covers(self, year: int) -> bool:
        """Return True if working-day status is known for every day of ``year``."""
        return year in self.extra_years or (self.use_official and _official_knows(year))

    def is_workday(self, d: date) -> bool:
        """Return True if ``d`` is a working day; CalendarNotAvailable if its year is unknown."""
        d = _as_date(d)
        if not self.covers(d.year):
            raise CalendarNotAvailable(d.year)
        status = self.overrides.get(d)
        if status is not None:
            return status
        if d.year in self.extra_years:
            return d.weekday() < 5
        return chinese_calendar.is_workday(d)

    def _walk(self, d: date, step: int) -> Iterator[date]:
        """Yield the working days strictly after (step=1) or before (step=-1) ``d``, in order."""
        delta = _ONE_DAY * step
        gap = 0
        while True:
            # Termination: covered years are finite, so the walk reaches an uncovered year and
            # is_workday raises; the gap guard only catches pathological administrator data.
            try:
                d += delta
            except OverflowError:  # past date.max / date.min: no calendar there either
                raise CalendarNotAvailable(d.year + step) from None
            if self.is_workday(d):
                gap = 0
                yield d
            else:
                gap += 1
                if gap > _MAX_GAP_DAYS:
                    raise ValueError(f"{d} 前后连续 {_MAX_GAP_DAYS} 天没有工作日，请检查日历数据")

    def add_workdays(self, d: date, n: int) -> date:
        """Return the n-th working day after ``d`` (before it if n < 0); ``d`` never counts.

        ``n == 0`` returns ``d`` unchanged, even when ``d`` is a day off. Walking into a year that
        is not covered raises CalendarNotAvailable.
        """
        d = _as_date(d)
        if n == 0:
            return d
        return next(islice(self._walk(d, 1 if n > 0 else -1), abs(n) - 1, None))

    def workdays_between(self, a: date, b: date) -> int:
        """Count working days d with a < d <= b; if a > b, minus the count of b < d <= a.

        This makes ``add_workdays(a, workdays_between(a, b)) == b`` whenever b is a working day
        (and it is 0 when a == b).
        """
        a, b = _as_date(a), _as_date(b)
        if a > b:
            return -self.workdays_between(b, a)
        count = 0
        d = a
        while d < b:
            d += _ONE_DAY
            count += self.is_workday(d)
        return count

    def nth_workday_of_month(self, year: int, month: int, n: int) -> date:
        """Return the n-th (n >= 1) working day of the month; ValueError if there is none."""
        if n < 1:
            raise ValueError(f"n 必须 >= 1（收到 {n}）")
        d = date(year, month, 1)  # also validates month
        found = 0
        while d.month == month:
            if self.is_workday(d):
                found += 1
                if found == n:
                    return d
            d += _ONE_DAY
        raise ValueError(f"{year} 年 {month} 月只有 {found} 个工作日，没有第 {n} 个")

    def roll_forward(self, d: date) -> date:
        """Return ``d`` if it is a working day, else the next working day after it."""
        d = _as_date(d)
        return d if self.is_workday(d) else next(self._walk(d, 1))

    def calendar_deadline(self, start: date, days: int) -> date:
        """Deadline ``days`` calendar days after ``start``, moved to the next working day if off."""
        return self.roll_forward(_as_date(start) + timedelta(days=days))


OFFICIAL = WorkdayCalendar()
"""chinesecalendar only, no overrides: the default for the module-level functions."""


def _cal(calendar: WorkdayCalendar | None) -> WorkdayCalendar:
    return calendar if calendar is not None else OFFICIAL


def is_workday(d: date, calendar: WorkdayCalendar | None = None) -> bool:
    """See :meth:`WorkdayCalendar.is_workday`; uses OFFICIAL when no calendar is given."""
    return _cal(calendar).is_workday(d)


def add_workdays(d: date, n: int, calendar: WorkdayCalendar | None = None) -> date:
    """See :meth:`WorkdayCalendar.add_workdays`; uses OFFICIAL when no calendar is given."""
    return _cal(calendar).add_workdays(d, n)


def workdays_between(a: date, b: date, calendar: WorkdayCalendar | None = None) -> int:
    """See :meth:`WorkdayCalendar.workdays_between`; uses OFFICIAL when no calendar is given."""
    return _cal(calendar).workdays_between(a, b)


def nth_workday_of_month(
    year: int, month: int, n: int, calendar: WorkdayCalendar | None = None
) -> date:
    """See :meth:`WorkdayCalendar.nth_workday_of_month`; uses OFFICIAL when no calendar is given."""
    return _cal(calendar).nth_workday_of_month(year, month, n)


def roll_forward(d: date, calendar: WorkdayCalendar | None = None) -> date:
    """See :meth:`WorkdayCalendar.roll_forward`; uses OFFICIAL when no calendar is given."""
    return _cal(calendar).roll_forward(d)


def calendar_deadline(start: date, days: int, calendar: WorkdayCalendar | None = None) -> date:
    """See :meth:`WorkdayCalendar.calendar_deadline`; uses OFFICIAL when no calendar is given."""
    return _cal(calendar).calendar_deadline(start, days)


@dataclass(frozen=True)
class CalendarDayRow:
    """One valid CSV row: ``on`` is a working day (调休) if ``is_workday``, else a day off."""

    on: date
    is_workday: bool
    name: str = ""


@dataclass(frozen=True)
class RowError:
    """A problem in the CSV: file ``line`` (header = 1), ``column`` name, Chinese ``message``."""

    line: int
    column: str
    message: str


_KINDS = {"holiday": False, "休": False, "workday": True, "班": True}
# date.fromisoformat accepts 20200101 and 2020-W01-1 since 3.11; the file format is stricter.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_calendar_rows(
    rows: Iterable[Mapping[str, str]],
) -> tuple[list[CalendarDayRow], list[RowError]]:
    """Validate rows of a ``date,kind,name`` CSV (e.g. from csv.DictReader).

    ``date`` is ``YYYY-MM-DD``; ``kind`` is ``holiday``/``休`` (day off) or ``workday``/``班``
    (adjusted working day), case-insensitive; ``name`` is optional. Returns (valid rows, errors);
    the caller must import nothing when errors is non-empty. Line numbers come from
    ``rows.line_num`` when ``rows`` is a csv reader (so skipped blank lines are accounted for),
    otherwise the i-th row is assumed to be on line i + 1 after the header.
    """
    parsed: list[CalendarDayRow] = []
    errors: list[RowError] = []
    first_line_of: dict[date, int] = {}
    for index, raw in enumerate(rows, start=2):
        line = getattr(rows, "line_num", None) or index
        # Tolerate a UTF-8 BOM (Excel) and stray spaces/case in the header and the cells.
        row = {
            str(k).lstrip("\ufeff").strip().lower(): (v or "").strip()
            for k, v in raw.items()
            if k is not None  # csv.DictReader files surplus cells under the key None
        }
        on: date | None = None
        text = row.get("date", "")
        if not _ISO_DATE.fullmatch(text):
            errors.append(RowError(line, "date", "日期格式应为 YYYY-MM-DD"))
        else:
            try:
                on = date.fromisoformat(text)
            except ValueError:
                errors.append(RowError(line, "date", f"日期不存在：{text}"))
        kind = _KINDS.get(row.get("kind", "").lower())
        if kind is None:
            errors.append(RowError(line, "kind", "类型应为 holiday/休 或 workday/班"))
        if on is not None:
            if on in first_line_of:
                errors.append(RowError(line, "date", f"日期重复（第 {first_line_of[on]} 行已有）"))
                continue
            first_line_of[on] = line
        if on is not None and kind is not None:
            parsed.append(CalendarDayRow(on=on, is_workday=kind, name=row.get("name", "")))
    return parsed, errors
