"""Category 一: measured unit-product energy consumption against the quota standard's 限定值."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from . import (
    BadReference,
    ImpossibleInput,
    InputProblem,
    MissingInput,
    Status,
    decimal_of,
    fmt,
    is_in_force,
    round2,
    text_of,
)
from . import energy as energy_rules

Method = energy_rules.Method


@dataclass(frozen=True)
class QuotaLimit:
    """One versioned limit: an indicator of a product in one edition of a quota standard."""

    standard: str  #: "GB 29141"
    edition: str  #: "2012"
    industry: str  #: Annex-1 industry, "硫酸"
    product: str  #: key the inspector picks, "硫磺制酸"
    indicator: str  #: "单位产品综合能耗"
    energy_unit: str  #: "kgce", "tce", "kgEO"
    output_unit: str  #: "t", "km²", "kL"
    #: 限定值 for existing plants; compliance is value ≤ limit (negative limits too). None: unknown.
    limit: Decimal | None
    verified: bool
    effective_from: date | None = None  #: None: in force before any date we assess
    effective_to: date | None = None  #: exclusive; None: still in force
    #: How the standard converts electricity (当量值/等价值) when the value is computed.
    method: Method = Method.CALORIFIC
    #: kgce in one ``energy_unit`` (1 for kgce, 1000 for tce); None: not standard coal (kgEO),
    #: so the value cannot be computed from kgce and must be reported.
    energy_scale: Decimal | None = Decimal(1)
    source: str = ""
    note: str = ""

    @property
    def code(self) -> str:
        return f"{self.standard}-{self.edition}"

    @property
    def unit(self) -> str:
        return f"{self.energy_unit}/{self.output_unit}"


@dataclass(frozen=True)
class UnitConsumption:
    """(Energy used − energy exported) in kgce ÷ output, with the conversions it came from."""

    value: Decimal  #: kgce per unit of output, exact; negative when exports exceed use
    total_kgce: Decimal  #: net: consumed − exported
    output: Decimal
    conversions: tuple[energy_rules.Conversion, ...]
    #: Energy supplied to others (e.g. steam from sulphuric-acid waste heat), subtracted.
    exported: tuple[energy_rules.Conversion, ...] = ()

    @property
    def verified(self) -> bool:
        return all(c.verified for c in self.conversions + self.exported)


@dataclass(frozen=True)
class QuotaVerdict:
    """A category-一 verdict with everything a reviewer needs to redo it."""

    status: Status
    product: str
    indicator: str | None
    unit: str | None
    value: Decimal | None  #: exact, in the limit's unit
    limit: Decimal | None
    over_amount: Decimal | None  #: value − limit when over, else None
    over_percent: Decimal | None  #: over ÷ |limit| × 100, two decimals half up
    standard: str | None  #: "GB 29141-2012"
    reference: QuotaLimit | None
    #: False when the limit or a conversion factor used is flagged unverified (待核实).
    verified: bool
    #: With an unverified reference: what the comparison would say (COMPLIANT / OVER_LIMIT).
    provisional: Status | None
    formula: str
    reason: str
    inputs: dict[str, str] = field(default_factory=dict)


def measure_unit_consumption(
    output: object,
    energy_by_type: Mapping[str, object],
    *,
    factors: energy_rules.FactorTable,
    method: Method | str = Method.CALORIFIC,
    year: int | None = None,
    measured: Mapping[str, object] | None = None,
    exported: Mapping[str, object] | None = None,
) -> UnitConsumption:
    """综合能耗 ÷ 产量; output ≤ 0 → ImpossibleInput, no output or energy → MissingInput.

    ``exported`` energy (amounts ≥ 0, converted with the table's factors) is subtracted, which
    is how quotas with negative limits (GB 29141 sulphuric acid) come out below zero.
    """
    amount = decimal_of(output, "产量")
    if amount <= 0:
        raise ImpossibleInput(f"产量应大于 0：{fmt(amount)}")
    conversions = energy_rules.convert_all(
        energy_by_type, factors=factors, method=method, year=year, measured=measured
    )
    sent = tuple(
        energy_rules.conversion(v, k, factors=factors, method=method, year=year)
        for k, v in (exported or {}).items()
    )
    total = sum((c.kgce for c in conversions), Decimal(0)) - sum((c.kgce for c in sent), Decimal(0))
    return UnitConsumption(total / amount, total, amount, conversions, sent)


def unit_consumption(
    output: object,
    energy_by_type: Mapping[str, object],
    *,
    factors: energy_rules.FactorTable,
    method: Method | str = Method.CALORIFIC,
    year: int | None = None,
    measured: Mapping[str, object] | None = None,
    exported: Mapping[str, object] | None = None,
) -> Decimal:
    """kgce per unit of output (exact); see :func:`measure_unit_consumption`."""
    return measure_unit_consumption(
        output,
        energy_by_type,
        factors=factors,
        method=method,
        year=year,
        measured=measured,
        exported=exported,
    ).value


def _pick_limit(
    limits: Iterable[QuotaLimit], product: str, on: date, indicator: str | None
) -> tuple[QuotaLimit | None, str]:
    rows = [r for r in limits if r.product == product]
    if indicator is not None:
        rows = [r for r in rows if r.indicator == indicator]
    what = f"「{product}」{indicator or ''}"
    if not rows:
        return None, f"无{what}的能耗限额标准"
    current = [r for r in rows if is_in_force(r, on)]
    if not current:
        known = "、".join(sorted({r.code for r in rows}))
        return None, f"{on.isoformat()} 无有效的{what}限额标准（已录入：{known}）"
    indicators = sorted({r.indicator for r in current})
    if len(indicators) > 1:
        raise ValueError(f"{what}有多个指标（{'、'.join(indicators)}），需指定 indicator")
    if len(current) > 1:
        raise BadReference(f"{on.isoformat()} {what}同时有 {len(current)} 个有效版本")
    return current[0], ""


def _shown(value: Decimal, avoid: Decimal | None = None) -> str:
    """Two decimals when that is exact or still tells ``value`` from ``avoid`` (the limit)."""
    for places in range(2, 7):
        rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if rounded == value:
            return fmt(value.normalize())
        if avoid is None or rounded != avoid:
            return f"≈{fmt(rounded)}"
    return fmt(value)


def _value_in_unit(value: object, row: QuotaLimit) -> tuple[Decimal, str]:
    if isinstance(value, InputProblem):  # assess_quota could not compute the value
        raise value
    if isinstance(value, UnitConsumption):
        if row.energy_scale is None:
            raise MissingInput(
                f"{row.indicator}以 {row.energy_unit} 计，不能由标准煤折算，需填报指标值"
            )
        energy = value.total_kgce / row.energy_scale
        number = energy / value.output
        what = "（消耗 − 外供）" if value.exported else "综合能耗"
        formula = (
            f"{row.indicator} = {what} ÷ 产量 = {_plain(energy)} {row.energy_unit} ÷ "
            f"{fmt(value.output)} {row.output_unit} {_approx(number)} {row.unit}"
        )
        return number, formula
    number = decimal_of(value, row.indicator)
    return number, f"{row.indicator} = {fmt(number)} {row.unit}（填报值）"


def _plain(value: Decimal) -> str:
    exact = round2(value) == value
    return fmt(value.normalize()) if exact else fmt(value, 2)


def _approx(value: Decimal) -> str:
    shown = _shown(value)
    return shown.replace("≈", "≈ ") if shown.startswith("≈") else f"= {shown}"


def _judge(
    row: QuotaLimit | None,
    why: str,
    product: str,
    value: object,
    indicator: str | None,
    inputs: dict[str, str],
) -> QuotaVerdict:
    def verdict(status: Status, reason: str, **found: object) -> QuotaVerdict:
        fields: dict = {
            "value": None,
            "limit": None,
            "over_amount": None,
            "over_percent": None,
            "verified": True,
            "provisional": None,
            "formula": "",
        }
        fields.update(found)
        return QuotaVerdict(
            status=status,
            product=product,
            indicator=row.indicator if row else indicator,
            unit=row.unit if row else None,
            standard=row.code if row else None,
            reference=row,
            reason=reason,
            inputs=inputs,
            **fields,
        )

    if row is None:
        return verdict(Status.NO_REFERENCE, why)
    try:
        number, formula = _value_in_unit(value, row)
    except InputProblem as problem:
        return verdict(problem.status, problem.reason, verified=row.verified)
    if row.limit is None:
        reason = f"{row.code}「{product}」{row.indicator}限定值未录入（待核实），不作判定"
        return verdict(
            Status.LIMIT_UNVERIFIED, reason, value=number, verified=False, formula=formula
        )
    limit, unit = row.limit, row.unit
    complies = number <= limit
    over = None if complies else number - limit
    percent = None if over is None or limit == 0 else round2(over / abs(limit) * 100)
    if complies:
        outcome = f"≤ 限定值 {fmt(limit)} {unit}（{row.code}），符合"
    else:
        outcome = f"超过限定值 {fmt(limit)} {unit}（{row.code}）{_shown(over, Decimal(0))} {unit}"
        outcome += f"，超 {fmt(percent)} %" if percent is not None else ""
    reason = f"{row.indicator} {_shown(number, limit)} {unit} {outcome}"
    factors_ok = not isinstance(value, UnitConsumption) or value.verified
    verified = row.verified and factors_ok
    provisional = Status.COMPLIANT if complies else Status.OVER_LIMIT
    status = provisional
    if not verified:
        doubts = ([] if row.verified else ["限定值"]) + ([] if factors_ok else ["折标系数"])
        reason = f"{'、'.join(doubts)}待核实，暂按此计：{reason}"
        status = Status.LIMIT_UNVERIFIED
    return verdict(
        status,
        reason,
        value=number,
        limit=limit,
        over_amount=over,
        over_percent=percent,
        verified=verified,
        provisional=None if verified else provisional,
        formula=formula,
    )


def check_quota(
    limits: Iterable[QuotaLimit],
    product: str,
    value: object,
    *,
    on: date,
    indicator: str | None = None,
) -> QuotaVerdict:
    """Judge ``value`` (Decimal/int/str in the limit's unit, or a UnitConsumption) on ``on``.

    ``on`` is the date assessed, not the inspection date: 2020 supervision of 2019 operation
    passes ``date(2019, 12, 31)``. ``indicator`` is needed when the product has several.
    """
    inputs = {"product": product, "indicator": indicator or "", "on": on.isoformat()}
    if isinstance(value, UnitConsumption):
        inputs |= _consumption_inputs(value)
    else:
        inputs["value"] = text_of(value)
    row, why = _pick_limit(limits, product, on, indicator)
    return _judge(row, why, product, value, indicator, inputs)


def assess_quota(
    limits: Iterable[QuotaLimit],
    product: str,
    *,
    output: object,
    energy_by_type: Mapping[str, object],
    factors: energy_rules.FactorTable,
    on: date,
    year: int | None = None,
    indicator: str | None = None,
    measured: Mapping[str, object] | None = None,
    exported: Mapping[str, object] | None = None,
) -> QuotaVerdict:
    """Compute the unit consumption with the method of the edition in force, then judge it.

    ``year`` (the year the energy was used, for per-year factors) defaults to ``on.year``.
    Input problems become 数据不全 / 数据异常 verdicts instead of exceptions.
    """
    year = on.year if year is None else year
    inputs = {"product": product, "indicator": indicator or "", "on": on.isoformat()}
    inputs |= {"output": text_of(output), "year": str(year), "factors": factors.code}
    inputs |= {f"energy.{k}": text_of(v) for k, v in energy_by_type.items()}
    inputs |= {f"measured.{k}": text_of(v) for k, v in (measured or {}).items()}
    inputs |= {f"exported.{k}": text_of(v) for k, v in (exported or {}).items()}
    row, why = _pick_limit(limits, product, on, indicator)
    if row is None:
        return _judge(row, why, product, None, indicator, inputs)
    inputs["method"] = row.method.value
    try:
        consumption = measure_unit_consumption(
            output,
            energy_by_type,
            factors=factors,
            method=row.method,
            year=year,
            measured=measured,
            exported=exported,
        )
    except InputProblem as problem:
        return _judge(row, why, product, problem, indicator, inputs)
    inputs |= _consumption_inputs(consumption)
    return _judge(row, why, product, consumption, indicator, inputs)


def _consumption_inputs(consumption: UnitConsumption) -> dict[str, str]:
    found = {"output": text_of(consumption.output), "total_kgce": text_of(consumption.total_kgce)}
    for c in consumption.conversions:
        found[f"energy.{c.energy_type}"] = f"{c.text}（{c.basis}）"
    for c in consumption.exported:
        found[f"exported.{c.energy_type}"] = f"{c.text}（{c.basis}）"
    return found


def _trimmed(value: Decimal) -> Decimal:
    """-115.0000 (as a NUMERIC column returns it) → -115; 1.80 → 1.8."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


#: kgce in one unit of the indicator's energy; kgEO (oil equivalent) is not standard coal.
ENERGY_SCALES = {"kgce": Decimal(1), "tce": Decimal(1000)}


def catalogue_limit(
    *,
    standard_code: str,
    industry: str,
    product: str,
    indicator: str,
    unit: str,
    limit: Decimal | None,
    verified: bool,
    effective_from: date | None = None,
    effective_to: date | None = None,
    method: str = Method.CALORIFIC.value,
    source: str = "",
    note: str = "",
) -> QuotaLimit:
    """A rule row from a row of the industry catalogue (the one place limits are kept).

    ``standard_code`` is "GB 29141-2012"; ``unit`` "kgce/t", "tce/t", "kgEO/(t·能量因数)".
    """
    standard, _, edition = standard_code.rpartition("-")
    energy_unit, _, output_unit = unit.partition("/")
    return QuotaLimit(
        standard=standard or standard_code,
        edition=edition if standard else "",
        industry=industry,
        product=product,
        indicator=indicator,
        energy_unit=energy_unit,
        output_unit=output_unit,
        limit=None if limit is None else _trimmed(limit),
        verified=verified and limit is not None,
        effective_from=effective_from,
        effective_to=effective_to,
        method=Method(method),
        energy_scale=ENERGY_SCALES.get(energy_unit),
        source=source,
        note=note,
    )
