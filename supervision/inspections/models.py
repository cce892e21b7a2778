"""Inspection cases: one per filed task, with verdicts, equipment ledger, checklist, evidence, findings."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
    union,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, Organisation, User, label, str_enum
from ..core.types import UTCDateTime, utcnow
from ..enterprises.models import Enterprise
from ..extensions import db
from ..plans.reference import CATEGORY_NUMERALS
from ..tasks.models import ReviewMethod, SupervisionTask, task_inspectors


class CaseStatus(enum.StrEnum):
    """planned → in progress → findings recorded → closed, or → rectification (next issue)."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    FINDINGS = "findings"
    CLOSED = "closed"
    RECTIFICATION = "rectification"

    @property
    def label(self) -> str:
        return str(CASE_STATUS_LABELS[self])


CASE_STATUS_LABELS = {
    CaseStatus.PLANNED: _l("待监察"),
    CaseStatus.IN_PROGRESS: _l("监察中"),
    CaseStatus.FINDINGS: _l("已记录问题"),
    CaseStatus.CLOSED: _l("已办结"),
    CaseStatus.RECTIFICATION: _l("责令整改"),
}


#: The category of a daily-supervision case (日常节能监察): not one of the plan's special-
#: supervision categories 一 to 五, so it has no task and no special calculations.
DAILY_CATEGORY = 0

