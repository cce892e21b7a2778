"""The expert reviews' dated steps for the deadline engine (``reminders.sources.gather``):

- ``review_report``: the report, signed by every member, within 10 working days of the
  detailed review (seed 003 第十一条); the organiser and the sitting members are told;
- ``review_decision``: the convener's decision within 10 working days of the report (第十二条);
  the organiser is told.

Reviews are national: the deadlines belong to the ministry (no province).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from ..core.workdays import CalendarNotAvailable, WorkdayCalendar
from ..extensions import db
from ..organisations.service import ministry
from ..reminders.sources import DeadlineSpec, Unresolved
from .models import CommitteeMember, Review, ReviewStatus
from .rules.dates import decision_due, report_due

REPORTED = (ReviewStatus.REPORTED, ReviewStatus.DECIDED)


def _path(endpoint: str, fallback: str, **values) -> str:
    """The page's path, built without a request (the jobs run outside one)."""
    try:
        return current_app.url_map.bind("localhost").build(endpoint, values)
    except BuildError:
        return fallback


def _members(review: Review) -> tuple[int, ...]:
    return tuple(
        m.expert.user_id for m in review.members if m.active and m.expert and m.expert.user_id
    )


def review_deadlines(today: date, calendar: WorkdayCalendar) -> Iterator[DeadlineSpec | Unresolved]:
    """The report of every review whose scoring ended, the decision of every review reported."""
    reviews = list(
        db.session.scalars(
            select(Review)
            .where(Review.scored_on.is_not(None))
            .options(selectinload(Review.members).selectinload(CommitteeMember.expert))
            .order_by(Review.id)
        )
    )
    if not reviews:
        return
    owner = ministry()
    owner_id = owner.id if owner else None
    for review in reviews:
        organiser = (review.created_by_id,) if review.created_by_id else ()
        common = {
            "owner_org_id": owner_id,
            "province_id": None,
            "agency_id": None,
            "category": None,
        }
        try:
            due = report_due(review.scored_on, calendar)
        except CalendarNotAvailable as exc:
            yield Unresolved("review_report", str(review.id), str(exc))
        else:
            reported = review.status in REPORTED
            yield DeadlineSpec(
                kind="review_report",
                subject_key=str(review.id),
                title=f"评审报告：{review.title}",
                due_on=due,
                done_on=(review.reported_on or today) if reported else None,
                link=_path("reviews.report", f"/reviews/{review.id}/report", review_id=review.id),
                people_ids=tuple(dict.fromkeys((*organiser, *_members(review)))),
                **common,
            )
        if review.reported_on is None:
            continue
        try:
            due = decision_due(review.reported_on, calendar)
        except CalendarNotAvailable as exc:
            yield Unresolved("review_decision", str(review.id), str(exc))
            continue
        decided = review.status == ReviewStatus.DECIDED
        yield DeadlineSpec(
            kind="review_decision",
            subject_key=str(review.id),
            title=f"确定评审结果：{review.title}",
            due_on=due,
            done_on=(review.decided_on or today) if decided else None,
            link=_path("reviews.report", f"/reviews/{review.id}/report", review_id=review.id),
            people_ids=organiser,
            **common,
        )
