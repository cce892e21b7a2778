"""Independent scoring by the committee (seed 003 第十条): each active member fills one sheet per
candidate by name, saves drafts and submits (fixed afterwards); while the review is blind
nobody sees another's points until every sheet is in; then the results and the ranking
within the funds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import access
from ..core.errors import DomainError
from ..core.models import User
from ..extensions import db
from .models import (
    CommitteeMember,
    Expert,
    Review,
    ReviewCandidate,
    ReviewStatus,
    ScoreSheet,
    is_expert,
)
from .rules import scores as rules

NOT_A_MEMBER = _l("只有本评审委员会的委员可以评分。")
NOT_SCORING = _l("评审不在详细评审阶段，不能评分。")
WITHDRAWN = _l("该申请单位已弃权，不评分。")
ALREADY_SUBMITTED = _l("评分表已提交，不能修改。")
NOT_ALL_IN = _l("还有委员的评分表未提交，不能结束评分。")
CANNOT_WITHDRAW = _l("详细评审开始评分后不能再更改弃权情况。")
CHANGED_MEANWHILE = _l("评审已被他人修改，请刷新后重试。")
PROBLEMS = {
    rules.MISSING: _l("请填写该项得分。"),
    rules.NOT_A_NUMBER: _l("请填写数字，例如 8 或 8.5。"),
    rules.NEGATIVE: _l("得分不能为负数。"),
    rules.OVER_MAX: None,  # worded with the item's maximum, see _messages
    rules.TOO_MANY_DECIMALS: _l("得分最多保留一位小数。"),
}
#: Where scoring may happen: the committee is drawn (the meeting day reached) or scoring runs.
OPEN_FOR_SCORING = (ReviewStatus.COMMITTEE, ReviewStatus.SCORING)


class SheetRefused(DomainError):
    """A sheet refused item by item: ``problems`` is {item key: message}."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(_l("请更正评分表中标出的得分。"))
        self.problems = problems


# -- who and what -------------------------------------------------------------------------------


def active_members(review: Review) -> list[CommitteeMember]:
    """The sitting committee, in drawing order (replaced members are not)."""
    return [m for m in review.members if m.active]


def member_of(review: Review, user: User | None) -> CommitteeMember | None:
    """``user``'s active place on the committee, if he has one."""
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    return next(
        (m for m in active_members(review) if m.expert and m.expert.user_id == user.id), None
    )


def scored_candidates(review: Review) -> list[ReviewCandidate]:
    """The candidates scored, in presentation order (英文简称), those who withdrew left out."""
    return sorted(
        (c for c in review.candidates if not c.withdrew),
        key=lambda c: (c.short_name_en.upper(), c.id),
    )


def scored_items(review: Review) -> list[dict]:
    return rules.scored_items(review.scoring_items or [])


def sheets_of(review: Review, member: CommitteeMember | None = None) -> list[ScoreSheet]:
    stmt = select(ScoreSheet).where(ScoreSheet.review_id == review.id)
    if member is not None:
        stmt = stmt.where(ScoreSheet.member_id == member.id)
    return list(db.session.scalars(stmt.order_by(ScoreSheet.id)))


def sheet_of(member: CommitteeMember, candidate: ReviewCandidate) -> ScoreSheet | None:
    return db.session.scalar(
        select(ScoreSheet).where(
            ScoreSheet.member_id == member.id, ScoreSheet.candidate_id == candidate.id
        )
    )


def _submitted(review: Review) -> dict[tuple[int, int], ScoreSheet]:
    """Submitted sheets of the active members for the scored candidates."""
    members = {m.id for m in active_members(review)}
    candidates = {c.id for c in scored_candidates(review)}
    return {
        (s.member_id, s.candidate_id): s
        for s in sheets_of(review)
        if s.submitted_at is not None and s.member_id in members and s.candidate_id in candidates
    }


