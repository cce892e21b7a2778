"""The published results of daily supervision (双随机一公开): what was checked at each drawn
enterprise and the outcome, for the public pages. Never the inspectors or anyone's name or
telephone: enterprises, dates, checks and outcomes only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core.clock import local_date
from ..core.models import Organisation
from ..extensions import db
from ..inspections.models import CHECK_RESULT_LABELS, CaseStatus, Finding, InspectionCase
from ..inspections.rules.checklist import CHECKS
from ..rectification.models import RectificationNotice
from . import rules
from .models import DailyDraw, DrawAssignment, DrawRun, DrawStatus


@dataclass(frozen=True)
class PublicResult:
    """One enterprise checked by a published draw."""

    draw_id: int
    province: str
    year: int
    title: str
    published_on: date | None
    enterprise: str
    credit_code: str
    visit_on: date | None
    #: (check, result) in the checklist's order, for the checks answered.
    checks: list[tuple[str, str]] = field(default_factory=list)
    outcome: str = ""


def _notices(case_ids: list[int]) -> dict[int, RectificationNotice]:
    """The latest notice of each case."""
    found: dict[int, RectificationNotice] = {}
    if not case_ids:
        return found
    for notice in db.session.scalars(
        select(RectificationNotice)
        .where(RectificationNotice.case_id.in_(case_ids))
        .order_by(RectificationNotice.id)
    ):
        found[notice.case_id] = notice
    return found


def public_results(
    *, province_id: int | None = None, year: int | None = None
) -> list[PublicResult]:
    """The results of the published draws (a province's, a year's, or all), by province,
    draw (latest published first) and draw order."""
    stmt = (
        select(DrawAssignment, DailyDraw, Organisation)
        .join(DrawRun, DrawRun.id == DrawAssignment.run_id)
        .join(DailyDraw, DailyDraw.id == DrawRun.draw_id)
        .join(Organisation, Organisation.id == DailyDraw.province_id)
        .where(
            DailyDraw.status == DrawStatus.PUBLISHED,
            DrawRun.is_current.is_(True),
            DrawAssignment.case_id.is_not(None),
        )
        .options(
            selectinload(DrawAssignment.enterprise),
            selectinload(DrawAssignment.case).selectinload(InspectionCase.checklist),
        )
        .order_by(
            Organisation.division_code,
            DailyDraw.published_at.desc(),
            DailyDraw.id.desc(),
            DrawAssignment.position,
        )
    )
    if province_id is not None:
        stmt = stmt.where(DailyDraw.province_id == province_id)
    if year is not None:
        stmt = stmt.where(DailyDraw.year == year)
    rows = db.session.execute(stmt).all()
    case_ids = [a.case_id for a, _d, _p in rows]
    findings = (
        dict(
            db.session.execute(
                select(Finding.case_id, func.count(Finding.id))
                .where(Finding.case_id.in_(case_ids))
                .group_by(Finding.case_id)
            ).all()
        )
        if case_ids
        else {}
    )
    notices = _notices(case_ids)
    results = []
    for assignment, draw, province in rows:
        case = assignment.case
        answers = {e.item: e.result for e in case.checklist if e.result is not None}
        notice = notices.get(case.id)
        results.append(
            PublicResult(
                draw_id=draw.id,
                province=province.name,
                year=draw.year,
                title=draw.title,
                published_on=local_date(draw.published_at) if draw.published_at else None,
                enterprise=assignment.enterprise.name,
                credit_code=assignment.enterprise.credit_code,
                visit_on=case.visit_on,
                checks=[
                    (check.title, str(CHECK_RESULT_LABELS[answers[check.key]]))
                    for check in CHECKS
                    if check.key in answers
                ],
                outcome=rules.outcome_text(
                    findings.get(case.id, 0),
                    rectification=notice is not None or case.status == CaseStatus.RECTIFICATION,
                    deadline_on=(notice.extended_deadline_on or notice.deadline_on)
                    if notice
                    else None,
                ),
            )
        )
    return results
