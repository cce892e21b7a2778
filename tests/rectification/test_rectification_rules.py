"""Rectification rules with worked examples: deadlines over holidays, numbers, wording, the
notice's steps, extension and decision checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from supervision.core.workdays import WorkdayCalendar
from supervision.rectification import rules

CAL = WorkdayCalendar()


# -- deadlines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("served", "basis", "days", "on", "expected"),
    [
        # DOMAIN 6.7: 15 working days after 2020-09-25 cross National Day (10-01…10-08 off,
        # 09-27 and 10-10 adjusted Saturdays/Sundays on) → 2020-10-22.
        (date(2020, 9, 25), "workdays", 15, None, date(2020, 10, 22)),
        # 10 working days after 2020-01-20 cross the (extended) Spring Festival → 2020-02-11.
        (date(2020, 1, 20), "workdays", 10, None, date(2020, 2, 11)),
        # The service day is not counted: 1 working day after Friday 2020-09-25 is Sunday
        # 2020-09-27 (an adjusted working day).
        (date(2020, 9, 25), "workdays", 1, None, date(2020, 9, 27)),
        # 10 calendar days after 2020-09-21 is 10-01 (holiday) → the next working day, 10-09.
        (date(2020, 9, 21), "days", 10, None, date(2020, 10, 9)),
        # … and a period ending on a working day stays where it is (2020-09-30, Wednesday).
        (date(2020, 9, 20), "days", 10, None, date(2020, 9, 30)),
        # Sunday 2020-10-11 is a day off → Monday 10-12.
        (date(2020, 10, 1), "days", 10, None, date(2020, 10, 12)),
        # A date: taken as given, also the service day itself.
        (date(2020, 9, 25), "date", None, date(2020, 11, 30), date(2020, 11, 30)),
        (date(2020, 9, 25), "date", None, date(2020, 9, 25), date(2020, 9, 25)),
    ],
)
def test_notice_deadline_worked_examples(served, basis, days, on, expected):
    assert rules.notice_deadline(served, basis, CAL, days=days, on=on) == expected


def test_a_deadline_date_before_service_is_refused():
    with pytest.raises(ValueError, match="不能早于送达日期"):
        rules.notice_deadline(date(2020, 9, 25), "date", CAL, on=date(2020, 9, 24))
    assert rules.deadline_input_problem(
        date(2020, 9, 25), "date", days=None, on=date(2020, 9, 24)
    ) == ("date_before_service", "deadline_on")


@pytest.mark.parametrize(
    ("basis", "days", "on", "problem"),
    [
        ("weeks", 3, None, ("unknown_basis", "basis")),
        ("date", None, None, ("missing_date", "deadline_on")),
        ("date", None, date(2022, 9, 26), ("too_long", "deadline_on")),
        ("date", None, date(2022, 9, 25), None),  # 730 days: the longest allowed
        ("workdays", None, None, ("missing_days", "days")),
        ("workdays", 0, None, ("missing_days", "days")),
        ("days", -3, None, ("missing_days", "days")),
        ("days", 731, None, ("too_long", "days")),
        ("days", 730, None, None),
        ("workdays", 1, None, None),
    ],
)
def test_deadline_input_problems(basis, days, on, problem):
    served = date(2020, 9, 25)
    assert rules.deadline_input_problem(served, basis, days=days, on=on) == problem


def test_reinspection_is_due_working_days_after_the_deadline_in_force():
    assert rules.reinspection_due_on(date(2020, 9, 25), CAL, workdays=15) == date(2020, 10, 22)


# -- number and wording ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agency", "short"),
    [
        ("洛阳市节能监察支队", "洛阳"),
        ("南京市节能监察中心", "南京"),
        ("昆山市节能监察大队", "昆山"),
        ("江苏省工业和信息化厅", "江苏"),
        ("广西壮族自治区工业和信息化厅", "广西"),
        ("新疆生产建设兵团", "新疆生产建设兵团"),
        ("监察中心", "监察中心"),  # nothing left: keep the name
        ("某区", "某区"),  # too short to lose its ending
    ],
)
def test_agency_short_name(agency, short):
    assert rules.agency_short_name(agency) == short


def test_notice_number_format():
    assert rules.notice_number("洛阳市节能监察支队", 2020, 3) == "洛阳节监改〔2020〕3号"
    assert rules.notice_number("南京市节能监察中心", 2021, 12) == "南京节监改〔2021〕12号"


def test_deadline_sentences():
    deadline = date(2020, 10, 22)
    assert rules.deadline_sentence(deadline, "workdays", 15) == (
        "请于2020年10月22日前（自送达之日起15个工作日内）完成整改"
    )
    assert rules.deadline_sentence(date(2020, 10, 9), "days", 10) == (
        "请于2020年10月9日前（自送达之日起10日内）完成整改"
    )
    assert rules.deadline_sentence(deadline, "date", None) == "请于2020年10月22日前完成整改"
    assert rules.chinese_date(date(2020, 1, 5)) == "2020年1月5日"


def test_late_service_is_a_warning_after_the_set_days():
    visit = date(2020, 9, 1)
    assert not rules.service_late(visit, date(2020, 9, 21), 20)  # 20 days: in time
    assert rules.service_late(visit, date(2020, 9, 22), 20)  # 21 days: late
    assert not rules.service_late(None, date(2021, 1, 1), 20)  # no visit date: no judgement


def test_service_date_checks():
    today = date(2020, 10, 1)
    assert rules.served_problem(date(2020, 9, 10), date(2020, 9, 9), today) == (
        "served_before_visit"
    )
    assert rules.served_problem(date(2020, 9, 10), date(2020, 9, 10), today) is None
    assert rules.served_problem(None, date(2020, 10, 31), today) is None  # 30 days ahead
    assert rules.served_problem(None, date(2020, 11, 1), today) == "served_far_ahead"


# -- the notice's life -------------------------------------------------------------------------


def test_step_table():
    problem = rules.step_problem
    for status in ("issued", "reported"):
        assert problem(status, "report") is None
        assert problem(status, "extension") is None
        assert problem(status, "reinspection") is None
        assert problem(status, "decision") == "decision_before_reinspection"
        assert problem(status, "extension", extended=True) == "extended_once"
    assert problem("rectified", "decision") == "rectified_needs_no_decision"
    assert problem("rectified", "report") == "reinspected"
    assert problem("partly", "decision") is None
    assert problem("not_rectified", "decision") is None
    assert problem("not_rectified", "reinspection") == "reinspected"
    assert problem("handled", "decision") == "handled"
    assert problem("handled", "report") == "handled"


def test_status_after_each_step():
    after = rules.status_after
    assert after("issued", "report") == "reported"
    assert after("reported", "report") == "reported"
    assert after("issued", "extension") == "issued"
    assert after("reported", "reinspection", "rectified") == "rectified"
    assert after("reported", "reinspection", "partly") == "partly"
    assert after("issued", "reinspection", "not_rectified") == "not_rectified"
    assert after("not_rectified", "decision") == "handled"
    with pytest.raises(ValueError):
        after("issued", "reinspection", "maybe")


def test_overdue_means_deadline_passed_without_a_report():
    deadline = date(2020, 10, 22)
    assert not rules.is_overdue("issued", deadline, date(2020, 10, 22))  # the last day
    assert rules.is_overdue("issued", deadline, date(2020, 10, 23))
    assert not rules.is_overdue("reported", deadline, date(2020, 10, 23))
    assert rules.days_left(deadline, date(2020, 10, 20)) == 2
    assert rules.days_left(deadline, date(2020, 10, 25)) == -3


def _extension(**changes):
    values = {
        "served_on": date(2020, 9, 25),
        "current_deadline": date(2020, 10, 22),
        "requested_on": date(2020, 10, 15),
        "granted_on": date(2020, 10, 16),
        "new_deadline": date(2020, 11, 20),
        "reason": "设备供货周期延长",
        "today": date(2020, 10, 20),
    }
    values.update(changes)
    return rules.extension_problem(**values)


def test_extension_checks():
    assert _extension() is None
    assert _extension(requested_on=None) == ("missing", "requested_on")
    assert _extension(requested_on=date(2020, 9, 24)) == (
        "requested_before_service",
        "requested_on",
    )
    # The request must come before the deadline runs out (the last day still counts).
    late = {"granted_on": date(2020, 10, 24), "today": date(2020, 10, 25)}
    assert _extension(requested_on=date(2020, 10, 22), **late) is None
    assert _extension(requested_on=date(2020, 10, 23), **late) == (
        "requested_after_deadline",
        "requested_on",
    )
    assert _extension(reason="  ") == ("no_reason", "reason")
    assert _extension(granted_on=date(2020, 10, 14)) == ("granted_before_request", "granted_on")
    assert _extension(granted_on=date(2020, 10, 21)) == ("future", "granted_on")
    assert _extension(new_deadline=date(2020, 10, 22)) == ("not_later", "extended_deadline_on")
    assert _extension(new_deadline=date(2020, 10, 23)) is None


def _decision(**changes):
    values = {
        "penalty_number": "宁工信罚〔2020〕7号",
        "penalty_amount": Decimal("50000.00"),
        "ladder_price_applied": False,
        "referral": "",
        "notes": "",
    }
    values.update(changes)
    return rules.decision_problem(**values)


def test_decision_checks():
    assert _decision() is None
    assert _decision(penalty_amount=Decimal("0")) is None
    assert _decision(penalty_amount=Decimal("-0.01")) == ("negative", "penalty_amount")
    assert _decision(penalty_amount=Decimal("12.345")) == ("cents", "penalty_amount")
    assert _decision(penalty_amount=Decimal("12.340")) is None  # still whole cents
    assert _decision(penalty_amount=Decimal("1E+13")) == ("too_large", "penalty_amount")
    assert _decision(penalty_amount=Decimal("NaN")) == ("negative", "penalty_amount")
    assert _decision(penalty_number="") == ("no_number", "penalty_number")
    assert _decision(penalty_number="", penalty_amount=None) == ("nothing", "notes")
    assert _decision(penalty_number="", penalty_amount=None, ladder_price_applied=True) is None
    assert _decision(penalty_number="", penalty_amount=None, referral="市发展改革委") is None


def test_record_dates():
    today = date(2020, 10, 20)
    served = date(2020, 9, 25)
    check = rules.record_date_problem
    assert check(None, not_before=served, today=today) == "missing"
    assert check(date(2020, 9, 24), not_before=served, today=today) == "too_early"
    assert check(served, not_before=served, today=today) is None
    assert check(today, not_before=served, today=today) is None
    assert check(date(2020, 10, 21), not_before=served, today=today) == "future"
