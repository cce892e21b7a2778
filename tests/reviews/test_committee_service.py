"""The committee draw as stored (services, without pages): the pool snapshot, the exclusions
with their reasons, the members, the witness, the audit entry; redraws, refusals, the check
from the seed; electing the chair; calling in a reserve."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from reviews_support import CONFLICTED, STAFF, make_review, reviewed  # noqa: F401
from sqlalchemy import select

from conftest import NOW
from supervision.core.errors import DomainError
from supervision.core.models import AuditEntry, Role
from supervision.extensions import db
from supervision.reviews import committee, pool
from supervision.reviews.models import (
    CommitteeDraw,
    CommitteeMember,
    DrawStatus,
    ExpertDeclaration,
    RelationKind,
    Review,
    ReviewStatus,
    ScoreSheet,
)
from supervision.reviews.rules import committee as rules


@pytest.fixture
def fresh(world):
    """The fixture's pool and review, no committee yet."""
    return make_review(world, drawn=False)


@pytest.fixture
def witness(make_user):
    return make_user("m-witness", Role.MINISTRY_OFFICER, "ministry", full_name="监督人王")


def _draw(made, witness, seed="2014-11-13-8371", reason=""):
    record = committee.draw(
        made.review,
        actor=made.world.ministry_officer,
        now=NOW,
        seed=seed,
        witness_id=witness.id,
        reason=reason,
    )
    db.session.commit()
    return record


def test_a_draw_stores_the_pool_the_exclusions_the_order_and_the_witness(fresh, witness):
    record = _draw(fresh, witness)
    experts = fresh.experts
    assert record.seed == "2014-11-13-8371"
    assert (record.pool_count, record.eligible_count) == (14, 12)
    assert len(record.pool) == 14
    assert record.pool[0]["title"] == "教授级高级工程师"
    excluded = {row["id"]: row for row in record.excluded}
    assert set(excluded) == {experts[CONFLICTED].id, experts[STAFF].id}
    assert excluded[experts[CONFLICTED].id]["reasons"] == [
        f"{rules.GROUND_INTEREST}（申报：湖南长丰变速箱再制造有限公司）"
    ]
    assert excluded[experts[STAFF].id]["reasons"] == [
        f"{rules.GROUND_STAFF}（工作单位：工业和信息化部节能与综合利用司）"
    ]
    assert len(record.order) == 12 and set(record.order).isdisjoint(excluded)
    assert record.witness_id == witness.id and record.witness_name == "监督人王"
    assert record.drawn_by_id == fresh.world.ministry_officer.id
    assert record.inputs["applicants"][2] == ["湖南长丰变速箱再制造有限公司", "赵强"]
    assert record.inputs["size"] == 5 and record.inputs["minimum_pool"] == 12
    assert "SHA-256" in record.method
    members = committee.members(fresh.review)
    assert [m.expert_id for m in members] == record.order[:5]
    assert [m.position for m in members] == [1, 2, 3, 4, 5]
    assert fresh.review.status == ReviewStatus.COMMITTEE


def test_the_draw_is_the_pure_rule_over_the_pool(fresh, witness):
    record = _draw(fresh, witness, seed="abc")
    expected = rules.draw_committee(
        [pool.profile_of(e) for e in fresh.experts],
        [(c.name, c.principal) for c in fresh.candidates],
        5,
        "abc",
        convener=fresh.review.convener,
        departments=fresh.review.departments,
    )
    assert record.order == expected.order


def test_the_draw_is_an_audited_insert(fresh, witness):
    record = _draw(fresh, witness)
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity == "review_committee_draws", AuditEntry.entity_id == str(record.id)
        )
    )
    assert entry is not None and entry.action == "create"
    assert entry.changes["seed"] == [None, "2014-11-13-8371"]


def test_a_fresh_seed_when_none_is_given_and_a_bad_one_refused(fresh, witness):
    record = _draw(fresh, witness, seed="")
    assert len(record.seed) == 32
    with pytest.raises(DomainError) as refused:
        _draw(fresh, witness, seed="has space", reason="再抽")
    assert refused.value.field == "seed"


def test_verify_redoes_the_draw_from_what_it_stored(fresh, witness):
    record = _draw(fresh, witness)
    assert committee.verify(record).matches
    # What changes afterwards does not matter: the draw keeps its own inputs.
    fresh.candidates[0].name = "改名后的公司"
    fresh.experts[0].declarations.append(
        ExpertDeclaration(
            kind=RelationKind.ECONOMIC_INTEREST,
            party="改名后的公司",
            declared_on=date(2014, 11, 14),
        )
    )
    db.session.commit()
    assert committee.verify(record).matches
    # A record altered by hand does not verify.
    record.order = [*record.order[1:], record.order[0]]
    db.session.commit()
    assert not committee.verify(record).matches


