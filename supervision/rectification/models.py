"""Rectification notices (限期整改通知书), the enterprise's report, extensions, 回头看 and handling."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint, false, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, Organisation, Role, User, label, str_enum
from ..core.types import UTCDateTime, utcnow
from ..enterprises.models import Enterprise
from ..extensions import db
from ..inspections.models import InspectionCase, assigned_case_ids


class DeadlineBasis(enum.StrEnum):
    """How the rectification deadline is stated on the notice."""

    DATE = "date"  # 于 X 年 X 月 X 日前
    WORKDAYS = "workdays"  # 自送达之日起 N 个工作日内
    DAYS = "days"  # 自送达之日起 N 日内

    @property
    def label(self) -> str:
        return str(DEADLINE_BASIS_LABELS[self])


DEADLINE_BASIS_LABELS = {
    DeadlineBasis.DATE: _l("指定日期"),
    DeadlineBasis.WORKDAYS: _l("送达后 N 个工作日"),
    DeadlineBasis.DAYS: _l("送达后 N 日（自然日）"),
}


class NoticeStatus(enum.StrEnum):
    """issued → reported (enterprise's report) → re-inspected (result) → handled (if not rectified)."""

    ISSUED = "issued"
    REPORTED = "reported"
    RECTIFIED = "rectified"
    PARTLY_RECTIFIED = "partly"
    NOT_RECTIFIED = "not_rectified"
    HANDLED = "handled"

    @property
    def label(self) -> str:
        return str(NOTICE_STATUS_LABELS[self])


NOTICE_STATUS_LABELS = {
    NoticeStatus.ISSUED: _l("已下达"),
    NoticeStatus.REPORTED: _l("企业已报告整改"),
    NoticeStatus.RECTIFIED: _l("已整改"),
    NoticeStatus.PARTLY_RECTIFIED: _l("部分整改"),
    NoticeStatus.NOT_RECTIFIED: _l("未整改"),
    NoticeStatus.HANDLED: _l("已依法处理"),
}


class ReinspectionResult(enum.StrEnum):
    RECTIFIED = "rectified"
    PARTLY = "partly"
    NOT_RECTIFIED = "not_rectified"

    @property
    def label(self) -> str:
        return str(REINSPECTION_RESULT_LABELS[self])


REINSPECTION_RESULT_LABELS = {
    ReinspectionResult.RECTIFIED: _l("已整改"),
    ReinspectionResult.PARTLY: _l("部分整改"),
    ReinspectionResult.NOT_RECTIFIED: _l("未整改"),
}


class NoticeSequence(db.Model):
    """The last notice number an agency used in a year: numbers run 1, 2, 3 … with no gaps.

    Incremented with one atomic ``UPDATE … RETURNING`` so two officers issuing at the same
    moment never get the same number.
    """

    __tablename__ = "notice_sequences"

    agency_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class RectificationNotice(Audited, db.Model):
    """限期整改通知书: what must be corrected, by when, issued by an agency and served on a date."""

    __tablename__ = "rectification_notices"
    __table_args__ = (UniqueConstraint("agency_id", "year", "sequence"),)
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The case whose findings it rectifies (None for notices imported from 2019).
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspection_cases.id", ondelete="SET NULL"), index=True
    )
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: The issuing agency (its name heads the printed notice).
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), index=True, info=label(_l("下达机构"))
    )
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id"), index=True, info=label(_l("企业"))
    )
    #: Numbering year and the agency's running number within it.
    year: Mapped[int] = mapped_column(info=label(_l("年度")))
    #: None for imported notices, which keep the number printed on them.
    sequence: Mapped[int | None] = mapped_column(info=label(_l("序号")))
    #: The full number as printed, e.g. 洛节监改〔2020〕3号 (imported notices keep theirs).
    number: Mapped[str] = mapped_column(String(80), info=label(_l("通知书编号")))
    #: The violation in a sentence (imported notices carry it instead of linked findings).
    violation: Mapped[str] = mapped_column(Text, default="", info=label(_l("违法违规事实")))
    measures: Mapped[str] = mapped_column(Text, info=label(_l("整改要求")))
    served_on: Mapped[date] = mapped_column(info=label(_l("送达日期")))
    deadline_basis: Mapped[DeadlineBasis] = mapped_column(
        str_enum(DeadlineBasis, 10), info=label(_l("整改期限方式"))
    )
    #: N of "N (working) days from service"; None when a date was given.
    deadline_days: Mapped[int | None] = mapped_column(info=label(_l("整改期限天数")))
    #: The deadline as first set (kept after an extension).
    deadline_on: Mapped[date] = mapped_column(info=label(_l("整改期限")))
    #: Set once, when an extension is granted; the deadline then in force.
    extended_deadline_on: Mapped[date | None] = mapped_column(info=label(_l("延期后期限")))
    extension_requested_on: Mapped[date | None] = mapped_column(info=label(_l("申请延期日期")))
    extension_reason: Mapped[str] = mapped_column(Text, default="", info=label(_l("延期理由")))
    extension_granted_on: Mapped[date | None] = mapped_column(info=label(_l("批准延期日期")))
    extension_granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[NoticeStatus] = mapped_column(
        str_enum(NoticeStatus, 16), default=NoticeStatus.ISSUED, index=True, info=label(_l("状态"))
    )
    #: True for last year's notices loaded by the 2019 violators import.
    imported: Mapped[bool] = mapped_column(default=False, info=label(_l("导入")))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[InspectionCase | None] = relationship()
    agency: Mapped[Organisation] = relationship(foreign_keys=[agency_id])
    enterprise: Mapped[Enterprise] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    extension_granted_by: Mapped[User | None] = relationship(foreign_keys=[extension_granted_by_id])
    items: Mapped[list[NoticeItem]] = relationship(
        back_populates="notice", order_by="NoticeItem.position", cascade="all, delete-orphan"
    )
    reports: Mapped[list[RectificationReport]] = relationship(
        back_populates="notice", order_by="RectificationReport.id", cascade="all, delete-orphan"
    )
    reinspection: Mapped[Reinspection | None] = relationship(
        back_populates="notice", cascade="all, delete-orphan"
    )
    decision: Mapped[HandlingDecision | None] = relationship(
        back_populates="notice", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[RectificationEvidence]] = relationship(
        back_populates="notice", order_by="RectificationEvidence.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def current_deadline_on(self) -> date:
        """The deadline in force: the extended one once granted."""
        return self.extended_deadline_on or self.deadline_on

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return self.number


class _NoticePart(Audited):
    notice: RectificationNotice

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.notice.province_id if self.notice else None


class NoticeItem(_NoticePart, db.Model):
    """One finding as the notice states it: copied when issued, so later edits don't alter it."""

    __tablename__ = "notice_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("rectification_notices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=1)
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("findings.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24), default="", info=label(_l("问题类型")))
    description: Mapped[str] = mapped_column(Text, info=label(_l("问题描述")))
    basis_text: Mapped[str] = mapped_column(Text, default="", info=label(_l("依据条款")))

    notice: Mapped[RectificationNotice] = relationship(back_populates="items")

    @property
    def audit_label(self) -> str:
        return self.description[:60]


class RectificationReport(_NoticePart, db.Model):
    """The enterprise's report of what it did (整改报告), as received by the agency."""

    __tablename__ = "rectification_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("rectification_notices.id", ondelete="CASCADE"), index=True
    )
    received_on: Mapped[date] = mapped_column(info=label(_l("收到日期")))
    measures_taken: Mapped[str] = mapped_column(Text, info=label(_l("已采取的整改措施")))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[RectificationNotice] = relationship(back_populates="reports")

    @property
    def audit_label(self) -> str:
        return str(self.received_on)


