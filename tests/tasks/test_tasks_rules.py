"""Pure filing rules: what may be filed, full coverage, funds, lateness."""

from datetime import date
from decimal import Decimal

import pytest

from supervision.core.workdays import OFFICIAL
from supervision.tasks import rules

BASE = {
    "category": 1,
    "filed_alone": True,
    "industry_kind": "quota",
    "parent_category": None,
    "parent_same_enterprise": False,
    "enterprise_stopped": False,
    "on_site": True,
    "planned_month": 5,
}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, None),
        ({"category": 2, "industry_kind": "ladder"}, None),
        ({"category": 2, "industry_kind": "quota"}, "industry_kind"),
        ({"category": 1, "industry_kind": "ladder"}, "industry_kind"),
        ({"category": 1, "industry_kind": None}, "industry_missing"),
        ({"category": 4, "industry_kind": None}, None),
        ({"category": 4, "industry_kind": "quota"}, "industry_unexpected"),
        ({"category": 5, "industry_kind": None}, None),
        # 三 is never filed alone: it rides on a 一 or 二 task of the same enterprise.
        ({"category": 3, "filed_alone": False, "industry_kind": None}, "not_alone"),
        (
            {
                "category": 3,
                "filed_alone": False,
                "industry_kind": None,
                "parent_category": 1,
                "parent_same_enterprise": True,
            },
            None,
        ),
        (
            {
                "category": 3,
                "filed_alone": False,
                "industry_kind": None,
                "parent_category": 2,
                "parent_same_enterprise": True,
            },
            None,
        ),
        (
            {
                "category": 3,
                "filed_alone": False,
                "industry_kind": None,
                "parent_category": 4,
                "parent_same_enterprise": True,
            },
            "parent",
        ),
        (
            {
                "category": 3,
                "filed_alone": False,
                "industry_kind": None,
                "parent_category": 1,
                "parent_same_enterprise": False,
            },
            "parent",
        ),
        ({"parent_category": 1, "parent_same_enterprise": True}, "parent"),
        ({"enterprise_stopped": True}, "stopped_on_site"),
        ({"enterprise_stopped": True, "on_site": False}, None),
        ({"planned_month": 0}, "month"),
        ({"planned_month": 13}, "month"),
        ({"planned_month": 12}, None),
        ({"planned_month": None}, None),
    ],
)
def test_task_problem(changes, problem):
    assert rules.task_problem(**{**BASE, **changes}) == problem


def test_coverage_finds_missing_mismatched_and_stopped():
    full = {10, 11}
    registry = [
        rules.RegistryEntry(1, 10, True),  # tasked for its industry: fine
        rules.RegistryEntry(2, 10, True),  # not tasked: missing
        rules.RegistryEntry(3, 11, True),  # exempted with a reason: fine
        rules.RegistryEntry(4, 11, False),  # stopped: listed, not missing
        rules.RegistryEntry(5, 99, True),  # not a full-coverage industry
        rules.RegistryEntry(6, 10, True),  # tasked under the wrong industry: missing + mismatched
    ]
    tasks = [
        rules.FiledTask(100, 1, 1, 10),
        rules.FiledTask(101, 6, 1, 11),
        rules.FiledTask(102, 5, 4, None),  # a data-centre task is not category 一
    ]
    report = rules.coverage(registry, tasks, exempt={3}, full_coverage_industries=full)
    assert report.missing == [2, 6]
    assert report.mismatched == [101]
    assert report.stopped == [4]
    assert not report.complete
    assert rules.coverage(registry[:1], tasks[:1], set(), full).complete


D = Decimal


@pytest.mark.parametrize(
    ("balance", "planned", "requested", "problem"),
    [
        (None, None, None, None),
        (D("0"), D("0"), D("50"), None),  # no balance: request freely
        (D("30"), D("30"), D("50"), None),  # balance planned in full, then request
        (D("30"), D("29.99"), D("50"), "balance_not_planned"),
        (D("30"), D("10"), D("0"), None),  # no request: the balance may be used partly
        (D("30"), D("30.01"), None, "planned_exceeds_balance"),
        (D("-1"), None, None, "negative"),
        (None, None, D("-5"), "negative"),
    ],
)
def test_funds_problem(balance, planned, requested, problem):
    assert rules.funds_problem(balance=balance, planned=planned, requested=requested) == problem


@pytest.mark.parametrize(
    ("submitted_on", "late"),
    [
        (date(2020, 2, 19), 0),
        (date(2020, 2, 20), 0),  # on the due date (Thursday)
        (date(2020, 2, 21), 1),  # Friday
        (date(2020, 2, 23), 1),  # Sunday: still one working day late
        (date(2020, 2, 24), 2),  # Monday
        (date(2020, 3, 5), 10),
    ],
)
def test_late_workdays(submitted_on, late):
    assert rules.late_workdays(date(2020, 2, 20), submitted_on, OFFICIAL) == late