#: The two inspectors a daily-supervision draw sent (a special-supervision case's inspectors
#: are its task's).
case_inspectors = Table(
    "case_inspectors",
    db.metadata,
    Column("case_id", ForeignKey("inspection_cases.id", ondelete="CASCADE"), primary_key=True),
    # Indexed on its own: "my cases" and every inspector's scope look cases up by the user.
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class InspectionCase(Audited, db.Model):
    """监察案件: the work on one special-supervision task, or one enterprise drawn for daily
    supervision (日常节能监察, ``category`` 0, no task), from planning to closure."""

    __tablename__ = "inspection_cases"
    __table_args__ = (
        # The dashboards count cases per agency and status from this index alone.
        Index("ix_inspection_cases_agency_id_status", "agency_id", "status"),
    )
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The special-supervision task; none for a daily-supervision case.
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervision_tasks.id", ondelete="CASCADE"), unique=True
    )
    #: Denormalised from the task: the access scope and the dashboards' grouping.
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    category: Mapped[int] = mapped_column(index=True, info=label(_l("监察类别")))
    status: Mapped[CaseStatus] = mapped_column(
        str_enum(CaseStatus, 16), default=CaseStatus.PLANNED, index=True, info=label(_l("状态"))
    )
    method: Mapped[ReviewMethod] = mapped_column(
        str_enum(ReviewMethod, 10), default=ReviewMethod.ON_SITE, info=label(_l("监察方式"))
    )
    #: The year whose operation is assessed (2020 supervision assesses 2019).
    assessed_year: Mapped[int] = mapped_column(info=label(_l("核查年度")))
    due_on: Mapped[date | None] = mapped_column(index=True, info=label(_l("办结期限")))
    visit_on: Mapped[date | None] = mapped_column(info=label(_l("监察日期")))
    participants: Mapped[str] = mapped_column(Text, default="", info=label(_l("参加人员")))
    representative: Mapped[str] = mapped_column(
        String(80), default="", info=label(_l("企业陪同人员"))
    )
    summary: Mapped[str] = mapped_column(Text, default="", info=label(_l("监察情况")))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label(_l("办结时间")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    task: Mapped[SupervisionTask | None] = relationship()
    daily_inspectors: Mapped[list[User]] = relationship(
        secondary=case_inspectors, order_by=User.username
    )
    enterprise: Mapped[Enterprise] = relationship()
    agency: Mapped[Organisation] = relationship(foreign_keys=[agency_id])
    province: Mapped[Organisation] = relationship(foreign_keys=[province_id])
    verdicts: Mapped[list[Verdict]] = relationship(
        back_populates="case", order_by="Verdict.id", cascade="all, delete-orphan"
    )
    equipment: Mapped[list[EquipmentItem]] = relationship(
        back_populates="case", order_by="EquipmentItem.line_no", cascade="all, delete-orphan"
    )
    checklist: Mapped[list[ChecklistEntry]] = relationship(
        back_populates="case", order_by="ChecklistEntry.item", cascade="all, delete-orphan"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="case", order_by="Evidence.id", cascade="all, delete-orphan"
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="case", order_by="Finding.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_daily(self) -> bool:
        return self.category == DAILY_CATEGORY

    @property
    def inspectors(self) -> list[User]:
        return self.task.inspectors if self.task is not None else self.daily_inspectors

    @property
    def industry(self):
        """The industry the case checks: its task's, else the enterprise's (a daily case)."""
        if self.task is not None and self.task.industry is not None:
            return self.task.industry
        return self.enterprise.industry if self.enterprise else None

    @property
    def category_label(self) -> str:
        """ "日常节能监察" or "专项监察一" … in the user's language."""
        if self.is_daily:
            return str(_l("日常节能监察"))
        return str(_l("专项监察%(n)s", n=CATEGORY_NUMERALS.get(self.category, self.category)))

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return f"{self.enterprise.name if self.enterprise else ''} / {self.category}"


class _CasePart(Audited):
    """Rows owned by a case are audited in the case's province."""

    case: Any

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.case.province_id if self.case else None


#: Fixed verdict subjects and how pages name them.
SUBJECT_LABELS = {"ladder": "阶梯电价"}


class Verdict(_CasePart, db.Model):
    """A stored calculation: inputs as entered, reference version, formula, one-line reason.

    One current verdict per (case, rule, subject); recalculating replaces it (the audit log
    keeps the earlier ones).
    """

    __tablename__ = "verdicts"
    __table_args__ = (UniqueConstraint("case_id", "rule", "subject"),)
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_cases.id", ondelete="CASCADE"), index=True
    )
    #: quota, ladder, equipment, pue.
    rule: Mapped[str] = mapped_column(String(16), info=label(_l("核算类型")))
    #: What was judged within the case: the product, "ladder", "dc:<id>" …
    subject: Mapped[str] = mapped_column(String(80), info=label(_l("核算对象")))
    #: A rules.Status value (compliant, over_limit, missing_data …).
    status: Mapped[str] = mapped_column(String(20), index=True, info=label(_l("结论")))
    verified: Mapped[bool] = mapped_column(default=True, info=label(_l("参考值已核实")))
    #: With an unverified reference: what the comparison would say.
    provisional: Mapped[str | None] = mapped_column(String(20))
    #: The headline number (unit consumption, indicator, PUE) and the limit it was held to.
    value: Mapped[Decimal | None] = mapped_column(Numeric(20, 6), info=label(_l("核算值")))
    limit_value: Mapped[Decimal | None] = mapped_column(Numeric(20, 6), info=label(_l("限值")))
    unit: Mapped[str] = mapped_column(String(40), default="", info=label(_l("单位")))
    #: Over-limit percentage, surcharge 元 … (strings of Decimals, keyed by name).
    numbers: Mapped[dict] = mapped_column(JSON, default=dict, info=label(_l("核算结果")))
    #: What the inspector entered, as entered (to show and to re-open the form).
    entered: Mapped[dict] = mapped_column(JSON, default=dict, info=label(_l("填报数据")))
    #: The inputs as the rule read them.
    inputs: Mapped[dict] = mapped_column(JSON, default=dict, info=label(_l("计算输入")))
    #: "GB 29141-2012 · 参考数据 quota r1" — which reference rows decided.
    reference_version: Mapped[str] = mapped_column(
        String(255), default="", info=label(_l("参考数据版本"))
    )
    formula: Mapped[str] = mapped_column(Text, default="", info=label(_l("计算过程")))
    reason: Mapped[str] = mapped_column(Text, default="", info=label(_l("判定理由")))
    calculated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    calculated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Optimistic locking: the calculation forms carry the versions they were opened with.
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[InspectionCase] = relationship(back_populates="verdicts")
    calculated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self) -> str:
        return f"{self.rule} {self.subject}"

    @property
    def subject_label(self) -> str:
        """What was judged, for people: a data centre's name instead of ``dc:<id>``."""
        kind, _, key = self.subject.partition(":")
        if kind == "dc" and key.isdigit():
            # Imported here: the datacentres blueprint's views import this module.
            from ..datacentres.models import DataCentre

            centre = db.session.get(DataCentre, int(key))
            return centre.name if centre is not None else self.subject
        return SUBJECT_LABELS.get(self.subject, self.subject)


