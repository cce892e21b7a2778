"""The calculators of /api/v1/calc: the pure rules on the reference data in use; nothing saved.

Each takes the validated request body and returns the answer. Inputs the rules can judge
(missing, impossible) are answers with status missing_data / abnormal_data; requests that
cannot be read as the documented shape raise ValidationFailed (422).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from ..inspections.rules import BadReference, InputProblem, Status, decimal_of, fmt
from ..inspections.rules import energy as energy_rules
from ..inspections.rules import equipment as equipment_rules
from ..inspections.rules import ladder as ladder_rules
from ..inspections.rules import pue as pue_rules
from ..inspections.rules import quota as quota_rules
from ..reference import service as reference
from .case_schemas import dump_annual, number
from .schemas import ValidationFailed

#: The standard that defines PUE and where it is metered.
PUE_STANDARD = "GB/T 32910.3-2016"
MONTH_TEXT = re.compile(r"(\d{4})-(\d{2})")


def _verdict(status: Status, reason: str, reference_version: str) -> dict:
    return {
        "status": status.value,
        "status_label": status.label,
        "reason": reason,
        "reference_version": reference_version,
    }


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def parse_month(text: object) -> date | None:
    """ "2019-01" → date(2019, 1, 1); None when not a month of that form."""
    match = MONTH_TEXT.fullmatch(text) if isinstance(text, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def coal_factors() -> tuple[energy_rules.FactorTable, str]:
    current = reference.current("coal_factors")
    table = current.rows[0]
    return table, f"{table.code}（{current.code}）"


# -- kgce -----------------------------------------------------------------------------------


def kgce(values: dict) -> dict:
    table, version = coal_factors()
    try:
        found = energy_rules.conversion(
            values["amount"],
            values["energy_type"],
            factors=table,
            method=values.get("method") or energy_rules.Method.CALORIFIC,
            measured=values.get("measured"),
            year=values.get("year"),
        )
    except InputProblem as problem:
        return {
            **_verdict(problem.status, problem.reason, version),
            "kgce": None,
            "factor": None,
            "unit": None,
            "basis": None,
            "verified": False,
        }
    reason = f"{found.text} = {fmt(found.kgce)} kgce（{found.basis}）"
    return {
        **_verdict(Status.DETERMINED, reason, version),
        "kgce": number(found.kgce),
        "factor": number(found.factor),
        "unit": found.unit,
        "basis": found.basis,
        "verified": found.verified,
    }


# -- quota ----------------------------------------------------------------------------------


def quota(values: dict) -> dict:
    on = date.fromisoformat(values["on"])
    product = values["product"].strip()
    indicator = (values.get("indicator") or "").strip() or None
    value = values.get("value")
    computed = any(values.get(k) for k in ("energy", "measured", "exported")) or (
        values.get("output") is not None
    )
    if value is not None and computed:
        raise ValidationFailed({"value": _("指标值与 output + energy 只填一种。")})
    if value is None and not computed:
        raise ValidationFailed(
            {"value": _("请给出指标值 value，或产量 output 与能源消费量 energy。")}
        )
    limits = reference.quota_limits()
    table, factors_version = coal_factors()
    try:
        if value is not None:
            verdict = quota_rules.check_quota(limits, product, value, on=on, indicator=indicator)
        else:
            verdict = quota_rules.assess_quota(
                limits,
                product,
                output=values.get("output"),
                energy_by_type=values.get("energy") or {},
                factors=table,
                on=on,
                indicator=indicator,
                measured=values.get("measured") or {},
                exported=values.get("exported") or {},
            )
    except BadReference:
        raise
    except ValueError:  # the product has several indicators in force
        raise ValidationFailed(
            {"indicator": _("该产品有多个指标，请用 indicator 指定。")}
        ) from None
    used = [verdict.standard or _("无适用标准"), _("行业目录限定值")]
    if value is None:
        used.append(factors_version)
    return {
        **_verdict(verdict.status, verdict.reason, " · ".join(used)),
        "formula": verdict.formula,
        "product": product,
        "indicator": verdict.indicator,
        "unit": verdict.unit,
        "value": number(verdict.value),
        "limit": number(verdict.limit),
        "over_amount": number(verdict.over_amount),
        "over_percent": _text(verdict.over_percent),
        "standard": verdict.standard,
        "verified": verdict.verified,
        "provisional": verdict.provisional.value if verdict.provisional else None,
    }


# -- ladder ---------------------------------------------------------------------------------


def ladder(values: dict) -> dict:
    current = reference.current("ladder_schedules")
    sector, year = values["sector"], values["year"]
    arguments = {"schedules": current.rows, "category": values.get("category")}
    indicator = values.get("indicator_value")
    if values.get("kwh") is None:
        tier = ladder_rules.ladder_tier(sector, indicator, year, **arguments)
        status, reason, formula, kwh, amount = tier.status, tier.reason, "", None, None
        verified = tier.verified
    else:
        result = ladder_rules.ladder_surcharge(sector, indicator, values["kwh"], year, **arguments)
        tier = result.tier
        status, reason, formula = result.status, result.reason, result.formula
        kwh, amount, verified = result.kwh, result.amount, result.verified
    schedule = tier.schedule
    version = current.code
    if schedule is not None:
        version = f"{schedule.policy}（{schedule.version}）· {current.code}"
    return {
        **_verdict(status, reason, version),
        "formula": formula,
        "sector": sector,
        "year": year,
        "indicator_year": tier.indicator_year,
        "indicator_value": number(tier.indicator_value),
        "tier": tier.name,
        "candidates": list(tier.candidates),
        "rate": number(tier.rate),
        "steps": tier.steps,
        "kwh": number(kwh),
        "surcharge": _text(amount),
        "policy": schedule.policy if schedule else None,
        "verified": verified,
    }


# -- equipment ------------------------------------------------------------------------------


def equipment(values: dict) -> dict:
    standards = reference.current("equipment_standards")
    catalogue = reference.current("elimination_catalogue")
    item = equipment_rules.EquipmentItem(
        kind=values["kind"],
        model=values["model"],
        rated=values.get("rated"),
        grade=values.get("grade"),
        efficiency=values.get("efficiency"),
        variant=(values.get("variant") or "").strip(),
    )
    verdict = equipment_rules.check_equipment(
        item,
        standards=standards.rows,
        elimination_catalogue=catalogue.rows,
        on=date.fromisoformat(values["on"]),
    )
    used = [verdict.standard] if verdict.standard else []
    used += [standards.code, catalogue.code]
    return {
        **_verdict(verdict.status, verdict.reason, " · ".join(used)),
        "standard": verdict.standard,
        "clause": verdict.clause,
        "batch": verdict.batch,
        "pattern": verdict.pattern,
        "limit_grade": verdict.limit_grade,
        "efficiency_limit": number(verdict.efficiency_limit),
        "verified": verdict.verified,
        "provisional": verdict.provisional.value if verdict.provisional else None,
    }


# -- PUE ------------------------------------------------------------------------------------


def annual_target(annual: pue_rules.AnnualPue, *, large: bool) -> tuple:
    """The annual PUE held to the target in force at the year's end: (verdict, version)."""
    targets = reference.current("pue_targets")
    version = f"{PUE_STANDARD} · {targets.code}"
    if annual.year is None:
        return None, version
    verdict = pue_rules.pue_against_target(
        annual, targets.rows, on=date(annual.year, 12, 31), large=large
    )
    return verdict, version


