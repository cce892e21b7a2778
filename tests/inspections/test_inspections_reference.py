"""The seed reference data says what DOMAIN.md 6.1–6.5 says, flags included."""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from supervision.inspections import reference
from supervision.inspections.rules import is_in_force
from supervision.inspections.rules.ladder import TierKind, schedule_problems

D = Decimal


def test_standard_coal_factors_and_flags():
    table = reference.GB_T_2589_2020
    assert (table.code, table.kj_per_kgce, table.verified) == ("GB/T 2589-2020", D("29307.6"), True)
    found = {f.energy_type: (f.factor, f.verified) for f in table.factors}
    assert found == {
        "electricity": (D("0.1229"), True),
        "raw_coal": (D("0.7143"), False),
        "natural_gas": (None, False),  # a range, ≈1.1–1.33: measured values only
        "diesel": (D("1.4571"), False),
        "heat": (D("0.03412"), False),
    }


TRANSCRIBED = {
    ("硫磺制酸", "单位产品综合能耗"): D("-115"),
    ("硫铁矿制酸", "单位产品综合能耗"): D("-100"),
    ("建筑石膏", "单位产品可比综合能耗"): D("43.0"),
    ("多孔砖/砌块", "单位产品综合能耗"): D("53"),
    ("空心砖/砌块", "单位产品综合能耗"): D("55"),
    ("保温砖/砌块", "单位产品综合能耗"): D("57"),
    ("有胎基卷材", "单位产品综合能耗"): D("220"),
    ("无胎基卷材", "单位产品综合能耗"): D("130"),
    ("岩棉、矿渣棉及其制品", "可比综合能耗"): D("490"),
    ("岩棉、矿渣棉及其制品", "可比熔融焦耗"): D("260"),
    ("甘蔗制糖", "单位产品能耗（折一级白砂糖）"): D("550"),
    ("甜菜制糖", "单位产品能耗（折一级白砂糖）"): D("630"),
    ("原糖精炼", "单位产品能耗（折一级白砂糖）"): D("320"),
    ("氧化镧", "单位产品综合能耗"): D("2.54"),
    ("氧化铈", "单位产品综合能耗"): D("2.86"),
    ("氧化钕", "单位产品综合能耗"): D("2.84"),
    ("氧化钐", "单位产品综合能耗"): D("2.61"),
    ("金属钕", "单位产品综合能耗"): D("1.33"),
    ("金属钐", "单位产品综合能耗"): D("3.65"),
    ("混合稀土金属", "单位产品综合能耗"): D("1.87"),
    ("稀土抛光粉", "单位产品综合能耗"): D("1.80"),
}
UNVERIFIED_INDUSTRIES = {
    "炼油", "对二甲苯", "纯碱", "聚氯乙烯", "轮胎", "甲醇", "金冶炼", "铝合金", "铜及铜合金加工", "啤酒",
    "烧结墙体材料",  # GB 30526-2014, before 2020-05-01
}  # fmt: skip


def test_quota_limits_match_domain():
    rows = reference.QUOTA_LIMITS
    transcribed = {(r.product, r.indicator): r.limit for r in rows if r.limit is not None}
    assert transcribed == TRANSCRIBED
    assert all(r.verified for r in rows if r.limit is not None)
    unverified = {r.industry for r in rows if r.limit is None}
    assert unverified == UNVERIFIED_INDUSTRIES
    assert not any(r.verified for r in rows if r.limit is None)


def test_quota_units_and_dates():
    by_product = {r.product: r for r in reference.QUOTA_LIMITS}
    assert by_product["氧化镧"].unit == "tce/t"
    assert by_product["氧化镧"].energy_scale == D(1000)
    assert by_product["氧化镧"].effective_to == date(2027, 1, 1)
    assert by_product["有胎基卷材"].unit == "kgce/km²"
    assert by_product["啤酒"].unit == "kgce/kL"
    assert by_product["炼油"].energy_scale is None  # kgEO, not standard coal
    assert by_product["多孔砖/砌块"].effective_from == date(2020, 5, 1)
    assert by_product["硫磺制酸"].code == "GB 29141-2012"


def _schedule(policy, version):
    return next(
        s for s in reference.LADDER_SCHEDULES if s.policy == policy and s.version == version
    )