class EquipmentItem(_CasePart, db.Model):
    """A row of the enterprise's equipment ledger (设备台账), with its check result."""

    __tablename__ = "equipment_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_cases.id", ondelete="CASCADE"), index=True
    )
    line_no: Mapped[int] = mapped_column(default=0, info=label(_l("序号")))
    #: motor, fan, pump, air_compressor, transformer.
    kind: Mapped[str] = mapped_column(String(20), info=label(_l("设备类型")))
    model: Mapped[str] = mapped_column(String(80), info=label(_l("型号")))
    name: Mapped[str] = mapped_column(String(80), default="", info=label(_l("设备名称")))
    rated: Mapped[Decimal | None] = mapped_column(Numeric(14, 3), info=label(_l("额定功率/容量")))
    grade: Mapped[str] = mapped_column(String(8), default="", info=label(_l("能效等级")))
    efficiency: Mapped[Decimal | None] = mapped_column(
        Numeric(10, 3), info=label(_l("效率/比功率"))
    )
    variant: Mapped[str] = mapped_column(String(20), default="", info=label(_l("极数/规格")))
    quantity: Mapped[int] = mapped_column(default=1, info=label(_l("数量")))
    location: Mapped[str] = mapped_column(String(80), default="", info=label(_l("使用位置")))
    commissioned_year: Mapped[int | None] = mapped_column(info=label(_l("投运年份")))
    # -- the check, refreshed whenever the row or the reference data changes --
    status: Mapped[str] = mapped_column(String(20), default="", info=label(_l("结论")))
    reason: Mapped[str] = mapped_column(Text, default="", info=label(_l("判定理由")))
    standard: Mapped[str] = mapped_column(String(40), default="", info=label(_l("依据标准")))
    clause: Mapped[str] = mapped_column(String(80), default="", info=label(_l("条款")))
    batch: Mapped[str] = mapped_column(String(40), default="", info=label(_l("淘汰目录批次")))
    verified: Mapped[bool] = mapped_column(default=True)
    reference_version: Mapped[str] = mapped_column(String(255), default="")

    case: Mapped[InspectionCase] = relationship(back_populates="equipment")

    @property
    def audit_label(self) -> str:
        return f"{self.kind} {self.model}"


class CheckResult(enum.StrEnum):
    PASS = "pass"  # noqa: S105 -- a check result, not a password
    FAIL = "fail"
    NOT_APPLICABLE = "na"

    @property
    def label(self) -> str:
        return str(CHECK_RESULT_LABELS[self])


CHECK_RESULT_LABELS = {
    CheckResult.PASS: _l("符合"),
    CheckResult.FAIL: _l("不符合"),
    CheckResult.NOT_APPLICABLE: _l("不适用"),
}


class ChecklistEntry(_CasePart, db.Model):
    """One of the six daily-supervision checks (DOMAIN 2) for a case."""

    __tablename__ = "checklist_entries"
    __table_args__ = (UniqueConstraint("case_id", "item"),)
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_cases.id", ondelete="CASCADE"), index=True
    )
    #: Key of the check (management_system, energy_manager …).
    item: Mapped[str] = mapped_column(String(32), info=label(_l("检查项")))
    result: Mapped[CheckResult | None] = mapped_column(
        str_enum(CheckResult, 4), info=label(_l("检查结果"))
    )
    note: Mapped[str] = mapped_column(Text, default="", info=label(_l("情况说明")))
    #: Optimistic locking: the checklist form carries the versions it was opened with.
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[InspectionCase] = relationship(back_populates="checklist")

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_label(self) -> str:
        return self.item