def pue(values: dict) -> dict:
    single = values.get("total_kwh") is not None or values.get("it_kwh") is not None
    monthly = values.get("monthly")
    if single and monthly is not None:
        raise ValidationFailed(
            {"monthly": _("单期（total_kwh + it_kwh）与月度（monthly）只填一种。")}
        )
    if monthly is not None:
        return _annual(monthly, values.get("year"), values.get("large", True))
    if "year" in values or "large" in values:
        raise ValidationFailed({"year": _("year 与 large 只与 monthly 同用。")})
    if not single:
        raise ValidationFailed({"total_kwh": _("请给出 total_kwh 与 it_kwh，或 monthly。")})
    blank = {
        "year": None,
        "pue": None,
        "total_kwh": number(_decimal_or_none(values.get("total_kwh"))),
        "it_kwh": number(_decimal_or_none(values.get("it_kwh"))),
        "missing_months": [],
        "duplicate_months": [],
        "target": None,
    }
    try:
        value = pue_rules.pue(values.get("total_kwh"), values.get("it_kwh"))
    except InputProblem as problem:
        return {**blank, **_verdict(problem.status, problem.reason, PUE_STANDARD)}
    total, it = blank["total_kwh"], blank["it_kwh"]
    reason = f"PUE = {fmt(Decimal(total))} kWh ÷ {fmt(Decimal(it))} kWh = {fmt(value)}"
    return {**blank, "pue": format(value, "f"), **_verdict(Status.DETERMINED, reason, PUE_STANDARD)}


def _decimal_or_none(value: object) -> Decimal | None:
    try:
        return decimal_of(value, "")
    except (InputProblem, TypeError):
        return None


def _annual(monthly: list[dict], year: int | None, large: bool) -> dict:
    rows, errors = [], {}
    for index, entry in enumerate(monthly):
        month = parse_month(entry.get("month"))
        if month is None:
            errors[f"monthly[{index}]"] = _("month：月份格式应为 YYYY-MM。")
            continue
        rows.append((month, entry.get("total_kwh"), entry.get("it_kwh")))
    if errors:
        raise ValidationFailed(errors)
    annual = pue_rules.annual_pue(rows, year=year)
    target, version = annual_target(annual, large=large)
    return dump_annual(annual, target, version)
