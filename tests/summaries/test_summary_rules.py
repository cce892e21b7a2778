"""The counting definitions of the annual summary, with worked examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from supervision.summaries import rules
from supervision.summaries.rules import CaseFacts, Tally

VISIT = date(2020, 6, 10)


@pytest.mark.parametrize(
    ("status", "visit_on", "findings", "inspected"),
    [
        ("planned", None, 0, False),  # nothing done yet
        ("in_progress", None, 0, False),  # started (e.g. a desk review), nothing recorded
        ("in_progress", VISIT, 0, True),  # visited, result not recorded yet
        ("planned", VISIT, 0, True),  # a visit date is enough
        ("closed", None, 0, True),  # desk review closed without a visit date
        ("findings", None, 1, True),
        ("rectification", VISIT, 2, True),
        ("in_progress", None, 1, True),  # moved back to work, but a violation was found
    ],
)
def test_is_inspected(status, visit_on, findings, inspected):
    assert rules.is_inspected(status, visit_on, findings) is inspected


@pytest.mark.parametrize(("findings", "violation"), [(0, False), (1, True), (3, True)])
def test_is_violation(findings, violation):
    assert rules.is_violation(findings) is violation


@pytest.mark.parametrize(
    ("status", "rectified", "rectifying"),
    [
        ("issued", False, True),
        ("reported", False, True),  # the enterprise says so: not yet seen
        ("rectified", True, False),
        ("partly", False, False),
        ("not_rectified", False, False),
        ("handled", False, False),  # handled according to law: was not rectified
    ],
)
def test_notice_states(status, rectified, rectifying):
    assert rules.is_rectified(status) is rectified
    assert rules.is_rectifying(status) is rectifying


def test_tally_worked_example():
    """5 tasks in 一: 3 inspected, 2 with findings, 2 notices, 1 rectified."""
    cases = [
        CaseFacts("planned", None, 0),
        CaseFacts("in_progress", None, 0),
        CaseFacts("closed", VISIT, 0),
        CaseFacts("rectification", VISIT, 2, ("rectified",)),
        CaseFacts("findings", VISIT, 1, ("issued",)),
    ]
    assert rules.tally(5, cases) == Tally(5, 3, 2, 2, 1)


def test_tally_counts_notices_not_cases():
    cases = [CaseFacts("rectification", VISIT, 1, ("partly", "rectified", "handled"))]
    assert rules.tally(1, cases) == Tally(1, 1, 1, 3, 1)


def test_tally_of_no_cases_keeps_the_tasks():
    assert rules.tally(4, []) == Tally(tasks=4)


def test_total_is_the_sum_of_lines():
    lines = [Tally(5, 3, 2, 2, 1), Tally(0, 0, 0, 0, 0), Tally(2, 1, 0, 0, 0)]
    assert rules.total(lines) == Tally(7, 4, 2, 2, 1)
    assert rules.total([]) == Tally()
    assert Tally(1, 1, 1, 1, 1) + Tally(2, 0, 0, 3, 0) == Tally(3, 1, 1, 4, 1)


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [
        (3, 5, "60.0%"),
        (2, 3, "66.7%"),
        (1, 8, "12.5%"),
        (1, 6, "16.7%"),
        (0, 0, "—"),
        (5, 5, "100.0%"),
    ],
)
def test_rate(part, whole, text):
    assert rules.rate(part, whole) == text


def test_add_optional():
    assert rules.add_optional(None, None) is None
    assert rules.add_optional(None, Decimal("1.50")) == Decimal("1.50")
    assert rules.add_optional(Decimal("2.25"), None) == Decimal("2.25")
    assert rules.add_optional(Decimal("2.25"), Decimal("1.50")) == Decimal("3.75")


@pytest.mark.parametrize(
    ("category", "kind"),
    [(0, "日常节能监察"), (1, "专项监察一"), (4, "专项监察四"), (5, "专项监察五")],
)
def test_supervision_kind(category, kind):
    assert rules.supervision_kind(category) == kind


def test_category_heading():
    assert rules.category_heading(2, "阶梯电价政策执行专项监察") == "二、阶梯电价政策执行专项监察"
    assert rules.category_heading(3, "") == "三"


def test_titles():
    assert rules.report_title("江苏省", 2020) == "江苏省2020年工业节能监察工作总结报告"
    assert rules.results_title("江苏省", 2020) == "江苏省2020年实际监察企业名单及监察结果"


def test_finding_kinds_in_catalogue_order_once_each():
    kinds = ["metering", "over_quota", "metering", "zz_custom", "eliminated_equipment"]
    assert rules.ordered_kinds(kinds) == (
        "over_quota",
        "eliminated_equipment",
        "metering",
        "zz_custom",
    )
    assert rules.findings_text(["metering", "over_quota"]) == (
        "超过单位产品能耗限额标准用能；能源计量器具配备或使用不符合要求"
    )
    assert rules.findings_text([]) == ""


@pytest.mark.parametrize(
    ("inspected", "kinds", "text"),
    [(True, (), "符合"), (True, ("pue",), "发现问题"), (False, (), "未监察")],
)
def test_result_text(inspected, kinds, text):
    assert rules.result_text(inspected, kinds) == text


@pytest.mark.parametrize(
    ("has_findings", "statuses", "text"),
    [
        (False, (), "无需整改"),
        (True, (), "未下达整改通知书"),
        (True, ("issued",), "整改中"),
        (True, ("rectified", "rectified"), "已整改"),
        (True, ("partly", "rectified"), "部分整改；已整改"),
        (True, ("handled",), "未整改，已依法处理"),
    ],
)
def test_rectification_text(has_findings, statuses, text):
    assert rules.rectification_text(has_findings, statuses) == text


def test_row_order_special_by_category_then_daily():
    rows = [
        (0, "A企业", VISIT, 1),
        (4, "B企业", None, 2),
        (1, "C企业", VISIT, 3),
        (1, "D企业", None, 4),
        (1, "D企业", date(2020, 1, 2), 5),
    ]
    ordered = sorted(rows, key=lambda r: rules.row_order(*r))
    assert [r[3] for r in ordered] == [3, 5, 4, 2, 1]
