"""Tests for supervision.core.workdays (figures checked against chinesecalendar 1.11.0)."""

import ast
import csv
import io
import pickle
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import supervision.core.workdays as wd
from supervision.core.workdays import (
    OFFICIAL,
    CalendarDayRow,
    CalendarNotAvailable,
    RowError,
    WorkdayCalendar,
    add_workdays,
    calendar_deadline,
    is_workday,
    nth_workday_of_month,
    parse_calendar_rows,
    roll_forward,
    workdays_between,
)

D = date.fromisoformat


FORBIDDEN = {"flask", "sqlalchemy", "wtforms", "openpyxl", "apscheduler"}


def test_module_imports_only_stdlib_and_chinese_calendar():
    """Statically: the module's own imports (the package __init__ imports Flask, that's fine)."""
    tree = ast.parse(Path(wd.__file__).read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports: they would pull in the Flask package"
            roots.add(node.module.split(".")[0])
    assert roots - sys.stdlib_module_names == {"chinese_calendar"}


def test_module_loads_without_heavy_libraries():
    """At run time too: load the file on its own, bypassing supervision/__init__.py."""
    code = (
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('workdays_alone', sys.argv[1])\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.modules[spec.name] = module\n"
        "spec.loader.exec_module(module)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[2:])))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, wd.__file__, *FORBIDDEN],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_2020_has_249_working_days():
    assert workdays_between(D("2019-12-31"), D("2020-12-31")) == 249


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2020-02-01", False),  # Saturday, Spring Festival extension (was a 调休 workday before)
        ("2020-01-31", False),  # Friday, Spring Festival extension
        ("2020-10-01", False),  # National Day
        ("2020-01-02", True),  # ordinary Thursday
        ("2020-01-04", False),  # ordinary Saturday
        # adjusted weekend workdays (调休)
        ("2020-01-19", True),
        ("2020-04-26", True),
        ("2020-05-09", True),
        ("2020-06-28", True),
        ("2020-09-27", True),
        ("2020-10-10", True),
    ],
)
def test_is_workday_2020(day, expected):
    assert is_workday(D(day)) is expected


def test_accepts_datetime():
    assert is_workday(datetime(2020, 10, 10, 9, 30)) is True
    assert add_workdays(datetime(2020, 10, 1, 23, 0), 1) == D("2020-10-09")


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2020-09-25", 15, "2020-10-22"),
        ("2020-01-20", 10, "2020-02-11"),
        ("2020-10-22", -15, "2020-09-25"),
        ("2020-02-11", -10, "2020-01-20"),
        ("2020-10-01", 1, "2020-10-09"),  # starting on a holiday: the day itself never counts
        ("2020-10-09", -1, "2020-09-30"),
        ("2020-10-01", 0, "2020-10-01"),  # n == 0 is identity, even on a day off
        ("2020-09-25", 0, "2020-09-25"),
        ("2020-10-09", 1, "2020-10-10"),  # Saturday workday counts
        ("2019-12-31", 1, "2020-01-02"),  # crosses a year boundary inside covered years
    ],
)
def test_add_workdays(start, n, expected):
    assert add_workdays(D(start), n) == D(expected)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2020-09-25", "2020-10-22", 15),
        ("2020-10-22", "2020-09-25", -15),
        ("2020-10-01", "2020-10-01", 0),
        ("2020-09-30", "2020-10-08", 0),  # whole National Day break
        ("2020-09-30", "2020-10-09", 1),
    ],
)
def test_workdays_between(a, b, expected):
    assert workdays_between(D(a), D(b)) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("2020-09-25", "2020-10-22"),
        ("2020-10-22", "2020-09-25"),
        ("2020-10-01", "2020-10-09"),  # a is a holiday
        ("2020-01-20", "2020-02-11"),
        ("2020-03-03", "2020-03-03"),
        ("2019-06-01", "2021-02-26"),
    ],
)
def test_workdays_between_round_trips(a, b):
    assert is_workday(D(b))
    assert add_workdays(D(a), workdays_between(D(a), D(b))) == D(b)


@pytest.mark.parametrize(
    ("year", "month", "n", "expected"),
    [
        (2020, 10, 1, "2020-10-09"),
        (2020, 10, 2, "2020-10-10"),
        (2020, 1, 1, "2020-01-02"),
        (2020, 10, 17, "2020-10-30"),  # October 2020 has exactly 17 working days
    ],
)
def test_nth_workday_of_month(year, month, n, expected):
    assert nth_workday_of_month(year, month, n) == D(expected)


