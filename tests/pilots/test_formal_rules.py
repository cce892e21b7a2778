"""The pure rules of a pilot call: the formal review and each of its reasons, its due date on
the real calendar, the commitment letter, the pilots' numbers and the call's facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from supervision.core.workdays import WorkdayCalendar
from supervision.pilots.rules.formal import (
    DocumentFacts,
    call_problems,
    code_number,
    commitment_overdue,
    document_problems,
    formal_review,
    formal_review_due,
    number_pilots,
    parse_lines,
    parse_product_classes,
    product_classes_text,
)

ON = date(2014, 10, 15)
QUALIFICATIONS = ["注册资本不低于 1000 万元", "列入国家再制造试点企业名单"]
REQUIRED = ["business", "production", "quality"]


def valid_documents(**changes) -> list[DocumentFacts]:
    documents = {
        "business": DocumentFacts("business", "B-1", date(2010, 1, 1), None),
        "production": DocumentFacts("production", "P-1", date(2012, 1, 1), date(2016, 12, 31)),
        "quality": DocumentFacts("quality", "Q-1", date(2013, 5, 1), date(2016, 4, 30)),
    }
    documents.update(changes)
    return [d for d in documents.values() if d is not None]


def review(met=(True, True), complete=True, documents=None, on=ON):
    pairs = list(zip(QUALIFICATIONS, met, strict=True))
    return formal_review(pairs, complete, documents or valid_documents(), REQUIRED, on)


def test_an_application_meeting_everything_passes_without_reasons():
    result = review()
    assert result.passed and result.reasons == ()


@pytest.mark.parametrize(
    ("changes", "reasons"),
    [
        ({"met": (False, True)}, ["不具备资格条件：注册资本不低于 1000 万元"]),
        ({"met": (True, None)}, ["不具备资格条件：列入国家再制造试点企业名单"]),
        ({"complete": False}, ["申请文件内容不完整"]),
        ({"complete": None}, ["申请文件内容不完整"]),
        ({"documents": valid_documents(production=None)}, ["缺少生产许可证"]),
        (
            {
                "documents": valid_documents(
                    quality=DocumentFacts("quality", "Q-1", date(2011, 1, 1), date(2014, 10, 14))
                )
            },
            ["质量体系认证证书（Q-1）已过有效期（有效期至 2014-10-14）"],
        ),
        (
            {
                "documents": valid_documents(
                    production=DocumentFacts("production", "", date(2014, 10, 16), None)
                )
            },
            ["生产许可证尚未生效（有效期自 2014-10-16 起）"],
        ),
        (
            {
                "documents": valid_documents(
                    business=DocumentFacts("business", "B-1", date(2010, 1, 1), None, False)
                )
            },
            ["营业执照（B-1）未通过年检"],
        ),
    ],
)
def test_each_failure_is_a_reason(changes, reasons):
    result = review(**changes)
    assert not result.passed
    assert list(result.reasons) == reasons


def test_every_failure_is_listed_in_order():
    documents = [
        DocumentFacts("business", "B-1", date(2010, 1, 1), date(2014, 1, 1), inspected=False),
        DocumentFacts("quality", "Q-1", date(2013, 5, 1), None),
    ]
    result = review(met=(False, False), complete=False, documents=documents)
    assert result.reasons == (
        "不具备资格条件：注册资本不低于 1000 万元",
        "不具备资格条件：列入国家再制造试点企业名单",
        "申请文件内容不完整",
        "营业执照（B-1）已过有效期（有效期至 2014-01-01）",
        "营业执照（B-1）未通过年检",
        "缺少生产许可证",
    )


def test_a_document_is_valid_on_the_last_and_the_first_day_of_its_validity():
    last_day = DocumentFacts("quality", "Q-1", date(2011, 10, 15), ON)
    first_day = DocumentFacts("production", "P-1", ON, date(2017, 1, 1))
    assert document_problems(last_day, ON) == []
    assert document_problems(first_day, ON) == []
    assert review(documents=valid_documents(quality=last_day, production=first_day)).passed
    # The next day the certificate has expired.
    expired = review(documents=valid_documents(quality=last_day), on=date(2014, 10, 16))
    assert expired.reasons == ("质量体系认证证书（Q-1）已过有效期（有效期至 2014-10-15）",)


def test_one_valid_document_of_a_kind_is_enough_and_other_kinds_are_not_required():
    old = DocumentFacts("production", "P-0", date(2008, 1, 1), date(2013, 12, 31))
    new = DocumentFacts("production", "P-1", date(2014, 1, 1), date(2018, 12, 31))
    stale_other = DocumentFacts("other", "X", None, date(2000, 1, 1))
    documents = [*valid_documents(production=None), old, new, stale_other]
    assert review(documents=documents).passed
    only_old = [*valid_documents(production=None), old]
    assert review(documents=only_old).reasons == (
        "生产许可证（P-0）已过有效期（有效期至 2013-12-31）",
    )


def test_the_formal_review_is_due_15_working_days_after_the_close_over_national_day():
    """2014: 1–7 October off, Saturday 11 October worked (调休). The 15 working days after
    Tuesday 30 September are 8, 9, 10, 11, 13–17, 20–24 and 27 October."""
    calendar = WorkdayCalendar()
    assert formal_review_due(date(2014, 9, 30), calendar) == date(2014, 10, 27)
    # An ordinary fortnight: closing Friday 2014-11-14 → three weeks later, Friday 12-05.
    assert formal_review_due(date(2014, 11, 14), calendar) == date(2014, 12, 5)


def test_the_real_calendar_of_the_app_gives_the_same_date(app):
    from supervision.calendar.service import current_calendar

    with app.app_context():
        assert formal_review_due(date(2014, 9, 30), current_calendar()) == date(2014, 10, 27)


@pytest.mark.parametrize(
    ("due", "signed", "today", "overdue"),
    [
        (date(2014, 12, 31), None, date(2014, 12, 31), False),  # the due day itself: in time
        (date(2014, 12, 31), None, date(2015, 1, 1), True),
        (date(2014, 12, 31), date(2015, 1, 5), date(2015, 1, 6), False),  # signed (late)
        (None, None, date(2015, 1, 1), False),
    ],
)
def test_a_commitment_letter_is_overdue_once_the_due_day_has_passed_unsigned(
    due, signed, today, overdue
):
    assert commitment_overdue(due, signed, today) is overdue


def test_pilots_are_numbered_in_ranking_order_and_coded_with_two_digits():
    ranked = [31, 12, 47, 5, 18]  # ties keep the ranking's own order
    assert number_pilots(ranked, {47, 31, 5}) == {31: 1, 47: 2, 5: 3}
    assert number_pilots(ranked, []) == {}
    with pytest.raises(ValueError, match="not ranked"):
        number_pilots(ranked, {99})
    with pytest.raises(ValueError, match="more than 99"):
        number_pilots(list(range(100)), range(100))
    assert code_number(1) == "01" and code_number(12) == "12" and code_number(99) == "99"
    for wrong in (0, 100):
        with pytest.raises(ValueError):
            code_number(wrong)


def test_product_classes_are_typed_one_per_line():
    classes, problems = parse_product_classes("F|0|发动机\n\n B ｜ 0 ｜ 变速箱 \nF|1|发电机")
    assert problems == []
    assert classes == [
        {"letter": "F", "correction": 0, "name": "发动机"},
        {"letter": "B", "correction": 0, "name": "变速箱"},
        {"letter": "F", "correction": 1, "name": "发电机"},
    ]
    assert product_classes_text(classes) == "F|0|发动机\nB|0|变速箱\nF|1|发电机"
    _classes, problems = parse_product_classes("f|0|发动机\nF|10|发动机\nF|0|发动机\nF|0|发电机")
    assert problems == [
        "第 1 行：应为“大写字母|校正码|产品名称”，如 F|0|发动机",
        "第 2 行：应为“大写字母|校正码|产品名称”，如 F|0|发动机",
        "第 4 行：F0 已用于另一类产品",
    ]
    assert parse_lines(" 甲 \n\n乙\n") == ["甲", "乙"]


def facts(**changes) -> dict:
    values = {
        "year": 2014,
        "opens_on": date(2014, 9, 1),
        "closes_on": date(2014, 9, 30),
        "product_classes": [{"letter": "F", "correction": 0, "name": "发动机"}],
        "qualifications": ["注册资本不低于 1000 万元"],
        "required_documents": ["business"],
        "known_documents": REQUIRED + ["other"],
        "check_rate": Decimal("0.05"),
        "funding_cap_wan": Decimal("2000"),
        "max_selected": 4,
    }
    values.update(changes)
    return values


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, None),
        ({"check_rate": Decimal("0.10"), "max_selected": None, "funding_cap_wan": None}, None),
        ({"closes_on": date(2014, 9, 1)}, None),
        ({"year": 1999}, ("year", "year")),
        ({"year": None}, ("year", "year")),
        ({"closes_on": date(2014, 8, 31)}, ("period", "closes_on")),
        ({"product_classes": []}, ("no_class", "product_classes")),
        ({"qualifications": []}, ("no_qualification", "qualifications")),
        ({"required_documents": []}, ("no_document", "required_documents")),
        ({"required_documents": ["licence"]}, ("unknown_document", "required_documents")),
        ({"check_rate": Decimal("0.0499")}, ("check_rate", "check_rate")),
        ({"check_rate": Decimal("0.1001")}, ("check_rate", "check_rate")),
        ({"check_rate": None}, ("check_rate", "check_rate")),
        ({"funding_cap_wan": Decimal("0")}, ("funding_cap", "funding_cap_wan")),
        ({"max_selected": 100}, ("max_selected", "max_selected")),
    ],
)
def test_the_call_facts_are_checked(changes, problem):
    found = call_problems(**facts(**changes))
    assert found == ([problem] if problem else [])
