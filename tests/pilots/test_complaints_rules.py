"""Complaint rules (seed 003 第二十三条(二)): the finding published within 30 working days of
receipt, worked over the 2015 Spring Festival and National Day with the app's calendar; the
register's numbers; late publication."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from supervision.core.workdays import CalendarNotAvailable, WorkdayCalendar
from supervision.pilots.rules.complaints import (
    complaint_due,
    complaint_number,
    overdue,
    province_abbreviation,
    published_late,
)

CALENDAR = WorkdayCalendar()  # chinesecalendar, as the app's calendar has it for 2014–2015


def test_over_the_2015_spring_festival():
    """Received Tue 10 Feb 2015. Working days after it: 11, 12, 13 Feb (3), Sun 15 Feb (调休,
    4), 16, 17 Feb (6); 18–24 Feb off (春节); 25, 26, 27 Feb and Sat 28 Feb (调休, 10); then
    four full weeks of March 2–27 (30): due Fri 27 March 2015."""
    assert complaint_due(date(2015, 2, 10), CALENDAR) == date(2015, 3, 27)
    # 30 weekdays would have been 24 March: the holiday week pushes it out.
    weekdays, d = 0, date(2015, 2, 10)
    while weekdays < 30:
        d += timedelta(days=1)
        weekdays += d.weekday() < 5
    assert d == date(2015, 3, 24)


def test_over_the_2015_national_day():
    """Received Thu 24 Sep 2015: 25, 28, 29, 30 Sep (4); 1–7 Oct off; 8, 9 Oct and Sat 10 Oct
    (调休, 7); 12 Oct – 6 Nov four weeks (27); 9, 10, 11 Nov (30): due Wed 11 Nov 2015."""
    assert complaint_due(date(2015, 9, 24), CALENDAR) == date(2015, 11, 11)


def test_the_day_of_receipt_does_not_count_even_on_a_day_off():
    # Received on Sunday 2 Nov 2014: the 30th working day after is Fri 12 Dec 2014.
    assert complaint_due(date(2014, 11, 2), CALENDAR) == date(2014, 12, 12)
    # Received Monday 3 Nov 2014 (the fixture's complaint): Mon 15 Dec 2014.
    assert complaint_due(date(2014, 11, 3), CALENDAR) == date(2014, 12, 15)


def test_an_administrators_override_moves_the_due_day():
    # Suppose 27 March 2015 were made a day off: the 30th working day becomes Mon 30 March.
    adjusted = WorkdayCalendar(overrides={date(2015, 3, 27): False})
    assert complaint_due(date(2015, 2, 10), adjusted) == date(2015, 3, 30)


def test_a_year_without_a_calendar_is_an_error_not_a_guess():
    without = WorkdayCalendar(use_official=False)
    with pytest.raises(CalendarNotAvailable):
        complaint_due(date(2015, 2, 10), without)


@pytest.mark.parametrize(
    ("code", "name", "year", "seq", "number"),
    [
        ("320000", "江苏省", 2014, 3, "苏再制造举〔2014〕3 号"),
        ("330000", "浙江省", 2015, 1, "浙再制造举〔2015〕1 号"),
        ("110000", "北京市", 2014, 12, "京再制造举〔2014〕12 号"),
        ("450000", "广西壮族自治区", 2014, 1, "桂再制造举〔2014〕1 号"),
        ("660000", "新疆生产建设兵团", 2014, 2, "兵团再制造举〔2014〕2 号"),
        ("", "内蒙古自治区", 2014, 1, "内蒙古再制造举〔2014〕1 号"),  # no code: the name
    ],
)
def test_numbers_run_within_the_province_and_year(code, name, year, seq, number):
    assert complaint_number(code, name, year, seq) == number


def test_numbers_start_at_one():
    with pytest.raises(ValueError):
        complaint_number("320000", "江苏省", 2014, 0)


def test_every_provincial_unit_has_its_abbreviation():
    from supervision.organisations.reference import PROVINCIAL_UNITS
    from supervision.pilots.rules.complaints import PROVINCE_ABBREVIATIONS

    assert {code[:2] for code, _name in PROVINCIAL_UNITS} <= set(PROVINCE_ABBREVIATIONS)
    assert province_abbreviation("320000", "江苏省") == "苏"
    assert province_abbreviation("530000", "云南省") == "滇"


def test_published_late_and_overdue():
    due = date(2015, 3, 27)
    assert not published_late(due, date(2015, 3, 27))  # on the due day: in time
    assert published_late(due, date(2015, 3, 30))  # 逾期公开
    assert not published_late(due, None)
    assert not overdue(due, None, date(2015, 3, 27))
    assert overdue(due, None, date(2015, 3, 28))
    assert not overdue(due, date(2015, 3, 30), date(2015, 4, 1))  # published: no longer overdue
