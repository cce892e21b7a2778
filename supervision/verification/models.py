"""Verification campaigns (推广信息核查): the campaign, its tasks to provincial units and their
people, regional training sessions and registrations, and each unit's results report.

The sales records live in ``record_models``; bulk-buyer checks, sample draws and subsidy claims
in ``check_models``. Every verification row carries the unit it was issued to (a provincial
unit or a 计划单列市) and that unit's province, which the access rules read.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    false,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, Organisation, OrgKind, Role, User, label, str_enum
from ..core.types import UTCDateTime, utcnow
from ..extensions import db


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"  # being prepared by the ministry, invisible to provinces
    ISSUED = "issued"  # tasks issued (下达)
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str(CAMPAIGN_STATUS_LABELS[self])


CAMPAIGN_STATUS_LABELS = {
    CampaignStatus.DRAFT: _l("草稿"),
    CampaignStatus.ISSUED: _l("已下达"),
    CampaignStatus.CLOSED: _l("已结束"),
}


class Target(enum.StrEnum):
    """The three targets of seed 000 §一."""

    PRODUCTION = "production"  # 对生产企业核查
    OUTLET = "outlet"  # 对销售网点核查
    END_USER = "end_user"  # 对终端用户核查

    @property
    def label(self) -> str:
        return str(TARGET_LABELS[self])


TARGET_LABELS = {
    Target.PRODUCTION: _l("生产企业核查"),
    Target.OUTLET: _l("销售网点核查"),
    Target.END_USER: _l("终端用户核查"),
}


class TaskStatus(enum.StrEnum):
    ISSUED = "issued"  # 已下达 to the unit
    ASSIGNED = "assigned"  # 已落实 to an agency and people
    DONE = "done"  # 已完成

    @property
    def label(self) -> str:
        return str(TASK_STATUS_LABELS[self])


TASK_STATUS_LABELS = {
    TaskStatus.ISSUED: _l("已下达"),
    TaskStatus.ASSIGNED: _l("已落实到人"),
    TaskStatus.DONE: _l("已完成"),
}


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return str(REPORT_STATUS_LABELS[self])


REPORT_STATUS_LABELS = {
    ReportStatus.DRAFT: _l("未上报"),
    ReportStatus.SUBMITTED: _l("已上报"),
    ReportStatus.RETURNED: _l("已退回"),
    ReportStatus.ACCEPTED: _l("已接收"),
}


class VerificationCampaign(Audited, db.Model):
    """One verification campaign, e.g. 第二批推广信息核查 (工信部 notice of 2013-03-06)."""

    __tablename__ = "verification_campaigns"
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), info=label(_l("核查工作名称")))
    notice_number: Mapped[str] = mapped_column(String(80), default="", info=label(_l("通知文号")))
    #: Product category codes (``rules.PRODUCT_CATEGORIES``), e.g. ["fridge", "desktop"].
    categories: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("产品类别")))
    #: The period of sales the records cover (e.g. 2012-09-01 … 2013-01-31).
    sales_from: Mapped[date] = mapped_column(info=label(_l("销售信息起始日期")))
    sales_to: Mapped[date] = mapped_column(info=label(_l("销售信息截止日期")))
    #: Results uploaded and the report sent by this date (seed 000: 4 月 15 日前).
    result_due_on: Mapped[date] = mapped_column(info=label(_l("结果上报期限")))
    issued_on: Mapped[date | None] = mapped_column(info=label(_l("下达日期")))
    status: Mapped[CampaignStatus] = mapped_column(
        str_enum(CampaignStatus, 10), default=CampaignStatus.DRAFT, info=label(_l("状态"))
    )
    #: Shares of the end users' valid records checked by phone and at home (seed 000: 1 %, 0.5 %).
    phone_rate: Mapped[Decimal] = mapped_column(
        Numeric(6, 4), default=Decimal("0.01"), info=label(_l("电话核查比例"))
    )
    visit_rate: Mapped[Decimal] = mapped_column(
        Numeric(6, 4), default=Decimal("0.005"), info=label(_l("入户核查比例"))
    )
    #: Units bought in one purchase or cumulatively that make a bulk buyer (seed 000: 五台以上).
    bulk_threshold: Mapped[int] = mapped_column(default=5, info=label(_l("大宗用户台数")))
    note: Mapped[str] = mapped_column(Text, default="", info=label(_l("说明")))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    created_by: Mapped[User | None] = relationship()
    tasks: Mapped[list[VerificationTask]] = relationship(
        back_populates="campaign", order_by="VerificationTask.id", cascade="all, delete-orphan"
    )
    training_sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="campaign", order_by="TrainingSession.held_on", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


verification_task_people = Table(
    "verification_task_people",
    db.metadata,
    Column("task_id", ForeignKey("verification_tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class VerificationTask(Audited, db.Model):
    """One target of a campaign issued to one unit, then split to an agency and people."""

    __tablename__ = "verification_tasks"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "target"),)
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("verification_campaigns.id", ondelete="CASCADE"), index=True
    )
    #: The unit the ministry issued it to: a provincial unit or a 计划单列市.
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), index=True, info=label(_l("核查单位"))
    )
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    target: Mapped[Target] = mapped_column(str_enum(Target, 12), info=label(_l("核查对象")))
    #: What the ministry's task says (e.g. the enterprises or the number of records).
    description: Mapped[str] = mapped_column(Text, default="", info=label(_l("任务内容")))
    #: Records to verify as issued (None when not stated).
    record_count: Mapped[int | None] = mapped_column(info=label(_l("任务量（条）")))
    due_on: Mapped[date] = mapped_column(info=label(_l("完成期限")))
    #: The agency the unit gave it to (落实到核查机构); None until split.
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True, info=label(_l("核查机构"))
    )
    status: Mapped[TaskStatus] = mapped_column(
        str_enum(TaskStatus, 10), default=TaskStatus.ISSUED, info=label(_l("状态"))
    )
    done_on: Mapped[date | None] = mapped_column(info=label(_l("完成日期")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    campaign: Mapped[VerificationCampaign] = relationship(back_populates="tasks")
    unit: Mapped[Organisation] = relationship(foreign_keys=[unit_id])
    province: Mapped[Organisation] = relationship(foreign_keys=[province_id])
    agency: Mapped[Organisation | None] = relationship(foreign_keys=[agency_id])
    #: The people it is given to (落实到人).
    people: Mapped[list[User]] = relationship(
        secondary=verification_task_people, order_by=User.username
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return f"{self.campaign.name if self.campaign else ''} · {self.target.label}"


training_session_units = Table(
    "verification_training_units",
    db.metadata,
    Column(
        "session_id",
        ForeignKey("verification_training_sessions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("unit_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)


class TrainingSession(Audited, db.Model):
    """A regional training session (seed 000 附表1): venue, date, the units assigned to it."""

    __tablename__ = "verification_training_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("verification_campaigns.id", ondelete="CASCADE"), index=True
    )
    #: 片区, e.g. 北京, 成都, 广东, 南京.
    region: Mapped[str] = mapped_column(String(40), info=label(_l("片区")))
    held_on: Mapped[date] = mapped_column(info=label(_l("培训日期")))
    #: As the notice prints it, e.g. 13:30—17:30.
    hours: Mapped[str] = mapped_column(String(40), default="", info=label(_l("培训时间")))
    venue: Mapped[str] = mapped_column(String(120), info=label(_l("地点")))
    address: Mapped[str] = mapped_column(String(255), default="", info=label(_l("地址")))
    contacts: Mapped[str] = mapped_column(String(120), default="", info=label(_l("联系人")))
    phones: Mapped[str] = mapped_column(String(200), default="", info=label(_l("联系电话")))
    fax: Mapped[str] = mapped_column(String(80), default="", info=label(_l("传真")))
    #: Registration receipts are due by then (seed 000: 3 月 7 日中午 12:00 之前).
    register_by: Mapped[date | None] = mapped_column(info=label(_l("报名截止日期")))

    campaign: Mapped[VerificationCampaign] = relationship(back_populates="training_sessions")
    units: Mapped[list[Organisation]] = relationship(
        secondary=training_session_units, order_by=Organisation.division_code
    )
    registrations: Mapped[list[TrainingRegistration]] = relationship(
        back_populates="session", order_by="TrainingRegistration.id", cascade="all, delete-orphan"
    )

    @property
    def audit_label(self) -> str:
        return f"{self.region} {self.held_on}"


class TrainingRegistration(Audited, db.Model):
    """报名回执单 (seed 000 附表2) of one unit for one session."""

    __tablename__ = "verification_training_registrations"
    __table_args__ = (UniqueConstraint("session_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("verification_training_sessions.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: 单位名称 as the receipt gives it.
    unit_name: Mapped[str] = mapped_column(String(120), info=label(_l("单位名称")))
    #: [{"name", "position", "office_phone", "mobile"}], at most four (the form's rows).
    attendees: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("参加人员")))
    fax: Mapped[str] = mapped_column(String(40), default="", info=label(_l("传真")))
    email: Mapped[str] = mapped_column(String(120), default="", info=label(_l("电子邮件")))
    room_needed: Mapped[bool] = mapped_column(default=False, info=label(_l("是否需要预定房间")))
    remarks: Mapped[str] = mapped_column(Text, default="", info=label(_l("备注")))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[TrainingSession] = relationship(back_populates="registrations")
    unit: Mapped[Organisation] = relationship(foreign_keys=[unit_id])
    submitted_by: Mapped[User | None] = relationship()

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return self.unit_name


class VerificationReport(Audited, db.Model):
    """A unit's results for a campaign: the results table and the report, uploaded by the
    deadline, then accepted or returned by the ministry."""

    __tablename__ = "verification_reports"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("verification_campaigns.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[ReportStatus] = mapped_column(
        str_enum(ReportStatus, 10), default=ReportStatus.DRAFT, info=label(_l("状态"))
    )
    #: The report's own text: how the checks were organised, problems found, suggestions.
    summary: Mapped[str] = mapped_column(Text, default="", info=label(_l("核查情况")))
    problems: Mapped[str] = mapped_column(Text, default="", info=label(_l("发现的问题")))
    suggestions: Mapped[str] = mapped_column(Text, default="", info=label(_l("意见建议")))
    #: The figures as submitted (the results table's totals), kept as they were.
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label(_l("上报时间")))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_comment: Mapped[str] = mapped_column(Text, default="", info=label(_l("审核意见")))
    version: Mapped[int] = mapped_column(default=1)

    campaign: Mapped[VerificationCampaign] = relationship()
    unit: Mapped[Organisation] = relationship(foreign_keys=[unit_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return (
            f"{self.campaign.name if self.campaign else ''} · {self.unit.name if self.unit else ''}"
        )


# -- access -------------------------------------------------------------------------------------


def assigned_units(user):
    """(campaign, unit) pairs of the tasks ``user`` is one of the people of."""
    return (
        select(VerificationTask.campaign_id, VerificationTask.unit_id)
        .join(
            verification_task_people,
            verification_task_people.c.task_id == VerificationTask.id,
        )
        .where(verification_task_people.c.user_id == user.id)
    )


def assigned_task_ids(user):
    return select(verification_task_people.c.task_id).where(
        verification_task_people.c.user_id == user.id
    )


def unit_clause(user, *, province_column, unit_column, own_clause):
    """Who sees a unit's verification rows: the ministry all; a provincial officer of a
    provincial unit his province (its 计划单列市 included); an officer of a 计划单列市 or an
    agency his own subtree; an inspector what ``own_clause`` gives him (his tasks)."""
    if access.sees_everything(user):
        return None
    clauses = []
    if Role.PROVINCIAL_OFFICER in user.roles:
        org = user.organisation
        if org.kind == OrgKind.PROVINCE:
            clauses.append(province_column == org.id)
        else:
            clauses.append(access.subtree_clause(org, unit_column))
    if Role.INSPECTOR in user.roles:
        clauses.append(own_clause)
    return or_(*clauses) if clauses else false()


def _campaign_scope(user):
    # Provinces see campaigns once issued; drafts are the ministry's.
    if access.sees_everything(user):
        return None
    return VerificationCampaign.status != CampaignStatus.DRAFT


def _task_scope(user):
    if access.sees_everything(user):
        return None
    issued = VerificationTask.campaign_id.in_(
        select(VerificationCampaign.id).where(VerificationCampaign.status != CampaignStatus.DRAFT)
    )
    clause = unit_clause(
        user,
        province_column=VerificationTask.province_id,
        unit_column=VerificationTask.unit_id,
        own_clause=VerificationTask.id.in_(assigned_task_ids(user)),
    )
    if Role.PROVINCIAL_OFFICER in user.roles and user.organisation.kind != OrgKind.PROVINCE:
        # An agency's officer also sees the tasks split to his agency.
        clause = or_(clause, access.subtree_clause(user.organisation, VerificationTask.agency_id))
    return and_(issued, clause)


def unit_scope(model):
    """The scope rule of a model carrying ``campaign_id``, ``unit_id`` and ``province_id``:
    inspectors see the rows of the (campaign, unit) pairs they have a task in."""

    def rule(user):
        return unit_clause(
            user,
            province_column=model.province_id,
            unit_column=model.unit_id,
            own_clause=tuple_(model.campaign_id, model.unit_id).in_(assigned_units(user)),
        )

    return rule


def _session_scope(user):
    # Every unit sees the campaign's training table (who goes where), as the notice prints it.
    if access.sees_everything(user):
        return None
    return TrainingSession.campaign_id.in_(
        select(VerificationCampaign.id).where(VerificationCampaign.status != CampaignStatus.DRAFT)
    )


access.register_scope(VerificationCampaign, _campaign_scope)
access.register_scope(VerificationTask, _task_scope)
access.register_scope(TrainingSession, _session_scope)
access.register_scope(
    TrainingRegistration,
    lambda user: access.province_clause(user, TrainingRegistration.province_id),
)
access.register_scope(VerificationReport, unit_scope(VerificationReport))

from . import check_models, record_models  # noqa: E402,F401  (register the other tables)
