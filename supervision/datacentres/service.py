"""Data centres: registration, metering points, monthly readings and the annual PUE."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import access
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.models import Role, User
from ..core.versions import require_stamp, require_version
from ..enterprises.models import Enterprise
from ..extensions import db
from ..inspections import service as cases
from ..inspections.models import InspectionCase, Verdict
from ..inspections.rules import Status, fmt
from ..inspections.rules import pue as rules
from ..reference.service import current
from ..tasks.models import task_inspectors
from .models import DataCentre, MeteringPoint, MonthlyReading

ROLE_LABELS = {
    rules.MeterRole.TOTAL: _l("数据中心总耗电量（总输入）"),
    rules.MeterRole.IT: _l("IT 设备耗电量"),
    rules.MeterRole.NON_IT_ON_UPS: _l("UPS 供电的非 IT 负载"),
}
BOUNDARY_LABELS = {
    rules.Boundary.TOTAL_INPUT: _l("数据中心总进线"),
    rules.Boundary.UPS_INPUT: _l("UPS 输入端"),
    rules.Boundary.UPS_OUTPUT: _l("UPS 输出端"),
    rules.Boundary.PDU_INPUT: _l("PDU 输入端"),
    rules.Boundary.LOAD: _l("负载端（分项计量）"),
    rules.Boundary.OTHER: _l("其他位置"),
}
SOURCES = frozenset({"manual", "api", "import"})
#: Numeric(16, 2): the largest reading the column holds.
MAX_KWH = Decimal("99999999999999.99")
CENT = Decimal("0.01")


# -- who may write ----------------------------------------------------------------------------


def may_write(enterprise: Enterprise, user: User) -> bool:
    """Officers of the enterprise's province, and inspectors assigned to one of its cases."""
    if not getattr(user, "is_authenticated", False):
        return False
    if (
        Role.PROVINCIAL_OFFICER in user.roles
        and user.organisation.province_org_id == enterprise.province_id
    ):
        return True
    if Role.INSPECTOR in user.roles:
        assigned = (
            select(InspectionCase.id)
            .join(task_inspectors, task_inspectors.c.task_id == InspectionCase.task_id)
            .where(
                InspectionCase.enterprise_id == enterprise.id,
                task_inspectors.c.user_id == user.id,
            )
        )
        return bool(db.session.scalar(select(assigned.exists())))
    return False


def require_writer(enterprise: Enterprise, user: User) -> None:
    if not may_write(enterprise, user):
        raise DomainError(
            _l("只有本省的节能监察主管人员或承办该企业案件的监察人员可以登记数据中心信息。")
        )


# -- reading ----------------------------------------------------------------------------------


def data_centres_query(user: User, enterprise: Enterprise | None = None):
    stmt = access.scoped(DataCentre, user)
    if enterprise is not None:
        stmt = stmt.where(DataCentre.enterprise_id == enterprise.id)
    return stmt.order_by(DataCentre.enterprise_id, DataCentre.name, DataCentre.id)


def data_centres_of(enterprise: Enterprise, user: User) -> list[DataCentre]:
    return list(db.session.scalars(data_centres_query(user, enterprise)))


def readings_of(data_centre: DataCentre, year: int) -> dict[int, MonthlyReading]:
    """The year's stored readings by month number."""
    rows = db.session.scalars(
        select(MonthlyReading).where(
            MonthlyReading.data_centre_id == data_centre.id,
            MonthlyReading.month >= date(year, 1, 1),
            MonthlyReading.month <= date(year, 12, 31),
        )
    )
    return {r.month.month: r for r in rows}


def annual(data_centre: DataCentre, year: int) -> rules.AnnualPue:
    """The year's PUE from the stored readings: Σ total ÷ Σ IT (rules.pue.annual_pue)."""
    readings = readings_of(data_centre, year)
    monthly = [(r.month, r.total_kwh, r.it_kwh) for _, r in sorted(readings.items())]
    return rules.annual_pue(monthly, year=year)