def test_ladder_schedules_match_domain():
    old = _schedule("发改价格〔2013〕2530号", "2014")
    assert [(t.name, t.upper, t.rate) for t in old.tiers] == [
        ("第一档", D("13700"), D("0")),
        ("第二档", D("13800"), D("0.02")),
        ("第三档", None, D("0.08")),
    ]
    assert (old.effective_from, old.effective_to, old.verified) == (
        date(2014, 1, 1),
        date(2022, 1, 1),
        True,
    )
    for version, threshold, verified in [
        ("2022", D("13650"), True),
        ("2023", D("13450"), False),
        ("2025", D("13300"), False),
    ]:
        stage = _schedule("发改价格〔2021〕1239号", version)
        assert stage.tiers[0].upper == threshold
        assert (stage.tiers[1].kind, stage.tiers[1].rate, stage.tiers[1].step) == (
            TierKind.STEP,
            D("0.01"),
            D("20"),
        )
        assert stage.verified is verified
    steel = _schedule("发改价格〔2016〕2803号", "2017")
    assert {t.category: t.rate for t in steel.tiers if t.category} == {
        "淘汰类": D("0.50"),
        "限制类": D("0.10"),
    }
    assert [(t.name, t.rate, t.verified) for t in steel.indicator_tiers] == [
        ("第一档", D("0"), True),
        ("第二档", D("0.05"), False),  # the tier 2 / 3 boundary is unverified
        ("第三档", D("0.10"), True),
    ]
    cement = next(s for s in reference.LADDER_SCHEDULES if s.sector == "cement")
    assert cement.effective_from == date(2014, 7, 1)
    assert {t.category: t.rate for t in cement.tiers if t.category} == {"淘汰类": D("0.40")}
    assert not any(t.verified for t in cement.indicator_tiers)
    assert all(schedule_problems(s) == [] for s in reference.LADDER_SCHEDULES)


def test_equipment_standards_match_domain():
    found = {
        (s.kind, s.code): (s.effective_from, s.effective_to, s.limit_grade)
        for s in reference.EQUIPMENT_STANDARDS
    }
    assert found == {
        ("motor", "GB 18613-2012"): (None, date(2021, 6, 1), 3),
        ("motor", "GB 18613-2020"): (date(2021, 6, 1), None, 3),
        ("fan", "GB 19761-2009"): (None, None, 3),
        ("pump", "GB 19762-2007"): (None, None, None),  # 限定值 only, no grades
        ("air_compressor", "GB 19153-2009"): (None, date(2020, 7, 1), 3),
        ("air_compressor", "GB 19153-2019"): (date(2020, 7, 1), None, 3),
        ("transformer", "GB 20052-2013"): (None, date(2021, 6, 1), 3),
        ("transformer", "GB 20052-2020"): (date(2021, 6, 1), None, 3),
    }
    assert [(b.name, b.year) for b in reference.ELIMINATION_BATCHES] == [
        ("第一批", 2009),
        ("第二批", 2012),
        ("第三批", 2014),
        ("第四批", 2016),
    ]


def test_pue_targets_match_domain():
    first, second = reference.PUE_TARGETS
    assert (first.limit, first.strict, first.large_only) == (D("1.4"), False, True)
    assert (second.limit, second.strict, second.large_only) == (D("1.3"), True, True)
    assert "1742" in second.policy


def _boundary_dates(rows):
    days = {date(2019, 12, 31)}
    for row in rows:
        for day in (row.effective_from, row.effective_to):
            if day is not None:
                days |= {day - timedelta(days=1), day}
    return days


@pytest.mark.parametrize(
    ("rows", "key"),
    [
        (reference.QUOTA_LIMITS, lambda r: (r.product, r.indicator)),
        (reference.LADDER_SCHEDULES, lambda r: r.sector),
        (reference.EQUIPMENT_STANDARDS, lambda r: r.kind),
        (reference.PUE_TARGETS, lambda r: r.large_only),
    ],
    ids=["quota", "ladder", "equipment", "pue"],
)
def test_no_two_seed_versions_overlap(rows, key):
    groups = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    for group in groups.values():
        for day in _boundary_dates(group):
            assert sum(is_in_force(r, day) for r in group) <= 1, (group[0], day)


def test_every_seed_row_names_its_source():
    from supervision.industries.reference import TRANSCRIPTION, UNVERIFIED

    assert {TRANSCRIPTION, UNVERIFIED} <= {row.source for row in reference.QUOTA_LIMITS}
    assert all(row.source for row in reference.QUOTA_LIMITS)
    rows = [
        *reference.LADDER_SCHEDULES,
        *reference.EQUIPMENT_STANDARDS,
        *reference.PUE_TARGETS,
        *reference.GB_T_2589_2020.factors,
    ]
    assert all(row.source.startswith("DOMAIN.md 6.") for row in rows)
