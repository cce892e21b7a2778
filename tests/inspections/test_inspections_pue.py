"""Category 四: PUE, the annual PUE, targets as data, and metering gaps (GB 17167)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from supervision.inspections.reference import PUE_TARGETS
from supervision.inspections.rules import ImpossibleInput, MissingInput, Status
from supervision.inspections.rules.pue import (
    AnnualPue,
    Boundary,
    MeteringPoint,
    MeterRole,
    PueTarget,
    annual_pue,
    it_energy,
    metering_gaps,
    pue,
    pue_against_target,
)

D = Decimal


@pytest.mark.parametrize(
    ("total", "it", "expected"),
    [
        ("1400", "1000", D("1.40")),
        ("1405", "1000", D("1.41")),  # half up at .xx5
        ("1425", "1000", D("1.43")),  # banker's rounding would give 1.42
        ("1404.999", "1000", D("1.40")),
        ("1000", "1000", D("1.00")),  # total = IT is the lowest possible PUE
        ("1 300 000", "1 000 000", D("1.30")),
        (D("2"), 1, D("2.00")),
    ],
)
def test_pue(total, it, expected):
    assert pue(total, it) == expected
    assert str(pue(total, it)) == str(expected)


@pytest.mark.parametrize(
    ("total", "it", "error", "reason"),
    [
        ("100", "0", ImpossibleInput, "IT 设备耗电量应大于 0：0 kWh"),
        ("100", "-1", ImpossibleInput, "IT 设备耗电量应大于 0：-1 kWh"),
        ("999", "1000", ImpossibleInput, "总耗电量 999 kWh 小于 IT 设备耗电量 1 000 kWh"),
        (None, "1000", MissingInput, "缺少数据中心总耗电量"),
        ("1000", None, MissingInput, "缺少IT 设备耗电量"),
    ],
)
def test_pue_refuses(total, it, error, reason):
    with pytest.raises(error) as raised:
        pue(total, it)
    assert raised.value.reason == reason


@pytest.mark.parametrize(
    ("reading", "loads", "expected"),
    [("1000", ["100", "50"], D("850")), ("1000", [], D("1000")), ("1 000", ("0.5",), D("999.5"))],
)
def test_it_energy_subtracts_non_it_loads_on_the_ups(reading, loads, expected):
    assert it_energy(reading, loads) == expected


@pytest.mark.parametrize(("reading", "loads"), [("100", ["100"]), ("-1", []), ("100", ["-1"])])
def test_it_energy_refuses(reading, loads):
    with pytest.raises(ImpossibleInput):
        it_energy(reading, loads)


def year_of(total="1400", it="1000", year=2019, months=range(1, 13)):
    return [(date(year, m, 1), total, it) for m in months]


def test_annual_pue_is_the_ratio_of_sums_not_the_mean_of_ratios():
    readings = year_of("1500", "1000", months=range(1, 7)) + year_of(
        "2600", "2000", months=range(7, 13)
    )
    annual = annual_pue(readings)
    assert annual.status is Status.DETERMINED
    assert (annual.total_kwh, annual.it_kwh) == (D("24600"), D("18000"))
    assert annual.value == D("1.37")  # 24 600 ÷ 18 000 = 1.3667
    mean_of_ratios = sum(pue(t, i) for _, t, i in readings) / 12
    assert mean_of_ratios == D("1.40")
    assert annual.value != mean_of_ratios
    assert annual.reason == "2019 年 PUE = 24 600 kWh ÷ 18 000 kWh = 1.37"


def test_annual_pue_ignores_the_day_and_accepts_the_year():
    readings = [(date(2019, m, 28), "1400", "1000") for m in range(1, 13)]
    assert annual_pue(readings, year=2019).value == D("1.40")


@pytest.mark.parametrize(
    ("readings", "year", "status", "missing", "duplicates", "reason"),
    [
        (
            year_of(months=[m for m in range(1, 13) if m not in (3, 7)]),
            None,
            Status.MISSING_DATA,
            (3, 7),
            (),
            "缺少 3、7 月数据（需全年 12 个月）",
        ),
        (
            year_of(months=range(1, 12)) + [(date(2019, 12, 1), None, "1000")],
            None,
            Status.MISSING_DATA,
            (12,),
            (),
            "缺少 12 月数据（需全年 12 个月）",
        ),
        (
            year_of() + year_of(months=[5]),
            None,
            Status.ABNORMAL_DATA,
            (),
            (5,),
            "月份重复：5 月",
        ),
        (
            year_of(months=range(1, 12)) + [(date(2020, 1, 1), "1400", "1000")],
            2019,
            Status.ABNORMAL_DATA,
            (12,),
            (),
            "不属于 2019 年的月份：2020-01；缺少 12 月数据（需全年 12 个月）",
        ),
        (
            year_of(months=range(2, 13)) + [(date(2020, 1, 1), "1400", "1000")],
            None,
            Status.ABNORMAL_DATA,
            (),
            (),
            "月度数据跨年：2019、2020",
        ),
        (
            year_of(months=range(1, 6))
            + [(date(2019, 6, 1), "900", "1000")]
            + year_of(months=range(7, 13)),
            None,
            Status.ABNORMAL_DATA,
            (),
            (),
            "6 月：总耗电量 900 kWh 小于 IT 设备耗电量 1 000 kWh",
        ),
        ([], None, Status.MISSING_DATA, (), (), "缺少月度电量数据（需全年 12 个月）"),
        (
            [],
            2019,
            Status.MISSING_DATA,
            tuple(range(1, 13)),
            (),
            "缺少月度电量数据（需全年 12 个月）",
        ),
    ],
)
def test_annual_pue_needs_twelve_distinct_months(
    readings, year, status, missing, duplicates, reason
):
    annual = annual_pue(readings, year=year)
    assert annual.status is status
    assert annual.value is None
    assert annual.missing_months == missing
    assert annual.duplicate_months == duplicates
    assert annual.reason == reason


@pytest.mark.parametrize(
    ("value", "on", "status"),
    [
        ("1.39", date(2019, 12, 31), Status.COMPLIANT),
        ("1.40", date(2019, 12, 31), Status.COMPLIANT),  # ≤ 1.4
        ("1.41", date(2019, 12, 31), Status.OVER_LIMIT),
        (D("1.4"), date(2024, 12, 31), Status.COMPLIANT),
        ("1.30", date(2025, 6, 30), Status.OVER_LIMIT),  # < 1.3: the boundary misses
        ("1.29", date(2025, 6, 30), Status.COMPLIANT),
        ("0.99", date(2019, 12, 31), Status.ABNORMAL_DATA),  # below 1.0 is a data error
        (None, date(2019, 12, 31), Status.MISSING_DATA),
        ("abc", date(2019, 12, 31), Status.ABNORMAL_DATA),
    ],
)
def test_pue_against_seed_targets(value, on, status):
    assert pue_against_target(value, PUE_TARGETS, on=on).status is status


def test_target_reasons():
    over = pue_against_target("1.41", PUE_TARGETS, on=date(2019, 12, 31))
    assert over.reason.startswith("PUE 1.41 > 目标值 1.4（2017 年电信业指导意见")
    assert over.target.version == "2017"
    strict = pue_against_target("1.30", PUE_TARGETS, on=date(2025, 6, 30))
    assert strict.reason == "PUE 1.30 ≥ 目标值 1.3（发改高技〔2021〕1742号（2025 年目标））"


def test_large_only_targets_do_not_apply_to_small_data_centres():
    verdict = pue_against_target("1.8", PUE_TARGETS, on=date(2019, 12, 31), large=False)
    assert verdict.status is Status.NO_REFERENCE
    assert verdict.reason == "2019-12-31 无适用于非大型数据中心的 PUE 目标值"


def test_no_target_on_the_date():
    target = replace(PUE_TARGETS[0], effective_from=date(2020, 1, 1))
    assert pue_against_target("1.3", [target], on=date(2019, 12, 31)).status is Status.NO_REFERENCE


@pytest.mark.parametrize(
    ("target", "status", "provisional"),
    [
        (
            PueTarget("p", "1", D("1.4"), False, True, verified=False),
            Status.LIMIT_UNVERIFIED,
            Status.OVER_LIMIT,
        ),
        (PueTarget("p", "1", None, False, True, verified=False), Status.LIMIT_UNVERIFIED, None),
    ],
)
def test_unverified_targets(target, status, provisional):
    verdict = pue_against_target("1.5", [target], on=date(2019, 12, 31))
    assert (verdict.status, verdict.provisional) == (status, provisional)


def test_target_takes_an_annual_pue():
    annual = annual_pue(year_of("1450", "1000"))
    assert pue_against_target(annual, PUE_TARGETS, on=date(2019, 12, 31)).status is (
        Status.OVER_LIMIT
    )
    incomplete = annual_pue(year_of(months=range(1, 12)))
    verdict = pue_against_target(incomplete, PUE_TARGETS, on=date(2019, 12, 31))
    assert (verdict.status, verdict.reason) == (Status.MISSING_DATA, incomplete.reason)
    assert isinstance(incomplete, AnnualPue)


TOTAL = MeteringPoint("10kV 进线", MeterRole.TOTAL, Boundary.TOTAL_INPUT)
IT_UPS = MeteringPoint("UPS1 输出", MeterRole.IT, Boundary.UPS_OUTPUT)
IT_PDU = MeteringPoint("列头柜 A", MeterRole.IT, Boundary.PDU_INPUT)
LIGHTS = MeteringPoint("机房照明（UPS 供电）", MeterRole.NON_IT_ON_UPS, Boundary.LOAD)


@pytest.mark.parametrize(
    ("points", "codes"),
    [
        ([TOTAL, IT_UPS, LIGHTS], []),
        ([TOTAL, IT_PDU], []),
        ([TOTAL, IT_UPS, IT_PDU], []),
        ([TOTAL, replace(IT_UPS, boundary=Boundary.UPS_INPUT)], ["it_wrong_boundary"]),
        ([TOTAL, replace(IT_UPS, boundary=Boundary.TOTAL_INPUT)], ["it_wrong_boundary"]),
        ([TOTAL], ["no_it_meter"]),
        ([TOTAL, replace(IT_UPS, metered=False)], ["no_it_meter"]),
        ([IT_UPS], ["no_total_meter"]),
        ([replace(TOTAL, boundary=Boundary.UPS_INPUT), IT_UPS], ["total_wrong_boundary"]),
        ([TOTAL, IT_UPS, replace(LIGHTS, metered=False)], ["non_it_unmetered"]),
        ([], ["no_total_meter", "no_it_meter"]),
    ],
)
def test_metering_gaps(points, codes):
    assert [gap.code for gap in metering_gaps(points)] == codes


def test_metering_gap_statuses_and_reasons():
    gaps = metering_gaps(
        [replace(IT_UPS, boundary=Boundary.UPS_INPUT), replace(LIGHTS, metered=False)]
    )
    assert [(g.code, g.status) for g in gaps] == [
        ("no_total_meter", Status.MISSING_DATA),
        ("it_wrong_boundary", Status.ABNORMAL_DATA),  # DOMAIN 6.2: a data error, not a result
        ("non_it_unmetered", Status.ABNORMAL_DATA),
    ]
    assert (
        gaps[1].reason == "IT 电量计量点「UPS1 输出」应在 UPS 输出端或 PDU 输入端（现为 ups_input）"
    )
    assert gaps[2].point == "机房照明（UPS 供电）"
