"""The pilots' reporting calendar (seed 003 第十六条(四), 第十七条(三)(四)): when a month's pack,
a quarter's report and the province's re-check are due.

The working-day ``calendar`` is passed in (``core.workdays.WorkdayCalendar`` or anything with
``is_workday`` and ``add_workdays``): these functions read no data themselves.
"""

from __future__ import annotations

from datetime import date, timedelta

#: 每个月第 10 个工作日前: the pilot sends the previous month's pack to its city.
PACK_WORKDAY = 10
#: 接到数据后的 10 个工作日内: the province re-checks a city's quarterly report.
RECHECK_WORKDAYS = 10


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def month_span(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a month."""
    after = date(*next_month(year, month), 1)
    return date(year, month, 1), after - timedelta(days=1)


def months_from(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    """Every (year, month) from ``start`` to ``end``, both included (none if end < start)."""
    found, current = [], start
    while current <= end:
        found.append(current)
        current = next_month(*current)
    return found


def nth_workday(year: int, month: int, n: int, calendar) -> date:
    """The ``n``-th working day of a month (n ≥ 1): the n-th day d of the month with
    ``calendar.is_workday(d)``. ValueError when the month has fewer."""
    if n < 1:
        raise ValueError("n must be 1 or more")
    day, last = month_span(year, month)
    seen = 0
    while day <= last:
        if calendar.is_workday(day):
            seen += 1
            if seen == n:
                return day
        day += timedelta(days=1)
    raise ValueError(f"{year} 年 {month} 月不足 {n} 个工作日")


def monthly_pack_due(year: int, month: int, calendar) -> date:
    """The pack of ``month`` is due on the 10th working day of the following month
    (每个月第 10 个工作日前，汇总……上个月的数据): October 2014's on 2014-11-14."""
    return nth_workday(*next_month(year, month), PACK_WORKDAY, calendar)


def quarter_of(month: int) -> int:
    """1 for January–March … 4 for October–December."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} out of range")
    return (month - 1) // 3 + 1


def months_of(quarter: int) -> tuple[int, int, int]:
    """The months of a quarter: (10, 11, 12) for the 4th."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter {quarter} out of range")
    first = 3 * (quarter - 1) + 1
    return first, first + 1, first + 2


def quarter_span(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of a quarter."""
    first, _middle, last = months_of(quarter)
    return month_span(year, first)[0], month_span(year, last)[1]


def next_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarterly_due(year: int, quarter: int) -> date:
    """A city reports a quarter by the end of the first month of the next quarter (在本季度
    第 1 个月月底前……将上一季度……数据报送): 2014 Q4 by 2015-01-31.

    The last calendar day of that month, as the seed writes it (月底), even when it is not a
    working day: the seed does not move it to the next working day, so neither do we.
    """
    next_year, next_q = next_quarter(year, quarter)
    return month_span(next_year, months_of(next_q)[0])[1]


def recheck_due(received_on: date, calendar) -> date:
    """The province re-checks within 10 working days of receiving the city's report
    (接到数据后的 10 个工作日内): the 10th working day after ``received_on``, which never
    counts itself."""
    return calendar.add_workdays(received_on, RECHECK_WORKDAYS)
