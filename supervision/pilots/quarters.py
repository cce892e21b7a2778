"""A city's quarterly report (seed 003 第十七条(三)(四)): the last quarter's trade-ins and the
subsidies paid, from the packs its finance department passed, due by the end of the next
quarter's first month; the province re-checks it within 10 working days of receiving it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import access
from ..core.errors import DomainError
from ..core.models import Organisation, User
from ..core.versions import require_version
from ..extensions import db
from .daily_models import MonthlyPack, PackStatus, QuarterlyReport, QuarterStatus
from .models import PilotCall, PilotEnterprise, PilotStatus
from .rules.periods import (
    months_of,
    previous_quarter,
    quarter_of,
    quarter_span,
    quarterly_due,
    recheck_due,
)
from .trade_ins import is_local

NOT_REPORTER = _l("只有该地市（或代为报送的省级）主管部门的人员可以填报季度数据。")
NOT_RECHECKER = _l("只有省级主管部门的人员可以复核地市报送的季度数据。")
EDITABLE = frozenset({QuarterStatus.DRAFT, QuarterStatus.RETURNED})
#: Reported to the province: the quarter's obligation is met.
REPORTED = frozenset({QuarterStatus.SUBMITTED, QuarterStatus.RECHECKED})


def may_report(user: User | None, province_id: int, city_id: int) -> bool:
    """An officer of the city (or an agency under it) or of its province acting for it."""
    if user is None:
        return True
    if not access.can(user, access.Permission.RUN_PILOTS):
        return False
    return is_local(user, province_id, city_id)


def may_recheck(user: User | None, report: QuarterlyReport) -> bool:
    """An officer of the province itself (省级)."""
    if user is None or not access.can(user, access.Permission.RUN_PILOTS):
        return False
    return user.organisation_id == report.province_id


# -- the figures ---------------------------------------------------------------------------------


def compute_figures(call_id: int, city_id: int, year: int, quarter: int) -> dict:
    """The quarter's figures per pilot of the city and in total, from the packs the city's
    finance passed (推广和补贴发放数据); each month's pack status is kept beside them so the
    report shows what is not yet paid."""
    months = months_of(quarter)
    packs = list(
        db.session.scalars(
            select(MonthlyPack).where(
                MonthlyPack.call_id == call_id,
                MonthlyPack.city_id == city_id,
                MonthlyPack.year == year,
                MonthlyPack.month.in_(months),
            )
        )
    )
    pilots = {
        p.id: p
        for p in db.session.scalars(
            select(PilotEnterprise).where(
                PilotEnterprise.call_id == call_id,
                (PilotEnterprise.city_id == city_id)
                | PilotEnterprise.id.in_(sorted({pack.pilot_id for pack in packs}) or [0]),
            )
        )
    }
    rows, total_records, total_subsidy = [], 0, Decimal("0.00")
    for pilot in sorted(pilots.values(), key=lambda p: p.number):
        own = {pack.month: pack for pack in packs if pack.pilot_id == pilot.id}
        if pilot.status != PilotStatus.ACTIVE and not own:
            continue
        passed = [pack for pack in own.values() if pack.status == PackStatus.FINANCE_PASSED]
        records = sum(pack.record_count for pack in passed)
        subsidy = sum((pack.subsidy_yuan for pack in passed), Decimal("0.00"))
        rows.append(
            {
                "pilot_id": pilot.id,
                "number": pilot.number,
                "name": pilot.name,
                "records": records,
                "subsidy_yuan": str(subsidy),
                "months": {str(m): (own[m].status.value if m in own else None) for m in months},
            }
        )
        total_records += records
        total_subsidy += subsidy
    return {
        "months": list(months),
        "pilots": rows,
        "records": total_records,
        "subsidy_yuan": str(total_subsidy),
    }


def unpaid_months(figures: dict) -> list[tuple[str, int]]:
    """(pilot name, month) of the quarter whose pack the finance has not passed yet."""
    return [
        (row["name"], int(month))
        for row in figures.get("pilots", [])
        for month, status in row.get("months", {}).items()
        if status != PackStatus.FINANCE_PASSED.value
    ]


# -- what is owed --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owed:
    """A quarter a city owes its province a report of."""

    call: PilotCall
    city: Organisation
    year: int
    quarter: int

    @property
    def due_on(self) -> date:
        return quarterly_due(self.year, self.quarter)


def reporting_cities(user=None) -> list[tuple[PilotCall, Organisation, date]]:
    """(call, city, first commitment) for every city with active pilots (in ``user``'s scope
    when given): the city reports from the quarter its first pilot signed its commitment."""
    stmt = select(PilotEnterprise).where(
        PilotEnterprise.status == PilotStatus.ACTIVE, PilotEnterprise.city_id.is_not(None)
    )
    if user is not None:
        stmt = access.scoped(stmt, user)
    first: dict[tuple[int, int], tuple[PilotEnterprise, date]] = {}
    for pilot in db.session.scalars(stmt.order_by(PilotEnterprise.id)):
        signed = pilot.commitment_signed_on or pilot.notified_on
        if signed is None:
            continue
        key = (pilot.call_id, pilot.city_id)
        if key not in first or signed < first[key][1]:
            first[key] = (pilot, signed)
    return [
        (pilot.call, pilot.city, signed)
        for (_call, _city), (pilot, signed) in sorted(first.items())
    ]


def owed_quarters(today: date, user=None) -> list[Owed]:
    """Every ended quarter each reporting city owes, from its first pilot's commitment to the
    quarter the call's trading ends in (if it has ended)."""
    owed_until = previous_quarter(today.year, quarter_of(today.month))
    found = []
    for call, city, signed in reporting_cities(user):
        current = (signed.year, quarter_of(signed.month))
        last = owed_until
        if call.trading_ends_on is not None:
            ends = call.trading_ends_on
            last = min(last, (ends.year, quarter_of(ends.month)))
        while current <= last:
            found.append(Owed(call, city, *current))
            year, quarter = current
            current = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found