class Reinspection(_NoticePart, db.Model):
    """回头看: whether the notice was carried out, seen on site or on paper."""

    __tablename__ = "reinspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("rectification_notices.id", ondelete="CASCADE"), unique=True
    )
    #: The category-五 case that did the re-inspection, when there is one.
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspection_cases.id", ondelete="SET NULL"), index=True
    )
    inspected_on: Mapped[date] = mapped_column(info=label(_l("复查日期")))
    result: Mapped[ReinspectionResult] = mapped_column(
        str_enum(ReinspectionResult, 16), info=label(_l("复查结果"))
    )
    notes: Mapped[str] = mapped_column(Text, default="", info=label(_l("复查情况")))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[RectificationNotice] = relationship(back_populates="reinspection")

    @property
    def audit_label(self) -> str:
        return self.result.value


class HandlingDecision(_NoticePart, db.Model):
    """依法处理 of a notice not carried out: penalty, ladder price applied, referral."""

    __tablename__ = "handling_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("rectification_notices.id", ondelete="CASCADE"), unique=True
    )
    decided_on: Mapped[date] = mapped_column(info=label(_l("处理日期")))
    #: 行政处罚决定书文号, if a penalty was imposed.
    penalty_number: Mapped[str] = mapped_column(
        String(80), default="", info=label(_l("处罚决定书文号"))
    )
    #: 罚款金额 (元).
    penalty_amount: Mapped[Decimal | None] = mapped_column(
        Numeric(14, 2), info=label(_l("罚款金额（元）"))
    )
    ladder_price_applied: Mapped[bool] = mapped_column(
        default=False, info=label(_l("执行阶梯电价"))
    )
    #: 移送: to whom the matter went (price department, market regulator …), if anyone.
    referral: Mapped[str] = mapped_column(String(255), default="", info=label(_l("移送处理")))
    notes: Mapped[str] = mapped_column(Text, default="", info=label(_l("处理情况")))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    notice: Mapped[RectificationNotice] = relationship(back_populates="decision")

    @property
    def audit_label(self) -> str:
        return self.penalty_number or str(self.decided_on)


