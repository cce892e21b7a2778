"""The calls' dated obligations for the deadline engine:

- ``pilot_formal_review``: each closed call's formal review, due 15 working days after the
  close (seed 003 第八条), done once no applicant is left to review;
- ``pilot_commitment``: each announced pilot's commitment letter, due on the call's date
  (第十三条), done when signed or when the pilot is cancelled.

Both are the call creator's (the ministry's officer who runs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from ..core.models import User
from ..core.workdays import CalendarNotAvailable, WorkdayCalendar
from ..extensions import db
from ..reminders.sources import DeadlineSpec, Unresolved
from .models import CallStatus, FormalStatus, PilotCall, PilotEnterprise, PilotStatus
from .rules.formal import formal_review_due


def _path(endpoint: str, fallback: str, **values) -> str:
    """The page's path, built without a request (the jobs run outside one)."""
    try:
        return current_app.url_map.bind("localhost").build(endpoint, values)
    except BuildError:
        return fallback


def _people(call: PilotCall) -> tuple[int, ...]:
    return (call.created_by_id,) if call.created_by_id else ()


def call_deadlines(today: date, calendar: WorkdayCalendar) -> Iterator[DeadlineSpec | Unresolved]:
    calls = list(
        db.session.scalars(
            select(PilotCall)
            .where(PilotCall.status != CallStatus.OPEN)
            .options(selectinload(PilotCall.applications))
            .order_by(PilotCall.id)
        )
    )
    if not calls:
        return
    creators = {
        u.id: u
        for u in db.session.scalars(
            select(User).where(User.id.in_({c.created_by_id for c in calls if c.created_by_id}))
        )
    }
    for call in calls:
        yield from _formal_review(call, creators.get(call.created_by_id), calendar)
    announced = [c for c in calls if c.status == CallStatus.ANNOUNCED and c.commitment_due_on]
    yield from _commitments(announced, creators)


def _formal_review(
    call: PilotCall, creator: User | None, calendar: WorkdayCalendar
) -> Iterator[DeadlineSpec | Unresolved]:
    key = str(call.id)
    try:
        due_on = formal_review_due(call.closes_on, calendar)
    except CalendarNotAvailable as exc:
        yield Unresolved("pilot_formal_review", key, str(exc))
        return
    applications = call.applications
    done_on = None
    if not any(a.formal_status == FormalStatus.PENDING for a in applications):
        reviewed = [a.formal_reviewed_on for a in applications if a.formal_reviewed_on]
        done_on = max(reviewed) if reviewed else call.closes_on
    org_id = creator.organisation_id if creator else None
    yield DeadlineSpec(
        kind="pilot_formal_review",
        subject_key=key,
        title=f"形式审查：{call.name}",
        due_on=due_on,
        done_on=done_on,
        link=_path("pilots.call", f"/pilots/calls/{call.id}", call_id=call.id),
        owner_org_id=org_id,
        province_id=None,
        agency_id=None,
        category=None,
        people_ids=_people(call),
    )


def _commitments(calls: list[PilotCall], creators: dict[int, User]) -> Iterator[DeadlineSpec]:
    if not calls:
        return
    by_id = {c.id: c for c in calls}
    pilots = db.session.scalars(
        select(PilotEnterprise)
        .where(PilotEnterprise.call_id.in_(by_id))
        .order_by(PilotEnterprise.call_id, PilotEnterprise.number)
    )
    for pilot in pilots:
        call = by_id[pilot.call_id]
        creator = creators.get(call.created_by_id)
        if pilot.commitment_signed_on is not None:
            done_on = pilot.commitment_signed_on
        elif pilot.status == PilotStatus.CANCELLED:
            # No cancellation date is kept: the obligation ended at the latest on the due date.
            done_on = call.commitment_due_on
        else:
            done_on = None
        yield DeadlineSpec(
            kind="pilot_commitment",
            subject_key=str(pilot.id),
            title=f"签订承诺书：{pilot.name}（{call.name}）",
            due_on=call.commitment_due_on,
            done_on=done_on,
            link=_path("pilots.pilot", f"/pilots/enterprises/{pilot.id}", pilot_id=pilot.id),
            owner_org_id=creator.organisation_id if creator else None,
            province_id=pilot.province_id,
            agency_id=None,
            category=None,
            people_ids=_people(call),
        )
