"""Category 一 quota checks and category 二 ladder electricity on a case, and the price list."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import xlsxwriter
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core import access
from ..core.errors import DomainError
from ..core.models import Organisation, User
from ..core.versions import require_stamp
from ..enterprises.models import Enterprise
from ..extensions import db
from ..reference import service as reference
from . import service
from .models import InspectionCase, Verdict
from .rules import BadReference, InputProblem, Status, approx, fmt, is_in_force, one_in_force
from .rules import ladder as ladder_rules
from .rules import quota as quota_rules
from .rules.energy import FactorTable

#: Energy types the quota form asks for, in the order shown (keys of the coal factor table).
ENERGY_TYPES = ("electricity", "raw_coal", "natural_gas", "diesel", "heat")
#: Energy an enterprise may supply to others (steam counted as heat, MJ).
EXPORT_TYPES = ("heat", "electricity")
#: Industry code (supervision/industries/reference.py) → ladder sector of the rules.
LADDER_SECTORS = {
    "electrolytic_aluminium": "aluminium",
    "aluminium": "aluminium",
    "steel": "steel",
    "cement": "cement",
}
CATEGORIES = ("淘汰类", "限制类")
STORED = Decimal("0.000001")  #: Verdict.value is Numeric(20, 6)
LARGEST = Decimal(10) ** 14  #: no figure on a case comes near; beyond it a unit is wrong


def assessed_on(case: InspectionCase) -> date:
    """Limits are looked up on the last day of the year assessed."""
    return date(case.assessed_year, 12, 31)


def billed_year(case: InspectionCase) -> int:
    """The ladder tier billed in a year is decided by the previous year's indicator."""
    return case.assessed_year + 1


# -- input parsing (shared by the forms and the API) ----------------------------------------

_SPACES = re.compile(r"[\s,，]")


def parse_decimal(value: object) -> Decimal | None:
    """``" 1 234,5 "`` → Decimal; blank → None; ValueError when not a finite number."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    else:
        text = "" if value is None else _SPACES.sub("", str(value))
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def number_problem(value: object, *, negative: bool = False) -> str | None:
    """The Chinese message for an unusable number (None when fine or blank)."""
    try:
        number = parse_decimal(value)
    except ValueError:
        return _("请填写数字。")
    if number is not None and number < 0 and not negative:
        return _("不能为负数。")
    if number is not None and abs(number) >= LARGEST:
        return _("数值过大，请核对单位。")
    return None


def _decimal(value: object, what: str, field: str, *, negative: bool = False) -> Decimal | None:
    problem = number_problem(value, negative=negative)
    if problem:
        raise DomainError(f"{what}：{problem}", field=field)
    return parse_decimal(value)


def _tidy(value: Decimal | None) -> Decimal | None:
    """Without trailing zeros (``28.9700`` → ``28.97``), for the numbers shown and exported."""
    return None if value is None else value.normalize()


def _stored(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(STORED, rounding=ROUND_HALF_UP)


# -- category 一: quota ---------------------------------------------------------------------


def coal_factors() -> tuple[FactorTable, str]:
    """The factor table in use and its revision code ("coal_factors r1")."""
    current = reference.current("coal_factors")
    return current.rows[0], current.code


def quota_options(case: InspectionCase) -> list[quota_rules.QuotaLimit]:
    """The limits of the case's industry in force on the assessed date."""
    on = assessed_on(case)
    return [r for r in reference.quota_limits(case.task.industry_id) if is_in_force(r, on)]


def _amounts(raw: object, table: FactorTable, prefix: str, what: str, allowed) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise DomainError(_("能源数据格式不正确。"), field=prefix)
    names = {f.energy_type: f.name for f in table.factors}
    found = {}
    for key, value in raw.items():
        if key not in names or key not in allowed:
            raise DomainError(_("未知能源品种：%(k)s", k=key), field=prefix)
        number = _decimal(value, f"{names[key]}{what}", f"{prefix}_{key}")
        if number is not None:
            found[key] = number
    return found


