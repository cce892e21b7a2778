"""The subsidy programme's reference rows (seeds 001, 002; DOMAIN.md 3): their types, the
seed rows and the consistency checks administrators' revisions must pass.

The refrigerator seed lost its ≤ / > signs, so which band a boundary volume (120 L, 240 L,
300 L) belongs to is data (``*_inclusive``), shipped as 待核实 and editable by the ministry.
Standard library only: ``reference.kinds`` stores these rows and the rules read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D

from .categories import CATEGORY_NAMES, FRIDGE_KIND_NAMES


@dataclass(frozen=True)
class FridgeBand:
    """One line of the refrigerator subsidy table: kinds, a total-volume range, yuan/unit.

    The range is ``lower_l`` < V (≤ when ``lower_inclusive``) and V ≤ ``upper_l`` (< when not
    ``upper_inclusive``); None leaves that end open.
    """

    kinds: tuple[str, ...]
    amount_yuan: D
    lower_l: D | None
    lower_inclusive: bool
    upper_l: D | None
    upper_inclusive: bool
    verified: bool
    policy: str = ""
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class EfficiencyCeiling:
    """The highest energy-efficiency index (能效指数, %) a kind may have in a volume range:
    index ≤ ``max_index`` (< when not ``max_inclusive``)."""

    kinds: tuple[str, ...]
    max_index: D
    max_inclusive: bool
    lower_l: D | None
    lower_inclusive: bool
    upper_l: D | None
    upper_inclusive: bool
    verified: bool
    policy: str = ""
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class ProgrammeTerms:
    """A category's implementation rules (推广实施细则): period, grade, the flat subsidy."""

    category: str  #: "fridge" / "desktop" (``categories.PRODUCT_CATEGORIES``)
    policy: str
    period_from: date
    period_to: date  #: the last day of the period (inclusive)
    energy_grade: int  #: the energy-efficiency grade promoted products must reach
    min_annual_units: int  #: a maker's units a year to be admitted (推广企业条件)
    #: Flat subsidy (元/台); None when it depends on the product (refrigerators: the bands).
    amount_yuan: D | None
    verified: bool
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class DesktopScope:
    """What keeps a desktop computer out of the programme (seed 002 §一(二)1)."""

    #: Power supply rated above this is excluded (at it too when not ``psu_max_inclusive``).
    psu_max_watts: D
    psu_max_inclusive: bool
    #: An all-in-one's screen diagonal below this is excluded (at it too when not inclusive).
    screen_min_inches: D
    screen_min_m: D  #: the same limit in metres, as the seed states it
    screen_min_inclusive: bool
    #: More discrete graphics units than this are excluded (两个及两个以上: 1).
    max_discrete_gpus: int
    verified: bool
    policy: str = ""
    source: str = ""
    note: str = ""


# -- seed rows ------------------------------------------------------------------------------------

FRIDGE_POLICY = "节能产品惠民工程高效节能家用电冰箱推广实施细则"
DESKTOP_POLICY = "节能产品惠民工程高效节能台式微型计算机推广实施细则"
_S001 = "种子 001 四、DOMAIN.md 第 3 节"
_S001_INDEX = "种子 001 一(二)1（GB 12021.2）、DOMAIN.md 第 3 节"
_S002 = "种子 002 一(二)1、四"
_SIGNS = "原文的 ≤、> 符号缺失，边界归属按公开细则的读法（边界值属较低一档），待核实"
_FREEZERS = ("BD", "BC/BD")
_FRIDGE_FREEZERS = ("BCD", "BCDW")


def _band(kinds, amount, lower, upper) -> FridgeBand:
    return FridgeBand(
        kinds=kinds,
        amount_yuan=D(amount),
        lower_l=None if lower is None else D(lower),
        lower_inclusive=False,
        upper_l=None if upper is None else D(upper),
        upper_inclusive=True,
        verified=False,
        policy=FRIDGE_POLICY,
        source=_S001,
        note=_SIGNS,
    )


FRIDGE_BANDS: tuple[FridgeBand, ...] = (
    _band(_FREEZERS, "70", None, "120"),
    _band(_FREEZERS, "130", "120", "300"),
    _band(_FREEZERS, "180", "300", None),
    _band(_FRIDGE_FREEZERS, "260", None, "240"),
    _band(_FRIDGE_FREEZERS, "330", "240", "300"),
    _band(_FRIDGE_FREEZERS, "400", "300", None),
)