class RectificationEvidence(_NoticePart, db.Model):
    """A file with the enterprise's report or the re-inspection (instance/evidence)."""

    __tablename__ = "rectification_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("rectification_notices.id", ondelete="CASCADE"), index=True
    )
    #: report or reinspection.
    stage: Mapped[str] = mapped_column(String(16), info=label(_l("环节")))
    filename: Mapped[str] = mapped_column(String(255), info=label(_l("文件名")))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    notice: Mapped[RectificationNotice] = relationship(back_populates="attachments")

    @property
    def audit_label(self) -> str:
        return self.filename


class ResultReport(Audited, db.Model):
    """A province's report of a plan deliverable that is not a task filing (e.g. the 30 June
    category-五 results): when it went to the ministry, and the workbook as sent."""

    __tablename__ = "result_reports"
    __table_args__ = (UniqueConstraint("plan_id", "province_id", "deliverable_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("supervision_plans.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    deliverable_key: Mapped[str] = mapped_column(String(32), info=label(_l("报送事项")))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, info=label(_l("报送时间")))
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return self.deliverable_key


# -- who sees what ------------------------------------------------------------------------


def _notice_scope(user):
    """Officers: their province (or agency subtree); inspectors: notices of their cases."""
    own = RectificationNotice.case_id.in_(assigned_case_ids(user))
    if Role.INSPECTOR in user.roles:
        # An inspector doing the 回头看 of an enterprise also sees its earlier notices.
        own = or_(
            own,
            RectificationNotice.enterprise_id.in_(
                select(InspectionCase.enterprise_id).where(
                    InspectionCase.id.in_(assigned_case_ids(user))
                )
            ),
        )
    return access.officer_or_own(
        user,
        province_column=RectificationNotice.province_id,
        agency_column=RectificationNotice.agency_id,
        own_clause=own,
    )


def _via_notice(model):
    return lambda user: (
        None
        if (clause := _notice_scope(user)) is None
        else model.notice_id.in_(select(RectificationNotice.id).where(clause))
    )


access.register_scope(RectificationNotice, _notice_scope)
for _model in (
    NoticeItem,
    RectificationReport,
    Reinspection,
    HandlingDecision,
    RectificationEvidence,
):
    access.register_scope(_model, _via_notice(_model))


def _result_report_scope(user):
    if access.sees_everything(user) or Role.PROVINCIAL_OFFICER in user.roles:
        return access.province_clause(user, ResultReport.province_id)
    return false()


access.register_scope(ResultReport, _result_report_scope)
