"""Showing a calendar year: the special days and the number of working days."""

from datetime import date

import pytest

from supervision.calendar import rules
from supervision.calendar.rules import SpecialDay
from supervision.core.workdays import CalendarNotAvailable, WorkdayCalendar

OFFICIAL = WorkdayCalendar()


@pytest.mark.parametrize(
    ("calendar", "year", "count"),
    [
        (OFFICIAL, 2020, 249),
        (OFFICIAL, 2021, 250),
        (WorkdayCalendar(extra_years={2027}), 2027, 261),  # Monday to Friday only
        (WorkdayCalendar(overrides={date(2027, 1, 1): False}, extra_years={2027}), 2027, 260),
        (
            WorkdayCalendar(
                overrides={date(2027, 1, 1): False, date(2027, 2, 6): True}, extra_years={2027}
            ),
            2027,
            261,
        ),
        (WorkdayCalendar(overrides={date(2020, 10, 9): False}), 2020, 248),  # a correction
    ],
)
def test_workday_count(calendar, year, count):
    assert rules.workday_count(calendar, year) == count


def test_special_days_of_2020_include_the_adjusted_national_day_workday():
    names = {date(2020, 10, 1): "国庆节", date(2020, 10, 10): "国庆节"}
    days = rules.special_days(OFFICIAL, 2020, names)
    assert SpecialDay(date(2020, 10, 10), True, "official", "国庆节") in days
    assert SpecialDay(date(2020, 10, 1), False, "official", "国庆节") in days
    assert SpecialDay(date(2020, 10, 8), False, "official", "") in days
    # ordinary weekdays and weekends are not special
    assert not {date(2020, 10, 9), date(2020, 10, 11), date(2020, 10, 12)} & {d.on for d in days}
    assert [d.on for d in days] == sorted(d.on for d in days)
    assert all(d.on.year == 2020 for d in days)


def test_special_days_list_every_override():
    calendar = WorkdayCalendar(
        overrides={
            date(2027, 1, 1): False,  # a Friday off
            date(2027, 2, 6): True,  # a Saturday worked
            date(2027, 3, 3): True,  # a Wednesday "worked": no change, still listed
        },
        extra_years={2027},
    )
    assert rules.special_days(calendar, 2027, {date(2027, 1, 1): "元旦"}) == [
        SpecialDay(date(2027, 1, 1), False, "override", "元旦"),
        SpecialDay(date(2027, 2, 6), True, "override", ""),
        SpecialDay(date(2027, 3, 3), True, "override", ""),
    ]


def test_special_days_of_a_year_without_a_calendar():
    with pytest.raises(CalendarNotAvailable) as caught:
        rules.special_days(OFFICIAL, 2027)
    assert caught.value.year == 2027


@pytest.mark.parametrize("english", sorted(rules.HOLIDAY_NAMES))
def test_every_holiday_name_has_a_chinese_name(english):
    assert rules.HOLIDAY_NAMES[english]
    assert all(not c.isascii() or c.isdigit() for c in rules.HOLIDAY_NAMES[english])
