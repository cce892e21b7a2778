"""Category 二: ladder-price tiers, surcharges and billing findings (schedules as data)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from supervision.inspections.reference import LADDER_SCHEDULES
from supervision.inspections.rules import BadReference, ImpossibleInput, MissingInput, Status
from supervision.inspections.rules.ladder import (
    LadderSchedule,
    LadderTierRule,
    TierKind,
    kwh_per_tonne,
    ladder_finding,
    ladder_surcharge,
    ladder_tier,
    schedule_problems,
)

D = Decimal
BAND, STEP, CATEGORY = TierKind.BAND, TierKind.STEP, TierKind.CATEGORY


def tier(sector, value, year, **kwargs):
    return ladder_tier(sector, value, year, schedules=LADDER_SCHEDULES, **kwargs)


def schedule(*tiers, verified=True):
    return LadderSchedule("test", "测试政策", "1", "指标", "kWh/t", tiers, verified)


# --- the worked example (DOMAIN 6.1) -----------------------------------------------------------


def test_worked_example_aluminium_2019_billed_2020():
    indicator = kwh_per_tonne("1 375 000 000", "100 000")
    assert indicator == D("13750")
    result = ladder_surcharge(
        "aluminium", indicator, "1 400 000 000", 2020, schedules=LADDER_SCHEDULES
    )
    assert result.status is Status.DETERMINED
    assert result.tier.name == "第二档"
    assert result.tier.rate == D("0.02")
    assert result.tier.indicator_year == 2019
    assert result.amount == D("28000000.00")
    assert str(result.amount) == "28000000.00"
    assert result.verified is True
    assert result.formula == "0.02 元/kWh × 1 400 000 000 kWh = 28 000 000.00 元"
    assert result.tier.reason == (
        "2019 年铝液电解交流电耗 13 750 kWh/t：13 700 < x ≤ 13 800，第二档，"
        "加价 0.02 元/kWh（发改价格〔2013〕2530号）"
    )


@pytest.mark.parametrize(
    ("kwh", "output", "error"),
    [
        ("1", "0", ImpossibleInput),
        ("1", "-1", ImpossibleInput),
        ("-1", "1", ImpossibleInput),
        (None, "1", MissingInput),
        ("1", None, MissingInput),
    ],
)
def test_kwh_per_tonne_errors(kwh, output, error):
    with pytest.raises(error):
        kwh_per_tonne(kwh, output)


# --- aluminium, 发改价格〔2013〕2530号 (2014–2021) -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name", "rate"),
    [
        ("13 600", "第一档", D("0")),
        ("13700", "第一档", D("0")),  # a boundary value belongs to the lower tier
        ("13700.0001", "第二档", D("0.02")),
        ("13750", "第二档", D("0.02")),
        ("13800", "第二档", D("0.02")),
        ("13801", "第三档", D("0.08")),
        (D("13800.01"), "第三档", D("0.08")),
        (15000, "第三档", D("0.08")),
    ],
)
def test_aluminium_2530_bands(value, name, rate):
    result = tier("aluminium", value, 2020)
    assert (result.status, result.name, result.rate, result.verified) == (
        Status.DETERMINED,
        name,
        rate,
        True,
    )
    assert result.schedule.policy == "发改价格〔2013〕2530号"


@pytest.mark.parametrize(
    ("year", "policy"),
    [
        (2013, None),
        (2014, "发改价格〔2013〕2530号"),
        (2021, "发改价格〔2013〕2530号"),
        (2022, "发改价格〔2021〕1239号"),
    ],
)
def test_the_schedule_of_the_billed_year(year, policy):
    result = tier("aluminium", "13750", year)
    assert (result.schedule.policy if result.schedule else None) == policy
    if policy is None:
        assert result.status is Status.NO_REFERENCE
        assert result.reason == f"{year}-01-01 无有效的电解铝阶梯电价政策"


# --- aluminium, 发改价格〔2021〕1239号: +0.01 for every started 20 kWh/t ---------------------------


@pytest.mark.parametrize(
    ("year", "value", "name", "steps", "rate", "verified"),
    [
        (2022, "13650", "未超标", None, D("0"), True),
        (2022, "13651", "阶梯加价", 1, D("0.01"), True),
        (2022, "13670", "阶梯加价", 1, D("0.01"), True),
        (2022, "13670.0001", "阶梯加价", 2, D("0.02"), True),
        (2022, "13671", "阶梯加价", 2, D("0.02"), True),
        (2022, "13690", "阶梯加价", 2, D("0.02"), True),
        (2022, "13691", "阶梯加价", 3, D("0.03"), True),
        (2022, "13850", "阶梯加价", 10, D("0.10"), True),
        # Later thresholds are from secondary sources only: flagged.
        (2023, "13450", "未超标", None, D("0"), False),
        (2023, "13451", "阶梯加价", 1, D("0.01"), False),
        (2024, "13650", "阶梯加价", 10, D("0.10"), False),
        (2025, "13300", "未超标", None, D("0"), False),
        (2025, "13301", "阶梯加价", 1, D("0.01"), False),
    ],
)
def test_aluminium_1239_steps(year, value, name, steps, rate, verified):
    result = tier("aluminium", value, year)
    assert result.status is Status.DETERMINED
    assert (result.name, result.steps, result.rate, result.verified) == (
        name,
        steps,
        rate,
        verified,
    )
    assert ("参考值待核实" in result.reason) is not verified


def test_step_reason():
    assert tier("aluminium", "13671", 2022).reason == (
        "2021 年铝液综合交流电耗 13 671 kWh/t：x > 13 650，阶梯加价，超出 21 kWh/t，"
        "每超 20（不足 20 按 20 计）加 0.01 元/kWh，计 2 档，加价 0.02 元/kWh（发改价格〔2021〕1239号）"
    )


# --- steel and cement ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sector", "year", "category", "rate"),
    [
        ("steel", 2020, "淘汰类", D("0.50")),
        ("steel", 2020, "限制类", D("0.10")),
        ("cement", 2015, "淘汰类", D("0.40")),
        ("cement", 2020, "淘汰类", D("0.40")),
    ],
)
def test_category_tiers_ignore_the_indicator(sector, year, category, rate):
    result = tier(sector, None, year, category=category)
    assert (result.status, result.name, result.rate, result.verified) == (
        Status.DETERMINED,
        category,
        rate,
        True,
    )


@pytest.mark.parametrize(
    ("sector", "year", "category", "on", "status"),
    [
        ("steel", 2016, "淘汰类", None, Status.NO_REFERENCE),  # 2803号 from 2017-01-01
        ("cement", 2014, "淘汰类", None, Status.NO_REFERENCE),  # 880号 from 2014-07-01
        ("cement", 2014, "淘汰类", date(2014, 7, 1), Status.DETERMINED),
        ("aluminium", 2020, "淘汰类", None, Status.NO_REFERENCE),  # no category tier
        ("copper", 2020, None, None, Status.NO_REFERENCE),
    ],
)
def test_category_and_date_edges(sector, year, category, on, status):
    assert tier(sector, "1", year, category=category, on=on).status is status


def test_on_must_be_in_the_billed_year():
    with pytest.raises(ValueError, match="not in the billed year"):
        tier("cement", "1", 2014, on=date(2015, 1, 1))


@pytest.mark.parametrize(
    ("value", "status", "name", "candidates", "verified"),
    [
        ("0", Status.DETERMINED, "第一档", ("第一档",), True),  # every process within GB 21256
        ("-3", Status.DETERMINED, "第一档", ("第一档",), True),
        ("0.01", Status.INDETERMINATE, None, ("第二档", "第三档"), False),
        ("50", Status.INDETERMINATE, None, ("第二档", "第三档"), False),
    ],
)
def test_steel_tier_2_3_boundary_is_unverified(value, status, name, candidates, verified):
    result = tier("steel", value, 2020)
    assert (result.status, result.name, result.candidates, result.verified) == (
        status,
        name,
        candidates,
        verified,
    )
    assert result.rate == (D("0") if name else None)


def test_cement_ladder_tiers_are_unverified():
    result = tier("cement", "60", 2020)
    assert result.status is Status.INDETERMINATE
    assert result.candidates == ("第一档", "第二档及以上")
    assert result.verified is False
    assert "档次分界待核实" in result.reason


@pytest.mark.parametrize(
    ("value", "status"),
    [(None, Status.MISSING_DATA), ("", Status.MISSING_DATA), ("abc", Status.ABNORMAL_DATA)],
)
def test_missing_or_impossible_indicator(value, status):
    result = tier("aluminium", value, 2020)
    assert result.status is status
    assert result.rate is None


# --- surcharge ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sector", "value", "kwh", "year", "category", "status", "amount"),
    [
        ("aluminium", "13750", "12345.25", 2020, None, Status.DETERMINED, D("246.91")),  # .xx5
        ("aluminium", "13700", "1000000", 2020, None, Status.DETERMINED, D("0.00")),
        ("aluminium", "13801", "1000000", 2020, None, Status.DETERMINED, D("80000.00")),
        ("aluminium", "13671", "1000000", 2022, None, Status.DETERMINED, D("20000.00")),
        ("aluminium", "13750", "0", 2020, None, Status.DETERMINED, D("0.00")),
        ("steel", None, "1000000", 2020, "淘汰类", Status.DETERMINED, D("500000.00")),
        ("steel", "5", "1000000", 2020, None, Status.INDETERMINATE, None),
        ("aluminium", "13750", None, 2020, None, Status.MISSING_DATA, None),
        ("aluminium", "13750", "-1", 2020, None, Status.ABNORMAL_DATA, None),
        ("aluminium", None, "1", 2020, None, Status.MISSING_DATA, None),
        ("aluminium", "13750", "1", 2013, None, Status.NO_REFERENCE, None),
    ],
)
def test_ladder_surcharge(sector, value, kwh, year, category, status, amount):
    result = ladder_surcharge(
        sector, value, kwh, year, schedules=LADDER_SCHEDULES, category=category
    )
    assert (result.status, result.amount) == (status, amount)


def test_surcharge_with_unverified_tier_is_flagged():
    result = ladder_surcharge("aluminium", "13451", "100", 2023, schedules=LADDER_SCHEDULES)
    assert (result.status, result.amount, result.verified) == (Status.DETERMINED, D("1.00"), False)


# --- schedule shapes ----------------------------------------------------------------------------


def test_an_unknown_first_bound_makes_values_below_the_next_bound_indeterminate():
    shape = schedule(
        LadderTierRule("A", BAND, D("0"), upper=None, verified=False),
        LadderTierRule("B", BAND, D("0.1"), upper=D("100")),
        LadderTierRule("C", BAND, D("0.2")),
    )
    low = ladder_tier("test", "50", 2020, schedules=[shape])
    assert (low.status, low.candidates) == (Status.INDETERMINATE, ("A", "B"))
    high = ladder_tier("test", "150", 2020, schedules=[shape])
    assert (high.status, high.name, high.verified) == (Status.DETERMINED, "C", True)


def test_a_tier_whose_lower_bound_is_unverified_is_unverified():
    shape = schedule(
        LadderTierRule("A", BAND, D("0"), upper=D("100"), verified=False),
        LadderTierRule("B", BAND, D("0.1")),
    )
    assert ladder_tier("test", "101", 2020, schedules=[shape]).verified is False
    assert (
        ladder_tier("test", "101", 2020, schedules=[replace(shape, verified=False)]).verified
        is False
    )


def test_a_rate_not_recorded_is_indeterminate():
    shape = schedule(
        LadderTierRule("A", BAND, D("0"), upper=D("100")),
        LadderTierRule("B", STEP, None, step=D("20")),
    )
    result = ladder_tier("test", "150", 2020, schedules=[shape])
    assert (result.status, result.name, result.rate) == (Status.INDETERMINATE, "B", None)
    assert "加价标准未录入" in result.reason


def test_no_indicator_tiers():
    shape = schedule(LadderTierRule("淘汰类", CATEGORY, D("0.5"), category="淘汰类"))
    assert ladder_tier("test", "1", 2020, schedules=[shape]).status is Status.NO_REFERENCE


@pytest.mark.parametrize(
    ("tiers", "problem"),
    [
        ((LadderTierRule("A", BAND, D(0), upper=D(1)),), "最后一档应无上限"),
        (
            (
                LadderTierRule("A", BAND, D(0), upper=D(10)),
                LadderTierRule("B", BAND, D(0), upper=D(5)),
                LadderTierRule("C", BAND, D(0)),
            ),
            "各档上限应递增",
        ),
        ((LadderTierRule("S", STEP, D(1), step=D(20)),), "S：阶梯加价档不能是第一档"),
        (
            (LadderTierRule("A", BAND, D(0), upper=D(1)), LadderTierRule("S", STEP, D(1))),
            "S：步长应大于 0",
        ),
        ((LadderTierRule("X", CATEGORY, D(1)),), "X：缺少类别"),
    ],
)
def test_schedule_problems(tiers, problem):
    assert problem in schedule_problems(schedule(*tiers))
    with pytest.raises(BadReference):
        ladder_tier("test", "1", 2020, schedules=[schedule(*tiers)], category="x")


def test_every_seed_schedule_is_well_formed():
    assert all(schedule_problems(s) == [] for s in LADDER_SCHEDULES)


def test_overlapping_schedules_are_a_broken_table():
    shape = schedule(LadderTierRule("A", BAND, D(0)))
    with pytest.raises(BadReference):
        ladder_tier("test", "1", 2020, schedules=[shape, replace(shape, version="2")])


# --- findings: billed tier vs computed tier -----------------------------------------------------


SECOND = tier("aluminium", "13750", 2020)  # 第二档, 0.02
FIRST = tier("aluminium", "13700", 2020)
STEP_2 = tier("aluminium", "13671", 2022)  # 阶梯加价, 2 steps, 0.02
RESTRICTED = tier("steel", None, 2020, category="限制类")  # 0.10


@pytest.mark.parametrize(
    ("computed", "billed", "billed_rate", "status", "finding", "direction"),
    [
        (SECOND, "第二档", None, Status.COMPLIANT, False, None),
        (SECOND, "第一档", None, Status.MISMATCH, True, "under"),
        (SECOND, "第三档", None, Status.MISMATCH, True, "over"),
        (FIRST, "第二档", None, Status.MISMATCH, True, "over"),  # either way is a finding
        (SECOND, None, "0.02", Status.COMPLIANT, False, None),
        (SECOND, None, "0.08", Status.MISMATCH, True, "over"),
        (SECOND, "第二档", "0.03", Status.MISMATCH, True, "over"),
        (STEP_2, "阶梯加价", None, Status.COMPLIANT, False, None),  # steps not billed: name only
        (STEP_2, "阶梯加价", "0.01", Status.MISMATCH, True, "under"),
        (STEP_2, "未超标", None, Status.MISMATCH, True, "under"),
        (RESTRICTED, "第三档", None, Status.MISMATCH, True, None),  # same 0.10, other tier
        (SECOND, "第五档", None, Status.ABNORMAL_DATA, False, None),
        (SECOND, None, None, Status.MISSING_DATA, False, None),
        (SECOND, None, "abc", Status.ABNORMAL_DATA, False, None),
    ],
)
def test_ladder_finding(computed, billed, billed_rate, status, finding, direction):
    result = ladder_finding(computed, billed, billed_rate=billed_rate)
    assert (result.status, result.is_finding, result.direction) == (status, finding, direction)


def test_finding_reasons():
    under = ladder_finding(SECOND, "第一档")
    assert (
        under.reason == "应执行第二档（0.02 元/kWh），实际执行第一档（0 元/kWh），少收 0.02 元/kWh"
    )
    assert ladder_finding(SECOND, "第二档").reason == (
        "应执行第二档（0.02 元/kWh），实际执行第二档（0.02 元/kWh），一致"
    )
    assert (
        ladder_finding(SECOND, "第五档").reason
        == "实际执行档次「第五档」不在 发改价格〔2013〕2530号 中"
    )


def test_no_finding_without_a_computed_tier():
    result = ladder_finding(tier("steel", "5", 2020), "第二档")
    assert (result.status, result.is_finding) == (Status.INDETERMINATE, False)
    assert result.reason.startswith("无法比对：")


def test_finding_on_unverified_reference_is_provisional():
    computed = tier("aluminium", "13451", 2023)
    result = ladder_finding(computed, "未超标")
    assert result.status is Status.LIMIT_UNVERIFIED
    assert result.provisional is Status.MISMATCH
    assert result.is_finding is True
    assert result.reason.startswith("参考值待核实，暂按此计：")


def test_ladder_rules_default_to_the_shipped_schedules():
    """DOMAIN 6.1's worked example with the signature the issue documents."""
    from supervision.inspections.rules.ladder import ladder_surcharge, ladder_tier

    assert ladder_tier("aluminium", "13700", 2020).tier.name == "第一档"  # boundary: lower tier
    assert ladder_tier("aluminium", "13700.01", 2020).tier.name == "第二档"
    result = ladder_surcharge("aluminium", "13750", "1400000000", 2020)
    assert (result.tier.rate, result.amount) == (Decimal("0.02"), Decimal("28000000.00"))
