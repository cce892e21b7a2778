"""Seed reference data (DOMAIN.md 6.1–6.5) as plain rows, with the verified flags DOMAIN gives."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from .rules.energy import CoalFactor, FactorTable, Method
from .rules.equipment import EfficiencyStandard, EliminationBatch
from .rules.ladder import LadderSchedule, LadderTierRule, TierKind
from .rules.pue import PueTarget
from .rules.quota import QuotaLimit

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

_S63 = "DOMAIN.md 6.3"


def _limits(
    standard: str,
    edition: str,
    industry: str,
    indicator: str,
    unit: tuple[str, str],
    values: dict[str, str | None],
    **extra: object,
) -> tuple[QuotaLimit, ...]:
    """Rows of one standard; ``values`` maps product → 限定值 (None: unverified, not known)."""
    return tuple(
        QuotaLimit(
            standard=standard,
            edition=edition,
            industry=industry,
            product=product,
            indicator=indicator,
            energy_unit=unit[0],
            output_unit=unit[1],
            limit=None if value is None else D(value),
            verified=value is not None,  # "transcription" rows are verified, "unverified" not
            source=_S63,
            **extra,
        )
        for product, value in values.items()
    )


KGCE_T = ("kgce", "t")
QUOTA_LIMITS: tuple[QuotaLimit, ...] = (
    *_limits(
        "GB 29141", "2012", "硫酸", "单位产品综合能耗", KGCE_T,
        {"硫磺制酸": "-115", "硫铁矿制酸": "-100"},
    ),
    *_limits("GB 33654", "2017", "建筑石膏", "单位产品可比综合能耗", KGCE_T, {"建筑石膏": "43.0"}),
    *_limits(
        "GB 30526", "2019", "烧结墙体材料", "单位产品综合能耗", KGCE_T,
        {"烧结多孔砖和多孔砌块": "53", "烧结空心砖和空心砌块": "55", "烧结保温砖和保温砌块": "57"},
        effective_from=date(2020, 5, 1),
        note="指标名称 DOMAIN 未给出；2020-05-01 前的版本未录入",
    ),
    *_limits(
        "GB 30184", "2013", "沥青基防水卷材", "单位产品综合能耗", ("kgce", "km²"),
        {"沥青基防水卷材（有胎基）": "220", "沥青基防水卷材（无胎基）": "130"},
    ),
    *_limits(
        "GB 30183", "2013", "岩棉、矿渣棉及其制品", "可比综合能耗", KGCE_T,
        {"岩棉、矿渣棉及其制品": "490"},
    ),
    *_limits(
        "GB 30183", "2013", "岩棉、矿渣棉及其制品", "可比熔融焦耗", KGCE_T,
        {"岩棉、矿渣棉及其制品": "260"},
    ),
    *_limits(
        "GB 32044", "2015", "糖", "单位产品能耗", ("kgce", "t（折一级白砂糖）"),
        {"甘蔗制糖": "550", "甜菜制糖": "630", "原糖精炼": "320"},
    ),
    *_limits(
        "GB 29435", "2012", "稀土冶炼加工", "单位产品综合能耗", ("tce", "t"),
        {
            "氧化镧": "2.54", "氧化铈": "2.86", "氧化钕": "2.84", "氧化钐": "2.61",
            "金属钕": "1.33", "金属钐": "3.65", "混合稀土金属": "1.87", "稀土抛光粉": "1.80",
        },
        energy_scale=D(1000),
        effective_to=date(2027, 1, 1),
        note="GB 29435-2025 自 2027-01-01 起替代",
    ),
    *_limits(
        "GB 30251", "2013", "炼油", "单位能量因数能耗", ("kgEO", "(t·能量因数)"), {"炼油": None},
        energy_scale=None, note="GB 30251-2024 替代日期未录入",
    ),
    *_limits(
        "GB 31534", "2015", "对二甲苯", "单位产品能耗", ("kgEO", "t"), {"对二甲苯": None},
        energy_scale=None,
    ),
    *_limits("GB 29140", "2012", "纯碱", "单位产品综合能耗", KGCE_T, {"纯碱": None},
             note="按工艺分列，待核实"),
    *_limits("GB 30527", "2014", "聚氯乙烯", "单位产品综合能耗", KGCE_T, {"聚氯乙烯": None},
             note="按工艺路线分列，待核实"),
    *_limits("GB 29449", "2012", "轮胎", "单位产品综合能耗", KGCE_T, {"轮胎": None}),
    *_limits("GB 29436", "2012/2015", "甲醇", "单位产品综合能耗", KGCE_T, {"甲醇": None},
             note="按原料分列：29436.1-2012，29436.2/.3/.4-2015"),
    *_limits("GB 32033", "2015", "金冶炼", "单位产品综合能耗", KGCE_T, {"金冶炼": None},
             note="标准已核实（32032 采选，32034 精炼），限定值待核实"),
    *_limits("GB 21351", "2014", "铝合金", "单位产品综合能耗", KGCE_T, {"铝合金": None},
             note="及相关标准"),
    *_limits("GB 21350", "2013", "铜及铜合金加工", "单位产品综合能耗", KGCE_T,
             {"铜及铜合金加工": None}, note="及相关标准"),
    *_limits("GB 32047", "2015", "啤酒", "单位产品综合能耗", ("kgce", "kL"), {"啤酒": None}),
)  # fmt: skip

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
