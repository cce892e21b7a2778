"""Seed reference data (DOMAIN.md 6.1–6.5) as plain rows, with the verified flags DOMAIN gives."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from ..industries.reference import INDUSTRIES
from .rules import LegalBasis
from .rules.energy import CoalFactor, FactorTable, Method
from .rules.equipment import EfficiencyStandard, EliminationBatch
from .rules.ladder import LadderSchedule, LadderTierRule, TierKind
from .rules.pue import PueTarget
from .rules.quota import QuotaLimit, catalogue_limit

# --- 6.4 standard coal -------------------------------------------------------------------------

_S64 = "DOMAIN.md 6.4"
GB_T_2589_2020 = FactorTable(
    standard="GB/T 2589",
    edition="2020",
    kj_per_kgce=D("29307.6"),
    factors=(
        CoalFactor(
            "electricity", "电力", "kWh", D("0.1229"), Method.CALORIFIC, verified=True, source=_S64
        ),
        CoalFactor("raw_coal", "原煤", "kg", D("0.7143"), verified=False, source=_S64),
        CoalFactor(
            "natural_gas",
            "天然气",
            "m³",
            None,
            verified=False,
            source=_S64,
            note="约 1.1～1.33 kgce/m³，随热值变化",
        ),
        CoalFactor("diesel", "柴油", "kg", D("1.4571"), verified=False, source=_S64),
        # Heat is secondary energy: its 等价值 depends on the boiler, so the row serves 当量值 only.
        CoalFactor(
            "heat", "热力", "MJ", D("0.03412"), Method.CALORIFIC, verified=False, source=_S64
        ),
    ),
)
"""No per-year electricity 等价值 rows: DOMAIN gives none, so the 等价值 method reports 数据不全."""

# --- 6.3 quota standards -----------------------------------------------------------------------
# Kept once, in the industry catalogue (industries/reference.py → the quota tables the ministry
# edits); the rule rows are derived from it here, as the app derives them from the database.


def catalogue_quota_limits(industries=INDUSTRIES) -> tuple[QuotaLimit, ...]:
    """Rule rows of every limit of the seed catalogue."""
    return tuple(
        catalogue_limit(
            standard_code=code,
            industry=name,
            product=product,
            indicator=indicator,
            unit=unit,
            limit=None if value is None else D(value),
            verified=std_ok and ok,
            effective_from=start,
            effective_to=end,
            method=method,
            source=source,
        )
        for _key, name, _sector, kind, _full, standards in industries
        if kind == "quota"
        for code, _title, start, end, source, std_ok, method, limits in standards
        for product, indicator, unit, value, ok in limits
    )


QUOTA_LIMITS: tuple[QuotaLimit, ...] = catalogue_quota_limits()

# --- 6.1 ladder electricity price --------------------------------------------------------------

_S61 = "DOMAIN.md 6.1"
_ALUMINIUM_STEP_NOTE = "未计入：通知后 90 日未缴 ×1.5；可再生能源占比超 15% 每 1 个百分点减 1%"


def _aluminium_1239(version: str, threshold: str, start: date, end: date | None, ok: bool):
    return LadderSchedule(
        sector="aluminium",
        policy="发改价格〔2021〕1239号",
        version=version,
        indicator="铝液综合交流电耗",
        unit="kWh/t",
        tiers=(
            LadderTierRule("未超标", TierKind.BAND, D("0"), upper=D(threshold), verified=ok),
            LadderTierRule("阶梯加价", TierKind.STEP, D("0.01"), step=D("20")),
        ),
        verified=ok,
        effective_from=start,
        effective_to=end,
        source=_S61,
        note=("仅核实一个城市的通知；" if ok else "阈值仅见二手资料；") + _ALUMINIUM_STEP_NOTE,
    )


LADDER_SCHEDULES: tuple[LadderSchedule, ...] = (
    LadderSchedule(
        sector="aluminium",
        policy="发改价格〔2013〕2530号",
        version="2014",
        indicator="铝液电解交流电耗",
        unit="kWh/t",
        tiers=(
            LadderTierRule("第一档", TierKind.BAND, D("0"), upper=D("13700")),
            LadderTierRule("第二档", TierKind.BAND, D("0.02"), upper=D("13800")),
            LadderTierRule("第三档", TierKind.BAND, D("0.08")),
        ),
        verified=True,
        effective_from=date(2014, 1, 1),
        effective_to=date(2022, 1, 1),
        source=_S61,
        note="verified (secondary)",
    ),
    _aluminium_1239("2022", "13650", date(2022, 1, 1), date(2023, 1, 1), True),
    _aluminium_1239("2023", "13450", date(2023, 1, 1), date(2025, 1, 1), False),
    _aluminium_1239("2025", "13300", date(2025, 1, 1), None, False),
    LadderSchedule(
        sector="steel",
        policy="发改价格〔2016〕2803号",
        version="2017",
        # Our reading: tier 1 = every process within GB 21256-2013, i.e. the worst excess ≤ 0.
        indicator="各工序能耗超出 GB 21256-2013 限定值的最大幅度",
        unit="%",
        tiers=(
            LadderTierRule("淘汰类", TierKind.CATEGORY, D("0.50"), category="淘汰类"),
            LadderTierRule("限制类", TierKind.CATEGORY, D("0.10"), category="限制类"),
            LadderTierRule("第一档", TierKind.BAND, D("0"), upper=D("0")),
            # The tier 2 / tier 3 boundary is unverified: unknown, so x > 0 cannot be placed.
            LadderTierRule("第二档", TierKind.BAND, D("0.05"), upper=None, verified=False),
            LadderTierRule("第三档", TierKind.BAND, D("0.10")),
        ),
        verified=True,
        effective_from=date(2017, 1, 1),
        source=_S61,
        note="分档加价为一个省的执行口径；未完成去产能任务按淘汰类；各省可上调",
    ),
    LadderSchedule(
        sector="cement",
        policy="发改价格〔2014〕880号、〔2016〕75号",
        version="2014",
        indicator="可比熟料综合电耗",
        unit="kWh/t",
        tiers=(
            LadderTierRule("淘汰类", TierKind.CATEGORY, D("0.40"), category="淘汰类"),
            # Tier 1 = within GB 16780-2012, whose limit is not recorded; higher tiers are
            # provincial (+0.10 … +0.25 元/kWh in two provinces).
            LadderTierRule("第一档", TierKind.BAND, D("0"), upper=None, verified=False),
            LadderTierRule("第二档及以上", TierKind.BAND, None, verified=False),
        ),
        verified=True,
        effective_from=date(2014, 7, 1),
        source=_S61,
        note="淘汰类：立窑、干法中空窑、立波尔窑、湿法窑；有省份按 2013-10-01 前后投产区分",
    ),
)

# --- 6.5 equipment -----------------------------------------------------------------------------

_S65 = "DOMAIN.md 6.5"


def _std(kind, standard, edition, clause, metric, unit, rated_unit, grade, start, end, **extra):
    return EfficiencyStandard(
        kind=kind,
        standard=standard,
        edition=edition,
        clause=clause,
        metric=metric,
        metric_unit=unit,
        rated_unit=rated_unit,
        limit_grade=grade,
        verified=True,
        effective_from=start,
        effective_to=end,
        source=_S65,
        **extra,
    )


_MOTOR = ("motor", "GB 18613")
_COMPRESSOR = ("air_compressor", "GB 19153")
_TRANSFORMER = ("transformer", "GB 20052")
_LOSS = {"lower_is_better": True, "note": "按空载/负载损耗分级，损耗限定值表未录入"}
EQUIPMENT_STANDARDS: tuple[EfficiencyStandard, ...] = (
    _std(*_MOTOR, "2012", "能效限定值（3级，IE2）", "效率", "%", "kW", 3, None, date(2021, 6, 1)),
    _std(*_MOTOR, "2020", "能效限定值（3级，IE3）", "效率", "%", "kW", 3, date(2021, 6, 1), None),
    _std("fan", "GB 19761", "2009", "能效限定值（3级）", "效率", "%", "kW", 3, None, None,
         note="2020 版实施日期未录入"),
    _std("pump", "GB 19762", "2007", "能效限定值", "效率", "%", "kW", None, None, None,
         note="限定值随流量和比转速变化，计算表未录入"),
    _std(*_COMPRESSOR, "2009", "能效限定值（3级）", "比功率", "kW/(m³/min)", "kW", 3,
         None, date(2020, 7, 1), lower_is_better=True),
    _std(*_COMPRESSOR, "2019", "能效限定值（3级）", "比功率", "kW/(m³/min)", "kW", 3,
         date(2020, 7, 1), None, lower_is_better=True),
    _std(*_TRANSFORMER, "2013", "能效限定值（3级）", "损耗", "W", "kVA", 3,
         None, date(2021, 6, 1), **_LOSS),
    _std(*_TRANSFORMER, "2020", "能效限定值（3级）", "损耗", "W", "kVA", 3,
         date(2021, 6, 1), None, **_LOSS),
)  # fmt: skip
"""Efficiency bands are not seeded: DOMAIN gives the legal minimum grade, not the tables."""

ELIMINATION_BATCHES: tuple[EliminationBatch, ...] = tuple(
    EliminationBatch(
        name=name,
        year=year,
        patterns=(),
        verified=False,
        note="型号清单待录入（DOMAIN 6.5 只给出批次）",
    )
    for name, year in (("第一批", 2009), ("第二批", 2012), ("第三批", 2014), ("第四批", 2016))
)

# --- 6.2 data-centre PUE -----------------------------------------------------------------------

_S62 = "DOMAIN.md 6.2"
PUE_TARGETS: tuple[PueTarget, ...] = (
    PueTarget(
        policy="2017 年电信业指导意见（新建大型、超大型数据中心，2020 年目标）",
        version="2017",
        limit=D("1.4"),
        strict=False,
        large_only=True,
        verified=True,
        effective_to=date(2025, 1, 1),
        source=_S62,
        note="文号 DOMAIN 未给出；生效区间按目标年份划分",
    ),
    PueTarget(
        policy="发改高技〔2021〕1742号（2025 年目标）",
        version="2021",
        limit=D("1.3"),
        strict=True,
        large_only=True,
        verified=True,
        effective_from=date(2025, 1, 1),
        source=_S62,
        note="生效区间按目标年份划分；GB 40879-2021 不适用于 2020 年案件，未录入",
    ),
)

# --- legal bases of findings (DOMAIN 6.6) ----------------------------------------------------

_ECL = "《中华人民共和国节约能源法》"
_ECL_NOTE = "条款序号按 2018 年修正本，待核实"
_S66 = "DOMAIN.md 6.6"


def _basis(key, law, article, summary, applies_to, note=_ECL_NOTE):
    return LegalBasis(
        key=key,
        law=law,
        article=article,
        summary=summary,
        verified=False,
        applies_to=applies_to,
        source=_S66,
        note=note,
    )


LEGAL_BASES: tuple[LegalBasis, ...] = (
    _basis("ecl_16", _ECL, "第十六条", "生产单位应当执行单位产品能耗限额标准；超过限额用能的，责令限期治理", ("over_quota",)),
    _basis("ecl_72", _ECL, "第七十二条", "超过单位产品能耗限额标准用能，经限期治理逾期不治理或未达到要求的，可责令停业整顿或者关闭", ("over_quota",)),
    _basis("ecl_17", _ECL, "第十七条", "禁止使用国家明令淘汰的用能设备、生产工艺", ("eliminated_equipment", "below_efficiency")),
    _basis("ecl_71", _ECL, "第七十一条", "使用国家明令淘汰的用能设备或者生产工艺的，责令停止使用，没收淘汰设备", ("eliminated_equipment",)),
    _basis("ecl_27", _ECL, "第二十七条", "用能单位应当按照规定配备和使用经依法检定合格的能源计量器具，建立能源消费统计和能源利用状况分析制度", ("metering", "daily_check")),
    _basis("ecl_26", _ECL, "第二十六条", "用能单位应当定期开展节能教育和岗位节能培训", ("daily_check",)),
    _basis("ecl_53", _ECL, "第五十三条", "重点用能单位应当每年报送上年度的能源利用状况报告", ("daily_check",)),
    _basis("ecl_55", _ECL, "第五十五条", "重点用能单位应当设立能源管理岗位，聘任能源管理负责人并备案", ("daily_check",)),
    _basis("miit_2016", "《工业节能管理办法》（2016）", "", "工业企业节能管理、能源管理体系、节能监察的有关规定", ("daily_check", "pue", "other"), note="条款待核实"),
    _basis("supervision_2016", "《节能监察办法》（2016）", "", "节能监察机构依法实施节能监察，对违法行为责令限期整改", ("other", "pue"), note="条款待核实"),
    _basis("ladder_price", "阶梯电价政策（发改价格〔2013〕2530号、〔2016〕2803号、〔2014〕880号等）", "", "按上年度能耗指标确定档次，执行阶梯加价", ("ladder_mismatch",), note="各省执行文件不同，待核实"),
)  # fmt: skip
