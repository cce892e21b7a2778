"""The committee of a review: the witnessed random draw (stored with the pool as it stood, so
anyone can redo it), the chair the committee elects, a reserve called in for a member who
cannot sit.

A review has one active draw. Drawing again needs a reason and supersedes the earlier draw
(its members step down); it is refused once any member submitted a score sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from ..core import access
from ..core.access import Permission
from ..core.draws import clean_seed
from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind, Role, User, UserRole
from ..extensions import db
from .models import (
    CommitteeDraw,
    CommitteeMember,
    DrawStatus,
    Expert,
    Review,
    ReviewStatus,
    ScoreSheet,
)
from .pool import active_pool, profile_of
from .rules import committee as rules
from .setup import has_submitted_sheets

NOT_ALLOWED = _l("只有部级业务人员可以抽取评审委员会。")
#: Statuses in which the committee may still change.
OPEN = (ReviewStatus.PREPARING, ReviewStatus.COMMITTEE, ReviewStatus.SCORING)


def _require_manager(actor) -> None:
    if actor is not None and not access.can(actor, Permission.MANAGE_REVIEWS):
        raise DomainError(NOT_ALLOWED)


def active_draw(review: Review) -> CommitteeDraw | None:
    return db.session.scalar(
        select(CommitteeDraw).where(
            CommitteeDraw.review_id == review.id, CommitteeDraw.status == DrawStatus.ACTIVE
        )
    )


def draws(review: Review) -> list[CommitteeDraw]:
    """Every draw of the review, newest first."""
    return list(
        db.session.scalars(
            select(CommitteeDraw)
            .where(CommitteeDraw.review_id == review.id)
            .order_by(CommitteeDraw.drawn_at.desc(), CommitteeDraw.id.desc())
        )
    )


def members(review: Review, *, active_only: bool = True) -> list[CommitteeMember]:
    """The committee in draw order (the chair marked)."""
    stmt = select(CommitteeMember).where(CommitteeMember.review_id == review.id)
    if active_only:
        stmt = stmt.where(CommitteeMember.active.is_(True))
    return list(db.session.scalars(stmt.order_by(CommitteeMember.position, CommitteeMember.id)))


def witnesses() -> list[User]:
    """Who may witness a draw (监督人): the ministry's active officers."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(
                UserRole.role == Role.MINISTRY_OFFICER,
                User.active.is_(True),
                Organisation.kind == OrgKind.MINISTRY,
            )
            .order_by(User.full_name, User.id)
        )
    )


def inputs_of(review: Review) -> dict:
    """What the recusal is checked against (stored with the draw)."""
    return {
        "applicants": [[c.name, c.principal] for c in review.candidates],
        "convener": review.convener,
        "departments": list(review.departments or []),
        "size": review.committee_size,
        "minimum_pool": review.minimum_pool,
    }


def refusal_message(refused: rules.DrawRefused) -> str:
    if refused.reason == "pool":
        return _(
            "专家名单在库专家仅 %(n)s 人，少于 %(min)s 人，不能抽取。请先补充专家名单。",
            n=refused.count,
            min=refused.needed,
        )
    return _(
        "排除回避和职称不符的专家后仅余 %(n)s 人，不足评审委员会的 %(size)s 人，不能抽取。",
        n=refused.count,
        size=refused.needed,
    )


def _witness(witness_id: int | None) -> User:
    user = db.session.get(User, witness_id) if witness_id else None
    if user is None or user not in witnesses():
        raise DomainError(_l("请选择监督人（征集人一方的部级业务人员）。"), "witness_id")
    return user


