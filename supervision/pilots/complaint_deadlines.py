"""The complaints' deadline for the deadline engine: ``pilot_complaint``, each complaint's
finding published within 30 working days of receipt (seed 003 第二十三条(二)), due on the
complaint's ``due_on`` (computed at registration by ``rules.complaints.complaint_due``), met
on the day it was published; the investigator, once named, is the person reminded."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from ..core.workdays import WorkdayCalendar
from ..extensions import db
from ..reminders.sources import DeadlineSpec
from .daily_models import Complaint


def _link(complaint_id: int) -> str:
    """The complaint's page, built without a request (the jobs run outside one)."""
    try:
        return current_app.url_map.bind("localhost").build(
            "pilots.complaint", {"complaint_id": complaint_id}
        )
    except BuildError:
        return f"/pilots/complaints/{complaint_id}"


def complaint_deadlines(today: date, calendar: WorkdayCalendar) -> Iterator[DeadlineSpec]:
    """One deadline per complaint; a published one is met (``done_on`` = its publication)."""
    complaints = db.session.scalars(
        select(Complaint)
        .options(selectinload(Complaint.pilot), selectinload(Complaint.province))
        .order_by(Complaint.id)
    )
    for complaint in complaints:
        concerned = complaint.pilot.name if complaint.pilot else complaint.province.name
        yield DeadlineSpec(
            kind="pilot_complaint",
            subject_key=str(complaint.id),
            title=f"举报核实情况公开：{complaint.number}（{concerned}）",
            due_on=complaint.due_on,
            done_on=complaint.published_on,
            link=_link(complaint.id),
            owner_org_id=complaint.province_id,
            province_id=complaint.province_id,
            agency_id=None,
            category=None,
            people_ids=(complaint.investigator_id,) if complaint.investigator_id else (),
        )
