"""The review's deadlines: the report 10 working days after the scoring ended, the decision 10
working days after the report, over the holiday calendar; who is told; done when done."""

from __future__ import annotations

from datetime import date

import pytest
from reviews_support import reviewed  # noqa: F401
from scoring_support import member_logins

from supervision.core.workdays import WorkdayCalendar
from supervision.extensions import db
from supervision.organisations.service import ministry
from supervision.reminders import sources
from supervision.reminders.defaults import KINDS
from supervision.reviews.deadlines import review_deadlines
from supervision.reviews.models import ReviewStatus
from supervision.reviews.rules.dates import decision_due, report_due

OFFICIAL = WorkdayCalendar()
#: 2014 as published, plus a day off the administrator added on Monday 2014-12-01.
WITH_A_HOLIDAY = WorkdayCalendar(overrides={date(2014, 12, 1): False})


@pytest.mark.parametrize(
    ("calendar", "scored_on", "due"),
    [
        (OFFICIAL, date(2014, 11, 20), date(2014, 12, 4)),  # two plain weeks
        (WITH_A_HOLIDAY, date(2014, 11, 20), date(2014, 12, 5)),  # one day off more
        # Over 国庆: 9-30 is the 1st, 10-1…10-7 off, Saturday 10-11 worked (调休), so the 10th
        # working day is 10-17.
        (OFFICIAL, date(2014, 9, 29), date(2014, 10, 17)),
        # Scored on a Saturday: the count starts on Monday.
        (OFFICIAL, date(2014, 11, 22), date(2014, 12, 5)),
    ],
)
def test_report_and_decision_are_due_ten_working_days_on(calendar, scored_on, due):
    assert report_due(scored_on, calendar) == due
    assert decision_due(scored_on, calendar) == due


def test_the_kinds_are_known():
    assert "review_report" in KINDS and "review_decision" in KINDS


def _specs(today=date(2014, 11, 25), calendar=OFFICIAL):
    return {(s.kind, s.subject_key): s for s in review_deadlines(today, calendar)}


def test_no_deadline_before_the_scoring_ends(reviewed):  # noqa: F811
    assert _specs() == {}


def test_the_report_then_the_decision(reviewed, make_user):  # noqa: F811
    users = member_logins(reviewed, make_user)
    review = reviewed.review
    review.status = ReviewStatus.SCORED
    review.scored_on = date(2014, 11, 20)
    db.session.commit()
    key = str(review.id)
    specs = _specs()
    report = specs[("review_report", key)]
    assert (report.due_on, report.done_on) == (date(2014, 12, 4), None)
    assert report.title == f"评审报告：{review.title}"
    assert report.link == f"/reviews/{review.id}/report"
    assert report.owner_org_id == ministry().id
    assert (report.province_id, report.agency_id, report.category) == (None, None, None)
    assert report.people_ids == (
        reviewed.world.ministry_officer.id,
        *(u.id for u in users),
    )
    assert ("review_decision", key) not in specs
    # A replaced member is no longer told.
    reviewed.members[4].active = False
    db.session.commit()
    assert users[4].id not in _specs()[("review_report", key)].people_ids

    review.status = ReviewStatus.REPORTED
    review.reported_on = date(2014, 12, 3)
    db.session.commit()
    specs = _specs(date(2014, 12, 10), WITH_A_HOLIDAY)
    assert specs[("review_report", key)].due_on == date(2014, 12, 5)
    assert specs[("review_report", key)].done_on == date(2014, 12, 3)
    decision = specs[("review_decision", key)]
    assert (decision.due_on, decision.done_on) == (date(2014, 12, 17), None)
    assert decision.people_ids == (reviewed.world.ministry_officer.id,)

    review.status = ReviewStatus.DECIDED
    review.decided_on = date(2014, 12, 16)
    db.session.commit()
    assert _specs()[("review_decision", key)].done_on == date(2014, 12, 16)


def test_a_year_without_a_calendar_is_unresolved(reviewed):  # noqa: F811
    review = reviewed.review
    review.status = ReviewStatus.SCORED
    review.scored_on = date(2014, 11, 20)
    db.session.commit()
    items = list(review_deadlines(date(2014, 11, 25), WorkdayCalendar(use_official=False)))
    assert len(items) == 1 and isinstance(items[0], sources.Unresolved)
    assert (items[0].kind, items[0].subject_key) == ("review_report", str(review.id))


def test_the_engine_collects_them(reviewed):  # noqa: F811
    review = reviewed.review
    review.status = ReviewStatus.SCORED
    review.scored_on = date(2014, 11, 20)
    db.session.commit()
    found = [s for s in sources.collect(date(2014, 11, 25)) if s.kind == "review_report"]
    assert [(s.subject_key, s.due_on) for s in found] == [(str(review.id), date(2014, 12, 4))]
