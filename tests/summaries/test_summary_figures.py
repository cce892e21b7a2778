"""The summary figures reconcile with the case data: a province with known cases of every
kind, each number asserted; another province's cases never count."""

from __future__ import annotations

from decimal import Decimal

import pytest
from figures_support import VISIT, scenario  # noqa: F401

from supervision.plans.service import plan_for_year
from supervision.summaries import rules
from supervision.summaries.figures import (
    CaseLine,
    SummaryFigures,
    assemble,
    national_rollup,
)

pytestmark = pytest.mark.usefixtures("database")


def _line(figures: SummaryFigures, number: int):
    return next(c for c in figures.categories if c.number == number)


def counts(t) -> tuple[int, int, int, int, int]:
    return (t.tasks, t.inspected, t.violations, t.notices, t.rectified)


def test_special_supervision_per_category(scenario, world):
    figures = assemble(plan_for_year(2020), world.a_province)
    assert figures.year == 2020
    assert figures.province == world.a_province.name
    assert [c.number for c in figures.categories] == [1, 2, 3, 4, 5]
    assert _line(figures, 1).name == "重点高耗能行业能耗专项监察"
    assert counts(_line(figures, 1)) == (5, 3, 2, 2, 1)
    assert counts(_line(figures, 2)) == (0, 0, 0, 0, 0)
    assert counts(_line(figures, 3)) == (1, 0, 0, 0, 0)
    assert counts(_line(figures, 4)) == (2, 1, 0, 0, 0)
    assert counts(_line(figures, 5)) == (1, 1, 1, 2, 1)
    # The total is the sum of the lines.
    assert counts(figures.special) == (9, 5, 3, 4, 2)
    assert counts(figures.special) == tuple(
        sum(col) for col in zip(*(counts(c) for c in figures.categories), strict=True)
    )


def test_daily_supervision(scenario, world):
    daily = assemble(plan_for_year(2020), world.a_province).daily
    # Draws run: the opened and the published one (not the draft, not 2019's).
    assert daily.draws == 2
    assert daily.published == 1
    # Drawn: the current runs only (4 + 2; the set-aside run's 2 are not counted).
    assert daily.drawn == daily.tasks == 6
    assert (daily.inspected, daily.violations, daily.notices, daily.rectified) == (4, 2, 2, 1)


def test_overall_adds_special_and_daily(scenario, world):
    figures = assemble(plan_for_year(2020), world.a_province)
    assert counts(figures.overall) == (15, 9, 5, 6, 3)


def test_results_list_holds_exactly_the_inspected_cases(scenario, world):
    rows = assemble(plan_for_year(2020), world.a_province).rows
    assert sorted(r.case_id for r in rows) == sorted(c.id for c in scenario.inspected)
    assert not {r.case_id for r in rows} & {c.id for c in scenario.not_inspected}
    assert not {r.case_id for r in rows} & {c.id for c in scenario.b_cases}
    # Special supervision by category then enterprise name; daily last.
    assert [r.kind for r in rows] == [
        "专项监察一",
        "专项监察一",
        "专项监察一",
        "专项监察四",
        "专项监察五",
        *["日常节能监察"] * 4,
    ]
    assert [r.enterprise for r in rows[:3]] == ["甲C合规有限公司", "甲D超限额有限公司", "甲E计量"]


def test_result_row_reads_like_the_case(scenario, world):
    rows = {r.enterprise: r for r in assemble(plan_for_year(2020), world.a_province).rows}
    ok = rows["甲C合规有限公司"]
    assert (ok.result, ok.findings, ok.notices, ok.rectification) == ("符合", "", "", "无需整改")
    assert ok.visit_on == VISIT
    assert ok.agency == world.a_agency.name
    assert ok.division_code == "320102"
    bad = rows["甲D超限额有限公司"]
    assert bad.finding_kinds == ("over_quota", "eliminated_equipment")
    assert bad.result == "发现问题"
    assert bad.findings == "超过单位产品能耗限额标准用能；使用国家明令淘汰的用能设备"
    assert bad.notices.startswith("测试节监改〔2020〕")
    assert bad.rectification == "已整改"
    desk = rows["甲F数据"]
    assert desk.visit_on is None and desk.result == "符合"