def test_a_second_draw_needs_a_reason_and_supersedes_the_first(fresh, witness):
    first = _draw(fresh, witness, seed="one")
    with pytest.raises(DomainError) as refused:
        _draw(fresh, witness, seed="two")
    assert refused.value.field == "reason"
    db.session.rollback()
    second = _draw(fresh, witness, seed="two", reason="两名委员因病不能出席")
    db.session.refresh(first)
    assert first.status == DrawStatus.SUPERSEDED and second.status == DrawStatus.ACTIVE
    active = committee.members(fresh.review)
    assert [m.expert_id for m in active] == second.order[:5]
    assert all(m.draw_id == second.id for m in active)
    every = committee.members(fresh.review, active_only=False)
    stepped_down = [m for m in every if not m.active]
    assert {m.expert_id for m in stepped_down} == set(first.order[:5]) - set(second.order[:5])
    assert all(m.replaced_reason == "重新抽取：两名委员因病不能出席" for m in stepped_down)
    # One row per expert and review, whatever the draws.
    assert len({m.expert_id for m in every}) == len(every)


def test_no_draw_once_a_sheet_is_submitted(reviewed, witness):  # noqa: F811
    member = reviewed.members[0]
    db.session.add(
        ScoreSheet(
            review_id=reviewed.review.id,
            member_id=member.id,
            candidate_id=reviewed.candidates[0].id,
            points={},
            submitted_at=NOW,
        )
    )
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        _draw(reviewed, witness, reason="重抽")
    assert "已有评委提交评分" in str(refused.value)


def test_a_draft_sheet_does_not_stop_a_redraw(reviewed, witness):  # noqa: F811
    db.session.add(
        ScoreSheet(
            review_id=reviewed.review.id,
            member_id=reviewed.members[0].id,
            candidate_id=reviewed.candidates[0].id,
            points={"overview": "10"},
        )
    )
    db.session.commit()
    record = _draw(reviewed, witness, reason="委员回避情形")
    assert record.status == DrawStatus.ACTIVE
    assert reviewed.review.status == ReviewStatus.COMMITTEE


def test_refused_with_eleven_on_the_list(fresh, witness):
    for expert in fresh.experts[11:]:
        expert.active = False
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        _draw(fresh, witness)
    assert "仅 11 人，少于 12 人" in str(refused.value)
    assert db.session.scalar(select(CommitteeDraw.id)) is None


def test_refused_when_fewer_than_five_remain(fresh, witness):
    # 2 are excluded already; 8 more with an interest in an applicant leave 4.
    for expert in [e for n, e in enumerate(fresh.experts) if n not in (CONFLICTED, STAFF)][:8]:
        expert.declarations.append(
            ExpertDeclaration(
                kind=RelationKind.ECONOMIC_INTEREST,
                party="上海柏科再制造有限公司",
                declared_on=date(2014, 11, 1),
            )
        )
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        _draw(fresh, witness)
    assert "仅余 4 人，不足评审委员会的 5 人" in str(refused.value)


@pytest.mark.parametrize("who", ["a_officer", "expert", None])
def test_the_witness_is_a_ministry_officer(fresh, who):
    witness_id = getattr(fresh.world, who).id if who else None
    with pytest.raises(DomainError) as refused:
        committee.draw(
            fresh.review,
            actor=fresh.world.ministry_officer,
            now=NOW,
            seed="s",
            witness_id=witness_id,
        )
    assert refused.value.field == "witness_id"


def test_the_drawing_officer_may_witness_himself(fresh):
    """Another officer is preferred (the page warns), but nobody else may be at hand."""
    officer = fresh.world.ministry_officer
    record = _draw(fresh, officer)
    assert record.witness_id == officer.id


def test_no_draw_without_applicants(world, witness):
    made = make_review(world, drawn=False)
    made.review.candidates.clear()
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        _draw(made, witness)
    assert "请先添加申请单位" in str(refused.value)


def test_a_province_officer_may_not_draw(fresh, witness):
    with pytest.raises(DomainError):
        committee.draw(
            fresh.review, actor=fresh.world.a_officer, now=NOW, seed="s", witness_id=witness.id
        )


def test_the_committee_elects_its_chair(fresh, witness):
    _draw(fresh, witness)
    first, second = committee.members(fresh.review)[:2]
    committee.elect_chair(fresh.review, first, actor=fresh.world.ministry_officer)
    committee.elect_chair(fresh.review, second, actor=fresh.world.ministry_officer)
    db.session.commit()
    assert [m.is_chair for m in committee.members(fresh.review)] == [
        False,
        True,
        False,
        False,
        False,
    ]
    first.active = False
    with pytest.raises(DomainError):
        committee.elect_chair(fresh.review, first, actor=fresh.world.ministry_officer)


