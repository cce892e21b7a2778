"""Category 二: ladder electricity price (阶梯电价) tiers, surcharges and billing findings.

The tier billed in year Y is decided from the indicator of year Y − 1: callers pass the
previous calendar year's indicator together with the year billed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from . import (
    BadReference,
    ImpossibleInput,
    InputProblem,
    MissingInput,
    Status,
    decimal_of,
    fmt,
    money,
    one_in_force,
)

SECTOR_NAMES = {"aluminium": "电解铝", "steel": "钢铁", "cement": "水泥"}


class TierKind(StrEnum):
    CATEGORY = "category"  #: 淘汰类 / 限制类: decided by an input, not by the indicator
    BAND = "band"  #: indicator in (previous tier's upper, upper]: a fixed rate
    STEP = "step"  #: rate × every started ``step`` above the previous tier's upper


@dataclass(frozen=True)
class LadderTierRule:
    """One tier of a schedule. Indicator tiers (BAND/STEP) are listed in ascending order."""

    name: str  #: "第二档", "淘汰类"
    kind: TierKind
    rate: Decimal | None  #: 元/kWh (STEP: per started step); None: not known
    category: str | None = None  #: CATEGORY: the class it applies to, "淘汰类"
    #: BAND/STEP: inclusive upper bound; None on the last indicator tier means open-ended and on
    #: any other tier means the boundary is not known (values near it cannot be placed).
    upper: Decimal | None = None
    step: Decimal | None = None  #: STEP: size of each started step
    verified: bool = True  #: covers the rate and the upper bound


@dataclass(frozen=True)
class LadderSchedule:
    """One policy (or policy stage) for one sector, in force for a date range."""

    sector: str  #: "aluminium", "steel", "cement"
    policy: str  #: "发改价格〔2013〕2530号"
    version: str
    indicator: str  #: "铝液电解交流电耗"
    unit: str  #: "kWh/t"
    tiers: tuple[LadderTierRule, ...]
    verified: bool
    effective_from: date | None = None
    effective_to: date | None = None  #: exclusive
    source: str = ""
    note: str = ""

    @property
    def indicator_tiers(self) -> list[LadderTierRule]:
        return [t for t in self.tiers if t.kind is not TierKind.CATEGORY]


def schedule_problems(schedule: LadderSchedule) -> list[str]:
    """Why a schedule cannot be used (empty when fine): check it when administrators save it."""
    problems = []
    tiers = schedule.indicator_tiers
    if tiers and tiers[-1].upper is not None:
        problems.append("最后一档应无上限")
    known = [t.upper for t in tiers[:-1] if t.upper is not None]
    if any(a >= b for a, b in zip(known, known[1:], strict=False)):
        problems.append("各档上限应递增")
    for index, tier in enumerate(tiers):
        if tier.kind is TierKind.STEP:
            if index == 0:
                problems.append(f"{tier.name}：阶梯加价档不能是第一档")
            if tier.step is None or tier.step <= 0:
                problems.append(f"{tier.name}：步长应大于 0")
    for tier in schedule.tiers:
        if tier.kind is TierKind.CATEGORY and not tier.category:
            problems.append(f"{tier.name}：缺少类别")
    return problems


@dataclass(frozen=True)
class LadderTier:
    """The tier an enterprise falls in for a billed year (a classification, not a verdict)."""

    status: Status  #: DETERMINED, INDETERMINATE, MISSING_DATA, ABNORMAL_DATA, NO_REFERENCE
    sector: str
    year: int  #: year billed
    indicator_year: int  #: year − 1, whose indicator decides the tier
    indicator_value: Decimal | None
    category: str | None
    schedule: LadderSchedule | None
    tier: LadderTierRule | None  #: None unless exactly one tier fits
    rate: Decimal | None  #: 元/kWh surcharge; None unless DETERMINED
    steps: int | None  #: STEP tiers: number of started steps
    candidates: tuple[str, ...]  #: tiers that may apply (several when a boundary is unknown)
    verified: bool  #: False if any reference value used is flagged unverified
    reason: str

    @property
    def name(self) -> str | None:
        return self.tier.name if self.tier else None


def _band(lower: Decimal | None, upper: Decimal | None, first: bool, last: bool) -> str:
    """``"13 700 < x ≤ 13 800"``; an unknown bound shows as ``?``."""
    low = None if first else ("?" if lower is None else fmt(lower))
    high = None if last else ("?" if upper is None else fmt(upper))
    if low is None and high is None:
        return "不分档"
    if low is None:
        return f"x ≤ {high}"
    if high is None:
        return f"x > {low}"
    return f"{low} < x ≤ {high}"


def _candidates(tiers: list[LadderTierRule], x: Decimal) -> list[int]:
    """Indexes of the tiers ``x`` may be in; an unknown bound widens to the next known one."""
    bounds = [t.upper for t in tiers[:-1]]  # bounds[i] separates tier i from tier i + 1
    found = []
    for i in range(len(tiers)):
        below = [b for b in bounds[:i] if b is not None]
        above = [b for b in bounds[i:] if b is not None]
        if (not below or x > max(below)) and (not above or x <= min(above)):
            found.append(i)
    return found


def ladder_tier(
    sector: str,
    indicator_value: object,
    year: int,
    *,
    schedules: Iterable[LadderSchedule] | None = None,
    category: str | None = None,
    on: date | None = None,
) -> LadderTier:
    """The tier for ``year`` billed, from the indicator of ``year − 1`` (a boundary → lower tier).

    ``category`` ("淘汰类"/"限制类") decides a category tier and the indicator is then not used.
    The schedule is the one in force on ``on`` (default 1 January of ``year``; pass a later day
    for a policy that starts mid-year).
    """
    if schedules is None:  # the shipped seed table; the app passes the database's
        from ..reference import LADDER_SCHEDULES as schedules
    on = on or date(year, 1, 1)
    if on.year != year:
        raise ValueError(f"on={on} is not in the billed year {year}")
    sector_name = SECTOR_NAMES.get(sector, sector)
    base = {"sector": sector, "year": year, "indicator_year": year - 1, "category": category}

    def result(status: Status, reason: str, **found: object) -> LadderTier:
        fields: dict = {
            "indicator_value": None,
            "schedule": None,
            "tier": None,
            "rate": None,
            "steps": None,
            "candidates": (),
            "verified": True,
        }
        fields.update(found)
        return LadderTier(status=status, reason=reason, **base, **fields)

    schedule = one_in_force([s for s in schedules if s.sector == sector], on, "阶梯电价政策")
    if schedule is None:
        return result(Status.NO_REFERENCE, f"{on.isoformat()} 无有效的{sector_name}阶梯电价政策")
    problems = schedule_problems(schedule)
    if problems:
        raise BadReference(f"{schedule.policy}：{'；'.join(problems)}")
    policy = f"（{schedule.policy}）"
    if category is not None:
        tier = next((t for t in schedule.tiers if t.category == category), None)
        if tier is None:
            return result(Status.NO_REFERENCE, f"{schedule.policy} 未规定「{category}」加价")
        verified = schedule.verified and tier.verified
        status = Status.DETERMINED if tier.rate is not None else Status.INDETERMINATE
        rate_text = f"加价 {fmt(tier.rate)} 元/kWh" if tier.rate is not None else "加价标准未录入"
        return result(
            status,
            f"{category}，{rate_text}{policy}" + ("" if verified else "，参考值待核实"),
            schedule=schedule,
            tier=tier,
            rate=tier.rate,
            candidates=(tier.name,),
            verified=verified,
        )
    label = f"{year - 1} 年{schedule.indicator}"
    try:
        x = decimal_of(indicator_value, label)
    except InputProblem as problem:
        return result(problem.status, problem.reason, schedule=schedule)
    tiers = schedule.indicator_tiers
    if not tiers:
        return result(
            Status.NO_REFERENCE,
            f"{schedule.policy} 未规定按{schedule.indicator}分档",
            indicator_value=x,
            schedule=schedule,
        )
    found = _candidates(tiers, x)
    names = tuple(tiers[i].name for i in found)
    shown = f"{label} {fmt(x)} {schedule.unit}"
    used = set(found) | {i - 1 for i in found if i > 0}
    verified = schedule.verified and all(tiers[i].verified for i in used)
    common = {"indicator_value": x, "schedule": schedule, "candidates": names}
    if len(found) != 1:
        reason = f"{shown}：可能为{'或'.join(names)}，档次分界待核实{policy}"
        return result(Status.INDETERMINATE, reason, verified=False, **common)
    i = found[0]
    tier = tiers[i]
    lower = tiers[i - 1].upper if i > 0 else None
    band = _band(lower, tier.upper, i == 0, i == len(tiers) - 1)
    rate, steps, how = tier.rate, None, ""
    if tier.kind is TierKind.STEP and rate is not None:
        if lower is None or tier.step is None:
            # Unreachable with a valid schedule: an unknown bound below a tier makes the tier
            # below a candidate too, and schedule_problems keeps STEP tiers off position 0.
            raise BadReference(f"{schedule.policy}：{tier.name}缺少起点或步长")
        steps = math.ceil((x - lower) / tier.step)
        unit, step = schedule.unit, fmt(tier.step)
        how = (
            f"超出 {fmt(x - lower)} {unit}，每超 {step}（不足 {step} 按 {step} 计）"
            f"加 {fmt(rate)} 元/kWh，计 {steps} 档，"
        )
        rate = rate * steps
    if rate is None:
        reason = f"{shown}：{band}，{tier.name}，加价标准未录入{policy}"
        return result(Status.INDETERMINATE, reason, tier=tier, verified=False, **common)
    reason = f"{shown}：{band}，{tier.name}，{how}加价 {fmt(rate)} 元/kWh{policy}"
    reason += "" if verified else "，参考值待核实"
    return result(
        Status.DETERMINED, reason, tier=tier, rate=rate, steps=steps, verified=verified, **common
    )


@dataclass(frozen=True)
class LadderResult:
    """The surcharge for the production electricity of the billed year."""

    tier: LadderTier
    kwh: Decimal | None
    amount: Decimal | None  #: 元, rate × kWh rounded to 0.01 half up; None unless DETERMINED
    status: Status
    verified: bool
    formula: str
    reason: str


def ladder_surcharge(
    sector: str,
    indicator_value: object,
    kwh: object,
    year: int,
    *,
    schedules: Iterable[LadderSchedule] | None = None,
    category: str | None = None,
    on: date | None = None,
) -> LadderResult:
    """Surcharge on ``kwh`` (all production electricity, captive plants included) for ``year``."""
    tier = ladder_tier(sector, indicator_value, year, schedules=schedules, category=category, on=on)
    try:
        amount_kwh = decimal_of(kwh, f"{year} 年生产用电量")
        if amount_kwh < 0:
            raise ImpossibleInput(f"{year} 年生产用电量为负数：{fmt(amount_kwh)} kWh")
    except InputProblem as problem:
        if tier.status is not Status.DETERMINED:
            return LadderResult(tier, None, None, tier.status, tier.verified, "", tier.reason)
        return LadderResult(tier, None, None, problem.status, tier.verified, "", problem.reason)
    if tier.status is not Status.DETERMINED or tier.rate is None:
        return LadderResult(tier, amount_kwh, None, tier.status, tier.verified, "", tier.reason)
    amount = money(tier.rate * amount_kwh)
    formula = f"{fmt(tier.rate)} 元/kWh × {fmt(amount_kwh)} kWh = {fmt(amount)} 元"
    reason = f"{tier.reason}；加价电费 {fmt(amount)} 元"
    return LadderResult(tier, amount_kwh, amount, Status.DETERMINED, tier.verified, formula, reason)


def kwh_per_tonne(kwh: object, output: object) -> Decimal:
    """The electricity-intensity indicator (kWh/t), exact: 1 375 000 000 ÷ 100 000 = 13 750."""
    energy = decimal_of(kwh, "用电量")
    tonnes = decimal_of(output, "产量")
    if tonnes <= 0:
        raise ImpossibleInput(f"产量应大于 0：{fmt(tonnes)} t")
    if energy < 0:
        raise ImpossibleInput(f"用电量为负数：{fmt(energy)} kWh")
    return energy / tonnes


@dataclass(frozen=True)
class LadderFinding:
    """Tier billed vs tier computed; a mismatch either way is a finding."""

    status: Status  #: COMPLIANT, MISMATCH, LIMIT_UNVERIFIED, or why no comparison was possible
    is_finding: bool
    computed: str | None
    billed: str | None
    computed_rate: Decimal | None
    billed_rate: Decimal | None
    #: "under" (billed less than due), "over" (billed more), None (same rate or unknown)
    direction: str | None
    provisional: Status | None  #: with unverified reference: COMPLIANT or MISMATCH
    reason: str


def ladder_finding(
    computed: LadderTier, billed_tier: str | None = None, *, billed_rate: object = None
) -> LadderFinding:
    """Compare the tier billed (by name, by rate 元/kWh, or both) with the tier computed.

    A STEP tier's rate depends on the indicator, so a billed STEP tier is compared by name
    alone unless ``billed_rate`` is given too.
    """

    def finding(status: Status, reason: str, **found: object) -> LadderFinding:
        fields: dict = {
            "is_finding": False,
            "computed_rate": computed.rate,
            "billed_rate": None,
            "direction": None,
            "provisional": None,
        }
        fields.update(found)
        return LadderFinding(
            status=status, computed=computed.name, billed=billed_tier, reason=reason, **fields
        )

    schedule = computed.schedule
    if computed.status is not Status.DETERMINED or schedule is None or computed.rate is None:
        return finding(computed.status, f"无法比对：{computed.reason}", computed_rate=None)
    try:
        rate = None if billed_rate is None else decimal_of(billed_rate, "实际执行加价标准")
        if billed_tier is None and rate is None:
            raise MissingInput("缺少实际执行的阶梯电价档次")
    except InputProblem as problem:
        return finding(problem.status, problem.reason)
    if billed_tier is not None:
        tier = next((t for t in schedule.tiers if t.name == billed_tier), None)
        if tier is None:
            reason = f"实际执行档次「{billed_tier}」不在 {schedule.policy} 中"
            return finding(Status.ABNORMAL_DATA, reason, billed_rate=rate)
        if rate is None and tier.kind is not TierKind.STEP:
            rate = tier.rate
    mismatch = (billed_tier is not None and billed_tier != computed.name) or (
        rate is not None and rate != computed.rate
    )
    direction = None
    if rate is not None and rate != computed.rate:
        direction = "under" if rate < computed.rate else "over"
    billed = (billed_tier or "") + (f"（{fmt(rate)} 元/kWh）" if rate is not None else "")
    reason = f"应执行{computed.name}（{fmt(computed.rate)} 元/kWh），实际执行{billed}"
    if rate is not None and direction is not None:
        gap = abs(rate - computed.rate)
        reason += f"，{'少收' if direction == 'under' else '多收'} {fmt(gap)} 元/kWh"
    elif not mismatch:
        reason += "，一致"
    outcome = Status.MISMATCH if mismatch else Status.COMPLIANT
    found = {"is_finding": mismatch, "billed_rate": rate, "direction": direction}
    if not computed.verified:
        reason = f"参考值待核实，暂按此计：{reason}"
        return finding(Status.LIMIT_UNVERIFIED, reason, provisional=outcome, **found)
    return finding(outcome, reason, **found)