def all_in(review: Review) -> bool:
    """Every active member submitted a sheet for every candidate scored."""
    members, candidates = active_members(review), scored_candidates(review)
    if not members or not candidates:
        return False
    return len(_submitted(review)) == len(members) * len(candidates)


def sees_points(review: Review) -> bool:
    """Whether one may see the points of sheets not one's own: once every sheet is in, or
    at any time in a review that is not blind. (A member always sees his own.)"""
    return all_in(review) or not review.blind_scoring


@dataclass(frozen=True)
class Progress:
    """Who has submitted which sheet (what the organiser sees while scoring is blind)."""

    members: list[CommitteeMember]
    candidates: list[ReviewCandidate]
    #: {(member id, candidate id): "submitted" | "draft"}; absent: not started.
    states: dict[tuple[int, int], str]

    @property
    def submitted(self) -> int:
        return sum(1 for s in self.states.values() if s == "submitted")

    @property
    def expected(self) -> int:
        return len(self.members) * len(self.candidates)

    def member_submitted(self, member: CommitteeMember) -> int:
        return sum(1 for c in self.candidates if self.states.get((member.id, c.id)) == "submitted")


def progress(review: Review) -> Progress:
    states = {
        (s.member_id, s.candidate_id): "submitted" if s.submitted_at else "draft"
        for s in sheets_of(review)
    }
    return Progress(active_members(review), scored_candidates(review), states)


# -- filling a sheet ----------------------------------------------------------------------------


def _check_open(review: Review, today: date) -> None:
    if review.status not in OPEN_FOR_SCORING:
        raise DomainError(NOT_SCORING)
    if review.status == ReviewStatus.COMMITTEE and today < review.meets_on:
        raise DomainError(
            _("详细评审尚未开始（评审日期：%(d)s），不能评分。", d=review.meets_on.isoformat())
        )


def _messages(problems: dict[str, str], items: list[dict]) -> dict[str, str]:
    maxima = {i["key"]: i["max_points"] for i in items}
    return {
        key: _("得分不能超过该项分值 %(max)s 分。", max=maxima[key])
        if problem == rules.OVER_MAX
        else str(PROBLEMS[problem])
        for key, problem in problems.items()
    }


def save_sheet(
    review: Review,
    candidate: ReviewCandidate,
    *,
    points: dict[str, str],
    comment: str,
    actor: User,
    now: datetime,
    today: date,
    submit: bool = False,
) -> ScoreSheet:
    """Keep ``actor``'s points for ``candidate`` (a draft may leave items empty); with
    ``submit`` every item must be filled and the sheet is fixed from then on. The first sheet
    of a review whose meeting day has come starts the detailed review (status SCORING)."""
    member = member_of(review, actor)
    if member is None:
        raise DomainError(NOT_A_MEMBER)
    _check_open(review, today)
    if candidate.review_id != review.id or candidate.withdrew:
        raise DomainError(WITHDRAWN)
    items = scored_items(review)
    problems = rules.sheet_problems(items, points, complete=submit)
    if problems:
        raise SheetRefused(_messages(problems, items))
    sheet = sheet_of(member, candidate)
    if sheet is None:
        sheet = ScoreSheet(review_id=review.id, member_id=member.id, candidate_id=candidate.id)
        db.session.add(sheet)
    elif sheet.submitted_at is not None:
        raise DomainError(ALREADY_SUBMITTED)
    kept = rules.normalised_points(items, points)
    sheet.points = kept
    sheet.comment = comment
    complete = len(kept) == len(items)
    sheet.total = rules.expert_total([kept[i["key"]] for i in items]) if complete else None
    if submit:
        sheet.submitted_at = now
    if review.status == ReviewStatus.COMMITTEE:
        review.status = ReviewStatus.SCORING
    db.session.flush()
    return sheet


