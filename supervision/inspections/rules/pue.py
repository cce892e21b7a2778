"""Category 四: data-centre PUE (GB/T 32910.3-2016), targets and energy metering gaps."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from . import (
    ImpossibleInput,
    InputProblem,
    Status,
    decimal_of,
    fmt,
    one_in_force,
    round2,
)


def pue(total_kwh: object, it_kwh: object) -> Decimal:
    """Total data-centre electricity ÷ IT electricity, two decimals half up.

    IT ≤ 0 or total < IT (a PUE below 1.0 is a metering error, not a result) → ImpossibleInput;
    a missing value → MissingInput.
    """
    total = decimal_of(total_kwh, "数据中心总耗电量")
    it = decimal_of(it_kwh, "IT 设备耗电量")
    if it <= 0:
        raise ImpossibleInput(f"IT 设备耗电量应大于 0：{fmt(it)} kWh")
    if total < it:
        raise ImpossibleInput(f"总耗电量 {fmt(total)} kWh 小于 IT 设备耗电量 {fmt(it)} kWh")
    return round2(total / it)


def it_energy(at_boundary: object, non_it_on_ups: Iterable[object] = ()) -> Decimal:
    """IT energy: the UPS-output (or PDU-input) reading minus sub-metered non-IT loads on UPS."""
    reading = decimal_of(at_boundary, "UPS 输出端（或 PDU 输入端）电量")
    loads = [decimal_of(v, "UPS 供电的非 IT 负载电量") for v in non_it_on_ups]
    if reading < 0 or any(v < 0 for v in loads):
        raise ImpossibleInput("电量读数为负数")
    it = reading - sum(loads, Decimal(0))
    if it <= 0:
        raise ImpossibleInput(f"扣除非 IT 负载后 IT 电量不大于 0：{fmt(it)} kWh")
    return it


@dataclass(frozen=True)
class AnnualPue:
    """The annual PUE: ratio of the year's sums (never the mean of monthly ratios)."""

    status: Status  #: DETERMINED, MISSING_DATA or ABNORMAL_DATA
    year: int | None
    value: Decimal | None
    total_kwh: Decimal | None
    it_kwh: Decimal | None
    missing_months: tuple[int, ...]
    duplicate_months: tuple[int, ...]
    reason: str


def annual_pue(
    monthly: Sequence[tuple[date, object, object]], *, year: int | None = None
) -> AnnualPue:
    """PUE of one calendar year from 12 monthly (month, total kWh, IT kWh) readings.

    ``month`` is any date in the month. ``year`` defaults to the readings' single year.
    Months of another year, duplicated months or impossible readings → ABNORMAL_DATA; absent
    months or values → MISSING_DATA with the months listed.
    """
    if not monthly:
        missing_all = tuple(range(1, 13)) if year is not None else ()
        reason = "缺少月度电量数据（需全年 12 个月）"
        return AnnualPue(Status.MISSING_DATA, year, None, None, None, missing_all, (), reason)
    years = sorted({m.year for m, _, _ in monthly})
    problems: list[str] = []
    if year is None and len(years) == 1:
        year = years[0]
    if year is None and len(years) > 1:
        problems.append(f"月度数据跨年：{'、'.join(map(str, years))}")
    elif year is not None and any(y != year for y in years):
        strays = sorted({m.strftime("%Y-%m") for m, _, _ in monthly if m.year != year})
        problems.append(f"不属于 {year} 年的月份：{'、'.join(strays)}")
    ours = [(m.month, t, i) for m, t, i in monthly if m.year == year]
    counts: dict[int, int] = {}
    for month, _, _ in ours:
        counts[month] = counts.get(month, 0) + 1
    duplicates = tuple(sorted(m for m, n in counts.items() if n > 1))
    if duplicates:
        problems.append(f"月份重复：{'、'.join(f'{m} 月' for m in duplicates)}")
    missing = set(range(1, 13)) - set(counts) if year is not None else set()
    total = it = Decimal(0)
    for month, month_total, month_it in sorted(ours, key=lambda r: r[0]):
        try:
            t = decimal_of(month_total, f"{month} 月总耗电量")
            i = decimal_of(month_it, f"{month} 月 IT 设备耗电量")
            pue(t, i)  # the same checks as a single period: IT > 0, total ≥ IT
        except ImpossibleInput as problem:
            problems.append(f"{month} 月：{problem.reason}")
            continue
        except InputProblem:
            missing.add(month)
            continue
        total += t
        it += i
    missing_months = tuple(sorted(missing))
    gap = ""
    if missing_months:
        gap = f"缺少 {'、'.join(map(str, missing_months))} 月数据（需全年 12 个月）"
    base = {"year": year, "missing_months": missing_months, "duplicate_months": duplicates}
    if problems:
        reason = "；".join(problems + ([gap] if gap else []))
        return AnnualPue(
            Status.ABNORMAL_DATA, value=None, total_kwh=None, it_kwh=None, reason=reason, **base
        )
    if missing_months:
        return AnnualPue(
            Status.MISSING_DATA, value=None, total_kwh=None, it_kwh=None, reason=gap, **base
        )
    value = pue(total, it)
    reason = f"{year} 年 PUE = {fmt(total)} kWh ÷ {fmt(it)} kWh = {fmt(value)}"
    return AnnualPue(
        Status.DETERMINED, value=value, total_kwh=total, it_kwh=it, reason=reason, **base
    )


