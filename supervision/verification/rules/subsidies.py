"""Subsidy rules of the energy-saving products programme (seeds 001, 002; DOMAIN.md 3): which
products qualify, the subsidy per unit, and when a maker's reports are due.

Thresholds come in as reference rows (``subsidy_tables``; the app passes the revision in use),
defaulting to the seed rows. Amounts are Decimal, never float.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from .categories import FRIDGE_KIND_NAMES, normalise_fridge_kind
from .claim_check import Difference, allowed_amount_wan, amount_wan, check_claim
from .eligibility import (
    Eligibility,
    EligibilityStatus,
    Findings,
    SubsidyInputError,
    common_checks,
    in_range,
    number_of,
    plain,
)
from .subsidy_tables import (
    DESKTOP_SCOPE,
    FRIDGE_BANDS,
    FRIDGE_CEILINGS,
    PROGRAMMES,
    DesktopScope,
    EfficiencyCeiling,
    FridgeBand,
    ProgrammeTerms,
)

__all__ = [
    "DEFAULT_DESKTOP",
    "DEFAULT_FRIDGE",
    "DesktopRules",
    "DesktopScope",
    "Difference",
    "EfficiencyCeiling",
    "Eligibility",
    "EligibilityStatus",
    "FridgeBand",
    "FridgeRules",
    "ProgrammeTerms",
    "SubsidyInputError",
    "allowed_amount_wan",
    "amount_wan",
    "annual_settlement_due",
    "check_claim",
    "desktop_eligibility",
    "fridge_band",
    "fridge_eligibility",
    "fridge_subsidy",
    "monthly_report_due",
    "product_eligibility",
    "range_text",
]

#: 月度终了后 10 日内; 年度终了后 30 日内 (seeds 001 六(二)(五), 002 六(二)(五)): calendar days.
MONTHLY_REPORT_DAYS = 10
ANNUAL_SETTLEMENT_DAYS = 30


@dataclass(frozen=True)
class FridgeRules:
    bands: tuple[FridgeBand, ...] = FRIDGE_BANDS
    ceilings: tuple[EfficiencyCeiling, ...] = FRIDGE_CEILINGS
    terms: ProgrammeTerms = field(default_factory=lambda: _terms_of(PROGRAMMES, "fridge"))


@dataclass(frozen=True)
class DesktopRules:
    scope: DesktopScope = DESKTOP_SCOPE
    terms: ProgrammeTerms = field(default_factory=lambda: _terms_of(PROGRAMMES, "desktop"))


def _terms_of(rows: Iterable[ProgrammeTerms], category: str) -> ProgrammeTerms:
    for row in rows:
        if row.category == category:
            return row
    raise SubsidyInputError(f"推广细则表中没有 {category} 类产品")


DEFAULT_FRIDGE = FridgeRules()
DEFAULT_DESKTOP = DesktopRules()


def range_text(row: FridgeBand | EfficiencyCeiling) -> str:
    """``"120 L < V ≤ 300 L"``, ``"V ≤ 120 L"``, ``"V > 300 L"`` or ``"全部容积"``."""
    lower, upper = row.lower_l, row.upper_l
    below = "≤" if row.upper_inclusive else "<"
    if lower is None and upper is None:
        return "全部容积"
    if lower is None:
        return f"V {below} {plain(upper)} L"
    if upper is None:
        return f"V {'≥' if row.lower_inclusive else '>'} {plain(lower)} L"
    above = "≤" if row.lower_inclusive else "<"
    return f"{plain(lower)} L {above} V {below} {plain(upper)} L"


def _kinds_text(kinds: tuple[str, ...]) -> str:
    return "、".join(kinds)


def _one(rows: list, what: str, kind: str, volume: Decimal):
    if len(rows) > 1:
        raise SubsidyInputError(
            f"{what}中 {kind}、总有效容积 {plain(volume)} L 同时落入 {len(rows)} 档，请核对参考数据"
        )
    if not rows:
        raise SubsidyInputError(
            f"{what}未覆盖 {kind}、总有效容积 {plain(volume)} L，请核对参考数据"
        )
    return rows[0]


# -- refrigerators ----------------------------------------------------------------------------------


def _kind_and_volume(kind: str | None, volume_l: object) -> tuple[str, Decimal]:
    code = normalise_fridge_kind(kind)
    if not code:
        raise SubsidyInputError("缺少冰箱类型")
    if code not in FRIDGE_KIND_NAMES:
        raise SubsidyInputError(
            f"冰箱类型“{code}”不在补贴表内（限 {_kinds_text(tuple(FRIDGE_KIND_NAMES))}）"
        )
    volume = number_of(volume_l, "总有效容积")
    if volume is None:
        raise SubsidyInputError("缺少总有效容积")
    if volume <= 0:
        raise SubsidyInputError(f"总有效容积应大于 0 L：{plain(volume)}")
    return code, volume


def fridge_band(kind: str | None, volume_l: object, bands=FRIDGE_BANDS) -> FridgeBand:
    """The subsidy band of a refrigerator kind and total volume (L); SubsidyInputError if the
    kind or volume is missing or unknown, or the table leaves a gap or overlaps there."""
    code, volume = _kind_and_volume(kind, volume_l)
    found = [
        b
        for b in bands
        if code in b.kinds
        and in_range(volume, b.lower_l, b.lower_inclusive, b.upper_l, b.upper_inclusive)
    ]
    return _one(found, "冰箱补贴标准表", code, volume)


def fridge_subsidy(kind: str | None, volume_l: object, bands=FRIDGE_BANDS) -> Decimal:
    """Yuan per unit for a refrigerator (DOMAIN.md 3): BD, BC/BD: V ≤ 120 → 70; 120 < V ≤ 300 →
    130; V > 300 → 180. BCD, BCDW: V ≤ 240 → 260; 240 < V ≤ 300 → 330; V > 300 → 400.
    Which band a boundary belongs to is the rows' ``*_inclusive`` data."""
    return fridge_band(kind, volume_l, bands).amount_yuan


