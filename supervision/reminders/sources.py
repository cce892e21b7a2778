"""Where deadlines come from: every dated obligation of the product, computed by its one rule.

Each source reads its records and states the obligation as a :class:`DeadlineSpec`; the
service stores them as ``Deadline`` rows, which the pages, the reminders and the dashboards
read, so all of them agree on the date.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..calendar.service import current_calendar
from ..core.models import Organisation, OrgKind, Role, User, UserRole
from ..core.workdays import CalendarNotAvailable, WorkdayCalendar
from ..extensions import db
from ..inspections.models import DAILY_CATEGORY, CaseStatus, InspectionCase
from ..plans.models import SupervisionPlan
from ..plans.reference import CATEGORY_NUMERALS
from ..rectification import rules as rectification_rules
from ..rectification.models import RectificationNotice, ResultReport
from ..tasks import rules as task_rules
from ..tasks.models import FilingEvent, SupervisionTask, TaskFiling
from .defaults import KINDS, DeadlineKind

__all__ = ["KINDS", "DeadlineKind", "DeadlineSpec", "Unresolved", "collect", "gather"]

#: Plan deliverables that become deadlines, one per province that owes them.
DELIVERABLE_KINDS = ("task_filing", "category_five_results", "annual_summary")
SUBMITTED = ("submitted", "resubmitted")
CASE_DONE = (CaseStatus.CLOSED, CaseStatus.RECTIFICATION)
REVIEW_CATEGORY = 5


@dataclass(frozen=True)
class DeadlineSpec:
    """A deadline as its source states it (``subject_key`` names it within its kind)."""

    kind: str
    subject_key: str
    title: str
    due_on: date
    done_on: date | None
    link: str
    owner_org_id: int | None
    province_id: int | None
    agency_id: int | None
    category: int | None
    people_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Unresolved:
    """A subject whose due date cannot be computed now (e.g. no calendar for its year).

    Its deadline is kept as it was, never cancelled: the obligation has not gone away.
    """

    kind: str
    subject_key: str
    error: str


def collect(today: date) -> Iterable[DeadlineSpec]:
    """Every deadline the product knows of today."""
    return gather(today)[0]


def gather(today: date) -> tuple[list[DeadlineSpec], list[Unresolved]]:
    """Every deadline, and the subjects whose due date could not be computed."""
    # Imported here: these features import DeadlineSpec from this module.
    from ..daily.deadlines import daily_deadlines
    from ..pilots.deadlines import pilot_deadlines
    from ..reviews.deadlines import review_deadlines
    from ..summaries.deadlines import summary_deadlines
    from ..verification.deadlines import verification_deadlines

    calendar = current_calendar()
    specs: list[DeadlineSpec] = []
    unresolved: list[Unresolved] = []
    for source in (
        _plan_deliverables,
        _filing_corrections,
        _cases,
        _rectification,
        _certificates,
        verification_deadlines,
        review_deadlines,
        pilot_deadlines,
        daily_deadlines,
        summary_deadlines,
    ):
        for item in source(today, calendar):
            (unresolved if isinstance(item, Unresolved) else specs).append(item)
    return specs, unresolved


def _local_day(at: datetime | None, today: date) -> date:
    if at is None:
        return today
    return at.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


# -- plan deliverables ------------------------------------------------------------------------


def _deliverable_title(key: str, year: int, province: str) -> str:
    if key == "task_filing":
        return f"{year}年专项监察任务申报（{province}）"
    if key == "category_five_results":
        return f"{year - 1}年违规企业整改落实情况专项监察结果报送（{province}）"
    return f"{year}年节能监察工作总结报送（{province}）"


def _plan_deliverables(today: date, calendar: WorkdayCalendar) -> Iterator[DeadlineSpec]:
    provinces = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.PROVINCE, Organisation.is_active.is_(True))
            .order_by(Organisation.division_code)
        )
    )
    plans = db.session.scalars(
        select(SupervisionPlan)
        .options(selectinload(SupervisionPlan.deliverables))
        .order_by(SupervisionPlan.year)
    )
    for plan in plans:
        first_submitted = dict(
            db.session.execute(
                select(TaskFiling.province_id, func.min(FilingEvent.at))
                .join(FilingEvent, FilingEvent.filing_id == TaskFiling.id)
                .where(TaskFiling.plan_id == plan.id, FilingEvent.action.in_(SUBMITTED))
                .group_by(TaskFiling.province_id)
            ).all()
        )
        reported = {
            (r.deliverable_key, r.province_id): r.reported_at
            for r in db.session.scalars(select(ResultReport).where(ResultReport.plan_id == plan.id))
        }
        reviewing = set(
            db.session.scalars(
                select(SupervisionTask.province_id)
                .join(TaskFiling, TaskFiling.id == SupervisionTask.filing_id)
                .where(
                    TaskFiling.plan_id == plan.id,
                    SupervisionTask.category == REVIEW_CATEGORY,
                )
                .distinct()
            )
        )
        for deliverable in plan.deliverables:
            if deliverable.key not in DELIVERABLE_KINDS:
                continue
            for province in provinces:
                if deliverable.key == "category_five_results" and province.id not in reviewing:
                    continue
                if deliverable.key == "task_filing":
                    done_at = first_submitted.get(province.id)
                    link = f"/tasks/{plan.year}/{province.division_code}"
                elif deliverable.key == "category_five_results":
                    done_at = reported.get((deliverable.key, province.id))
                    link = f"/rectification/results/{plan.year}"
                else:
                    # Met by the province's first submission of its annual summary.
                    from ..summaries.service import first_submissions

                    done_at = first_submissions(plan.id).get(province.id)
                    link = f"/summaries/{plan.year}/{province.division_code}"
                yield DeadlineSpec(
                    kind=deliverable.key,
                    subject_key=f"{plan.year}:{province.division_code}",
                    title=_deliverable_title(deliverable.key, plan.year, province.name),
                    due_on=deliverable.due_on,
                    done_on=_local_day(done_at, today) if done_at else None,
                    link=link,
                    owner_org_id=province.id,
                    province_id=province.id,
                    agency_id=None,
                    category=REVIEW_CATEGORY
                    if deliverable.key == "category_five_results"
                    else None,
                )


# -- submissions returned for correction ------------------------------------------------------


def _filing_corrections(today: date, calendar: WorkdayCalendar):
    workdays = int(current_app.config["FILING_CORRECTION_WORKDAYS"])
    returned = db.session.scalars(
        select(FilingEvent)
        .where(FilingEvent.action == "returned")
        .options(
            selectinload(FilingEvent.filing).selectinload(TaskFiling.plan),
            selectinload(FilingEvent.filing).selectinload(TaskFiling.province),
        )
        .order_by(FilingEvent.id)
    ).all()
    if not returned:
        return
    resubmissions: dict[int, list[FilingEvent]] = {}
    for event in db.session.scalars(
        select(FilingEvent)
        .where(
            FilingEvent.action.in_(SUBMITTED),
            FilingEvent.filing_id.in_({e.filing_id for e in returned}),
        )
        .order_by(FilingEvent.id)
    ):
        resubmissions.setdefault(event.filing_id, []).append(event)
    for event in returned:
        filing = event.filing
        province = filing.province
        key = f"{filing.plan.year}:{province.division_code}:{event.id}"
        try:
            due_on = task_rules.correction_due_on(_local_day(event.at, today), calendar, workdays)
        except CalendarNotAvailable as exc:
            yield Unresolved("filing_correction", key, str(exc))
            continue
        again = next((e for e in resubmissions.get(filing.id, []) if e.id > event.id), None)
        yield DeadlineSpec(
            kind="filing_correction",
            subject_key=key,
            title=f"{filing.plan.year}年专项监察任务申报退回修改（{province.name}）",
            due_on=due_on,
            done_on=_local_day(again.at, today) if again else None,
            link=f"/tasks/{filing.plan.year}/{province.division_code}",
            owner_org_id=province.id,
            province_id=province.id,
            agency_id=None,
            category=None,
        )


# -- inspection cases -------------------------------------------------------------------------


def _category_name(category: int | None) -> str:
    if category == DAILY_CATEGORY:
        return "日常节能监察"
    return f"专项监察{CATEGORY_NUMERALS.get(category, category)}" if category else ""


def _cases(today: date, calendar: WorkdayCalendar) -> Iterator[DeadlineSpec]:
    cases = db.session.scalars(
        select(InspectionCase)
        .where(InspectionCase.due_on.is_not(None))
        .options(
            selectinload(InspectionCase.enterprise),
            selectinload(InspectionCase.task).selectinload(SupervisionTask.inspectors),
            selectinload(InspectionCase.daily_inspectors),
        )
        .order_by(InspectionCase.id)
    )
    for case in cases:
        done_on = _local_day(case.closed_at, today) if case.status in CASE_DONE else None
        yield DeadlineSpec(
            kind="case_due",
            subject_key=str(case.id),
            title=f"监察案件办结期限：{case.enterprise.name}（{_category_name(case.category)}）",
            due_on=case.due_on,
            done_on=done_on,
            link=f"/cases/{case.id}",
            owner_org_id=case.agency_id,
            province_id=case.province_id,
            agency_id=case.agency_id,
            category=case.category,
            people_ids=tuple(u.id for u in case.inspectors),
        )


# -- rectification notices and their 回头看 -----------------------------------------------------


def _review_inspectors(enterprise_ids: set[int]) -> dict[int, tuple[int, ...]]:
    """Inspectors of each enterprise's latest category-五 case (who re-inspect an imported
    notice, which has no case of its own)."""
    if not enterprise_ids:
        return {}
    found: dict[int, tuple[int, ...]] = {}
    for case in db.session.scalars(
        select(InspectionCase)
        .where(
            InspectionCase.enterprise_id.in_(enterprise_ids),
            InspectionCase.category == REVIEW_CATEGORY,
        )
        .options(selectinload(InspectionCase.task).selectinload(SupervisionTask.inspectors))
        .order_by(InspectionCase.id)
    ):
        found[case.enterprise_id] = tuple(u.id for u in case.inspectors)
    return found


def _rectification(today: date, calendar: WorkdayCalendar):
    notices = db.session.scalars(
        select(RectificationNotice)
        .options(
            selectinload(RectificationNotice.enterprise),
            selectinload(RectificationNotice.reports),
            selectinload(RectificationNotice.reinspection),
            selectinload(RectificationNotice.case)
            .selectinload(InspectionCase.task)
            .selectinload(SupervisionTask.inspectors),
            selectinload(RectificationNotice.case).selectinload(InspectionCase.daily_inspectors),
        )
        .order_by(RectificationNotice.id)
    ).all()
    reviewers = _review_inspectors({n.enterprise_id for n in notices if n.case is None})
    workdays = int(current_app.config["REINSPECTION_WORKDAYS"])
    for notice in notices:
        if notice.case is not None:
            people = tuple(u.id for u in notice.case.inspectors)
            category = notice.case.category
        else:
            people = reviewers.get(notice.enterprise_id, ())
            category = REVIEW_CATEGORY
        common = {
            "link": f"/rectification/{notice.id}",
            "owner_org_id": notice.agency_id,
            "province_id": notice.province_id,
            "agency_id": notice.agency_id,
            "category": category,
            "people_ids": people,
        }
        reinspected_on = notice.reinspection.inspected_on if notice.reinspection else None
        reported = [r.received_on for r in notice.reports]
        met = [d for d in (*reported, reinspected_on) if d is not None]
        if not met and notice.status.value != "issued":
            # Recorded as already past this step (e.g. imported so) without a dated report.
            met = [_local_day(notice.created_at, today)]
        name = f"{notice.enterprise.name} {notice.number}"
        key = str(notice.id)
        yield DeadlineSpec(
            kind="rectification_deadline",
            subject_key=key,
            title=f"限期整改期限：{name}",
            due_on=notice.current_deadline_on,
            done_on=min(met) if met else None,
            **common,
        )
        try:
            due_on = rectification_rules.reinspection_due_on(
                notice.current_deadline_on, calendar, workdays=workdays
            )
        except CalendarNotAvailable as exc:
            yield Unresolved("reinspection", key, str(exc))
            continue
        yield DeadlineSpec(
            kind="reinspection",
            subject_key=key,
            title=f"整改复查（回头看）：{name}",
            due_on=due_on,
            done_on=reinspected_on,
            **common,
        )


# -- inspectors' law-enforcement certificates -------------------------------------------------


def _certificates(today: date, calendar: WorkdayCalendar) -> Iterator[DeadlineSpec]:
    inspectors = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            UserRole.role == Role.INSPECTOR,
            User.active.is_(True),
            User.certificate_expires_on.is_not(None),
        )
        .options(selectinload(User.organisation))
        .order_by(User.id)
    )
    for user in inspectors:
        number = f"（{user.certificate_number}）" if user.certificate_number else ""
        yield DeadlineSpec(
            kind="certificate_expiry",
            subject_key=str(user.id),
            title=f"行政执法证到期：{user.full_name}{number}",
            due_on=user.certificate_expires_on,
            done_on=None,  # a renewed certificate moves the date instead
            link="/auth/profile",
            owner_org_id=user.organisation_id,
            province_id=user.organisation.province_org_id,
            agency_id=user.organisation_id,
            category=None,
            people_ids=(user.id,),
        )