class Evidence(_CasePart, db.Model):
    """A file kept with a case (photo, PDF, scan), stored under ``instance/evidence``."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_cases.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255), info=label(_l("文件名")))
    #: Name on disk (random); never derived from what the user sent.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(64), info=label(_l("类型")))
    size: Mapped[int] = mapped_column(info=label(_l("大小")))
    sha256: Mapped[str] = mapped_column(String(64), info=label(_l("SHA-256")))
    description: Mapped[str] = mapped_column(String(255), default="", info=label(_l("说明")))
    #: The checklist item it supports, if any.
    check_item: Mapped[str] = mapped_column(String(32), default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[InspectionCase] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def audit_label(self) -> str:
        return self.filename


class Severity(enum.StrEnum):
    MINOR = "minor"
    GENERAL = "general"
    SERIOUS = "serious"

    @property
    def label(self) -> str:
        return str(SEVERITY_LABELS[self])


SEVERITY_LABELS = {
    Severity.MINOR: _l("轻微"),
    Severity.GENERAL: _l("一般"),
    Severity.SERIOUS: _l("严重"),
}


class Finding(_CasePart, db.Model):
    """A violation found in a case, with its legal basis and the numbers behind it."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_cases.id", ondelete="CASCADE"), index=True
    )
    #: over_quota, ladder_mismatch, eliminated_equipment, below_efficiency, pue, metering,
    #: daily_check, other.
    kind: Mapped[str] = mapped_column(String(24), index=True, info=label(_l("问题类型")))
    #: Key of the legal-basis reference row, and its text as it was when recorded.
    basis_key: Mapped[str] = mapped_column(String(40), default="", info=label(_l("法律依据")))
    basis_text: Mapped[str] = mapped_column(Text, default="", info=label(_l("依据条款")))
    severity: Mapped[Severity] = mapped_column(
        str_enum(Severity, 8), default=Severity.GENERAL, info=label(_l("严重程度"))
    )
    description: Mapped[str] = mapped_column(Text, info=label(_l("问题描述")))
    numbers: Mapped[dict] = mapped_column(JSON, default=dict, info=label(_l("相关数据")))
    verdict_id: Mapped[int | None] = mapped_column(
        ForeignKey("verdicts.id", ondelete="SET NULL"), index=True
    )
    equipment_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("equipment_items.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[InspectionCase] = relationship(back_populates="findings")
    verdict: Mapped[Verdict | None] = relationship()

    @property
    def audit_label(self) -> str:
        return self.kind


class FormDraft(db.Model):
    """What an inspector typed into a form and has not saved yet, kept on the server."""

    __tablename__ = "form_drafts"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The form's path, e.g. "/cases/12/quota".
    key: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


# -- who sees what ------------------------------------------------------------------------


def assigned_task_ids(user):
    return select(task_inspectors.c.task_id).where(task_inspectors.c.user_id == user.id)


def assigned_case_ids(user):
    """The cases ``user`` is an inspector of: by his tasks, or sent by a daily draw."""
    return union(
        select(InspectionCase.id).where(InspectionCase.task_id.in_(assigned_task_ids(user))),
        select(case_inspectors.c.case_id).where(case_inspectors.c.user_id == user.id),
    )


def _case_scope(user):
    return access.officer_or_own(
        user,
        province_column=InspectionCase.province_id,
        agency_column=InspectionCase.agency_id,
        own_clause=InspectionCase.id.in_(assigned_case_ids(user)),
    )


access.register_scope(InspectionCase, _case_scope)
