"""The pilots' reporting calendar, worked with the app's real working-day calendar (2014's
National Day week, 2015's Spring Festival and their adjusted working days)."""

from __future__ import annotations

from datetime import date

import pytest

from supervision.calendar.service import current_calendar
from supervision.core.workdays import WorkdayCalendar
from supervision.pilots.rules.periods import (
    month_span,
    monthly_pack_due,
    months_from,
    months_of,
    nth_workday,
    quarter_of,
    quarter_span,
    quarterly_due,
    recheck_due,
)


@pytest.fixture
def calendar(database):
    return current_calendar()


def test_october_2014s_pack_is_due_on_the_10th_working_day_of_november(calendar):
    # November 2014 has no holiday: 3–7, 10–14 → Friday the 14th.
    assert monthly_pack_due(2014, 10, calendar) == date(2014, 11, 14)


def test_septembers_pack_counts_octobers_working_days_after_the_national_day_week(calendar):
    # 1–7 October 2014 off; Saturday 11 October a working day (调休): 8, 9, 10, 11, 13, 14,
    # 15, 16, 17, 20 → Monday the 20th.
    assert monthly_pack_due(2014, 9, calendar) == date(2014, 10, 20)


def test_januarys_pack_is_due_before_the_2015_spring_festival(calendar):
    # February 2015: 2–6, 9–13 → the 13th; the festival (18–24) and its adjusted Sunday the
    # 15th come after it, so they do not move it.
    assert monthly_pack_due(2015, 1, calendar) == date(2015, 2, 13)


def test_a_spring_festival_inside_the_first_ten_working_days_pushes_the_due_date(calendar):
    # February 2016: 1–5, Saturday 6 (调休), 7–13 off, Sunday 14 (调休), 15, 16, 17 → the 17th.
    assert monthly_pack_due(2016, 1, calendar) == date(2016, 2, 17)


def test_decembers_pack_is_due_in_january_of_the_next_year(calendar):
    # 1–3 January 2015 off, Sunday 4 January a working day (调休): 4, 5, 6, 7, 8, 9, 12, 13,
    # 14, 15 → Thursday the 15th.
    assert monthly_pack_due(2014, 12, calendar) == date(2015, 1, 15)


def test_nth_workday_of_a_month_without_enough_working_days_is_refused():
    every_day_off = WorkdayCalendar(
        overrides={date(2014, 11, d): d < 3 for d in range(1, 31)}, use_official=True
    )
    assert nth_workday(2014, 11, 2, every_day_off) == date(2014, 11, 2)
    with pytest.raises(ValueError, match="不足 3 个工作日"):
        nth_workday(2014, 11, 3, every_day_off)


@pytest.mark.parametrize(
    ("year", "quarter", "due"),
    [
        (2014, 4, date(2015, 1, 31)),  # a Saturday: the seed says 月底, not moved
        (2015, 1, date(2015, 4, 30)),
        (2015, 2, date(2015, 7, 31)),
        (2015, 3, date(2015, 10, 31)),
    ],
)
def test_a_quarter_is_reported_by_the_end_of_the_next_quarters_first_month(year, quarter, due):
    assert quarterly_due(year, quarter) == due


def test_the_recheck_is_due_ten_working_days_after_receipt(calendar):
    # Received Saturday 31 January 2015: 2–6, 9–13 February → the 13th.
    assert recheck_due(date(2015, 1, 31), calendar) == date(2015, 2, 13)


def test_the_recheck_runs_over_the_spring_festival(calendar):
    # Received Friday 13 February 2015: Sunday 15 (调休), 16, 17, then 18–24 off, 25, 26,
    # 27, Saturday 28 (调休), 2, 3, 4 March → the 4th.
    assert recheck_due(date(2015, 2, 13), calendar) == date(2015, 3, 4)


def test_the_recheck_runs_over_the_national_day_week(calendar):
    # Received Friday 26 September 2014: Sunday 28 (调休), 29, 30, then 1–7 October off, 8,
    # 9, 10, Saturday 11 (调休), 13, 14, 15 → the 15th.
    assert recheck_due(date(2014, 9, 26), calendar) == date(2014, 10, 15)


def test_quarters_and_months():
    assert [quarter_of(m) for m in range(1, 13)] == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]
    assert months_of(4) == (10, 11, 12)
    assert quarter_span(2014, 4) == (date(2014, 10, 1), date(2014, 12, 31))
    assert month_span(2016, 2) == (date(2016, 2, 1), date(2016, 2, 29))
    assert months_from((2014, 11), (2015, 2)) == [(2014, 11), (2014, 12), (2015, 1), (2015, 2)]
    assert months_from((2015, 2), (2014, 11)) == []
    with pytest.raises(ValueError):
        quarter_of(13)
    with pytest.raises(ValueError):
        months_of(0)