def _ceiling(kinds, index, lower, upper) -> EfficiencyCeiling:
    return EfficiencyCeiling(
        kinds=kinds,
        max_index=D(index),
        max_inclusive=True,
        lower_l=None if lower is None else D(lower),
        lower_inclusive=False,
        upper_l=None if upper is None else D(upper),
        upper_inclusive=True,
        verified=False,
        policy=FRIDGE_POLICY,
        source=_S001_INDEX,
        note=_SIGNS,
    )


FRIDGE_CEILINGS: tuple[EfficiencyCeiling, ...] = (
    _ceiling(_FREEZERS, "50", None, None),
    _ceiling(_FRIDGE_FREEZERS, "32", None, "300"),
    _ceiling(_FRIDGE_FREEZERS, "40", "300", None),
)

PROGRAMMES: tuple[ProgrammeTerms, ...] = (
    ProgrammeTerms(
        category="fridge",
        policy=FRIDGE_POLICY,
        period_from=date(2012, 6, 1),
        period_to=date(2013, 5, 31),
        energy_grade=1,
        min_annual_units=100_000,
        amount_yuan=None,
        verified=True,
        source="种子 001 一、二、三",
        note="补贴标准按类型和总有效容积分档，见冰箱补贴标准表",
    ),
    ProgrammeTerms(
        category="desktop",
        policy=DESKTOP_POLICY,
        period_from=date(2012, 10, 1),
        period_to=date(2013, 9, 30),
        energy_grade=1,
        min_annual_units=200_000,
        amount_yuan=D("260"),
        verified=True,
        source="种子 002 一、二、三、四",
    ),
)

DESKTOP_SCOPE = DesktopScope(
    psu_max_watts=D("750"),
    psu_max_inclusive=True,
    screen_min_inches=D("11.6"),
    screen_min_m=D("0.2946"),
    screen_min_inclusive=True,
    max_discrete_gpus=1,
    verified=True,
    policy=DESKTOP_POLICY,
    source=_S002,
    note="电源额定功率大于 750 瓦、显示屏对角线小于 0.2946 米（11.6 英寸）的一体机、"
    "具有两个及两个以上独立图形显示单元的台式机、工作站及工控机不在推广范围",
)


# -- checks of one row (a revision with problems is refused) ----------------------------------


def _kind_problems(kinds: tuple[str, ...]) -> list[str]:
    if not kinds:
        return ["未填写适用的冰箱类型"]
    unknown = [k for k in kinds if k not in FRIDGE_KIND_NAMES]
    if unknown:
        return [f"未知的冰箱类型 {'、'.join(unknown)}（可选 {'、'.join(FRIDGE_KIND_NAMES)}）"]
    return []


def _range_problems(lower: D | None, upper: D | None) -> list[str]:
    problems = []
    if lower is not None and lower < 0:
        problems.append("容积下限不能为负数")
    if lower is not None and upper is not None and lower >= upper:
        problems.append(f"容积下限 {lower} L 应小于上限 {upper} L")
    return problems


def band_problems(row: FridgeBand) -> list[str]:
    problems = _kind_problems(row.kinds) + _range_problems(row.lower_l, row.upper_l)
    if row.amount_yuan < 0:
        problems.append("补贴标准不能为负数")
    return problems


def ceiling_problems(row: EfficiencyCeiling) -> list[str]:
    problems = _kind_problems(row.kinds) + _range_problems(row.lower_l, row.upper_l)
    if row.max_index <= 0:
        problems.append("能效指数上限应大于 0")
    return problems


def programme_problems(row: ProgrammeTerms) -> list[str]:
    problems = []
    if row.category not in CATEGORY_NAMES:
        problems.append(f"未知的产品类别 {row.category}")
    if row.period_from > row.period_to:
        problems.append("推广期限的开始日期晚于结束日期")
    if not 1 <= row.energy_grade <= 5:
        problems.append("能效等级应为 1 至 5")
    if row.amount_yuan is not None and row.amount_yuan < 0:
        problems.append("补贴标准不能为负数")
    if row.min_annual_units < 0:
        problems.append("年推广数量下限不能为负数")
    return problems


def scope_problems(row: DesktopScope) -> list[str]:
    problems = []
    if row.psu_max_watts <= 0:
        problems.append("电源额定功率上限应大于 0")
    if row.screen_min_inches <= 0 or row.screen_min_m <= 0:
        problems.append("一体机屏幕尺寸下限应大于 0")
    if row.max_discrete_gpus < 0:
        problems.append("独立显卡数上限不能为负数")
    return problems