def fridge_ceiling(kind: str, volume_l: object, ceilings=FRIDGE_CEILINGS) -> EfficiencyCeiling:
    code, volume = _kind_and_volume(kind, volume_l)
    found = [
        c
        for c in ceilings
        if code in c.kinds
        and in_range(volume, c.lower_l, c.lower_inclusive, c.upper_l, c.upper_inclusive)
    ]
    return _one(found, "冰箱能效指数要求", code, volume)


def fridge_eligibility(
    kind: str | None,
    volume_l: object,
    efficiency_index: object,
    energy_grade: int | None,
    other_programme: bool,
    limits: FridgeRules = DEFAULT_FRIDGE,
) -> Eligibility:
    """A refrigerator model against seed 001: grade 1, a kind of the table, its energy-efficiency
    index within the ceiling for its kind and volume, not under 家电下乡; then the band."""
    found = Findings()
    common_checks(found, limits.terms, energy_grade, other_programme)
    code = normalise_fridge_kind(kind)
    if not code:
        found.missing.append("缺少冰箱类型。")
    elif code not in FRIDGE_KIND_NAMES:
        found.excluded.append(
            f"冰箱类型“{code}”不在推广范围（限 {_kinds_text(tuple(FRIDGE_KIND_NAMES))}；"
            "冷藏箱、嵌入式、透明门展示用等电冰箱不在范围内）。"
        )
    volume_ok = False
    try:
        volume = number_of(volume_l, "总有效容积")
    except SubsidyInputError as error:
        found.missing.append(f"{error}。")
        volume = None
    else:
        if volume is None:
            found.missing.append("缺少总有效容积。")
        elif volume <= 0:
            found.missing.append(f"总有效容积应大于 0 L：{plain(volume)}。")
        else:
            volume_ok = True
    try:
        index = number_of(efficiency_index, "能效指数")
    except SubsidyInputError as error:
        found.missing.append(f"{error}。")
        index = None
    else:
        if index is None:
            found.missing.append("缺少能效指数。")
    band = None
    if volume_ok and code in FRIDGE_KIND_NAMES:
        try:
            band = fridge_band(code, volume, limits.bands)
            found.rows.append(band)
            if index is not None:
                ceiling = fridge_ceiling(code, volume, limits.ceilings)
                found.rows.append(ceiling)
                if not in_range(index, None, False, ceiling.max_index, ceiling.max_inclusive):
                    sign = "≤" if ceiling.max_inclusive else "<"
                    found.excluded.append(
                        f"能效指数 {plain(index)}% 不满足要求（{_kinds_text(ceiling.kinds)}，"
                        f"{range_text(ceiling)}：{sign} {plain(ceiling.max_index)}%）。"
                    )
        except SubsidyInputError as error:
            found.missing.append(f"{error}。")
    basis = ""
    if band is not None:
        basis = f"{_kinds_text(band.kinds)}，{range_text(band)}：{plain(band.amount_yuan)} 元/台"
    return found.verdict(band.amount_yuan if band else None, basis)