def draw(
    review: Review,
    *,
    actor,
    now: datetime,
    seed: str | None = None,
    witness_id: int | None,
    reason: str = "",
) -> CommitteeDraw:
    """Draw the review's committee at random from the pool, under the witness's supervision.

    ``seed`` may be agreed on the spot (e.g. a number the witness calls out) or is made
    fresh. Stores the pool as it stood, the exclusions with their reasons and the order;
    makes the first ``committee_size`` the members. A second draw needs ``reason`` and
    supersedes the first; none once a member submitted a score sheet.
    """
    _require_manager(actor)
    # One draw at a time per review (a row lock on PostgreSQL; SQLite writes one at a time).
    db.session.execute(select(Review.id).where(Review.id == review.id).with_for_update())
    if review.status not in OPEN or has_submitted_sheets(review):
        raise DomainError(_l("已有评委提交评分，不能再抽取评审委员会。"))
    if not review.candidates:
        raise DomainError(_l("请先添加申请单位：回避须对照申请单位判断。"))
    reason = (reason or "").strip()
    earlier = active_draw(review)
    if earlier is not None and not reason:
        raise DomainError(
            _l(
                "本评审已有有效的抽取结果（随机种子 %(seed)s），重新抽取须说明理由。",
                seed=earlier.seed,
            ),
            "reason",
        )
    witness = _witness(witness_id)
    seed = clean_seed(seed)
    experts = active_pool()
    inputs = inputs_of(review)
    try:
        result = rules.draw_committee(
            [profile_of(e) for e in experts],
            [tuple(a) for a in inputs["applicants"]],
            review.committee_size,
            seed,
            convener=review.convener,
            departments=inputs["departments"],
            minimum_pool=review.minimum_pool,
        )
    except rules.DrawRefused as refused:
        raise DomainError(refusal_message(refused)) from None

    if earlier is not None:
        earlier.status = DrawStatus.SUPERSEDED
        for member in members(review):
            member.active = False
            member.is_chair = False
            member.replaced_reason = f"重新抽取：{reason}"
    record = CommitteeDraw(
        review_id=review.id,
        seed=result.seed,
        pool_count=result.pool_count,
        eligible_count=result.eligible_count,
        pool=[rules.snapshot(profile_of(e), title=e.title) for e in experts],
        inputs=inputs,
        excluded=[
            {"id": e.id, "name": e.name, "reasons": list(e.reasons)} for e in result.excluded
        ],
        order=result.order,
        method=result.method,
        drawn_at=now,
        drawn_by_id=actor.id if actor is not None else None,
        witness_id=witness.id,
        witness_name=witness.full_name,
        status=DrawStatus.ACTIVE,
        reason=reason,
    )
    db.session.add(record)
    db.session.flush()
    for position, expert_id in enumerate(result.members, start=1):
        _seat(review, record, expert_id, position)
    review.status = ReviewStatus.COMMITTEE
    db.session.flush()
    return record


def _seat(review: Review, record: CommitteeDraw, expert_id: int, position: int):
    """Put the expert on the committee (his row of an earlier draw is reused: one row per
    expert and review)."""
    member = db.session.scalar(
        select(CommitteeMember).where(
            CommitteeMember.review_id == review.id, CommitteeMember.expert_id == expert_id
        )
    )
    if member is None:
        member = CommitteeMember(review_id=review.id, expert_id=expert_id)
        db.session.add(member)
    member.draw_id = record.id
    member.position = position
    member.active = True
    member.is_chair = False
    member.replaced_reason = ""
    return member


# -- checking a draw ----------------------------------------------------------------------------


@dataclass
class Verification:
    """A draw redone from its stored pool, inputs and seed."""

    matches: bool
    order: list[int] = field(default_factory=list)
    excluded_ids: list[int] = field(default_factory=list)
    #: Why the redo itself was refused (a pool or inputs that could not have been drawn).
    refused: str = ""
    #: (left out, brought in) when the technical/economic mix changed the first places.
    swap: tuple[int, int] | None = None


def verify(record: CommitteeDraw) -> Verification:
    """Redo the draw from what it stored and say whether it comes out the same: the same
    exclusions with the same reasons and the same order."""
    inputs = record.inputs or {}
    try:
        result = rules.draw_committee(
            [rules.from_snapshot(row) for row in record.pool or []],
            [tuple(a) for a in inputs.get("applicants", [])],
            int(inputs.get("size") or len(record.order) or 1),
            record.seed,
            convener=inputs.get("convener", ""),
            departments=inputs.get("departments", []),
            minimum_pool=int(inputs.get("minimum_pool") or 0),
        )
    except (rules.DrawRefused, ValueError, KeyError, TypeError) as refused:
        message = refused.message if isinstance(refused, rules.DrawRefused) else str(refused)
        return Verification(False, refused=message)
    excluded = [{"id": e.id, "name": e.name, "reasons": list(e.reasons)} for e in result.excluded]
    matches = (
        result.order == list(record.order or [])
        and excluded == list(record.excluded or [])
        and result.pool_count == record.pool_count
        and result.eligible_count == record.eligible_count
    )
    return Verification(matches, result.order, [e.id for e in result.excluded], swap=result.swap)


def draw_timing(meets_on: date, on: date) -> tuple[date, int]:
    """The day the draw is due (one week before the review) and how many days before the
    review ``on`` is."""
    return rules.draw_date(meets_on), (meets_on - on).days


