"""The annual summary's dated obligations besides the plan deliverable itself: a summary
returned by the ministry is owed again (``summary_correction``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.clock import local_date
from ..core.workdays import CalendarNotAvailable, WorkdayCalendar
from ..extensions import db
from ..reminders.sources import DeadlineSpec, Unresolved
from ..tasks import rules as task_rules
from .models import AnnualSummary, SummaryEvent
from .service import SUBMITTED


def summary_deadlines(
    today: date, calendar: WorkdayCalendar
) -> Iterator[DeadlineSpec | Unresolved]:
    """A returned summary is to be resubmitted within the working days the task filing's
    corrections get (FILING_CORRECTION_WORKDAYS after the return); met by the resubmission."""
    workdays = int(current_app.config["FILING_CORRECTION_WORKDAYS"])
    returned = db.session.scalars(
        select(SummaryEvent)
        .where(SummaryEvent.action == "returned")
        .options(
            selectinload(SummaryEvent.summary).selectinload(AnnualSummary.plan),
            selectinload(SummaryEvent.summary).selectinload(AnnualSummary.province),
        )
        .order_by(SummaryEvent.id)
    ).all()
    if not returned:
        return
    again: dict[int, list[SummaryEvent]] = {}
    for event in db.session.scalars(
        select(SummaryEvent)
        .where(
            SummaryEvent.action.in_(SUBMITTED),
            SummaryEvent.summary_id.in_({e.summary_id for e in returned}),
        )
        .order_by(SummaryEvent.id)
    ):
        again.setdefault(event.summary_id, []).append(event)
    for event in returned:
        summary = event.summary
        province = summary.province
        year = summary.plan.year
        key = f"{year}:{province.division_code}:{event.id}"
        try:
            due_on = task_rules.correction_due_on(local_date(event.at), calendar, workdays)
        except CalendarNotAvailable as exc:
            yield Unresolved("summary_correction", key, str(exc))
            continue
        resubmitted = next((e for e in again.get(summary.id, []) if e.id > event.id), None)
        yield DeadlineSpec(
            kind="summary_correction",
            subject_key=key,
            title=f"{year}年节能监察工作总结退回修改（{province.name}）",
            due_on=due_on,
            done_on=local_date(resubmitted.at) if resubmitted else None,
            link=f"/summaries/{year}/{province.division_code}",
            owner_org_id=province.id,
            province_id=province.id,
            agency_id=None,
            category=None,
        )