# -- desktop computers ------------------------------------------------------------------------------


def desktop_eligibility(
    workstation: bool,
    industrial: bool,
    discrete_gpus: int | None,
    psu_watts: object,
    all_in_one: bool,
    screen_inches: object,
    energy_grade: int | None,
    other_programme: bool,
    limits: DesktopRules = DEFAULT_DESKTOP,
) -> Eligibility:
    """A desktop computer against seed 002: general-purpose (no workstation, no industrial PC),
    fewer than two discrete GPUs, PSU rated ≤ 750 W, an all-in-one's screen ≥ 11.6 in
    (0.2946 m), grade 1, not under 家电下乡; then the flat 260 元/台."""
    scope = limits.scope
    found = Findings()
    common_checks(found, limits.terms, energy_grade, other_programme)
    found.rows.append(scope)
    if workstation:
        found.excluded.append("工作站不在推广范围（限普通用途的台式机）。")
    if industrial:
        found.excluded.append("工控机不在推广范围（限普通用途的台式机）。")
    if discrete_gpus is None:
        found.missing.append("缺少独立显卡（独立图形显示单元）数量。")
    elif discrete_gpus > scope.max_discrete_gpus:
        found.excluded.append(
            f"具有 {discrete_gpus} 个独立图形显示单元；"
            f"多于 {scope.max_discrete_gpus} 个的台式机不在推广范围。"
        )
    try:
        psu = number_of(psu_watts, "电源额定功率")
    except SubsidyInputError as error:
        found.missing.append(f"{error}。")
    else:
        if psu is None:
            found.missing.append("缺少电源额定功率。")
        elif not in_range(psu, None, False, scope.psu_max_watts, scope.psu_max_inclusive):
            word = "大于" if scope.psu_max_inclusive else "不小于"
            found.excluded.append(
                f"电源额定功率 {plain(psu)} W，{word} {plain(scope.psu_max_watts)} W 的不在推广范围。"
            )
    if all_in_one:
        try:
            screen = number_of(screen_inches, "显示屏对角线")
        except SubsidyInputError as error:
            found.missing.append(f"{error}。")
        else:
            if screen is None:
                found.missing.append("一体机缺少显示屏对角线尺寸。")
            elif not in_range(
                screen, scope.screen_min_inches, scope.screen_min_inclusive, None, False
            ):
                word = "小于" if scope.screen_min_inclusive else "不大于"
                found.excluded.append(
                    f"一体机显示屏对角线 {plain(screen)} 英寸，{word} {plain(scope.screen_min_inches)}"
                    f" 英寸（{plain(scope.screen_min_m)} 米）的不在推广范围。"
                )
    amount = limits.terms.amount_yuan
    basis = "" if amount is None else f"台式机定额补贴：{plain(amount)} 元/台"
    return found.verdict(amount, basis)


def product_eligibility(
    product, *, fridge: FridgeRules = DEFAULT_FRIDGE, desktop: DesktopRules = DEFAULT_DESKTOP
) -> Eligibility:
    """The eligibility of a product-like object (``category`` plus the fields of its kind, as
    ``check_models.SubsidyProduct`` has them); categories without rules → NO_RULES."""
    category = getattr(product, "category", "")
    if category == "fridge":
        return fridge_eligibility(
            product.fridge_kind,
            product.volume_l,
            product.efficiency_index,
            product.energy_grade,
            bool(product.other_programme),
            fridge,
        )
    if category == "desktop":
        return desktop_eligibility(
            bool(product.workstation),
            bool(product.industrial),
            product.discrete_gpus,
            product.psu_watts,
            bool(product.all_in_one),
            product.screen_inches,
            product.energy_grade,
            bool(product.other_programme),
            desktop,
        )
    return Eligibility(
        False,
        Decimal(0),
        ("本系统尚未收录该类产品的推广实施细则，补贴标准无法核定。",),
        EligibilityStatus.NO_RULES,
    )


# -- reports due ------------------------------------------------------------------------------------


def monthly_report_due(year: int, month: int) -> date:
    """The last day for a month's report: month end + 10 calendar days (月度终了后 10 日内),
    e.g. 2012-12 → 2013-01-10."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month}")
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last + timedelta(days=MONTHLY_REPORT_DAYS)


def annual_settlement_due(year: int) -> date:
    """The last day for a year's settlement report: 12-31 + 30 calendar days (年度终了后 30
    日内), i.e. 30 January of the next year."""
    return date(year, 12, 31) + timedelta(days=ANNUAL_SETTLEMENT_DAYS)