def test_followup_and_funds(scenario, world):
    figures = assemble(plan_for_year(2020), world.a_province)
    f = figures.followup
    assert f.suggestions == 3
    assert (f.referrals, f.diagnosed, f.retrofitted) == (3, 2, 1)
    assert f.estimated_savings_tce == Decimal("150.50")
    assert f.actual_savings_tce == Decimal("100.25")
    assert (f.excellent_nominated, f.excellent_selected, f.excellent_published) == (3, 1, 1)
    funds = figures.funds
    assert funds.earlier_received == Decimal("100.00")
    assert funds.earlier_used == Decimal("80.00")
    assert funds.carried_over_balance == Decimal("20.00")
    assert funds.carried_over_planned == Decimal("20.00")
    assert funds.requested == Decimal("50.00")
    assert funds.used == Decimal("45.60")


def test_province_b_counts_only_its_own(scenario, world):
    figures = assemble(plan_for_year(2020), world.b_province)
    assert counts(figures.special) == (1, 1, 1, 1, 1)
    assert counts(figures.daily) == (3, 1, 0, 0, 0)
    assert figures.daily.draws == figures.daily.published == 1
    assert [r.case_id for r in figures.rows] == [c.id for c in scenario.b_cases]
    assert figures.followup.suggestions == 1
    assert figures.followup.estimated_savings_tce == Decimal("999")
    assert figures.funds.used is None and figures.funds.requested is None


def test_a_province_with_nothing(world):
    figures = assemble(plan_for_year(2020), world.b_province)
    assert counts(figures.special) == (0, 0, 0, 0, 0)
    assert [c.number for c in figures.categories] == [1, 2, 3, 4, 5]
    assert counts(figures.daily) == (0, 0, 0, 0, 0)
    assert figures.rows == ()
    assert figures.followup.estimated_savings_tce == Decimal(0)


def test_json_round_trip(scenario, world):
    import json

    figures = assemble(plan_for_year(2020), world.a_province)
    data = json.loads(json.dumps(figures.to_json()))
    assert data["schema"] == 1
    assert data["funds"]["used"] == "45.60"
    assert data["followup"]["estimated_savings_tce"] == "150.50"
    assert SummaryFigures.from_json(data) == figures
    again = SummaryFigures.from_json(data)
    assert isinstance(again.rows[0], CaseLine)
    assert again.rows[0].visit_on == figures.rows[0].visit_on
    assert counts(again.special) == (9, 5, 3, 4, 2)
    # A snapshot written by a later version (more keys) still reads.
    data["categories"][0]["later_field"] = 1
    data["rows"][0]["later_field"] = "x"
    data["funds"]["later_field"] = "1.00"
    assert SummaryFigures.from_json(data) == figures


def test_national_rollup_sums_the_provinces(scenario, world):
    plan = plan_for_year(2020)
    a = assemble(plan, world.a_province)
    b = assemble(plan, world.b_province)
    rollup = national_rollup([("甲", a), ("乙", b)])
    assert rollup.province == "全国" and rollup.year == 2020
    assert counts(_line(rollup, 1)) == (6, 4, 3, 3, 2)
    assert _line(rollup, 1).name == "重点高耗能行业能耗专项监察"
    assert counts(rollup.special) == tuple(
        x + y for x, y in zip(counts(a.special), counts(b.special), strict=True)
    )
    assert counts(rollup.daily) == (9, 5, 2, 2, 1)
    assert (rollup.daily.draws, rollup.daily.published) == (3, 2)
    assert rollup.followup.suggestions == 4
    assert rollup.followup.actual_savings_tce == Decimal("1099.25")
    # A province that filled nothing adds nothing.
    assert rollup.funds.used == Decimal("45.60")
    assert rollup.rows == ()
    assert national_rollup([], year=2020).special == rules.Tally()