def _quota_formula(verdict, output, energy, table, year, measured, exported) -> str:
    """The rule's formula preceded by one line per conversion, so a reviewer can redo it."""
    if verdict.reference is None or verdict.value is None:
        return verdict.formula
    try:
        used = quota_rules.measure_unit_consumption(
            output,
            energy,
            factors=table,
            method=verdict.reference.method,
            year=year,
            measured=measured,
            exported=exported,
        )
    except InputProblem:
        return verdict.formula
    lines = [f"{c.text} {approx(c.kgce)} kgce（{c.basis}）" for c in used.conversions]
    lines += [f"− {c.text} {approx(c.kgce)} kgce（{c.basis}，外供）" for c in used.exported]
    return "\n".join([*lines, verdict.formula])


def rule_verdicts(case: InspectionCase, rule: str) -> list[Verdict]:
    """The case's verdicts of one calculation (what its page shows and its form replaces)."""
    return [v for v in case.verdicts if v.rule == rule]


def assess_case_quota(
    case: InspectionCase, data: Mapping[str, Any], actor: User, *, version: str | None = None
) -> Verdict:
    """Judge the case's unit consumption against the quota and store the verdict.

    ``data``: product, indicator (optional), output, energy {type: amount}, measured
    {type: kJ per unit}, exported {type: amount}, reported_value (optional, instead of energy).
    DomainError(message, field) for input that cannot be used; problems the rule can judge
    (no energy, output 0, a fuel without a factor) become 数据不全 / 数据异常 verdicts.
    ``version``: the ``stamp`` of the quota verdicts when the form was opened (None: unchecked).
    """
    service.require_recorder(case, actor)
    require_stamp(Verdict.__tablename__, rule_verdicts(case, "quota"), version)
    if case.category != 1:
        raise DomainError(_("能耗限额核算只适用于专项监察一的案件。"))
    on = assessed_on(case)
    limits = reference.quota_limits(case.task.industry_id)
    product = str(data.get("product") or "").strip()
    indicator = str(data.get("indicator") or "").strip() or None
    if not product:
        raise DomainError(_("请选择产品。"), field="product")
    known = [r for r in limits if r.product == product]
    if indicator is not None:
        known = [r for r in known if r.indicator == indicator]
    if not known:
        raise DomainError(_("「%(p)s」不在本行业的能耗限额标准中。", p=product), field="product")
    indicators = sorted({r.indicator for r in known if is_in_force(r, on)})
    if indicator is None and len(indicators) > 1:
        raise DomainError(_("该产品有多个指标，请选择指标。"), field="product")
    indicator = indicator or (indicators[0] if indicators else None)
    table, coal_code = coal_factors()
    reported = _decimal(data.get("reported_value"), _("指标值"), "reported_value", negative=True)
    output = _decimal(data.get("output"), _("产量"), "output")
    energy = _amounts(data.get("energy"), table, "energy", _("消费量"), ENERGY_TYPES)
    measured = _amounts(data.get("measured"), table, "measured", _("实测低位发热量"), ENERGY_TYPES)
    exported = _amounts(data.get("exported"), table, "exported", _("外供量"), EXPORT_TYPES)
    if reported is not None and (energy or exported or measured):
        raise DomainError(_("直接填报指标值时不填写能源消费量，二者选一。"), field="reported_value")
    if reported is None and output is None:
        raise DomainError(_("请填写产量。"), field="output")
    year = case.assessed_year
    if reported is not None:
        verdict = quota_rules.check_quota(limits, product, reported, on=on, indicator=indicator)
        formula = verdict.formula
        used = [verdict.standard or _("无适用标准"), _("行业目录限定值")]
    else:
        verdict = quota_rules.assess_quota(
            limits,
            product,
            output=output,
            energy_by_type=energy,
            factors=table,
            on=on,
            year=year,
            indicator=indicator,
            measured=measured,
            exported=exported,
        )
        formula = _quota_formula(verdict, output, energy, table, year, measured, exported)
        used = [
            verdict.standard or _("无适用标准"),
            _("行业目录限定值"),
            f"{table.code}（{coal_code}）",
        ]
    entered = {
        "product": product,
        "indicator": indicator or "",
        "output": output,
        "energy": energy,
        "measured": measured,
        "exported": exported,
        "reported_value": reported,
    }
    return service.store_verdict(
        case,
        rule="quota",
        subject=f"{product} · {verdict.indicator or indicator or ''}".strip(" ·")[:80],
        status=verdict.status,
        reason=verdict.reason,
        formula=formula,
        reference_version=" · ".join(used),
        value=_stored(verdict.value),
        limit_value=verdict.limit,
        unit=verdict.unit or "",
        numbers={
            "over_amount": _tidy(verdict.over_amount),
            "over_percent": verdict.over_percent,
            "standard": verdict.standard,
        },
        entered=entered,
        inputs=verdict.inputs,
        verified=verdict.verified,
        provisional=verdict.provisional,
        actor=actor,
    )