def owed_unreported(today: date, user=None) -> list[tuple[Owed, QuarterlyReport | None]]:
    """The owed quarters not yet reported, latest first, each with its report if started."""
    owed = owed_quarters(today, user)
    if not owed:
        return []
    reports = {
        (r.call_id, r.city_id, r.year, r.quarter): r
        for r in db.session.scalars(
            select(QuarterlyReport).where(
                QuarterlyReport.call_id.in_(sorted({o.call.id for o in owed})),
                QuarterlyReport.city_id.in_(sorted({o.city.id for o in owed})),
            )
        )
    }
    found = []
    for item in reversed(owed):
        report = reports.get((item.call.id, item.city.id, item.year, item.quarter))
        if report is None or report.status not in REPORTED:
            found.append((item, report))
    return found


def report_of(call_id: int, city_id: int, year: int, quarter: int) -> QuarterlyReport | None:
    return db.session.scalar(
        select(QuarterlyReport).where(
            QuarterlyReport.call_id == call_id,
            QuarterlyReport.city_id == city_id,
            QuarterlyReport.year == year,
            QuarterlyReport.quarter == quarter,
        )
    )


# -- the steps -----------------------------------------------------------------------------------


def open_quarter(
    call: PilotCall,
    city: Organisation,
    year: int,
    quarter: int,
    *,
    actor: User | None,
    today: date,
) -> QuarterlyReport:
    """The city's report of a quarter that is over, started as a draft with its figures (or
    the one already started)."""
    if not 1 <= quarter <= 4:
        raise DomainError(_l("季度应为 1 至 4。"), "quarter")
    province_id = city.province_org_id
    if province_id is None or not may_report(actor, province_id, city.id):
        raise DomainError(NOT_REPORTER)
    existing = report_of(call.id, city.id, year, quarter)
    if existing is not None:
        return existing
    has_pilots = db.session.scalar(
        select(PilotEnterprise.id)
        .where(PilotEnterprise.call_id == call.id, PilotEnterprise.city_id == city.id)
        .limit(1)
    )
    if has_pilots is None:
        raise DomainError(_l("%(c)s没有本次征集的试点企业，无需报送季度数据。", c=city.name))
    if quarter_span(year, quarter)[1] >= today:
        raise DomainError(
            _l("%(y)s 年第 %(q)s 季度尚未结束，季度结束后才能报送。", y=year, q=quarter),
            "quarter",
        )
    report = QuarterlyReport(
        call_id=call.id,
        city_id=city.id,
        province_id=province_id,
        year=year,
        quarter=quarter,
        due_on=quarterly_due(year, quarter),
        status=QuarterStatus.DRAFT,
        figures=compute_figures(call.id, city.id, year, quarter),
    )
    db.session.add(report)
    db.session.flush()
    return report


def _require_reporter(actor: User | None, report: QuarterlyReport) -> None:
    if not may_report(actor, report.province_id, report.city_id):
        raise DomainError(NOT_REPORTER)


def refresh_figures(
    report: QuarterlyReport, *, actor: User | None, version: int | None = None
) -> QuarterlyReport:
    """Recompute a draft's (or a returned report's) figures from the packs as they are now."""
    _require_reporter(actor, report)
    require_version(report, version)
    if report.status not in EDITABLE:
        raise DomainError(_l("已报送的季度数据不能再更新。"))
    report.figures = compute_figures(report.call_id, report.city_id, report.year, report.quarter)
    db.session.flush()
    return report


def submit_quarter(
    report: QuarterlyReport,
    *,
    actor: User | None,
    today: date,
    calendar,
    version: int | None = None,
) -> QuarterlyReport:
    """报送省级: the figures as they stand now; the province's re-check falls due 10 working
    days after today."""
    _require_reporter(actor, report)
    require_version(report, version)
    if report.status not in EDITABLE:
        raise DomainError(_l("该季度数据已报送（%(s)s），不能重复报送。", s=report.status.label))
    report.figures = compute_figures(report.call_id, report.city_id, report.year, report.quarter)
    report.status = QuarterStatus.SUBMITTED
    report.submitted_on = today
    report.submitted_by_id = actor.id if actor is not None else None
    report.recheck_due_on = recheck_due(today, calendar)
    report.rechecked_on = report.rechecked_by_id = None
    report.recheck_note = ""
    db.session.flush()
    return report


def recheck_quarter(
    report: QuarterlyReport,
    *,
    passed: bool,
    note: str = "",
    actor: User,
    today: date,
    version: int | None = None,
) -> QuarterlyReport:
    """省级复核: passed (reported on to the ministries) or returned to the city with the
    reason."""
    if not may_recheck(actor, report):
        raise DomainError(NOT_RECHECKER)
    require_version(report, version)
    if report.status != QuarterStatus.SUBMITTED:
        raise DomainError(
            _l("只有已报送、待复核的季度数据可以复核（当前：%(s)s）。", s=report.status.label)
        )
    text = (note or "").strip()
    if not passed and not text:
        raise DomainError(_l("退回时请写明退回原因。"), "note")
    report.rechecked_on = today
    report.rechecked_by_id = actor.id
    if passed:
        report.recheck_note = text
        report.status = QuarterStatus.RECHECKED
    else:
        report.return_reason = text
        report.recheck_note = text
        report.status = QuarterStatus.RETURNED
    db.session.flush()
    return report
