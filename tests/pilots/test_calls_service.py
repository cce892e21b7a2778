"""The call's services: creating and editing it (what may change at each stage), closing it,
the formal review's progress and deadline, and sending the applicants that passed to the
detailed review."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from calls_support import (
    NOW,
    call_data,
    called,  # noqa: F401
    make_call,
    review_all,
    review_setup,
    send,
)
from sqlalchemy import select

from supervision.core.errors import DomainError
from supervision.extensions import db
from supervision.pilots import applications, calls
from supervision.pilots.models import CallStatus, FormalStatus, PilotCall
from supervision.reminders import sources
from supervision.reviews.models import ReviewCandidate, ReviewStatus


def test_a_call_is_created_open_with_its_facts(world):
    call = calls.create_call(call_data(), actor=world.ministry_officer, now=NOW)
    db.session.commit()
    assert call.status == CallStatus.OPEN and call.created_by_id == world.ministry_officer.id
    assert call.product_classes[0] == {"letter": "F", "correction": 0, "name": "发动机"}
    assert call.required_documents == ["business", "production", "quality"]
    assert call.check_rate == Decimal("0.05") and call.max_selected == 3


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "请填写征集名称。"),
        ({"closes_on": date(2014, 8, 31)}, "closes_on", "征集截止日期不能早于开始日期。"),
        ({"check_rate": Decimal("0.12")}, "check_rate", "第三方核查比例应在 5%—10% 之间。"),
        ({"qualifications": []}, "qualifications", "请至少填写一项资格条件。"),
    ],
)
def test_a_call_with_wrong_facts_is_refused(world, changes, field, message):
    with pytest.raises(DomainError) as refused:
        calls.create_call(call_data(**changes), actor=world.ministry_officer, now=NOW)
    assert (refused.value.field, str(refused.value)) == (field, message)


def test_only_the_ministry_runs_calls(world):
    for user in (world.a_officer, world.a_inspector, world.expert):
        with pytest.raises(DomainError, match="无权"):
            calls.create_call(call_data(), actor=user, now=NOW)


def test_closing_waits_for_the_closing_date_unless_closed_early(world):
    officer = world.ministry_officer
    call = calls.create_call(call_data(), actor=officer, now=NOW)
    on_29th = NOW.replace(month=9, day=29)
    with pytest.raises(DomainError, match="未到"):
        calls.close_call(call, actor=officer, now=on_29th)
    assert call.status == CallStatus.OPEN
    # On the closing day itself (Beijing time) it closes as announced.
    calls.close_call(call, actor=officer, now=NOW.replace(month=9, day=30))
    assert (call.status, call.closes_on) == (CallStatus.CLOSED, date(2014, 9, 30))
    with pytest.raises(DomainError, match="已经截止"):
        calls.close_call(call, actor=officer, now=NOW)

    early = calls.create_call(call_data(name="提前截止的征集"), actor=officer, now=NOW)
    calls.close_call(early, early=True, actor=officer, now=on_29th)
    assert (early.status, early.closes_on) == (CallStatus.CLOSED, date(2014, 9, 29))


def test_what_may_change_depends_on_the_stage(called):
    officer, call = called.world.ministry_officer, called.call
    # Closed, nothing reviewed yet: everything may change.
    calls.update_call(
        call, call_data(max_selected=4, qualifications=["只有一项"]), version=None,
        actor=officer, now=NOW,
    )  # fmt: skip
    assert call.max_selected == 4 and call.qualifications == ["只有一项"]
    calls.update_call(call, call_data(), version=None, actor=officer, now=NOW)
    review_all(called)
    with pytest.raises(DomainError, match="不能再更改资格条件") as refused:
        calls.update_call(
            call, call_data(qualifications=["新条件"]), version=None, actor=officer, now=NOW
        )
    assert refused.value.field == "qualifications"
    send(called)
    with pytest.raises(DomainError, match="不能再更改日期"):
        calls.update_call(call, call_data(max_selected=5), version=None, actor=officer, now=NOW)
    # The name, notice and check rate may still change (the checks run all along).
    calls.update_call(
        call, call_data(check_rate=Decimal("0.08"), name="更名后的征集"), version=call.version,
        actor=officer, now=NOW,
    )  # fmt: skip
    assert (call.check_rate, call.name) == (Decimal("0.08"), "更名后的征集")
    with pytest.raises(DomainError, match="已被他人修改"):
        calls.update_call(call, call_data(), version=call.version - 1, actor=officer, now=NOW)


def test_sending_to_review_waits_for_every_formal_review(called):
    officer, call = called.world.ministry_officer, called.call
    with pytest.raises(DomainError, match="未完成形式审查"):
        calls.send_to_review(call, review_setup(), actor=officer, now=NOW)
    review_all(called, failing=1)
    with pytest.raises(DomainError, match="详细评审日期应在征集截止日期之后") as refused:
        calls.send_to_review(call, review_setup(meets_on=date(2014, 9, 30)), actor=officer, now=NOW)
    assert refused.value.field == "meets_on"
    review = send(called)
    assert call.status == CallStatus.REVIEWING and call.review_id == review.id
    assert review.title == "2014 年再制造产品“以旧换再”推广试点企业评审"
    assert review.status == ReviewStatus.PREPARING
    assert (review.funding_cap_wan, review.max_selected) == (Decimal("2000"), 3)
    assert [i["name"] for i in review.scoring_items] == ["公司综合概况", "本项目投资服务方案"]
    passed = [a for a in called.applications if a.formal_status == FormalStatus.PASSED]
    assert len(passed) == 3
    rows = db.session.scalars(
        select(ReviewCandidate).where(ReviewCandidate.review_id == review.id)
    ).all()
    assert [(c.name, c.short_name_en, c.principal, c.requested_wan, c.source) for c in rows] == [
        (a.name, a.short_name_en, a.principal, a.requested_wan, f"pilot_application:{a.id}")
        for a in passed
    ]
    assert [a.candidate_id for a in passed] == [c.id for c in rows]
    assert called.applications[1].candidate_id is None  # failed: stops at the formal review
    with pytest.raises(DomainError, match="尚未进入详细评审"):
        calls.send_to_review(call, review_setup(), actor=officer, now=NOW)


def test_no_review_without_an_applicant_that_passed(world):
    made = make_call(world)
    for application in made.applications:
        applications.review_formally(
            application,
            qualifications_met=[False, True, True],
            complete=True,
            actor=world.ministry_officer,
            now=NOW,
        )
    with pytest.raises(DomainError, match="没有通过形式审查"):
        calls.send_to_review(made.call, review_setup(), actor=world.ministry_officer, now=NOW)


def formal_specs(today=date(2014, 10, 20)):
    return {s.subject_key: s for s in sources.collect(today) if s.kind == "pilot_formal_review"}


def test_the_formal_review_is_a_deadline_of_the_closed_call(world):
    made = make_call(world, close=False)
    assert formal_specs() == {}  # open: nothing due yet
    calls.close_call(made.call, actor=world.ministry_officer, now=NOW)
    db.session.commit()
    spec = formal_specs()[str(made.call.id)]
    assert spec.due_on == date(2014, 10, 27)  # 15 working days after 30 September
    assert spec.done_on is None
    assert spec.title == "形式审查：2014 年再制造产品“以旧换再”推广试点企业征集"
    assert spec.link == f"/pilots/calls/{made.call.id}"
    assert spec.people_ids == (world.ministry_officer.id,)
    assert spec.owner_org_id == world.ministry_officer.organisation_id
    assert spec.province_id is None
    review_all(made)
    later = NOW + timedelta(days=2)
    applications.review_formally(
        made.applications[2],
        qualifications_met=[True, True, True],
        complete=True,
        actor=world.ministry_officer,
        now=later,
    )
    db.session.commit()
    assert formal_specs()[str(made.call.id)].done_on == date(2014, 10, 10)


def test_the_formal_review_deadline_is_refreshed_into_the_reminders(world):
    from supervision.reminders.models import Deadline
    from supervision.reminders.service import refresh_deadlines

    made = make_call(world)
    refresh_deadlines(now=NOW + timedelta(days=12))
    db.session.commit()
    deadline = db.session.scalar(
        select(Deadline).where(
            Deadline.kind == "pilot_formal_review", Deadline.subject_key == str(made.call.id)
        )
    )
    assert deadline.due_on == date(2014, 10, 27) and deadline.done_on is None
    assert [u.id for u in deadline.people] == [world.ministry_officer.id]


def test_the_call_list_is_national(world):
    make_call(world)
    assert db.session.scalars(select(PilotCall)).one().status == CallStatus.CLOSED