@pytest.mark.parametrize(("n", "fragment"), [(0, ">= 1"), (-1, ">= 1"), (18, "只有 17 个工作日")])
def test_nth_workday_of_month_errors(n, fragment):
    with pytest.raises(ValueError, match=fragment):
        nth_workday_of_month(2020, 10, n)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2020-10-01", "2020-10-09"),
        ("2020-10-09", "2020-10-09"),
        ("2020-09-27", "2020-09-27"),  # Sunday workday
        ("2020-10-11", "2020-10-12"),  # ordinary Sunday
    ],
)
def test_roll_forward(day, expected):
    assert roll_forward(D(day)) == D(expected)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2020-09-26", 5, "2020-10-09"),  # lands on 10-01 (holiday) and moves on
        ("2020-09-20", 7, "2020-09-27"),  # lands on a working Sunday and stays
        ("2020-10-03", 7, "2020-10-10"),  # lands on a working Saturday and stays
        ("2020-09-01", 0, "2020-09-01"),
    ],
)
def test_calendar_deadline(start, days, expected):
    assert calendar_deadline(D(start), days) == D(expected)


@pytest.mark.parametrize(
    "call",
    [
        lambda: is_workday(D("2027-01-04")),
        lambda: add_workdays(D("2026-12-30"), 5),  # walks off the end of 2026
        lambda: workdays_between(D("2026-12-01"), D("2027-01-15")),
        lambda: nth_workday_of_month(2027, 1, 1),
        lambda: roll_forward(D("2027-03-01")),
        lambda: calendar_deadline(D("2026-12-25"), 10),
        lambda: add_workdays(D("2004-01-05"), -5),  # walks back into 2003
    ],
)
def test_uncovered_year_raises(call):
    with pytest.raises(CalendarNotAvailable) as excinfo:
        call()
    assert excinfo.value.year in (2027, 2003)
    assert str(excinfo.value.year) in str(excinfo.value)


def test_calendar_not_available_details():
    err = CalendarNotAvailable(2027)
    assert isinstance(err, LookupError)
    assert err.year == 2027
    assert str(err) == "尚无 2027 年的法定节假日安排"
    assert pickle.loads(pickle.dumps(err)).year == 2027
    assert not OFFICIAL.covers(2027)
    assert OFFICIAL.covers(2004) and OFFICIAL.covers(2026) and not OFFICIAL.covers(2003)


CAL_2027 = WorkdayCalendar(
    overrides={
        D("2027-01-01"): False,  # Friday, New Year's Day
        D("2027-01-09"): True,  # Saturday made a working day
        D("2027-01-05"): False,  # Tuesday made a day off
    },
    extra_years={2027},
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2027-01-01", False),
        ("2027-01-02", False),  # Saturday
        ("2027-01-03", False),  # Sunday
        ("2027-01-04", True),  # Monday
        ("2027-01-05", False),
        ("2027-01-09", True),
        ("2027-01-10", False),
        ("2026-10-01", False),  # official years still come from chinesecalendar
    ],
)
def test_extra_year_calendar(day, expected):
    assert CAL_2027.is_workday(D(day)) is expected
    assert is_workday(D(day), CAL_2027) is expected


def test_extra_year_arithmetic():
    assert CAL_2027.covers(2027) and not CAL_2027.covers(2028)
    assert add_workdays(D("2026-12-30"), 1, CAL_2027) == D("2026-12-31")
    assert add_workdays(D("2026-12-30"), 2, CAL_2027) == D("2027-01-04")
    assert add_workdays(D("2026-12-30"), 5, CAL_2027) == D("2027-01-08")
    assert nth_workday_of_month(2027, 1, 1, CAL_2027) == D("2027-01-04")
    assert calendar_deadline(D("2026-12-31"), 1, CAL_2027) == D("2027-01-04")
    with pytest.raises(CalendarNotAvailable) as excinfo:
        add_workdays(D("2027-12-30"), 5, CAL_2027)
    assert excinfo.value.year == 2028


def test_override_in_uncovered_year_does_not_cover_it():
    cal = WorkdayCalendar(overrides={D("2028-01-03"): True})
    with pytest.raises(CalendarNotAvailable):
        cal.is_workday(D("2028-01-03"))


def test_overrides_correct_an_official_year():
    cal = WorkdayCalendar(overrides={D("2020-10-09"): False, D("2020-10-05"): True})
    assert cal.is_workday(D("2020-10-09")) is False
    assert cal.is_workday(D("2020-10-05")) is True
    assert add_workdays(D("2020-10-01"), 1, cal) == D("2020-10-05")
    cal = WorkdayCalendar(overrides={D("2020-10-09"): False})
    assert add_workdays(D("2020-10-01"), 1, cal) == D("2020-10-10")  # Saturday workday
    assert add_workdays(D("2020-10-01"), 1) == D("2020-10-09")  # OFFICIAL untouched


