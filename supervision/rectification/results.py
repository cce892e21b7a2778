"""Category 五 results (2019年违规企业整改落实情况): one row per notice of the violation year,
the notices a 回头看 case reviews, and the province's report of the results to the ministry.

``result_rows`` is the one query behind the results page, its workbook (``results_book``) and
any dashboard: the figures of every screen come from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from ..core import access
from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind, User
from ..extensions import db
from ..inspections.models import InspectionCase
from ..plans.models import SupervisionPlan
from ..tasks.models import SupervisionTask, TaskCategory, TaskFiling
from .models import RectificationNotice, ResultReport
from .violator_table import violation_type_label

DELIVERABLE_KEY = "category_five_results"
#: 整改结果 as the table prints it (official Chinese, whatever the reader's language).
RESULT_TEXT = {"rectified": "已整改", "partly": "部分整改", "not_rectified": "未整改"}
NOT_REVIEWED = "未复查"
RESULT_KEYS = ("rectified", "partly", "not_rectified", None)


@dataclass(frozen=True)
class ResultRow:
    """One notice of the violation year and what became of it."""

    notice_id: int
    province_id: int
    province: str
    enterprise_id: int
    enterprise: str
    credit_code: str
    violation_type: str
    number: str
    agency: str
    #: The deadline in force (the extended one once granted) and the first one.
    deadline_on: date
    first_deadline_on: date
    #: 企业整改报告: the dates the enterprise's reports were received.
    report_dates: tuple[date, ...]
    reinspected_on: date | None
    #: rectified / partly / not_rectified; None while not re-inspected.
    result: str | None
    penalty_number: str
    penalty_amount: Decimal | None
    #: None: no handling decision recorded.
    ladder_price_applied: bool | None
    referral: str
    decision_notes: str
    remarks: str

    @property
    def result_text(self) -> str:
        return RESULT_TEXT.get(self.result or "", NOT_REVIEWED)

    @property
    def extended(self) -> bool:
        return self.deadline_on != self.first_deadline_on

    @property
    def report_text(self) -> str:
        if not self.report_dates:
            return "未报告"
        return "已报告（" + "、".join(d.isoformat() for d in self.report_dates) + "）"

    @property
    def handling_text(self) -> str:
        """处理情况 in one line: penalty, fine, ladder price, referral, notes."""
        parts = []
        if self.penalty_number:
            parts.append(f"处罚决定书{self.penalty_number}")
        if self.penalty_amount is not None:
            parts.append(f"罚款{self.penalty_amount:,.2f}元")
        if self.ladder_price_applied:
            parts.append("执行阶梯电价")
        if self.referral:
            parts.append(f"移送{self.referral}")
        if self.decision_notes:
            parts.append(self.decision_notes)
        return "；".join(parts)


@dataclass
class ResultSummary:
    """The counts of a set of rows (a province, or the nation)."""

    notices: int = 0
    enterprises: int = 0
    by_result: dict[str | None, int] = field(default_factory=dict)
    penalties: Decimal = Decimal("0")
    handled: int = 0

    def count(self, result: str | None) -> int:
        return self.by_result.get(result, 0)

    @property
    def rectified(self) -> int:
        return self.count("rectified")

    @property
    def partly(self) -> int:
        return self.count("partly")

    @property
    def not_rectified(self) -> int:
        return self.count("not_rectified")

    @property
    def not_reviewed(self) -> int:
        return self.count(None)

    @property
    def text(self) -> str:
        return "，".join(
            f"{RESULT_TEXT.get(key or '', NOT_REVIEWED)}{self.count(key)}份" for key in RESULT_KEYS
        )


def summarise(rows: Iterable[ResultRow]) -> ResultSummary:
    summary = ResultSummary()
    enterprises = set()
    for row in rows:
        summary.notices += 1
        enterprises.add(row.enterprise_id)
        summary.by_result[row.result] = summary.by_result.get(row.result, 0) + 1
        if row.penalty_amount is not None:
            summary.penalties += row.penalty_amount
        if row.ladder_price_applied is not None:
            summary.handled += 1
    summary.enterprises = len(enterprises)
    return summary


def violation_year(plan_year: int) -> int:
    """Category 五 of plan year N reviews the violations found in year N − 1."""
    return plan_year - 1


def _review_remarks(plan_year: int, enterprise_ids: set[int]) -> dict[int, str]:
    """备注 of each enterprise's category-五 task in the plan year's filing."""
    if not enterprise_ids:
        return {}
    rows = db.session.execute(
        select(SupervisionTask.enterprise_id, SupervisionTask.remarks)
        .join(TaskFiling, TaskFiling.id == SupervisionTask.filing_id)
        .join(SupervisionPlan, SupervisionPlan.id == TaskFiling.plan_id)
        .where(
            SupervisionPlan.year == plan_year,
            SupervisionTask.category == TaskCategory.RECTIFICATION_REVIEW,
            SupervisionTask.enterprise_id.in_(enterprise_ids),
        )
    )
    return {enterprise_id: remarks or "" for enterprise_id, remarks in rows}


def result_rows(
    plan_year: int, *, province_id: int | None = None, user: User | None = None
) -> list[ResultRow]:
    """Every notice of the violation year (imported or issued here) with its report,
    回头看 and handling, by province, date of service and number. ``user`` limits the rows
    to what he may see; ``province_id`` to one province."""
    province = aliased(Organisation)
    stmt = (
        select(RectificationNotice)
        .join(province, province.id == RectificationNotice.province_id)
        .where(RectificationNotice.year == violation_year(plan_year))
        .options(
            selectinload(RectificationNotice.enterprise),
            selectinload(RectificationNotice.agency),
            selectinload(RectificationNotice.items),
            selectinload(RectificationNotice.reports),
            selectinload(RectificationNotice.reinspection),
            selectinload(RectificationNotice.decision),
        )
        .order_by(
            province.division_code,
            RectificationNotice.served_on,
            RectificationNotice.number,
            RectificationNotice.id,
        )
    )
    if province_id is not None:
        stmt = stmt.where(RectificationNotice.province_id == province_id)
    if user is not None:
        stmt = access.scoped(stmt, user)
    notices = list(db.session.scalars(stmt))
    remarks = _review_remarks(plan_year, {n.enterprise_id for n in notices})
    names = dict(
        db.session.execute(
            select(Organisation.id, Organisation.name).where(
                Organisation.id.in_({n.province_id for n in notices})
            )
        ).all()
    )
    rows = []
    for notice in notices:
        types = list(dict.fromkeys(violation_type_label(item.kind) for item in notice.items))
        reinspection, decision = notice.reinspection, notice.decision
        rows.append(
            ResultRow(
                notice_id=notice.id,
                province_id=notice.province_id,
                province=names.get(notice.province_id, ""),
                enterprise_id=notice.enterprise_id,
                enterprise=notice.enterprise.name,
                credit_code=notice.enterprise.credit_code,
                violation_type="、".join(types),
                number=notice.number,
                agency=notice.agency.name,
                deadline_on=notice.current_deadline_on,
                first_deadline_on=notice.deadline_on,
                report_dates=tuple(r.received_on for r in notice.reports),
                reinspected_on=reinspection.inspected_on if reinspection else None,
                result=reinspection.result.value if reinspection else None,
                penalty_number=decision.penalty_number if decision else "",
                penalty_amount=decision.penalty_amount if decision else None,
                ladder_price_applied=decision.ladder_price_applied if decision else None,
                referral=decision.referral if decision else "",
                decision_notes=decision.notes if decision else "",
                remarks=remarks.get(notice.enterprise_id, ""),
            )
        )
    return rows


def by_province(rows: Iterable[ResultRow]) -> dict[int, list[ResultRow]]:
    grouped: dict[int, list[ResultRow]] = {}
    for row in rows:
        grouped.setdefault(row.province_id, []).append(row)
    return grouped


# -- the case page -------------------------------------------------------------------------


def notices_under_review(
    case: InspectionCase, user: User | None = None
) -> list[RectificationNotice]:
    """The notices a category-五 case checks: the enterprise's notices of the year the case
    assesses (the 2019 notices, imported or issued here, for a 2020 case). Empty for the other
    categories. ``user`` limits them to what he may see."""
    if case.category != TaskCategory.RECTIFICATION_REVIEW:
        return []
    stmt = (
        select(RectificationNotice)
        .where(
            RectificationNotice.enterprise_id == case.enterprise_id,
            RectificationNotice.year == case.assessed_year,
            (RectificationNotice.case_id.is_(None)) | (RectificationNotice.case_id != case.id),
        )
        .options(
            selectinload(RectificationNotice.agency),
            selectinload(RectificationNotice.items),
            selectinload(RectificationNotice.reinspection),
            selectinload(RectificationNotice.decision),
        )
        .order_by(RectificationNotice.served_on, RectificationNotice.id)
    )
    if user is not None:
        stmt = access.scoped(stmt, user)
    return list(db.session.scalars(stmt))


# -- the report to the ministry ------------------------------------------------------------


def report_of(plan: SupervisionPlan, province: Organisation) -> ResultReport | None:
    return db.session.scalar(
        select(ResultReport).where(
            ResultReport.plan_id == plan.id,
            ResultReport.province_id == province.id,
            ResultReport.deliverable_key == DELIVERABLE_KEY,
        )
    )


def reports_of(plan: SupervisionPlan) -> dict[int, ResultReport]:
    """Every province's report of the plan's category-五 results, by province id."""
    rows = db.session.scalars(
        select(ResultReport).where(
            ResultReport.plan_id == plan.id, ResultReport.deliverable_key == DELIVERABLE_KEY
        )
    )
    return {r.province_id: r for r in rows}


def report_results(
    plan: SupervisionPlan, province: Organisation, *, actor: User | None, now: datetime
) -> ResultReport:
    """Record that the province sent its category-五 results to the ministry. Reporting again
    (after corrections) moves the date; the audit log keeps every earlier one."""
    if province.kind != OrgKind.PROVINCE:
        raise DomainError(_l("监察结果由省级主管部门报送。"))
    if plan.deliverable(DELIVERABLE_KEY) is None:
        raise DomainError(_l("本年度计划没有“专项监察五结果”报送事项。"))
    report = report_of(plan, province)
    if report is None:
        report = ResultReport(
            plan_id=plan.id, province_id=province.id, deliverable_key=DELIVERABLE_KEY
        )
        db.session.add(report)
    report.reported_at = now
    report.reported_by_id = actor.id if actor else None
    db.session.flush()
    return report


def local_day(moment: datetime | None) -> date | None:
    """The date a timestamp falls on where the users are."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()