# -- category 二: ladder electricity --------------------------------------------------------


def ladder_sector(case: InspectionCase) -> str | None:
    industry = case.task.industry
    return LADDER_SECTORS.get(industry.code) if industry is not None else None


def ladder_schedule(case: InspectionCase) -> ladder_rules.LadderSchedule | None:
    """The schedule in force on 1 January of the billed year for the case's sector."""
    sector = ladder_sector(case)
    if sector is None:
        return None
    rows = [s for s in reference.current("ladder_schedules").rows if s.sector == sector]
    try:
        return one_in_force(rows, date(billed_year(case), 1, 1), "阶梯电价政策")
    except BadReference:
        return None


def _ladder_indicator(data, schedule, year) -> tuple[Decimal | None, str]:
    """The indicator entered, or kWh ÷ t computed from the year's figures (with its line)."""
    negative = schedule is not None and schedule.unit == "%"
    value = _decimal(data.get("indicator_value"), _("指标值"), "indicator_value", negative=negative)
    kwh = _decimal(data.get("kwh_electrolysis"), _("电解交流电耗"), "kwh_electrolysis")
    output = _decimal(data.get("output"), _("产量"), "output")
    if kwh is None and output is None:
        return value, ""
    if value is not None:
        message = _("指标值与「电耗 + 产量」只填一种。")
        raise DomainError(message, field="indicator_value")
    if schedule is not None and schedule.unit != "kWh/t":
        message = _("本行业的指标不能由用电量和产量计算，请直接填写指标值。")
        raise DomainError(message, field="kwh_electrolysis")
    if kwh is None:
        raise DomainError(_("请同时填写电解交流电耗。"), field="kwh_electrolysis")
    if output is None:
        raise DomainError(_("请同时填写产量。"), field="output")
    if output == 0:
        raise DomainError(_("产量应大于 0。"), field="output")
    value = ladder_rules.kwh_per_tonne(kwh, output)
    name = schedule.indicator if schedule else _("电耗")
    line = f"{year - 1} 年{name} = {fmt(kwh)} kWh ÷ {fmt(output)} t {approx(value)} kWh/t"
    return value, line


