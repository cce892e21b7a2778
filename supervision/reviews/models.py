"""Expert reviews (专家评审): the expert pool with declared relations and interests, a review with
its candidates, the witnessed random draw of its committee, independent scoring by name, and
the review report every member signs.

The machinery is generic: a review's candidates are whatever is reviewed (the applicants of a
remanufactured-product pilot call are the first use, see ``supervision.pilots``), linked back
by ``ReviewCandidate.source``. Reviews are national: the ministry's officers organise them and
experts see only the reviews they sit on.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, Role, User, label, str_enum
from ..core.types import UTCDateTime, utcnow
from ..extensions import db


class TitleLevel(enum.StrEnum):
    """Professional title grade: a committee needs 副高 or above (seed 003 第五条)."""

    SENIOR = "senior"  # 正高级
    DEPUTY_SENIOR = "deputy"  # 副高级
    INTERMEDIATE = "middle"  # 中级及以下

    @property
    def label(self) -> str:
        return str(TITLE_LEVEL_LABELS[self])


TITLE_LEVEL_LABELS = {
    TitleLevel.SENIOR: _l("正高级"),
    TitleLevel.DEPUTY_SENIOR: _l("副高级"),
    TitleLevel.INTERMEDIATE: _l("中级及以下"),
}


class Speciality(enum.StrEnum):
    TECHNICAL = "technical"
    ECONOMIC = "economic"
    FINANCIAL = "financial"

    @property
    def label(self) -> str:
        return str(SPECIALITY_LABELS[self])


SPECIALITY_LABELS = {
    Speciality.TECHNICAL: _l("技术"),
    Speciality.ECONOMIC: _l("经济"),
    Speciality.FINANCIAL: _l("财务"),
}


class RelationKind(enum.StrEnum):
    """The four grounds for recusal of seed 003 第五条."""

    CLOSE_RELATIVE = "relative"  # 征集人或申请单位主要负责人的近亲属
    DEPARTMENT_STAFF = "staff"  # 项目主管部门或者行政监督部门的人员
    ECONOMIC_INTEREST = "interest"  # 与申请单位有经济利益关系
    OTHER = "other"  # 其他可能影响评审工作客观公正的情形

    @property
    def label(self) -> str:
        return str(RELATION_LABELS[self])


RELATION_LABELS = {
    RelationKind.CLOSE_RELATIVE: _l("征集人或申请单位主要负责人的近亲属"),
    RelationKind.DEPARTMENT_STAFF: _l("项目主管部门或行政监督部门的人员"),
    RelationKind.ECONOMIC_INTEREST: _l("与申请单位有经济利益关系"),
    RelationKind.OTHER: _l("其他可能影响评审客观公正的情形"),
}


class Expert(Audited, db.Model):
    """One expert of the pool (专家名单), recommended by a convening department."""

    __tablename__ = "review_experts"
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), info=label(_l("姓名")))
    #: As the expert writes it, e.g. 教授级高级工程师, 研究员, 高级会计师.
    title: Mapped[str] = mapped_column(String(60), info=label(_l("职称")))
    title_level: Mapped[TitleLevel] = mapped_column(
        str_enum(TitleLevel, 10), info=label(_l("职称级别"))
    )
    speciality: Mapped[Speciality] = mapped_column(
        str_enum(Speciality, 10), info=label(_l("专业类别"))
    )
    employer: Mapped[str] = mapped_column(String(120), info=label(_l("工作单位")))
    phone: Mapped[str] = mapped_column(String(40), default="", info=label(_l("联系电话")))
    email: Mapped[str] = mapped_column(String(120), default="", info=label(_l("电子邮箱")))
    #: The department that put the expert on the list (各征集单位推荐).
    recommended_by: Mapped[str] = mapped_column(String(120), default="", info=label(_l("推荐单位")))
    #: The account the expert scores and signs with (role EXPERT); None until given one.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), unique=True, info=label(_l("登录账号"))
    )
    #: Off the list (retired, withdrew): never drawn, kept for past reviews.
    active: Mapped[bool] = mapped_column(default=True, info=label(_l("在库")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    user: Mapped[User | None] = relationship()
    declarations: Mapped[list[ExpertDeclaration]] = relationship(
        back_populates="expert", order_by="ExpertDeclaration.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class ExpertDeclaration(Audited, db.Model):
    """A relation or interest the expert declared (关系和利益申报): with whom, on what ground."""

    __tablename__ = "review_expert_declarations"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(
        ForeignKey("review_experts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[RelationKind] = mapped_column(str_enum(RelationKind, 10), info=label(_l("情形")))
    #: The organisation concerned: an applicant, the convener, a department (matched by name).
    party: Mapped[str] = mapped_column(String(120), info=label(_l("相关单位")))
    detail: Mapped[str] = mapped_column(Text, default="", info=label(_l("说明")))
    declared_on: Mapped[date] = mapped_column(info=label(_l("申报日期")))

    expert: Mapped[Expert] = relationship(back_populates="declarations")

    @property
    def audit_label(self) -> str:
        return f"{self.expert.name if self.expert else ''} · {self.party}"


class ReviewStatus(enum.StrEnum):
    PREPARING = "preparing"  # candidates and scoring items being set
    COMMITTEE = "committee"  # committee drawn, chair to elect, waiting for the meeting
    SCORING = "scoring"  # detailed review under way
    SCORED = "scored"  # every sheet in: results and ranking shown
    REPORTED = "reported"  # report signed by every member and submitted
    DECIDED = "decided"  # the convener's decision recorded

    @property
    def label(self) -> str:
        return str(REVIEW_STATUS_LABELS[self])


REVIEW_STATUS_LABELS = {
    ReviewStatus.PREPARING: _l("准备中"),
    ReviewStatus.COMMITTEE: _l("已抽取评审委员会"),
    ReviewStatus.SCORING: _l("详细评审中"),
    ReviewStatus.SCORED: _l("评分完成"),
    ReviewStatus.REPORTED: _l("已提交评审报告"),
    ReviewStatus.DECIDED: _l("已确定"),
}


class Review(Audited, db.Model):
    """One expert review: who convenes and organises it, when the detailed review meets, how
    the committee is drawn and how candidates are scored."""

    __tablename__ = "reviews"
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), info=label(_l("评审名称")))
    #: 征集人, e.g. 国家发展改革委、财政部、工业和信息化部等五部委相关司局.
    convener: Mapped[str] = mapped_column(String(200), info=label(_l("征集人")))
    #: 评审组织机构 (draws the committee under the convener's supervision).
    organiser: Mapped[str] = mapped_column(String(200), info=label(_l("评审组织机构")))
    #: 项目主管部门 / 行政监督部门: their staff are recused (one name per line in forms).
    departments: Mapped[list] = mapped_column(
        JSON, default=list, info=label(_l("主管部门和行政监督部门"))
    )
    #: The detailed review meeting (详细评审); the committee is drawn a week before.
    meets_on: Mapped[date] = mapped_column(info=label(_l("详细评审日期")))
    venue: Mapped[str] = mapped_column(String(200), default="", info=label(_l("评审地点")))
    committee_size: Mapped[int] = mapped_column(default=5, info=label(_l("评审委员人数")))
    #: The pool must hold at least this many before a draw (seed 003: 不少于 12 人).
    minimum_pool: Mapped[int] = mapped_column(default=12, info=label(_l("专家名单最少人数")))
    #: Members see the others' scores only once every sheet is in.
    blind_scoring: Mapped[bool] = mapped_column(default=True, info=label(_l("评分完成前互不可见")))
    #: [{"key", "name", "max_points" (str Decimal), "price": bool}]: 评分标准.
    scoring_items: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("评分项目")))
    #: Funds available (万元): candidates are taken top-down while their requests fit.
    funding_cap_wan: Mapped[Decimal | None] = mapped_column(
        Numeric(14, 2), info=label(_l("资金规模（万元）"))
    )
    #: Most candidates that may be chosen (征集上限), if the call sets one.
    max_selected: Mapped[int | None] = mapped_column(info=label(_l("征集上限（家）")))
    status: Mapped[ReviewStatus] = mapped_column(
        str_enum(ReviewStatus, 10), default=ReviewStatus.PREPARING, info=label(_l("状态"))
    )
    #: When the detailed review ended (the report is due 10 working days later).
    scored_on: Mapped[date | None] = mapped_column(info=label(_l("详细评审完成日期")))
    #: The report submitted to the convener (the decision is due 10 working days later).
    reported_on: Mapped[date | None] = mapped_column(info=label(_l("评审报告提交日期")))
    decided_on: Mapped[date | None] = mapped_column(info=label(_l("确定日期")))
    decision_note: Mapped[str] = mapped_column(Text, default="", info=label(_l("确定意见")))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    candidates: Mapped[list[ReviewCandidate]] = relationship(
        back_populates="review", order_by="ReviewCandidate.id", cascade="all, delete-orphan"
    )
    members: Mapped[list[CommitteeMember]] = relationship(
        back_populates="review", order_by="CommitteeMember.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self) -> str:
        return self.title


class ReviewCandidate(Audited, db.Model):
    """One candidate under review (申请单位): its names, principal, request and presenters."""

    __tablename__ = "review_candidates"
    __table_args__ = (UniqueConstraint("review_id", "short_name_en"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), info=label(_l("申请单位")))
    #: 英文简称: presentations go in this order.
    short_name_en: Mapped[str] = mapped_column(String(40), info=label(_l("英文简称")))
    #: 主要负责人 (法定代表人), for the recusal of close relatives.
    principal: Mapped[str] = mapped_column(String(40), default="", info=label(_l("主要负责人")))
    requested_wan: Mapped[Decimal | None] = mapped_column(
        Numeric(14, 2), info=label(_l("申请资金（万元）"))
    )
    #: The candidate's quoted price for the price item (价格计分), in 元, if the review has one.
    price_quote: Mapped[Decimal | None] = mapped_column(
        Numeric(14, 2), info=label(_l("报价（元）"))
    )
    #: Up to three people presenting (陈述参加人不超过 3 人).
    presenters: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("陈述人")))
    #: Did not sign in at the meeting: 视为自动弃权, not scored.
    withdrew: Mapped[bool] = mapped_column(default=False, info=label(_l("弃权")))
    #: Where the candidate comes from, e.g. "pilot_application:12".
    source: Mapped[str] = mapped_column(String(60), default="", index=True)
    #: The convener's decision: chosen (True), not chosen (False), undecided (None).
    selected: Mapped[bool | None] = mapped_column(info=label(_l("确定结果")))

    review: Mapped[Review] = relationship(back_populates="candidates")

    @property
    def audit_label(self) -> str:
        return self.name


class DrawStatus(enum.StrEnum):
    ACTIVE = "active"
    SUPERSEDED = "superseded"


class CommitteeDraw(Audited, db.Model):
    """One witnessed random draw of a review's committee, reproducible from its seed: the pool
    as it stood, who was excluded and why, who was drawn in what order."""

    __tablename__ = "review_committee_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    seed: Mapped[str] = mapped_column(String(64), info=label(_l("随机种子")))
    #: Experts on the list at the draw (active), and those left after exclusions.
    pool_count: Mapped[int] = mapped_column(info=label(_l("专家名单人数")))
    eligible_count: Mapped[int] = mapped_column(info=label(_l("可抽取人数")))
    #: The pool as drawn from: [{"id", "name", "title", "speciality", "title_level",
    #: "employer", "declarations": [[kind, party], …]}].
    pool: Mapped[list] = mapped_column(JSON, default=list)
    #: What the recusal was checked against, as it stood: {"applicants": [[name, principal],
    #: …], "convener", "departments": [...], "size", "minimum_pool"} (the draw is redone from
    #: this, the pool and the seed, whatever the review became since).
    inputs: Mapped[dict] = mapped_column(JSON, default=dict)
    #: [{"id", "name", "reasons": [text, …]}]: 回避 and ineligibility, with the ground.
    excluded: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("回避情况")))
    #: Expert ids in drawing order (the committee is the first ``committee_size``; the rest
    #: are the reserves, called in this order if a member cannot sit).
    order: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("抽取顺序")))
    method: Mapped[str] = mapped_column(Text, default="", info=label(_l("抽取方法")))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The convener's supervising officer who witnessed it (监督人).
    witness_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    witness_name: Mapped[str] = mapped_column(String(80), default="", info=label(_l("监督人")))
    status: Mapped[DrawStatus] = mapped_column(
        str_enum(DrawStatus, 10), default=DrawStatus.ACTIVE, info=label(_l("状态"))
    )
    #: Why it was drawn again (required for any draw after the first).
    reason: Mapped[str] = mapped_column(Text, default="", info=label(_l("重新抽取理由")))

    drawn_by: Mapped[User | None] = relationship(foreign_keys=[drawn_by_id])
    witness: Mapped[User | None] = relationship(foreign_keys=[witness_id])


class CommitteeMember(Audited, db.Model):
    """One expert on a review's committee; one is elected chair (主任) by the committee."""

    __tablename__ = "review_committee_members"
    __table_args__ = (UniqueConstraint("review_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("review_experts.id"), index=True)
    draw_id: Mapped[int] = mapped_column(
        ForeignKey("review_committee_draws.id", ondelete="CASCADE")
    )
    #: Place in the draw (1 …): reserves called in take the next places.
    position: Mapped[int] = mapped_column()
    is_chair: Mapped[bool] = mapped_column(default=False, info=label(_l("评审委员会主任")))
    #: Replaced by a reserve (cannot sit, or a conflict found late), with the reason.
    replaced_reason: Mapped[str] = mapped_column(Text, default="", info=label(_l("替换理由")))
    active: Mapped[bool] = mapped_column(default=True)

    review: Mapped[Review] = relationship(back_populates="members")
    expert: Mapped[Expert] = relationship()

    @property
    def audit_label(self) -> str:
        return self.expert.name if self.expert else ""


class ScoreSheet(Audited, db.Model):
    """One member's scores for one candidate, by item; fixed once submitted (记名、独立)."""

    __tablename__ = "review_score_sheets"
    __table_args__ = (UniqueConstraint("member_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("review_committee_members.id", ondelete="CASCADE"), index=True
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("review_candidates.id", ondelete="CASCADE"), index=True
    )
    #: {item key: points as entered (str Decimal)}.
    points: Mapped[dict] = mapped_column(JSON, default=dict, info=label(_l("各项得分")))
    #: The member's total for the candidate, kept to 1 decimal (price items to 2 first).
    total: Mapped[Decimal | None] = mapped_column(Numeric(7, 1), info=label(_l("评委评分")))
    comment: Mapped[str] = mapped_column(Text, default="", info=label(_l("评审意见")))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    member: Mapped[CommitteeMember] = relationship()
    candidate: Mapped[ReviewCandidate] = relationship()


class ReviewReport(Audited, db.Model):
    """The review report (评审报告): formal and detailed review, ranking, recommendation;
    every member signs it in the app. Regenerating it clears the signatures."""

    __tablename__ = "review_reports"
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), unique=True
    )
    #: The figures as generated (scores, means, ranks, within cap), so the signed text stays.
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    formal_summary: Mapped[str] = mapped_column(Text, default="", info=label(_l("形式审查情况")))
    recommendation: Mapped[str] = mapped_column(Text, default="", info=label(_l("推荐意见")))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    signatures: Mapped[list[ReportSignature]] = relationship(
        back_populates="report", order_by="ReportSignature.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class ReportSignature(Audited, db.Model):
    """One member's signature of the report (签名), with the time."""

    __tablename__ = "review_report_signatures"
    __table_args__ = (UniqueConstraint("report_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("review_reports.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("review_committee_members.id", ondelete="CASCADE")
    )
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[ReviewReport] = relationship(back_populates="signatures")
    member: Mapped[CommitteeMember] = relationship()


# -- who sees what ------------------------------------------------------------------------------


def member_reviews(user):
    """Ids of the reviews ``user`` sits on (as an expert of an active committee place)."""
    return (
        select(CommitteeMember.review_id)
        .join(Expert, Expert.id == CommitteeMember.expert_id)
        .where(Expert.user_id == user.id, CommitteeMember.active.is_(True))
    )


def is_expert(user) -> bool:
    """An expert's account (held at the ministry, but seeing only his own reviews)."""
    roles = getattr(user, "roles", frozenset())
    return Role.EXPERT in roles and Role.MINISTRY_OFFICER not in roles


def _review_scope(column):
    """Reviews are national: the ministry's officers see all; an expert the reviews he sits
    on; nobody else any."""

    def rule(user):
        if is_expert(user):
            return column.in_(member_reviews(user))
        if access.sees_everything(user):
            return None
        return false()

    return rule


def _expert_scope(user):
    if is_expert(user):
        return Expert.user_id == user.id
    return None if access.sees_everything(user) else false()


access.register_scope(Review, _review_scope(Review.id))
for _model in (ReviewCandidate, CommitteeDraw, CommitteeMember, ScoreSheet, ReviewReport):
    access.register_scope(_model, _review_scope(_model.review_id))
access.register_scope(Expert, _expert_scope)