def test_a_reserve_takes_the_place_of_a_member_who_cannot_sit(fresh, witness):
    record = _draw(fresh, witness)
    leaving = committee.members(fresh.review)[0]
    committee.elect_chair(fresh.review, leaving, actor=fresh.world.ministry_officer)
    specialities = {row["id"]: row["speciality"] for row in record.pool}
    expected = rules.next_reserve(
        record.order, record.order[1:5], [leaving.expert_id], specialities
    )
    replacement = committee.replace_member(
        leaving, "因病不能出席", actor=fresh.world.ministry_officer
    )
    db.session.commit()
    assert replacement.member.expert_id == expected
    assert replacement.member.position == record.order.index(expected) + 1
    assert not leaving.active and not leaving.is_chair
    assert leaving.replaced_reason == "因病不能出席"
    assert len(committee.members(fresh.review)) == 5


def test_replacing_needs_a_reason_and_no_submitted_sheet(fresh, witness):
    _draw(fresh, witness)
    member = committee.members(fresh.review)[0]
    with pytest.raises(DomainError) as refused:
        committee.replace_member(member, " ", actor=fresh.world.ministry_officer)
    assert refused.value.field == "reason"
    db.session.add(
        ScoreSheet(
            review_id=fresh.review.id,
            member_id=member.id,
            candidate_id=fresh.candidates[0].id,
            points={},
            submitted_at=NOW,
        )
    )
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        committee.replace_member(member, "不能出席", actor=fresh.world.ministry_officer)
    assert "已提交评分" in str(refused.value)


def test_a_reserve_with_a_conflict_found_since_is_passed_over(fresh, witness):
    record = _draw(fresh, witness)
    members = committee.members(fresh.review)
    specialities = {row["id"]: row["speciality"] for row in record.pool}
    sitting = [m.expert_id for m in members[1:]]
    first_reserve = rules.next_reserve(record.order, sitting, [members[0].expert_id], specialities)
    reserve = next(e for e in fresh.experts if e.id == first_reserve)
    reserve.declarations.append(
        ExpertDeclaration(
            kind=RelationKind.CLOSE_RELATIVE, party="周洁", declared_on=date(2014, 11, 15)
        )
    )
    db.session.commit()
    replacement = committee.replace_member(
        members[0], "不能出席", actor=fresh.world.ministry_officer
    )
    assert replacement.member.expert_id not in (first_reserve, members[0].expert_id)
    assert [name for name, _r in replacement.skipped] == [reserve.name]
    assert replacement.skipped[0][1][0].startswith(rules.GROUND_RELATIVE)


def test_when_the_reserves_run_out_a_redraw_is_needed(fresh, witness):
    record = _draw(fresh, witness)
    for _n in range(len(record.order) - 5):
        committee.replace_member(
            committee.members(fresh.review)[0], "不能出席", actor=fresh.world.ministry_officer
        )
    with pytest.raises(DomainError) as refused:
        committee.replace_member(
            committee.members(fresh.review)[0], "不能出席", actor=fresh.world.ministry_officer
        )
    assert "候补专家已用完" in str(refused.value)


def test_a_member_in_conflict_after_the_draw_is_shown(fresh, witness):
    _draw(fresh, witness)
    assert committee.member_conflicts(fresh.review) == []
    member = committee.members(fresh.review)[2]
    member.expert.declarations.append(
        ExpertDeclaration(
            kind=RelationKind.OTHER,
            party="重庆顺驰动力科技有限公司",
            declared_on=date(2014, 11, 16),
        )
    )
    db.session.commit()
    [(found, reasons)] = committee.member_conflicts(fresh.review)
    assert found.id == member.id and reasons[0].startswith(rules.GROUND_OTHER)


def test_an_experts_own_reviews(reviewed):  # noqa: F811
    other = Review(
        title="另一次评审",
        convener="征集人",
        organiser="组织机构",
        meets_on=date(2015, 3, 1),
        scoring_items=[],
    )
    db.session.add(other)
    db.session.commit()
    places = committee.reviews_of(reviewed.world.expert)
    assert [(review.id, member.expert_id) for review, member in places] == [
        (reviewed.review.id, reviewed.experts[0].id)
    ]
    reviewed.members[0].active = False  # replaced: no longer his review
    db.session.commit()
    assert committee.reviews_of(reviewed.world.expert) == []


def test_the_draw_is_due_a_week_before_the_review():
    assert committee.draw_timing(date(2014, 11, 20), date(2014, 11, 13)) == (
        date(2014, 11, 13),
        7,
    )
    assert committee.draw_timing(date(2014, 11, 20), date(2014, 11, 20) - timedelta(days=3)) == (
        date(2014, 11, 13),
        3,
    )


def test_superseded_members_rows_are_reused_when_drawn_again(fresh, witness):
    first = _draw(fresh, witness, seed="one")
    second = _draw(fresh, witness, seed="one", reason="监督人未到场，按同一种子重新抽取")
    assert second.order == first.order
    rows = db.session.scalars(select(CommitteeMember)).all()
    assert len(rows) == 5 and all(m.active and m.draw_id == second.id for m in rows)