def assess_case_ladder(
    case: InspectionCase, data: Mapping[str, Any], actor: User, *, version: str | None = None
) -> Verdict:
    """Tier, surcharge and billed-vs-computed comparison for the billed year; stored.

    ``data``: indicator_value, or kwh_electrolysis and output (kWh/t computed); category
    ("淘汰类"/"限制类"/blank); kwh (production electricity of the billed year, captive plants
    included); billed_tier (a tier name of the schedule) and/or billed_rate (元/kWh).
    ``version``: the ``stamp`` of the ladder verdicts when the form was opened (None: unchecked).
    """
    service.require_recorder(case, actor)
    require_stamp(Verdict.__tablename__, rule_verdicts(case, "ladder"), version)
    if case.category != 2:
        raise DomainError(_("阶梯电价核算只适用于专项监察二的案件。"))
    sector = ladder_sector(case)
    if sector is None:
        raise DomainError(_("本案件的行业不执行阶梯电价（电解铝、钢铁、水泥）。"))
    current = reference.current("ladder_schedules")
    year = billed_year(case)
    schedule = ladder_schedule(case)
    category = str(data.get("category") or "").strip() or None
    if category is not None and category not in CATEGORIES:
        raise DomainError(_("类别应为淘汰类或限制类。"), field="category")
    indicator, line = _ladder_indicator(data, schedule, year)
    kwh = _decimal(data.get("kwh"), _("生产用电量"), "kwh")
    billed_tier = str(data.get("billed_tier") or "").strip() or None
    names = [t.name for t in schedule.tiers] if schedule else []
    if billed_tier is not None and billed_tier not in names:
        raise DomainError(_("实际执行档次不在现行政策的档次中。"), field="billed_tier")
    billed_rate = _decimal(data.get("billed_rate"), _("实际执行加价标准"), "billed_rate")
    result = ladder_rules.ladder_surcharge(
        sector, indicator, kwh, year, schedules=current.rows, category=category
    )
    tier = result.tier
    finding = ladder_rules.ladder_finding(tier, billed_tier, billed_rate=billed_rate)
    if tier.status is not Status.DETERMINED:
        status, reason = result.status, result.reason
    else:
        status = finding.status if result.status is Status.DETERMINED else result.status
        reason = f"{result.reason}；{finding.reason}"
    formula = "\n".join(text for text in (line, result.formula) if text)
    policy = (
        f"{schedule.policy}（{schedule.version}）· {current.code}" if schedule else current.code
    )
    return service.store_verdict(
        case,
        rule="ladder",
        subject="ladder",
        status=status,
        reason=reason,
        formula=formula,
        reference_version=policy,
        value=_stored(tier.indicator_value),
        unit=schedule.unit if schedule else "",
        numbers={
            "sector": sector,
            "year": year,
            "indicator_year": year - 1,
            "indicator": tier.indicator_value,
            "category": category,
            "tier": tier.name,
            "candidates": list(tier.candidates),
            "rate": tier.rate,
            "steps": tier.steps,
            "kwh": result.kwh,
            "surcharge": result.amount,
            "billed_tier": billed_tier,
            "billed_rate": finding.billed_rate if finding.billed_rate is not None else billed_rate,
            "mismatch": finding.is_finding,
            "direction": finding.direction,
            "policy": schedule.policy if schedule else None,
        },
        entered={
            "indicator_value": data.get("indicator_value"),
            "kwh_electrolysis": data.get("kwh_electrolysis"),
            "output": data.get("output"),
            "category": category,
            "kwh": kwh,
            "billed_tier": billed_tier,
            "billed_rate": billed_rate,
        },
        inputs={
            "sector": sector,
            "year": year,
            "indicator_value": tier.indicator_value,
            "category": category or "",
            "kwh": kwh,
            "billed_tier": billed_tier or "",
            "billed_rate": billed_rate,
            "schedules": current.code,
        },
        verified=result.verified,
        provisional=finding.provisional if status is Status.LIMIT_UNVERIFIED else None,
        actor=actor,
    )


# -- the price department's list ---------------------------------------------------------------


@dataclass(frozen=True)
class LadderRow:
    case_id: int
    province: str
    enterprise: str
    credit_code: str
    sector: str
    indicator: str  #: "13 750 kWh/t" or ""
    tier: str
    billed_tier: str
    rate: Decimal | None
    surcharge: Decimal | None
    mismatch: bool
    direction: str | None
    status: str