def monthly_series(
    data_centre: DataCentre, year: int
) -> list[tuple[date, Decimal | None, Decimal | None, Decimal | None]]:
    """Twelve (first of month, total kWh, IT kWh, PUE or None) rows, blanks where not entered."""
    readings = readings_of(data_centre, year)
    series = []
    for month in range(1, 13):
        reading = readings.get(month)
        total = reading.total_kwh if reading else None
        it = reading.it_kwh if reading else None
        series.append((date(year, month, 1), total, it, month_pue(reading)))
    return series


def month_pue(reading: MonthlyReading | None) -> Decimal | None:
    """One month's PUE, or None when the reading is absent, incomplete or impossible."""
    if reading is None:
        return None
    try:
        return rules.pue(reading.total_kwh, reading.it_kwh)
    except rules.InputProblem:
        return None


def rule_points(data_centre: DataCentre) -> list[rules.MeteringPoint]:
    points = []
    for p in data_centre.metering_points:
        try:
            role, boundary = rules.MeterRole(p.role), rules.Boundary(p.boundary or "other")
        except ValueError:
            continue
        points.append(rules.MeteringPoint(p.name, role, boundary))
    return points


def metering_gaps(data_centre: DataCentre) -> list[rules.MeteringGap]:
    """The GB 17167 checklist's failures for the data centre's registered meters."""
    return rules.metering_gaps(rule_points(data_centre))


# -- changes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataCentreData:
    name: str
    address: str = ""
    racks: int | None = None
    large: bool = False
    design_pue: Decimal | None = None
    commissioned_on: date | None = None


def _check(data: DataCentreData) -> None:
    if not data.name.strip():
        raise DomainError(_l("请填写数据中心名称。"), field="name")
    if data.racks is not None and data.racks < 0:
        raise DomainError(_l("机架数不能为负数。"), field="racks")
    if data.design_pue is not None and not Decimal(1) <= data.design_pue < Decimal(100):
        raise DomainError(_l("设计 PUE 应不小于 1.0。"), field="design_pue")
    if data.commissioned_on is not None and data.commissioned_on.year < 1950:
        raise DomainError(_l("投运日期不正确。"), field="commissioned_on")


def _apply(data_centre: DataCentre, data: DataCentreData) -> None:
    data_centre.name = data.name.strip()
    data_centre.address = data.address.strip()
    data_centre.racks = data.racks
    data_centre.large = data.large
    data_centre.design_pue = data.design_pue
    data_centre.commissioned_on = data.commissioned_on


def create_data_centre(enterprise: Enterprise, data: DataCentreData, *, actor: User) -> DataCentre:
    require_writer(enterprise, actor)
    _check(data)
    data_centre = DataCentre(
        enterprise=enterprise, enterprise_id=enterprise.id, province_id=enterprise.province_id
    )
    _apply(data_centre, data)
    db.session.add(data_centre)
    db.session.flush()
    return data_centre


def update_data_centre(
    data_centre: DataCentre,
    data: DataCentreData,
    *,
    actor: User,
    version: int,
) -> None:
    require_writer(data_centre.enterprise, actor)
    require_version(data_centre, version, _l("该数据中心已被他人修改，请刷新后重新填写。"))
    _check(data)
    _apply(data_centre, data)
    db.session.flush()


def add_metering_point(
    data_centre: DataCentre,
    *,
    actor: User,
    name: str,
    role: str,
    boundary: str,
    meter_number: str = "",
    note: str = "",
) -> MeteringPoint:
    require_writer(data_centre.enterprise, actor)
    if not name.strip():
        raise DomainError(_l("请填写计量点名称。"), field="name")
    if role not in rules.MeterRole._value2member_map_:
        raise DomainError(_l("请选择计量点用途。"), field="role")
    if boundary not in rules.Boundary._value2member_map_:
        raise DomainError(_l("请选择计量位置。"), field="boundary")
    point = MeteringPoint(
        name=name.strip(),
        role=role,
        boundary=boundary,
        meter_number=meter_number.strip(),
        note=note.strip(),
    )
    data_centre.metering_points.append(point)
    db.session.flush()
    return point