def test_calendar_is_a_snapshot_of_its_inputs():
    overrides = {D("2027-01-04"): False}
    years = {2027}
    cal = WorkdayCalendar(overrides=overrides, extra_years=years)
    overrides[D("2027-01-04")] = True
    years.clear()
    assert cal.covers(2027) and cal.is_workday(D("2027-01-04")) is False


def test_use_official_false():
    cal = WorkdayCalendar(use_official=False, extra_years={2020})
    assert cal.is_workday(D("2020-10-01")) is True  # plain Thursday without chinesecalendar
    assert not cal.covers(2021)


def test_gap_guard_on_broken_admin_data():
    # Two administrator years with every day overridden as off: no working day for 731 days.
    all_off = {D("2027-01-01") + timedelta(days=i): False for i in range(731)}
    cal = WorkdayCalendar(overrides=all_off, extra_years={2027, 2028})
    with pytest.raises(ValueError, match="没有工作日"):
        cal.add_workdays(D("2026-12-31"), 1)


# --- CSV parsing ------------------------------------------------------------------------------


def _reader(text):
    return csv.DictReader(io.StringIO(text))


def test_parse_good_rows():
    text = (
        "date,kind,name\n"
        "2027-01-01,holiday,元旦\n"
        "2027-02-06,休,春节\n"
        "2027-02-07,workday,春节\n"
        "2027-02-20,班,\n"
        "2027-02-22,Holiday\n"  # missing name cell, English kind case-insensitive
        "2027-03-01,workday,普通周一\n"  # workday on an ordinary weekday is harmless
    )
    rows, errors = parse_calendar_rows(_reader(text))
    assert errors == []
    assert rows == [
        CalendarDayRow(D("2027-01-01"), False, "元旦"),
        CalendarDayRow(D("2027-02-06"), False, "春节"),
        CalendarDayRow(D("2027-02-07"), True, "春节"),
        CalendarDayRow(D("2027-02-20"), True, ""),
        CalendarDayRow(D("2027-02-22"), False, ""),
        CalendarDayRow(D("2027-03-01"), True, "普通周一"),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("2027/01/01,休,x\n", [RowError(2, "date", "日期格式应为 YYYY-MM-DD")]),
        ("20270101,休,x\n", [RowError(2, "date", "日期格式应为 YYYY-MM-DD")]),
        ("2027-02-30,休,x\n", [RowError(2, "date", "日期不存在：2027-02-30")]),
        (",休,x\n", [RowError(2, "date", "日期格式应为 YYYY-MM-DD")]),
        ("2027-01-01,off,x\n", [RowError(2, "kind", "类型应为 holiday/休 或 workday/班")]),
        ("2027-01-01,,x\n", [RowError(2, "kind", "类型应为 holiday/休 或 workday/班")]),
        (
            "bad,bad,x\n",
            [
                RowError(2, "date", "日期格式应为 YYYY-MM-DD"),
                RowError(2, "kind", "类型应为 holiday/休 或 workday/班"),
            ],
        ),
        (
            "2027-01-01,休,a\n2027-01-02,休,b\n2027-01-01,班,c\n",
            [RowError(4, "date", "日期重复（第 2 行已有）")],
        ),
    ],
)
def test_parse_errors(body, expected):
    _, errors = parse_calendar_rows(_reader("date,kind,name\n" + body))
    assert errors == expected


def test_parse_line_numbers_with_plain_list_and_blank_lines():
    plain = [{"date": "2027-01-01", "kind": "休"}, {"date": "x", "kind": "休"}]
    assert parse_calendar_rows(plain)[1] == [RowError(3, "date", "日期格式应为 YYYY-MM-DD")]
    # csv.DictReader skips blank lines; the reported line must still be the file line.
    text = "date,kind,name\n2027-01-01,休,a\n\n2027-01-02,xx,b\n"
    assert parse_calendar_rows(_reader(text))[1] == [
        RowError(4, "kind", "类型应为 holiday/休 或 workday/班")
    ]


def test_parse_tolerates_bom_and_spaces_in_header():
    rows, errors = parse_calendar_rows(_reader("\ufeffDate , Kind ,name\n 2027-01-01 , 休 ,元旦\n"))
    assert errors == []
    assert rows == [CalendarDayRow(D("2027-01-01"), False, "元旦")]


def test_walking_past_the_last_representable_day_is_no_calendar_not_a_crash():
    calendar = WorkdayCalendar(extra_years=frozenset({9999}))
    with pytest.raises(CalendarNotAvailable) as caught:
        calendar.add_workdays(date(9999, 12, 31), 1)
    assert caught.value.year == 10000
