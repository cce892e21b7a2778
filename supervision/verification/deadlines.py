"""The verification campaigns' dated obligations, stated for the deadline engine
(``reminders.sources.gather`` reads ``verification_deadlines``):

- ``verification_task``: each task of an issued campaign, by its own due date, done when done;
- ``verification_results``: each unit's results and report, by the campaign's result deadline,
  done when its report is submitted (or accepted);
- ``training_registration``: each unit assigned to a training session, by the session's
  registration date, done when the unit's receipt is in;
- ``subsidy_monthly`` / ``subsidy_annual``: each manufacturer of a unit's promoted products,
  for every month of the campaign's sales period (10 days after month end) and every year it
  touches (30 days after year end), done when the report is recorded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from ..core.models import Organisation, OrgKind
from ..core.workdays import WorkdayCalendar
from ..extensions import db
from ..reminders.sources import DeadlineSpec
from .check_models import SubsidyClaim, SubsidyProduct
from .models import (
    CampaignStatus,
    ReportStatus,
    TaskStatus,
    TrainingSession,
    VerificationCampaign,
    VerificationReport,
    VerificationTask,
)
from .rules.categories import TARGETS
from .rules.subsidies import annual_settlement_due, monthly_report_due

TARGET_NAMES = dict(TARGETS)
REPORTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def verification_deadlines(today: date, calendar: WorkdayCalendar) -> Iterator[DeadlineSpec]:
    """Every obligation of the issued (and closed) campaigns; drafts owe nothing yet."""
    campaigns = list(
        db.session.scalars(
            select(VerificationCampaign)
            .where(VerificationCampaign.status != CampaignStatus.DRAFT)
            .options(
                selectinload(VerificationCampaign.tasks).selectinload(VerificationTask.unit),
                selectinload(VerificationCampaign.tasks).selectinload(VerificationTask.people),
            )
            .order_by(VerificationCampaign.id)
        )
    )
    if not campaigns:
        return
    yield from _tasks(campaigns, today)
    yield from _results(campaigns, today)
    yield from _training(campaigns, today)
    yield from _subsidies(campaigns)


def _path(endpoint: str, fallback: str, **values) -> str:
    """The page's path, built without a request (the jobs run outside one)."""
    try:
        return current_app.url_map.bind("localhost").build(endpoint, values)
    except BuildError:
        return fallback


def _hub(campaign_id: int, unit_id: int) -> str:
    fallback = f"/verification/{campaign_id}/units/{unit_id}"
    return _path("verification.unit", fallback, campaign_id=campaign_id, unit_id=unit_id)


def _local_day(at: datetime | None, today: date) -> date:
    if at is None:
        return today
    return at.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def _unit_agency(unit: Organisation) -> int | None:
    # A 计划单列市's own officers are told as the "agency" of its obligations: the
    # provincial officers of the deadline are those of the province it lies in.
    return unit.id if unit.kind == OrgKind.PLAN_CITY else None


def _common(unit: Organisation) -> dict:
    return {
        "owner_org_id": unit.id,
        "province_id": unit.province_org_id,
        "agency_id": _unit_agency(unit),
        "category": None,
    }


def _units(campaign: VerificationCampaign) -> list[Organisation]:
    found = {t.unit_id: t.unit for t in campaign.tasks}
    return sorted(found.values(), key=lambda u: (u.division_code or "", u.id))


# -- tasks and results --------------------------------------------------------------------------


def _tasks(campaigns, today: date) -> Iterator[DeadlineSpec]:
    for campaign in campaigns:
        for task in campaign.tasks:
            unit = task.unit
            done = task.status == TaskStatus.DONE
            yield DeadlineSpec(
                kind="verification_task",
                subject_key=str(task.id),
                title=(
                    f"推广信息核查任务：{campaign.name}·{unit.name}·"
                    f"{TARGET_NAMES[task.target.value]}"
                ),
                due_on=task.due_on,
                done_on=(task.done_on or today) if done else None,
                link=_path("verification.task", f"/verification/tasks/{task.id}", vtask_id=task.id),
                owner_org_id=task.agency_id or unit.id,
                province_id=task.province_id,
                agency_id=task.agency_id or _unit_agency(unit),
                category=None,
                people_ids=tuple(u.id for u in task.people),
            )