@dataclass(frozen=True)
class PueTarget:
    """A PUE reference value: compliance is PUE ≤ limit, or PUE < limit when ``strict``."""

    policy: str
    version: str
    limit: Decimal | None
    strict: bool
    large_only: bool  #: applies to new large and extra-large data centres only
    verified: bool
    effective_from: date | None = None
    effective_to: date | None = None  #: exclusive
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class PueVerdict:
    status: Status
    value: Decimal | None
    target: PueTarget | None
    verified: bool
    provisional: Status | None
    reason: str


def pue_against_target(
    value: object, targets: Iterable[PueTarget], *, on: date, large: bool = True
) -> PueVerdict:
    """Judge a PUE (Decimal/str, or an AnnualPue) against the target in force on ``on``.

    The value is compared as given (pue() has already rounded it to two decimals).
    """
    scope = [t for t in targets if large or not t.large_only]
    target = one_in_force(scope, on, "PUE 目标值")

    def verdict(status: Status, reason: str, number: Decimal | None = None, **found) -> PueVerdict:
        fields = {"verified": True, "provisional": None} | found
        return PueVerdict(status, number, target, reason=reason, **fields)

    if target is None:
        size = "" if large else "非大型"
        return verdict(Status.NO_REFERENCE, f"{on.isoformat()} 无适用于{size}数据中心的 PUE 目标值")
    if isinstance(value, AnnualPue):
        if value.status is not Status.DETERMINED:
            return verdict(value.status, value.reason)
        value = value.value
    try:
        number = decimal_of(value, "PUE")
        if number < 1:
            raise ImpossibleInput(f"PUE {fmt(number)} 低于 1.0，属计量错误")
    except InputProblem as problem:
        return verdict(problem.status, problem.reason)
    if target.limit is None:
        return verdict(Status.LIMIT_UNVERIFIED, f"{target.policy} 目标值未录入", number)
    ok = number < target.limit if target.strict else number <= target.limit
    op = ("<" if ok else "≥") if target.strict else ("≤" if ok else ">")
    reason = f"PUE {fmt(number)} {op} 目标值 {fmt(target.limit)}（{target.policy}）"
    outcome = Status.COMPLIANT if ok else Status.OVER_LIMIT
    if not target.verified:
        reason = f"目标值待核实，暂按此计：{reason}"
        return verdict(Status.LIMIT_UNVERIFIED, reason, number, verified=False, provisional=outcome)
    return verdict(outcome, reason, number)


class MeterRole(StrEnum):
    TOTAL = "total"  #: the data centre's total electricity input
    IT = "it"  #: IT equipment
    NON_IT_ON_UPS = "non_it_on_ups"  #: a non-IT load fed by the UPS (lights, fans on UPS …)


class Boundary(StrEnum):
    TOTAL_INPUT = "total_input"  #: incoming supply of the data centre (总进线)
    UPS_INPUT = "ups_input"
    UPS_OUTPUT = "ups_output"
    PDU_INPUT = "pdu_input"
    LOAD = "load"  #: at the load itself (sub-meter of a non-IT load)
    OTHER = "other"


#: Where IT energy may be measured (DOMAIN 6.2, GB/T 32910.3-2016): UPS output or PDU input.
IT_BOUNDARIES = frozenset({Boundary.UPS_OUTPUT, Boundary.PDU_INPUT})


@dataclass(frozen=True)
class MeteringPoint:
    name: str
    role: MeterRole
    boundary: Boundary
    metered: bool = True  #: False: the load or feeder exists but has no meter


@dataclass(frozen=True)
class MeteringGap:
    code: str  #: no_total_meter, total_wrong_boundary, no_it_meter, it_wrong_boundary,
    #: non_it_unmetered
    status: Status  #: MISSING_DATA or ABNORMAL_DATA
    point: str | None
    reason: str


def metering_gaps(points: Iterable[MeteringPoint]) -> list[MeteringGap]:
    """GB 17167 metering needed for a PUE: total input, IT at UPS output/PDU input, non-IT
    loads on the UPS sub-metered. A missing or misplaced IT meter, or an unmetered non-IT load
    inside the IT figure, makes the PUE a data error (数据异常); no total meter is 数据不全."""
    points = list(points)
    gaps = []
    totals = [p for p in points if p.role is MeterRole.TOTAL and p.metered]
    its = [p for p in points if p.role is MeterRole.IT and p.metered]
    if not totals:
        gaps.append(
            MeteringGap("no_total_meter", Status.MISSING_DATA, None, "缺少数据中心总输入电能计量")
        )
    for p in totals:
        if p.boundary is not Boundary.TOTAL_INPUT:
            reason = f"总耗电量计量点「{p.name}」不在总输入端（{p.boundary.value}）"
            gaps.append(MeteringGap("total_wrong_boundary", Status.ABNORMAL_DATA, p.name, reason))
    if not its:
        gaps.append(MeteringGap("no_it_meter", Status.ABNORMAL_DATA, None, "缺少 IT 设备电能计量"))
    for p in its:
        if p.boundary not in IT_BOUNDARIES:
            reason = (
                f"IT 电量计量点「{p.name}」应在 UPS 输出端或 PDU 输入端（现为 {p.boundary.value}）"
            )
            gaps.append(MeteringGap("it_wrong_boundary", Status.ABNORMAL_DATA, p.name, reason))
    for p in points:
        if p.role is MeterRole.NON_IT_ON_UPS and not p.metered:
            reason = f"UPS 供电的非 IT 负载「{p.name}」未分项计量，IT 电量偏大"
            gaps.append(MeteringGap("non_it_unmetered", Status.ABNORMAL_DATA, p.name, reason))
    return gaps
