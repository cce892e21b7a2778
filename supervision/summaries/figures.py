"""The annual summary's figures, assembled from the year's cases in a few grouped queries (the
data shapes, their JSON form and the national roll-up are in ``figures_data``). What counts as
inspected, in violation or rectified is decided in ``rules``."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import aliased

from ..core.models import Organisation
from ..daily.models import DailyDraw, DrawAssignment, DrawRun, DrawStatus
from ..enterprises.models import Enterprise
from ..extensions import db
from ..followup.models import (
    DiagnosisReferral,
    DiagnosisStatus,
    ExcellentCase,
    ExcellentStatus,
    ImprovementSuggestion,
)
from ..inspections.models import DAILY_CATEGORY, Finding, InspectionCase
from ..plans.models import SupervisionPlan
from ..rectification.models import RectificationNotice
from ..tasks.models import SupervisionTask, TaskFiling
from . import rules
from .figures_data import (
    SCHEMA,
    CaseLine,
    CategoryLine,
    DailyFigures,
    FollowUp,
    Funds,
    SummaryFigures,
    national_rollup,
)
from .models import AnnualSummary

__all__ = [
    "SCHEMA",
    "CaseLine",
    "CategoryLine",
    "DailyFigures",
    "FollowUp",
    "Funds",
    "SummaryFigures",
    "assemble",
    "national_rollup",
]

# -- assembling from the cases ------------------------------------------------------------


def _case_clause(plan: SupervisionPlan, province: Organisation, filing: TaskFiling | None):
    """The summary's cases: those of the province's tasks for the plan, and its daily cases
    sent by the year's draws."""
    daily_ids = (
        select(DrawAssignment.case_id)
        .join(DrawRun, DrawRun.id == DrawAssignment.run_id)
        .join(DailyDraw, DailyDraw.id == DrawRun.draw_id)
        .where(
            DailyDraw.province_id == province.id,
            DailyDraw.year == plan.year,
            DrawAssignment.case_id.is_not(None),
        )
    )
    daily = and_(InspectionCase.category == DAILY_CATEGORY, InspectionCase.id.in_(daily_ids))
    if filing is None:
        special = false()
    else:
        special = InspectionCase.task_id.in_(
            select(SupervisionTask.id).where(SupervisionTask.filing_id == filing.id)
        )
    return and_(InspectionCase.province_id == province.id, or_(special, daily))