def _two_places(value: Decimal) -> str:
    exact = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) == value
    return fmt(value.normalize()) if exact else fmt(value, 2)


def grouped(value: object) -> str:
    """``"28000000.00"`` → ``"28 000 000.00"`` for pages; blank or not a number → "—"."""
    number = _decimal_or_none(value)
    return "—" if number is None else fmt(number)


def _decimal_or_none(text: object) -> Decimal | None:
    try:
        return parse_decimal(text)
    except ValueError:
        return None


def ladder_rows(user: User, province: str | None = None) -> list[LadderRow]:
    """Stored ladder verdicts of the cases ``user`` may see (optionally one province's)."""
    stmt = (
        select(InspectionCase, Verdict, Organisation.name)
        .join(Verdict, Verdict.case_id == InspectionCase.id)
        .join(Organisation, Organisation.id == InspectionCase.province_id)
        .join(Enterprise, Enterprise.id == InspectionCase.enterprise_id)
        .where(Verdict.rule == "ladder")
        .options(selectinload(InspectionCase.enterprise))
        .order_by(Organisation.division_code, Enterprise.name, InspectionCase.id)
    )
    if province:
        stmt = stmt.where(Organisation.division_code == province)
    rows = []
    for case, verdict, province_name in db.session.execute(access.scoped(stmt, user)):
        numbers = verdict.numbers or {}
        value = _decimal_or_none(numbers.get("indicator"))
        indicator = "" if value is None else f"{_two_places(value)} {verdict.unit}".strip()
        rows.append(
            LadderRow(
                case_id=case.id,
                province=province_name,
                enterprise=case.enterprise.name,
                credit_code=case.enterprise.credit_code,
                sector=ladder_rules.SECTOR_NAMES.get(numbers.get("sector", ""), ""),
                indicator=indicator,
                tier=numbers.get("tier") or "",
                billed_tier=numbers.get("billed_tier") or "",
                rate=_decimal_or_none(numbers.get("rate")),
                surcharge=_decimal_or_none(numbers.get("surcharge")),
                mismatch=bool(numbers.get("mismatch")),
                direction=numbers.get("direction"),
                status=verdict.status,
            )
        )
    return rows


def ladder_workbook(rows: list[LadderRow], title: str) -> io.BytesIO:
    """The list as .xlsx: a title row, the header, frozen panes; user text stays text."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet = workbook.add_worksheet(_("阶梯电价"))
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    heading = workbook.add_format({"bold": True, "font_size": 14})
    money = workbook.add_format({"num_format": "#,##0.00"})
    header = [
        _("省份"),
        _("企业名称"),
        _("统一社会信用代码"),
        _("行业"),
        _("上年指标值"),
        _("计算档次"),
        _("实际执行档次"),
        _("加价标准（元/kWh）"),
        _("应收加价电费（元）"),
        _("执行档次不符"),
        _("结论"),
    ]
    widths = [12, 30, 22, 10, 18, 12, 14, 16, 20, 12, 14]
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.write_string(0, 0, title, heading)
    for index, text in enumerate(header):
        sheet.write_string(1, index, text, bold)
    sheet.freeze_panes(2, 2)
    for number, row in enumerate(rows, start=2):
        texts = [row.province, row.enterprise, row.credit_code, row.sector, row.indicator]
        texts += [row.tier, row.billed_tier]
        for index, text in enumerate(texts):
            sheet.write_string(number, index, text)
        if row.rate is not None:
            sheet.write_number(number, 7, float(row.rate))
        if row.surcharge is not None:
            sheet.write_number(number, 8, float(row.surcharge), money)
        sheet.write_string(number, 9, _("是") if row.mismatch else _("否"))
        sheet.write_string(number, 10, status_label(row.status))
    workbook.close()
    buffer.seek(0)
    return buffer


def status_label(status: str) -> str:
    try:
        return Status(status).label
    except ValueError:
        return status