def _results(campaigns, today: date) -> Iterator[DeadlineSpec]:
    reports = {
        (r.campaign_id, r.unit_id): r
        for r in db.session.scalars(
            select(VerificationReport).where(
                VerificationReport.campaign_id.in_([c.id for c in campaigns])
            )
        )
    }
    for campaign in campaigns:
        for unit in _units(campaign):
            report = reports.get((campaign.id, unit.id))
            done = report is not None and report.status in REPORTED
            yield DeadlineSpec(
                kind="verification_results",
                subject_key=f"{campaign.id}:{unit.division_code}",
                title=f"推广信息核查结果上报：{campaign.name}（{unit.name}）",
                due_on=campaign.result_due_on,
                done_on=_local_day(report.submitted_at, today) if done else None,
                link=_path(
                    "verification.results",
                    _hub(campaign.id, unit.id),
                    campaign_id=campaign.id,
                    unit_id=unit.id,
                ),
                **_common(unit),
            )


# -- training receipts --------------------------------------------------------------------------


def _training(campaigns, today: date) -> Iterator[DeadlineSpec]:
    by_id = {c.id: c for c in campaigns}
    sessions = db.session.scalars(
        select(TrainingSession)
        .where(TrainingSession.campaign_id.in_(list(by_id)))
        .options(selectinload(TrainingSession.units), selectinload(TrainingSession.registrations))
        .order_by(TrainingSession.held_on, TrainingSession.id)
    )
    for session in sessions:
        campaign = by_id[session.campaign_id]
        received = {r.unit_id: r for r in session.registrations}
        for unit in session.units:
            registration = received.get(unit.id)
            yield DeadlineSpec(
                kind="training_registration",
                subject_key=f"{session.id}:{unit.division_code}",
                title=f"培训报名回执：{campaign.name} {session.region}片区（{unit.name}）",
                due_on=session.register_by or session.held_on,
                done_on=_local_day(registration.submitted_at, today) if registration else None,
                link=_path(
                    "verification.register",
                    f"/verification/training/{session.id}/register?unit={unit.id}",
                    session_id=session.id,
                    unit=unit.id,
                ),
                **_common(unit),
            )


# -- manufacturers' subsidy reports -------------------------------------------------------------


def _months(start: date, end: date) -> Iterator[tuple[int, int]]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def maker_key(manufacturer: str) -> str:
    """A short stable name of a manufacturer for deadline keys (names run to 120 characters)."""
    return hashlib.sha1(manufacturer.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


def _subsidies(campaigns) -> Iterator[DeadlineSpec]:
    by_id = {c.id: c for c in campaigns}
    makers = db.session.execute(
        select(SubsidyProduct.campaign_id, SubsidyProduct.unit_id, SubsidyProduct.manufacturer)
        .where(SubsidyProduct.campaign_id.in_(list(by_id)))
        .distinct()
        .order_by(SubsidyProduct.campaign_id, SubsidyProduct.unit_id, SubsidyProduct.manufacturer)
    ).all()
    if not makers:
        return
    received = {
        (c, u, m, y, mo): on
        for c, u, m, y, mo, on in db.session.execute(
            select(
                SubsidyClaim.campaign_id,
                SubsidyClaim.unit_id,
                SubsidyClaim.manufacturer,
                SubsidyClaim.year,
                SubsidyClaim.month,
                func.min(SubsidyClaim.received_on),
            )
            .where(SubsidyClaim.campaign_id.in_(list(by_id)))
            .group_by(
                SubsidyClaim.campaign_id,
                SubsidyClaim.unit_id,
                SubsidyClaim.manufacturer,
                SubsidyClaim.year,
                SubsidyClaim.month,
            )
        )
    }
    units = {
        u.id: u
        for u in db.session.scalars(
            select(Organisation).where(Organisation.id.in_({u for _c, u, _m in makers}))
        )
    }
    for campaign_id, unit_id, maker in makers:
        campaign, unit = by_id[campaign_id], units[unit_id]
        link = _path(
            "verification.claims",
            _hub(campaign_id, unit_id),
            campaign_id=campaign_id,
            unit_id=unit_id,
        )
        base = f"{campaign_id}:{unit_id}:{maker_key(maker)}"
        for year, month in _months(campaign.sales_from, campaign.sales_to):
            yield DeadlineSpec(
                kind="subsidy_monthly",
                subject_key=f"{base}:{year}-{month:02d}",
                title=f"惠民工程月度报告：{maker} {year}年{month}月（{unit.name}）",
                due_on=monthly_report_due(year, month),
                done_on=received.get((campaign_id, unit_id, maker, year, month)),
                link=link,
                **_common(unit),
            )
        for year in range(campaign.sales_from.year, campaign.sales_to.year + 1):
            yield DeadlineSpec(
                kind="subsidy_annual",
                subject_key=f"{base}:{year}",
                title=f"惠民工程年度清算报告：{maker} {year}年（{unit.name}）",
                due_on=annual_settlement_due(year),
                done_on=received.get((campaign_id, unit_id, maker, year, None)),
                link=link,
                **_common(unit),
            )