def _cases(clause) -> tuple[list[tuple[rules.CaseFacts, CaseLine]], Any]:
    """Each case's facts and result line, from three queries (cases, findings, notices)."""
    ids = select(InspectionCase.id).where(clause)
    agency = aliased(Organisation)
    kinds: dict[int, list[str]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    for case_id, kind, count in db.session.execute(
        select(Finding.case_id, Finding.kind, func.count())
        .where(Finding.case_id.in_(ids))
        .group_by(Finding.case_id, Finding.kind)
    ):
        kinds[case_id].append(kind)
        counts[case_id] += count
    notices: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for case_id, number, status in db.session.execute(
        select(RectificationNotice.case_id, RectificationNotice.number, RectificationNotice.status)
        .where(RectificationNotice.case_id.in_(ids))
        .order_by(RectificationNotice.id)
    ):
        notices[case_id].append((number, str(status)))
    result = []
    for row in db.session.execute(
        select(
            InspectionCase.id,
            InspectionCase.category,
            InspectionCase.status,
            InspectionCase.visit_on,
            Enterprise.name,
            Enterprise.credit_code,
            Enterprise.division_code,
            agency.name,
        )
        .join(Enterprise, Enterprise.id == InspectionCase.enterprise_id)
        .join(agency, agency.id == InspectionCase.agency_id)
        .where(clause)
    ):
        case_id, category, status, visit_on, name, code, division, agency_name = row
        statuses = tuple(s for _n, s in notices.get(case_id, ()))
        facts = rules.CaseFacts(str(status), visit_on, counts.get(case_id, 0), statuses)
        line = CaseLine(
            case_id=case_id,
            category=category,
            enterprise=name,
            credit_code=code,
            division_code=division,
            agency=agency_name,
            visit_on=visit_on,
            finding_kinds=rules.ordered_kinds(kinds.get(case_id, ())),
            notice_numbers=tuple(n for n, _s in notices.get(case_id, ())),
            notice_statuses=statuses,
        )
        result.append((facts, line))
    return result, ids


def _categories(plan: SupervisionPlan, filing: TaskFiling | None, cases) -> list[CategoryLine]:
    tasks: dict[int, int] = {}
    if filing is not None:
        tasks = dict(
            db.session.execute(
                select(SupervisionTask.category, func.count())
                .where(SupervisionTask.filing_id == filing.id)
                .group_by(SupervisionTask.category)
            ).all()
        )
    names = {c.number: c.name for c in plan.categories}
    by_category: dict[int, list[rules.CaseFacts]] = defaultdict(list)
    for facts, line in cases:
        if line.category != DAILY_CATEGORY:
            by_category[line.category].append(facts)
    numbers = sorted(set(names) | set(tasks) | set(by_category))
    return [
        CategoryLine(
            **vars(rules.tally(tasks.get(n, 0), by_category.get(n, ()))),
            number=n,
            name=names.get(n, ""),
        )
        for n in numbers
    ]


def _daily(plan: SupervisionPlan, province: Organisation, cases) -> DailyFigures:
    draws = dict(
        db.session.execute(
            select(DailyDraw.status, func.count())
            .where(DailyDraw.province_id == province.id, DailyDraw.year == plan.year)
            .group_by(DailyDraw.status)
        ).all()
    )
    drawn = db.session.scalar(
        select(func.count(DrawAssignment.id))
        .join(DrawRun, DrawRun.id == DrawAssignment.run_id)
        .join(DailyDraw, DailyDraw.id == DrawRun.draw_id)
        .where(
            DailyDraw.province_id == province.id,
            DailyDraw.year == plan.year,
            DailyDraw.status != DrawStatus.DRAFT,
            DrawRun.is_current.is_(True),
        )
    )
    daily = [facts for facts, line in cases if line.category == DAILY_CATEGORY]
    return DailyFigures(
        **vars(rules.tally(drawn or 0, daily)),
        draws=sum(n for status, n in draws.items() if status != DrawStatus.DRAFT),
        published=draws.get(DrawStatus.PUBLISHED, 0),
    )


def _followup(ids) -> FollowUp:
    suggestions = db.session.scalar(
        select(func.count(ImprovementSuggestion.id)).where(ImprovementSuggestion.case_id.in_(ids))
    )
    referrals = db.session.execute(
        select(
            DiagnosisReferral.status,
            DiagnosisReferral.estimated_savings_tce,
            DiagnosisReferral.actual_savings_tce,
        ).where(DiagnosisReferral.case_id.in_(ids))
    ).all()
    excellent = dict(
        db.session.execute(
            select(ExcellentCase.status, func.count())
            .where(ExcellentCase.case_id.in_(ids))
            .group_by(ExcellentCase.status)
        ).all()
    )
    done = {DiagnosisStatus.DIAGNOSED, DiagnosisStatus.RETROFITTED}
    chosen = (ExcellentStatus.SELECTED, ExcellentStatus.PUBLISHED)
    # Summed here, not in SQL: exact Decimals on every database.
    return FollowUp(
        suggestions=suggestions or 0,
        referrals=len(referrals),
        diagnosed=sum(1 for r in referrals if r.status in done),
        retrofitted=sum(1 for r in referrals if r.status == DiagnosisStatus.RETROFITTED),
        estimated_savings_tce=sum(
            (r.estimated_savings_tce for r in referrals if r.estimated_savings_tce is not None),
            Decimal(0),
        ),
        actual_savings_tce=sum(
            (r.actual_savings_tce for r in referrals if r.actual_savings_tce is not None),
            Decimal(0),
        ),
        excellent_nominated=sum(excellent.values()),
        excellent_selected=sum(excellent.get(s, 0) for s in chosen),
        excellent_published=excellent.get(ExcellentStatus.PUBLISHED, 0),
    )


def _funds(plan: SupervisionPlan, province: Organisation, filing: TaskFiling | None) -> Funds:
    used = db.session.scalar(
        select(AnnualSummary.funds_used).where(
            AnnualSummary.plan_id == plan.id, AnnualSummary.province_id == province.id
        )
    )
    if filing is None:
        return Funds(used=used)
    return Funds(
        earlier_received=filing.earlier_funds_received,
        earlier_used=filing.earlier_funds_used,
        carried_over_balance=filing.carried_over_balance,
        carried_over_planned=filing.carried_over_planned,
        requested=filing.funds_requested,
        used=used,
    )


def assemble(plan: SupervisionPlan, province: Organisation) -> SummaryFigures:
    """The province's figures for the plan year, as the cases stand now. The caller checks
    that the user may see the province's summary; every query here is bounded to it."""
    filing = db.session.scalar(
        select(TaskFiling).where(
            TaskFiling.plan_id == plan.id, TaskFiling.province_id == province.id
        )
    )
    cases, ids = _cases(_case_clause(plan, province, filing))
    rows = sorted(
        (line for facts, line in cases if facts.inspected),
        key=lambda r: rules.row_order(r.category, r.enterprise, r.visit_on, r.case_id),
    )
    return SummaryFigures(
        year=plan.year,
        province=province.name,
        categories=tuple(_categories(plan, filing, cases)),
        daily=_daily(plan, province, cases),
        rows=tuple(rows),
        followup=_followup(ids),
        funds=_funds(plan, province, filing),
    )
