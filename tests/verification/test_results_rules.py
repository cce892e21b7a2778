"""The results rules: late and overdue at the deadline's boundary, totals, frozen figures."""

from datetime import date

import pytest

from supervision.verification.rules import results as rules
from supervision.verification.rules.results import Figures

DUE = date(2013, 4, 15)


@pytest.mark.parametrize(
    ("submitted_on", "late"),
    [(None, False), (date(2013, 4, 14), False), (DUE, False), (date(2013, 4, 16), True)],
)
def test_a_report_handed_in_on_the_deadline_day_is_in_time(submitted_on, late):
    assert rules.is_late(submitted_on, DUE) is late


@pytest.mark.parametrize(
    ("status", "today", "overdue"),
    [
        ("draft", DUE, False),
        ("draft", date(2013, 4, 16), True),
        ("returned", date(2013, 4, 16), True),
        ("returned", DUE, False),
        ("submitted", date(2013, 5, 1), False),
        ("accepted", date(2013, 5, 1), False),
    ],
)
def test_a_unit_is_overdue_the_day_after_the_deadline_until_it_hands_in(status, today, overdue):
    assert rules.is_overdue(status, today, DUE) is overdue


@pytest.mark.parametrize(
    ("status", "summary", "problem"),
    [
        ("draft", "已完成", None),
        ("returned", "已修改", None),
        ("draft", "  ", "no_summary"),
        ("submitted", "x", "not_editable"),
        ("accepted", "x", "not_editable"),
    ],
)
def test_submit_needs_an_editable_report_with_its_summary(status, summary, problem):
    assert rules.submit_problem(status, summary) == problem


@pytest.mark.parametrize(
    ("status", "accept", "comment", "problem"),
    [
        ("submitted", True, "", None),
        ("submitted", False, "请补充入户核查", None),
        ("submitted", False, " ", "no_comment"),
        ("draft", True, "", "not_submitted"),
        ("returned", True, "", "not_submitted"),
        ("accepted", False, "再看看", "not_submitted"),
    ],
)
def test_review_of_submitted_reports_only_and_a_return_says_why(status, accept, comment, problem):
    assert rules.review_problem(status, accept, comment) == problem


def _figures(**kw) -> Figures:
    f = Figures()
    for key, value in kw.items():
        setattr(f, key, value)
    return f


def test_totals_add_every_figure_and_keep_unreconciled_unknown():
    a = _figures(bulk_buyers=3, tasks_done=1, tasks_total=3, reconciliation_differences=None)
    a.records["consumer_sales"] = 100
    a.outcomes["phone"]["confirmed"] = 2
    b = _figures(bulk_buyers=1, tasks_done=3, tasks_total=3, reconciliation_differences=2)
    b.records["consumer_sales"] = 50
    b.outcomes["phone"]["confirmed"] = 1
    b.outcomes["visit"]["pending"] = 4
    total = rules.total([a, b])
    assert total.records["consumer_sales"] == 150
    assert total.bulk_buyers == 4
    assert (total.tasks_done, total.tasks_total) == (4, 6)
    assert total.outcome("phone", "confirmed") == 3
    assert total.outcome("visit", "pending") == 4
    assert total.reconciliation_differences == 2
    assert rules.total([a]).reconciliation_differences is None
    assert rules.total([]).sales_records == 0


def test_figures_survive_the_json_round_trip_and_old_reports_read_as_zero():
    f = _figures(bulk_buyers=2, phone_drawn=10, visit_drawn=5, top_ups=1, claims=2)
    f.records["production"] = 7
    f.outcomes["phone"]["unreachable"] = 1
    assert Figures.from_dict(f.as_dict()) == f
    old = Figures.from_dict({"records": {"consumer_sales": 9}, "bulk_buyers": 1})
    assert old.records["consumer_sales"] == 9 and old.records["production"] == 0
    assert old.top_ups == 0 and old.reconciliation_differences is None


def test_sampled_and_checked_count_the_outcomes_of_a_method():
    f = Figures()
    f.outcomes["phone"].update(confirmed=5, unreachable=2, discrepancy=1, pending=4)
    assert f.sampled("phone") == 12
    assert f.checked("phone") == 8
    assert f.checked("visit") == 0