def mark_withdrew(candidate: ReviewCandidate, *, withdrew: bool, actor: User) -> ReviewCandidate:
    """Record that a candidate did not sign in at the meeting (视为自动弃权), or undo it; only
    before any member has a sheet for it, and while the review is not past scoring."""
    review = candidate.review
    if review.status not in (ReviewStatus.PREPARING, *OPEN_FOR_SCORING):
        raise DomainError(CANNOT_WITHDRAW)
    started = db.session.scalar(
        select(ScoreSheet.id).where(ScoreSheet.candidate_id == candidate.id)
    )
    if started is not None:
        raise DomainError(CANNOT_WITHDRAW)
    candidate.withdrew = withdrew
    db.session.flush()
    return candidate


def close_scoring(review: Review, *, actor: User, today: date) -> Review:
    """The detailed review ends: every sheet is in; the report is due 10 working days on."""
    if review.status != ReviewStatus.SCORING:
        raise DomainError(NOT_SCORING)
    if not all_in(review):
        raise DomainError(NOT_ALL_IN)
    review.status = ReviewStatus.SCORED
    review.scored_on = today
    db.session.flush()
    return review


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedCandidate:
    """A candidate's result: each member's total (by member id; None: no submitted sheet), the
    mean, the price score, the final score, its rank (ties share one) and whether it is within
    the funds and the call's limit (``tie_at_cap``: tied across the cut, the convener decides)."""

    candidate: ReviewCandidate
    totals: dict[int, Decimal | None] = field(default_factory=dict)
    mean: Decimal | None = None
    price: Decimal | None = None
    final: Decimal | None = None
    rank: int | None = None
    within_cap: bool = False
    tie_at_cap: bool = False
    cumulative_wan: Decimal | None = None


def price_scores(review: Review) -> dict[int, Decimal | None]:
    """{candidate id: price score} (None everywhere when the review has no price item)."""
    item = rules.price_item(review.scoring_items or [])
    candidates = scored_candidates(review)
    if item is None:
        return {c.id: None for c in candidates}
    quotes = [c.price_quote for c in candidates]
    return {c.id: rules.price_score(c.price_quote, quotes, item["max_points"]) for c in candidates}


def ranking(review: Review) -> list[RankedCandidate]:
    """The candidates scored, best first: members' totals from their submitted sheets, the mean
    and final score (seed 003 第十条), rank within the funding cap and the call's limit
    (第十二条). Candidates without any submitted sheet come last, unranked."""
    members = active_members(review)
    submitted = _submitted(review)
    prices = price_scores(review)
    scored: dict[int, RankedCandidate] = {}
    unscored = []
    for candidate in scored_candidates(review):
        totals = {
            m.id: (
                submitted[(m.id, candidate.id)].total if (m.id, candidate.id) in submitted else None
            )
            for m in members
        }
        present = [t for t in totals.values() if t is not None]
        if not present:
            unscored.append(RankedCandidate(candidate, totals, price=prices[candidate.id]))
            continue
        scored[candidate.id] = RankedCandidate(
            candidate,
            totals,
            mean=rules.mean_score(present),
            price=prices[candidate.id],
            final=rules.final_score(present, prices[candidate.id]),
        )
    by_id = {c.id: c for c in review.candidates}
    places = rules.rank_within_cap(
        {cid: r.final for cid, r in scored.items()},
        {cid: by_id[cid].requested_wan for cid in scored},
        review.funding_cap_wan,
        review.max_selected,
    )
    result = [
        RankedCandidate(
            scored[p.key].candidate,
            scored[p.key].totals,
            mean=scored[p.key].mean,
            price=scored[p.key].price,
            final=p.final,
            rank=p.rank,
            within_cap=p.within_cap,
            tie_at_cap=p.tie_at_cap,
            cumulative_wan=p.cumulative_wan,
        )
        for p in places
    ]
    return result + unscored


def is_organiser(user: User) -> bool:
    """The ministry's officers organise reviews; an expert's account never does."""
    return access.can(user, access.Permission.MANAGE_REVIEWS) and not is_expert(user)


def expert_of(user: User) -> Expert | None:
    return db.session.scalar(select(Expert).where(Expert.user_id == user.id))
