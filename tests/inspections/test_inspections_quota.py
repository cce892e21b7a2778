"""Category 一: unit consumption and the quota verdict (limits as versioned data)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from supervision.inspections.reference import GB_T_2589_2020, QUOTA_LIMITS
from supervision.inspections.rules import BadReference, ImpossibleInput, MissingInput, Status
from supervision.inspections.rules.energy import CoalFactor, FactorTable, Method
from supervision.inspections.rules.quota import (
    QuotaLimit,
    UnitConsumption,
    assess_quota,
    check_quota,
    measure_unit_consumption,
    unit_consumption,
)

D = Decimal
ASSESSED = date(2019, 12, 31)  # 2020 supervision assesses 2019 operation

# A factor table whose every row is verified, to test verdicts apart from DOMAIN's flags.
VERIFIED = FactorTable(
    "TEST",
    "1",
    D("29307.6"),
    (
        CoalFactor("electricity", "电力", "kWh", D("0.1229"), Method.CALORIFIC, verified=True),
        CoalFactor(
            "electricity", "电力", "kWh", D("0.3"), Method.EQUIVALENT, year=2019, verified=True
        ),
        CoalFactor("heat", "热力", "MJ", D("0.03412"), Method.CALORIFIC, verified=True),
        CoalFactor("raw_coal", "原煤", "kg", D("0.7143"), verified=True),
    ),
)


def limit_row(product="测试品", limit="100", **changes):
    row = QuotaLimit(
        standard="GB 00000",
        edition="2012",
        industry="测试",
        product=product,
        indicator="单位产品综合能耗",
        energy_unit="kgce",
        output_unit="t",
        limit=None if limit is None else D(limit),
        verified=True,
        effective_to=date(2024, 1, 1),
    )
    return replace(row, **changes)


EDITIONS = [
    limit_row(limit="100"),
    limit_row(limit="90", edition="2024", effective_from=date(2024, 1, 1), effective_to=None),
]


@pytest.mark.parametrize(
    ("product", "value", "status", "over", "percent"),
    [
        # Negative limits (GB 29141-2012): compliance is still value ≤ limit.
        ("硫磺制酸", "-120", Status.COMPLIANT, None, None),
        ("硫磺制酸", "-115", Status.COMPLIANT, None, None),  # exactly at the limit
        ("硫磺制酸", "-114", Status.OVER_LIMIT, D("1"), D("0.87")),  # 1 ÷ 115 = 0.87 %
        ("硫磺制酸", "-115.001", Status.COMPLIANT, None, None),
        ("硫磺制酸", "-114.999", Status.OVER_LIMIT, D("0.001"), D("0.00")),
        ("硫磺制酸", D("-100"), Status.OVER_LIMIT, D("15"), D("13.04")),
        ("硫铁矿制酸", "-100", Status.COMPLIANT, None, None),
        ("硫铁矿制酸", "-99", Status.OVER_LIMIT, D("1"), D("1.00")),
        ("建筑石膏", "43", Status.COMPLIANT, None, None),
        ("建筑石膏", "43.0", Status.COMPLIANT, None, None),
        ("建筑石膏", "43.01", Status.OVER_LIMIT, D("0.01"), D("0.02")),
        ("建筑石膏", 44, Status.OVER_LIMIT, D("1"), D("2.33")),
        # Half up at .xx5: 0.011 ÷ 220 = 0.005 %, 0.055 ÷ 220 = 0.025 %.
        ("有胎基卷材", "220.011", Status.OVER_LIMIT, D("0.011"), D("0.01")),
        ("有胎基卷材", "220.055", Status.OVER_LIMIT, D("0.055"), D("0.03")),
        ("无胎基卷材", "130", Status.COMPLIANT, None, None),
        ("甘蔗制糖", "551.1", Status.OVER_LIMIT, D("1.1"), D("0.20")),
        ("甜菜制糖", "630", Status.COMPLIANT, None, None),
        ("原糖精炼", "320.5", Status.OVER_LIMIT, D("0.5"), D("0.16")),
        ("氧化镧", "2.55", Status.OVER_LIMIT, D("0.01"), D("0.39")),  # tce/t
        ("稀土抛光粉", "1.80", Status.COMPLIANT, None, None),
    ],
)
def test_check_quota_against_the_seed_limits(product, value, status, over, percent):
    verdict = check_quota(QUOTA_LIMITS, product, value, on=ASSESSED)
    assert verdict.status is status
    assert verdict.over_amount == over
    assert verdict.over_percent == percent
    assert verdict.value == D(value)
    assert verdict.verified is True
    assert verdict.provisional is None


def test_over_limit_verdict_in_full():
    verdict = check_quota(QUOTA_LIMITS, "硫磺制酸", "-114", on=ASSESSED)
    assert verdict.limit == D("-115")
    assert verdict.standard == "GB 29141-2012"
    assert verdict.unit == "kgce/t"
    assert verdict.indicator == "单位产品综合能耗"
    assert verdict.reason == (
        "单位产品综合能耗 -114 kgce/t 超过限定值 -115 kgce/t（GB 29141-2012）1 kgce/t，超 0.87 %"
    )
    assert verdict.formula == "单位产品综合能耗 = -114 kgce/t（填报值）"
    assert verdict.inputs == {
        "product": "硫磺制酸",
        "indicator": "",
        "on": "2019-12-31",
        "value": "-114",
    }
    assert verdict.reference.product == "硫磺制酸"


def test_compliant_reason():
    verdict = check_quota(QUOTA_LIMITS, "硫磺制酸", "-120", on=ASSESSED)
    assert (
        verdict.reason == "单位产品综合能耗 -120 kgce/t ≤ 限定值 -115 kgce/t（GB 29141-2012），符合"
    )


def test_a_value_just_over_shows_enough_digits():
    verdict = check_quota([limit_row(limit="115")], "测试品", "115.004", on=ASSESSED)
    assert verdict.status is Status.OVER_LIMIT
    assert "115.004 kgce/t 超过限定值 115 kgce/t" in verdict.reason
    assert "0.004 kgce/t，超 0.00 %" in verdict.reason


@pytest.mark.parametrize(
    ("value", "status", "reason"),
    [
        (None, Status.MISSING_DATA, "缺少单位产品综合能耗"),
        ("", Status.MISSING_DATA, "缺少单位产品综合能耗"),
        ("abc", Status.ABNORMAL_DATA, "单位产品综合能耗不是数字：abc"),
        ("NaN", Status.ABNORMAL_DATA, "不是有限数值"),
    ],
)
def test_missing_or_impossible_values_are_never_compliant(value, status, reason):
    verdict = check_quota(QUOTA_LIMITS, "硫磺制酸", value, on=ASSESSED)
    assert verdict.status is status
    assert reason in verdict.reason
    assert verdict.standard == "GB 29141-2012"  # the edition is still recorded


@pytest.mark.parametrize("product", ["炼油", "对二甲苯", "氨碱法", "煤制甲醇", "金矿选冶", "啤酒"])
def test_limit_not_known_is_unverified_never_compliant(product):
    verdict = check_quota(QUOTA_LIMITS, product, "1", on=ASSESSED)
    assert verdict.status is Status.LIMIT_UNVERIFIED
    assert verdict.limit is None
    assert verdict.verified is False
    assert verdict.provisional is None
    assert "限定值未录入（待核实），不作判定" in verdict.reason


@pytest.mark.parametrize(
    ("value", "provisional", "over"),
    [("-114", Status.OVER_LIMIT, D("1")), ("-120", Status.COMPLIANT, None)],
)
def test_unverified_limit_gives_a_provisional_verdict(value, provisional, over):
    row = limit_row(product="硫磺制酸", limit="-115", verified=False)
    verdict = check_quota([row], "硫磺制酸", value, on=ASSESSED)
    assert verdict.status is Status.LIMIT_UNVERIFIED
    assert verdict.provisional is provisional
    assert verdict.over_amount == over
    assert verdict.verified is False
    assert verdict.reason.startswith("限定值待核实，暂按此计：")


@pytest.mark.parametrize(
    ("product", "on", "status", "standard"),
    [
        ("不存在的产品", ASSESSED, Status.NO_REFERENCE, None),
        # GB 30526-2019 is in force from 2020-05-01; the earlier edition is not in the seed.
        ("多孔砖/砌块", date(2019, 12, 31), Status.NO_REFERENCE, None),
        ("多孔砖/砌块", date(2020, 4, 30), Status.NO_REFERENCE, None),
        ("多孔砖/砌块", date(2020, 5, 1), Status.COMPLIANT, "GB 30526-2019"),
        # GB 29435-2012 gives way to GB 29435-2025 on 2027-01-01.
        ("氧化镧", date(2026, 12, 31), Status.COMPLIANT, "GB 29435-2012"),
        ("氧化镧", date(2027, 1, 1), Status.NO_REFERENCE, None),
    ],
)
def test_the_edition_in_force_on_the_assessed_date(product, on, status, standard):
    verdict = check_quota(QUOTA_LIMITS, product, "1", on=on)
    assert verdict.status is status
    assert verdict.standard == standard


def test_no_edition_in_force_names_the_known_ones():
    verdict = check_quota(QUOTA_LIMITS, "空心砖/砌块", "1", on=ASSESSED)
    assert verdict.reason == ("2019-12-31 无有效的「空心砖/砌块」限额标准（已录入：GB 30526-2019）")
    assert check_quota(QUOTA_LIMITS, "x", "1", on=ASSESSED).reason == "无「x」的能耗限额标准"


@pytest.mark.parametrize(
    ("on", "status", "standard", "limit"),
    [
        (date(2023, 12, 31), Status.COMPLIANT, "GB 00000-2012", D("100")),
        (date(2024, 1, 1), Status.OVER_LIMIT, "GB 00000-2024", D("90")),
    ],
)
def test_a_new_edition_does_not_touch_older_dates(on, status, standard, limit):
    verdict = check_quota(EDITIONS, "测试品", "95", on=on)
    assert (verdict.status, verdict.standard, verdict.limit) == (status, standard, limit)


def test_products_with_several_indicators_need_the_indicator():
    product = "岩棉、矿渣棉及其制品"
    with pytest.raises(ValueError, match="需指定 indicator"):
        check_quota(QUOTA_LIMITS, product, "1", on=ASSESSED)
    coke = check_quota(QUOTA_LIMITS, product, "260", on=ASSESSED, indicator="可比熔融焦耗")
    assert (coke.status, coke.limit) == (Status.COMPLIANT, D("260"))
    over = check_quota(QUOTA_LIMITS, product, "491", on=ASSESSED, indicator="可比综合能耗")
    assert (over.status, over.over_amount, over.over_percent) == (
        Status.OVER_LIMIT,
        D("1"),
        D("0.20"),
    )


def test_overlapping_editions_are_a_broken_table():
    rows = [limit_row(effective_to=None), limit_row(edition="2024", effective_to=None)]
    with pytest.raises(BadReference):
        check_quota(rows, "测试品", "1", on=ASSESSED)


def test_a_zero_limit_has_no_percentage():
    verdict = check_quota([limit_row(limit="0")], "测试品", "1", on=ASSESSED)
    assert (verdict.status, verdict.over_amount, verdict.over_percent) == (
        Status.OVER_LIMIT,
        D("1"),
        None,
    )
    assert verdict.reason.endswith("（GB 00000-2012）1 kgce/t")


# --- unit consumption --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "energy", "expected"),
    [
        ("100", {"electricity": "1000"}, D("1.229")),
        ("3", {"electricity": "1000"}, D("122.9") / 3),  # exact to Decimal precision
        ("10 000", {"electricity": "1000", "diesel": "100"}, D("0.026861")),  # 122.9 + 145.71
        (D("0.5"), {"diesel": "1"}, D("2.9142")),
    ],
)
def test_unit_consumption(output, energy, expected):
    assert unit_consumption(output, energy, factors=GB_T_2589_2020) == expected


@pytest.mark.parametrize(
    ("output", "energy", "error", "reason"),
    [
        ("0", {"electricity": "1"}, ImpossibleInput, "产量应大于 0：0"),
        ("-5", {"electricity": "1"}, ImpossibleInput, "产量应大于 0：-5"),
        (None, {"electricity": "1"}, MissingInput, "缺少产量"),
        ("10", {}, MissingInput, "缺少能源消费数据"),
        ("10", {"electricity": None}, MissingInput, "缺少电力消费量"),
        ("10", {"electricity": "-1"}, ImpossibleInput, "电力消费量为负数"),
    ],
)
def test_unit_consumption_errors(output, energy, error, reason):
    with pytest.raises(error) as raised:
        unit_consumption(output, energy, factors=GB_T_2589_2020)
    assert reason in raised.value.reason


def test_exported_energy_is_subtracted():
    # Sulphuric acid: 2 000 000 kWh used (245 800 kgce), 40 000 000 MJ of steam exported
    # (1 364 800 kgce): (245 800 − 1 364 800) ÷ 10 000 t = −111.9 kgce/t.
    found = measure_unit_consumption(
        "10000",
        {"electricity": "2000000"},
        factors=VERIFIED,
        exported={"heat": "40000000"},
    )
    assert found.total_kgce == D("-1119000")
    assert found.value == D("-111.9")
    assert [c.kgce for c in found.exported] == [D("1364800")]


def test_check_quota_with_a_computed_value_shows_the_formula():
    computed = UnitConsumption(D("1234567") / D("10000"), D("1234567"), D("10000"), ())
    verdict = check_quota([limit_row(limit="123.46")], "测试品", computed, on=ASSESSED)
    assert verdict.formula == (
        "单位产品综合能耗 = 综合能耗 ÷ 产量 = 1 234 567 kgce ÷ 10 000 t ≈ 123.46 kgce/t"
    )
    # Exact comparison: 123.4567 ≤ 123.46 although it displays as 123.46.
    assert verdict.status is Status.COMPLIANT
    assert verdict.value == D("123.4567")
    assert verdict.inputs["total_kgce"] == "1234567"


# --- assess_quota: compute with the method of the edition, then judge --------------------------


def test_assess_sulphuric_acid_with_exported_steam():
    verdict = assess_quota(
        QUOTA_LIMITS,
        "硫磺制酸",
        output="10 000",
        energy_by_type={"electricity": "2000000"},
        exported={"heat": "40000000"},
        factors=VERIFIED,
        on=ASSESSED,
    )
    assert verdict.status is Status.OVER_LIMIT
    assert (verdict.value, verdict.over_amount, verdict.over_percent) == (
        D("-111.9"),
        D("3.1"),
        D("2.70"),
    )
    assert verdict.formula == (
        "单位产品综合能耗 = （消耗 − 外供） ÷ 产量 = -1 119 000 kgce ÷ 10 000 t = -111.9 kgce/t"
    )
    assert verdict.inputs["exported.heat"].startswith("热力 40 000 000 MJ × 0.03412 kgce/MJ")


def test_assess_with_unverified_factors_is_provisional():
    # DOMAIN 6.4 flags the heat factor unverified: the verdict says so instead of judging.
    verdict = assess_quota(
        QUOTA_LIMITS,
        "硫磺制酸",
        output="10000",
        energy_by_type={"electricity": "2000000"},
        exported={"heat": "40000000"},
        factors=GB_T_2589_2020,
        on=ASSESSED,
    )
    assert verdict.status is Status.LIMIT_UNVERIFIED
    assert verdict.provisional is Status.OVER_LIMIT
    assert verdict.reason.startswith("折标系数待核实，暂按此计：")


def test_assess_converts_kgce_to_the_limits_unit():
    verdict = assess_quota(
        QUOTA_LIMITS,
        "氧化镧",
        output="100",
        energy_by_type={"electricity": "2000000"},
        factors=GB_T_2589_2020,
        on=ASSESSED,
    )
    assert verdict.status is Status.COMPLIANT
    assert verdict.value == D("2.458")
    assert verdict.formula == (
        "单位产品综合能耗 = 综合能耗 ÷ 产量 = 245.8 tce ÷ 100 t ≈ 2.46 tce/t"
    )


def test_assess_uses_the_method_of_the_standard():
    row = limit_row(limit="50", method=Method.EQUIVALENT)
    energy = {"electricity": "1000"}
    verdict = assess_quota(
        [row], "测试品", output="10", energy_by_type=energy, factors=VERIFIED, on=ASSESSED
    )
    assert verdict.value == D("30")  # 1000 × 0.3 ÷ 10, the 2019 等价值
    assert verdict.inputs["method"] == "equivalent"
    later = assess_quota(
        [replace(row, effective_to=None)],
        "测试品",
        output="10",
        energy_by_type=energy,
        factors=VERIFIED,
        on=date(2020, 12, 31),
    )
    assert later.status is Status.MISSING_DATA
    assert later.reason == "TEST-1 缺少 2020 年电力等价值折标系数"


@pytest.mark.parametrize(
    ("output", "energy", "status", "reason"),
    [
        ("0", {"electricity": "1"}, Status.ABNORMAL_DATA, "产量应大于 0：0"),
        (None, {"electricity": "1"}, Status.MISSING_DATA, "缺少产量"),
        ("1", {}, Status.MISSING_DATA, "缺少能源消费数据"),
        ("1", {"steam": "1"}, Status.ABNORMAL_DATA, "未知能源品种：steam"),
    ],
)
def test_assess_turns_input_problems_into_verdicts(output, energy, status, reason):
    verdict = assess_quota(
        [limit_row()], "测试品", output=output, energy_by_type=energy, factors=VERIFIED, on=ASSESSED
    )
    assert (verdict.status, verdict.reason) == (status, reason)
    assert verdict.standard == "GB 00000-2012"
    assert verdict.inputs["output"] == ("" if output is None else output)


def test_assess_a_non_coal_indicator_needs_a_reported_value():
    row = limit_row(energy_unit="kgEO", energy_scale=None)
    verdict = assess_quota(
        [row],
        "测试品",
        output="1",
        energy_by_type={"electricity": "1"},
        factors=VERIFIED,
        on=ASSESSED,
    )
    assert verdict.status is Status.MISSING_DATA
    assert "以 kgEO 计，不能由标准煤折算" in verdict.reason


def test_assess_without_reference():
    verdict = assess_quota(
        QUOTA_LIMITS,
        "多孔砖/砌块",
        output="1",
        energy_by_type={"electricity": "1"},
        factors=VERIFIED,
        on=ASSESSED,
    )
    assert verdict.status is Status.NO_REFERENCE
    assert verdict.inputs["energy.electricity"] == "1"
    assert verdict.inputs["year"] == "2019"


def test_catalogue_limits_read_from_numeric_columns_are_shown_plainly():
    from supervision.inspections.rules.quota import catalogue_limit

    row = catalogue_limit(
        standard_code="GB 29141-2012",
        industry="硫酸",
        product="硫磺制酸",
        indicator="单位产品综合能耗",
        unit="kgce/t",
        limit=D("-115.0000"),
        verified=True,
    )
    assert (row.limit, row.standard, row.edition, row.output_unit) == (
        D(-115),
        "GB 29141",
        "2012",
        "t",
    )
    verdict = check_quota([row], "硫磺制酸", "-114", on=ASSESSED)
    assert "限定值 -115 kgce/t" in verdict.reason