def delete_metering_point(data_centre: DataCentre, point_id: int, *, actor: User) -> None:
    require_writer(data_centre.enterprise, actor)
    point = next((p for p in data_centre.metering_points if p.id == point_id), None)
    if point is None:
        raise DomainError(_l("计量点不存在或已删除。"))
    data_centre.metering_points.remove(point)
    db.session.flush()


def _kwh(value: object, what, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise DomainError(_l("%(what)s不是有效的数字。", what=what), field=field) from None
    if not number.is_finite():
        raise DomainError(_l("%(what)s不是有效的数字。", what=what), field=field)
    if number < 0:
        raise DomainError(_l("%(what)s不能为负数。", what=what), field=field)
    number = number.quantize(CENT, rounding=ROUND_HALF_UP)
    if number > MAX_KWH:
        raise DomainError(_l("%(what)s数值过大。", what=what), field=field)
    return number


def check_reading(
    month: date, total_kwh, it_kwh, *, today: date | None = None
) -> tuple[Decimal | None, Decimal | None]:
    """A month's (total, IT) as stored, or DomainError naming the month: a negative or
    non-numeric value, IT above total, a month that has not begun."""
    m = month.month
    total = _kwh(total_kwh, _l("%(m)s 月总耗电量", m=m), f"total_{m}")
    it = _kwh(it_kwh, _l("%(m)s 月 IT 设备耗电量", m=m), f"it_{m}")
    if date(month.year, m, 1) > (today or local_today()):
        raise DomainError(
            _l("%(y)s 年 %(m)s 月尚未到来，不能录入读数。", y=month.year, m=m), field=f"total_{m}"
        )
    if total is not None and it is not None and it > total:
        raise DomainError(
            _l(
                "%(m)s 月 IT 设备耗电量（%(it)s kWh）大于总耗电量（%(total)s kWh）。",
                m=m,
                it=fmt(it.normalize()),
                total=fmt(total.normalize()),
            ),
            field=f"it_{m}",
        )
    return total, it


def save_reading(
    data_centre: DataCentre,
    month: date,
    total_kwh,
    it_kwh,
    *,
    source: str,
    actor: User | None,
    today: date | None = None,
) -> MonthlyReading:
    """Store (or replace) one month's total and IT electricity, kWh; None = not metered.

    Refused (DomainError, see ``check_reading``): bad values, IT above total, a future
    month. ``actor`` must be a writer (``may_write``); None only for trusted imports.
    """
    if actor is not None:
        require_writer(data_centre.enterprise, actor)
    if source not in SOURCES:
        raise DomainError(_l("未知的数据来源。"))
    month = date(month.year, month.month, 1)
    total, it = check_reading(month, total_kwh, it_kwh, today=today)
    reading = db.session.scalar(
        select(MonthlyReading).where(
            MonthlyReading.data_centre_id == data_centre.id, MonthlyReading.month == month
        )
    )
    if reading is None:
        reading = MonthlyReading(month=month)
        data_centre.readings.append(reading)
    reading.total_kwh = total
    reading.it_kwh = it
    reading.source = source
    db.session.flush()
    return reading


def save_year(
    data_centre: DataCentre,
    year: int,
    values: Mapping[int, tuple[object, object]],
    *,
    actor: User,
    today: date | None = None,
    version: str | None = None,
) -> int:
    """The 12-month grid: month → (total, IT); both blank removes the month. Returns how many
    months are stored afterwards. ``version``: the ``stamp`` of the year's readings when the
    form was opened (None: unchecked)."""
    require_writer(data_centre.enterprise, actor)
    existing = readings_of(data_centre, year)
    require_stamp(MonthlyReading.__tablename__, existing.values(), version)
    for month in range(1, 13):
        total, it = values.get(month, (None, None))
        if total in (None, "") and it in (None, ""):
            if month in existing:
                data_centre.readings.remove(existing[month])
            continue
        save_reading(
            data_centre, date(year, month, 1), total, it, source="manual", actor=actor, today=today
        )
    db.session.flush()
    return len(readings_of(data_centre, year))


# -- the case's PUE verdict -----------------------------------------------------------------

#: Verdicts that compare a PUE figure: metering that GB 17167 finds wanting makes the figure
#: itself unreliable, so they give way to 数据不全 / 数据异常.
_JUDGED = frozenset({Status.COMPLIANT, Status.OVER_LIMIT, Status.LIMIT_UNVERIFIED})


@dataclass(frozen=True)
class PueAssessment:
    data_centre: DataCentre
    year: int
    annual: rules.AnnualPue
    gaps: list[rules.MeteringGap]
    target: rules.PueVerdict
    status: Status
    reason: str
    formula: str
    reference_version: str


def assess(data_centre: DataCentre, year: int) -> PueAssessment:
    """The year's PUE judged against the target in force on 31 December (DOMAIN 6.2)."""
    targets = current("pue_targets")
    result = annual(data_centre, year)
    gaps = metering_gaps(data_centre)
    verdict = rules.pue_against_target(
        result, targets.rows, on=date(year, 12, 31), large=data_centre.large
    )
    status, reason = verdict.status, verdict.reason
    if status in _JUDGED and gaps:
        worst = (
            Status.ABNORMAL_DATA
            if any(g.status is Status.ABNORMAL_DATA for g in gaps)
            else Status.MISSING_DATA
        )
        reason = f"计量不符合 GB 17167：{'；'.join(g.reason for g in gaps)}（{reason}）"
        status = worst
    formula = ""
    if result.value is not None:
        formula = (
            f"PUE = 总耗电量 Σ ÷ IT 耗电量 Σ = {fmt(result.total_kwh.normalize())} ÷ "
            f"{fmt(result.it_kwh.normalize())} = {fmt(result.value)}"
        )
    return PueAssessment(
        data_centre, year, result, gaps, verdict, status, reason, formula, targets.code
    )


def record_pue_verdict(case: InspectionCase, data_centre: DataCentre, *, actor: User) -> Verdict:
    """Store the case's PUE verdict for one data centre of the case's enterprise."""
    cases.require_recorder(case, actor)
    if data_centre.enterprise_id != case.enterprise_id:
        raise DomainError(_l("该数据中心不属于本案件的企业。"))
    found = assess(data_centre, case.assessed_year)
    result, target = found.annual, found.target.target
    series = monthly_series(data_centre, case.assessed_year)
    limit = ""
    if target is not None and target.limit is not None:
        limit = f"{'<' if target.strict else '≤'} {fmt(target.limit)}（{target.policy}）"
    return cases.store_verdict(
        case,
        rule="pue",
        subject=f"dc:{data_centre.id}",
        status=found.status,
        reason=found.reason,
        formula=found.formula,
        reference_version=found.reference_version,
        value=result.value,
        limit_value=target.limit if target is not None else None,
        unit="",
        numbers={
            "total_kwh": result.total_kwh,
            "it_kwh": result.it_kwh,
            "pue": result.value,
            "missing_months": list(result.missing_months),
            "target_status": found.target.status.value,
            "metering_gaps": [g.code for g in found.gaps],
        },
        entered={
            m.strftime("%Y-%m"): {"total_kwh": total, "it_kwh": it} for m, total, it, _ in series
        },
        inputs={
            "数据中心": data_centre.name,
            "核查年度": case.assessed_year,
            "大型及以上": "是" if data_centre.large else "否",
            "全年总耗电量（kWh）": result.total_kwh,
            "全年 IT 设备耗电量（kWh）": result.it_kwh,
            "缺少月份": "、".join(f"{m} 月" for m in result.missing_months) or "无",
            "目标值": limit or "无",
            "计量检查（GB 17167）": "；".join(g.reason for g in found.gaps) or "符合",
        },
        verified=found.target.verified,
        provisional=found.target.provisional,
        actor=actor,
    )
