"""The calendar in force: imports, corrections and the names of special days."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from supervision.calendar import rules, service
from supervision.calendar.models import CalendarDay, CalendarYear
from supervision.core.models import AuditEntry
from supervision.core.workdays import CalendarNotAvailable, parse_calendar_rows
from supervision.extensions import db


def rows_of(text: str):
    rows, errors = parse_calendar_rows(csv.DictReader(io.StringIO(text)))
    assert errors == []
    return rows


CSV_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-06,workday,春节调休
2027-02-08,holiday,春节
"""


def stored_days(year: int) -> dict[date, tuple[bool, str]]:
    days = db.session.scalars(
        select(CalendarDay).where(CalendarDay.on.between(date(year, 1, 1), date(year, 12, 31)))
    )
    return {d.on: (d.is_workday, d.name) for d in days}


def test_importing_a_year_makes_it_covered(database):
    assert not service.load_calendar().covers(2027)
    assert service.import_days(
        rows_of(CSV_2027), source="国办发明电〔2026〕7号", file_name="2027.csv"
    ) == {2027: 3}
    db.session.commit()

    calendar = service.load_calendar()
    assert calendar.covers(2027)
    assert not calendar.is_workday(date(2027, 1, 1))
    assert calendar.is_workday(date(2027, 2, 6))  # a Saturday worked
    assert not calendar.is_workday(date(2027, 2, 7))  # a Sunday
    assert calendar.is_workday(date(2027, 1, 4))  # an ordinary Monday
    assert rules.workday_count(calendar, 2027) == 261 - 2 + 1
    assert db.session.get(CalendarYear, 2027).source == "国办发明电〔2026〕7号"
    assert (2027, "database") in service.covered_years()
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity == "calendar_years", AuditEntry.action == "import"
        )
    )
    assert entry.entity_id == "2027"
    assert entry.changes == {"days": [None, 3], "source": [None, "国办发明电〔2026〕7号"]}


def test_reimporting_a_year_replaces_its_days(database):
    service.import_days(rows_of(CSV_2027), source="第一版", file_name="a.csv")
    service.import_days(
        rows_of("date,kind,name\n2028-01-03,holiday,元旦\n"), source="2028", file_name="b.csv"
    )
    db.session.commit()
    service.import_days(
        rows_of("date,kind,name\n2027-01-01,holiday,元旦\n2027-10-09,workday,国庆节调休\n"),
        source="第二版",
        file_name="c.csv",
    )
    db.session.commit()
    assert stored_days(2027) == {
        date(2027, 1, 1): (False, "元旦"),
        date(2027, 10, 9): (True, "国庆节调休"),
    }
    assert stored_days(2028) == {date(2028, 1, 3): (False, "元旦")}  # other years untouched
    assert db.session.get(CalendarYear, 2027).source == "第二版"
    calendar = service.load_calendar()
    assert calendar.is_workday(date(2027, 2, 8))  # the first version's holiday is gone
    assert not calendar.is_workday(date(2027, 1, 1))


def test_corrections_to_an_official_year_change_the_arithmetic(database):
    start = date(2020, 9, 25)
    assert service.load_calendar().add_workdays(start, 15) == date(2020, 10, 22)
    imported = service.import_days(
        rows_of("date,kind,name\n2020-10-09,holiday,国庆节调整\n"), source="更正", file_name="x.csv"
    )
    db.session.commit()
    assert imported == {2020: 1}
    calendar = service.load_calendar()
    assert calendar.add_workdays(start, 15) == date(2020, 10, 23)
    assert rules.workday_count(calendar, 2020) == 248
    assert db.session.get(CalendarYear, 2020) is None  # an official year is not "published"
    assert service.day_names(2020)[date(2020, 10, 9)] == "国庆节调整"


def test_day_names_of_an_official_year_are_chinese(database):
    names = service.day_names(2020)
    assert names[date(2020, 10, 1)] == "国庆节"
    assert names[date(2020, 10, 10)] == "国庆节"  # the adjusted workday
    assert names[date(2020, 1, 25)] == "春节"
    special = rules.special_days(service.load_calendar(), 2020, names)
    assert rules.SpecialDay(date(2020, 10, 10), True, "official", "国庆节") in special


def test_set_and_remove_a_day(database):
    day = date(2020, 10, 9)
    service.set_day(day, False, "调整")
    db.session.commit()
    assert not service.current_calendar().is_workday(day)  # the cached calendar was dropped
    service.set_day(day, True, "")
    db.session.commit()
    assert stored_days(2020) == {day: (True, "")}
    assert service.remove_day(day) is True
    assert service.remove_day(day) is False
    db.session.commit()
    assert stored_days(2020) == {}


def test_remove_year_withdraws_a_published_year(database):
    service.import_days(rows_of(CSV_2027), source="x", file_name="x.csv")
    db.session.commit()
    service.remove_year(2027)
    db.session.commit()
    assert stored_days(2027) == {}
    with pytest.raises(CalendarNotAvailable):
        service.load_calendar().is_workday(date(2027, 3, 1))


def test_the_last_representable_year_can_be_imported(database):
    service.import_days(
        rows_of("date,kind,name\n9999-12-31,holiday,\n"), source="x", file_name="x.csv"
    )
    db.session.commit()
    assert stored_days(9999) == {date(9999, 12, 31): (False, "")}