# -- the committee after the draw ---------------------------------------------------------------


def _require_open(review: Review) -> None:
    if review.status not in OPEN and review.status != ReviewStatus.SCORED:
        raise DomainError(_l("评审报告已提交，评审委员会不能再变动。"))


def elect_chair(review: Review, member: CommitteeMember, *, actor) -> CommitteeMember:
    """Record the chair the committee elected (评审委员会推荐产生)."""
    _require_manager(actor)
    _require_open(review)
    if member.review_id != review.id or not member.active:
        raise DomainError(_l("请选择本评审委员会的现任委员。"), "member_id")
    for other in members(review):
        if other.id != member.id and other.is_chair:
            other.is_chair = False
    member.is_chair = True
    db.session.flush()
    return member


@dataclass
class Replacement:
    member: CommitteeMember
    #: Reserves passed over because they now have a ground for recusal: (name, reasons).
    skipped: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


def replace_member(member: CommitteeMember, reason: str, *, actor) -> Replacement:
    """The member cannot sit (or a conflict came to light): he steps down and the next
    reserve of the draw takes a place. Reserves who meanwhile left the list or have a ground
    for recusal against the review as it is now are passed over."""
    _require_manager(actor)
    review = member.review
    if review.status not in OPEN:
        raise DomainError(_l("评分已完成，不能再替换评审委员。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("请填写替换理由。"), "reason")
    if not member.active:
        raise DomainError(_l("该委员已不在评审委员会中。"))
    submitted = db.session.scalar(
        select(
            exists().where(ScoreSheet.member_id == member.id, ScoreSheet.submitted_at.is_not(None))
        )
    )
    if submitted:
        raise DomainError(_l("该委员已提交评分，不能替换。"))
    record = db.session.get(CommitteeDraw, member.draw_id)
    if record is None or record.status != DrawStatus.ACTIVE:
        raise DomainError(_l("该委员不属于当前有效的抽取结果。"))
    rows = list(
        db.session.scalars(select(CommitteeMember).where(CommitteeMember.review_id == review.id))
    )
    sitting = [m.expert_id for m in rows if m.active and m.id != member.id]
    used = {m.expert_id for m in rows if m.draw_id == record.id} | {member.expert_id}
    specialities = {int(row["id"]): row.get("speciality", "") for row in record.pool or []}
    inputs = inputs_of(review)
    skipped = []
    while True:
        expert_id = rules.next_reserve(record.order, sitting, used, specialities)
        if expert_id is None:
            raise DomainError(_l("候补专家已用完，请重新抽取评审委员会。"))
        used.add(expert_id)
        expert = db.session.get(Expert, expert_id)
        reasons = _current_reasons(expert, inputs)
        if expert is not None and expert.active and not reasons:
            break
        if not reasons:
            reasons = ("已不在专家名单",)
        skipped.append((expert.name if expert else str(expert_id), reasons))
    member.active = False
    member.is_chair = False
    member.replaced_reason = reason
    db.session.flush()
    seated = _seat(review, record, expert_id, record.order.index(expert_id) + 1)
    db.session.flush()
    return Replacement(seated, skipped)


def _current_reasons(expert: Expert | None, inputs: dict) -> tuple[str, ...]:
    if expert is None:
        return ()
    return rules.exclusion_reasons(
        profile_of(expert),
        [tuple(a) for a in inputs["applicants"]],
        convener=inputs["convener"],
        departments=inputs["departments"],
    )


def member_conflicts(review: Review) -> list[tuple[CommitteeMember, tuple[str, ...]]]:
    """Sitting members with a ground for recusal against the review as it is now (a
    declaration or an applicant added after the draw): to be replaced."""
    inputs = inputs_of(review)
    found = []
    for member in members(review):
        reasons = _current_reasons(member.expert, inputs)
        if reasons:
            found.append((member, reasons))
    return found


def reviews_of(user) -> list[tuple[Review, CommitteeMember]]:
    """The reviews ``user`` (an expert) sits on, with his place; the newest first."""
    return [
        (row[0], row[1])
        for row in db.session.execute(
            select(Review, CommitteeMember)
            .join(CommitteeMember, CommitteeMember.review_id == Review.id)
            .join(Expert, Expert.id == CommitteeMember.expert_id)
            .where(
                Expert.user_id == user.id,
                CommitteeMember.active.is_(True),
                Review.id.in_(access.scoped(select(Review.id), user)),
            )
            .order_by(Review.meets_on.desc(), Review.id.desc())
        )
    ]
