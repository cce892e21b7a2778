"""A province's task filing for a plan year: its tasks, funds, and submission history."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, Organisation, Role, User, label
from ..core.types import UTCDateTime, utcnow
from ..enterprises.models import Enterprise
from ..extensions import db
from ..industries.models import Industry
from ..plans.models import SupervisionPlan


class FilingStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"

    @property
    def label(self) -> str:
        return str(FILING_STATUS_LABELS[self])


FILING_STATUS_LABELS = {
    FilingStatus.DRAFT: _l("填报中"),
    FilingStatus.SUBMITTED: _l("已报送"),
    FilingStatus.RETURNED: _l("已退回"),
    FilingStatus.ACCEPTED: _l("已接收"),
}


class TaskFiling(Audited, db.Model):
    """One province's special-supervision task filing (专项监察任务申报) for one plan."""

    __tablename__ = "task_filings"
    __table_args__ = (UniqueConstraint("plan_id", "province_id"),)
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("supervision_plans.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[FilingStatus] = mapped_column(
        db.Enum(
            FilingStatus,
            native_enum=False,
            length=12,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=FilingStatus.DRAFT,
        info=label(_l("状态")),
    )
    #: 前期节能监察补助资金 (万元): received, used, and the carried-over balance (结转结余).
    earlier_funds_received: Mapped[Decimal | None] = mapped_column(
        Numeric(12, 2), info=label(_l("前期补助资金（万元）"))
    )
    earlier_funds_used: Mapped[Decimal | None] = mapped_column(
        Numeric(12, 2), info=label(_l("已使用（万元）"))
    )
    carried_over_balance: Mapped[Decimal | None] = mapped_column(
        Numeric(12, 2), info=label(_l("结转结余资金（万元）"))
    )
    #: How much of the carried-over balance this year's work is planned to use.
    carried_over_planned: Mapped[Decimal | None] = mapped_column(
        Numeric(12, 2), info=label(_l("本年安排使用结转结余（万元）"))
    )
    #: This year's subsidy requested (万元); only after the balance is planned in full.
    funds_requested: Mapped[Decimal | None] = mapped_column(
        Numeric(12, 2), info=label(_l("申请本年补助资金（万元）"))
    )
    funds_report: Mapped[str] = mapped_column(Text, default="", info=label(_l("资金使用报告")))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label(_l("报送时间")))
    #: Working days after the due date at the latest submission (0: on time).
    late_workdays: Mapped[int] = mapped_column(default=0, info=label(_l("逾期工作日")))
    version: Mapped[int] = mapped_column(default=1)

    plan: Mapped[SupervisionPlan] = relationship()
    province: Mapped[Organisation] = relationship()
    tasks: Mapped[list[SupervisionTask]] = relationship(
        back_populates="filing",
        cascade="all, delete-orphan",
        foreign_keys="SupervisionTask.filing_id",
        # In filing order, whatever index the database reads them by (cases open in this order).
        order_by="SupervisionTask.id",
    )
    events: Mapped[list[FilingEvent]] = relationship(
        back_populates="filing", order_by="FilingEvent.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_locked(self) -> bool:
        """Submitted or accepted filings cannot be changed; a returned one can."""
        return self.status in (FilingStatus.SUBMITTED, FilingStatus.ACCEPTED)

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return f"{self.plan.year} {self.province.name}" if self.plan and self.province else ""


class FilingEvent(db.Model):
    """A dated, attributed step of the submission workflow; never changed afterwards."""

    __tablename__ = "filing_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(
        ForeignKey("task_filings.id", ondelete="CASCADE"), index=True
    )
    #: submitted, returned, accepted.
    action: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(160), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    late_workdays: Mapped[int] = mapped_column(default=0)
    task_count: Mapped[int] = mapped_column(default=0)
    #: The annexes as they were submitted (.xlsx), kept with the event.
    snapshot: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    filing: Mapped[TaskFiling] = relationship(back_populates="events")


class TaskCategory(enum.IntEnum):
    """The 2020 plan's special-supervision categories 一 to 五."""

    ENERGY_INTENSIVE = 1
    LADDER_PRICE = 2
    EQUIPMENT = 3
    DATA_CENTRE = 4
    RECTIFICATION_REVIEW = 5


class ReviewMethod(enum.StrEnum):
    ON_SITE = "on_site"
    DESK = "desk"

    @property
    def label(self) -> str:
        return str(_l("现场监察") if self is ReviewMethod.ON_SITE else _l("书面审查"))


task_inspectors = Table(
    "task_inspectors",
    db.metadata,
    Column("task_id", ForeignKey("supervision_tasks.id", ondelete="CASCADE"), primary_key=True),
    # Indexed on its own: an inspector's scope looks his tasks up by the user.
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class SupervisionTask(Audited, db.Model):
    """One special-supervision task: an enterprise under a category (专项监察任务)."""

    __tablename__ = "supervision_tasks"
    __table_args__ = (
        UniqueConstraint("filing_id", "enterprise_id", "category", "industry_id"),
        # A filing's task list filtered by category.
        Index("ix_supervision_tasks_filing_id_category", "filing_id", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(
        ForeignKey("task_filings.id", ondelete="CASCADE"), index=True
    )
    #: Denormalised from the filing: the access scope of every task query.
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id"), index=True, info=label(_l("企业"))
    )
    category: Mapped[int] = mapped_column(info=label(_l("监察类别")))
    #: The Annex-1 industry (category 一) or ladder sector (category 二) the task checks.
    industry_id: Mapped[int | None] = mapped_column(
        ForeignKey("industries.id"), info=label(_l("行业"))
    )
    #: Category 三 rides on a category 一 or 二 task of the same enterprise.
    parent_task_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervision_tasks.id", ondelete="CASCADE"),
        index=True,
        info=label(_l("所附任务")),
    )
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), info=label(_l("承担机构"))
    )
    planned_month: Mapped[int | None] = mapped_column(info=label(_l("计划月份")))
    method: Mapped[ReviewMethod] = mapped_column(
        db.Enum(
            ReviewMethod,
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ReviewMethod.ON_SITE,
        info=label(_l("监察方式")),
    )
    remarks: Mapped[str] = mapped_column(String(255), default="", info=label(_l("备注")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    filing: Mapped[TaskFiling] = relationship(back_populates="tasks", foreign_keys=[filing_id])
    enterprise: Mapped[Enterprise] = relationship()
    industry: Mapped[Industry | None] = relationship()
    agency: Mapped[Organisation] = relationship(foreign_keys=[agency_id])
    parent_task: Mapped[SupervisionTask | None] = relationship(remote_side=[id])
    inspectors: Mapped[list[User]] = relationship(secondary=task_inspectors, order_by=User.username)

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return f"{self.enterprise.name if self.enterprise else ''} / {self.category}"


class CoverageExemption(Audited, db.Model):
    """A written reason why an operating enterprise of a full-coverage industry is not tasked."""

    __tablename__ = "coverage_exemptions"
    __table_args__ = (UniqueConstraint("filing_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(
        ForeignKey("task_filings.id", ondelete="CASCADE"), index=True
    )
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    reason: Mapped[str] = mapped_column(String(255), info=label(_l("未列入原因")))

    enterprise: Mapped[Enterprise] = relationship()

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return self.enterprise.name if self.enterprise else ""


# -- who sees what (registered with the single access module) --------------------------------


def _assigned_task_ids(user):
    return select(task_inspectors.c.task_id).where(task_inspectors.c.user_id == user.id)


def _officers_of_province(user, province_column):
    if access.sees_everything(user):
        return None
    if Role.PROVINCIAL_OFFICER in user.roles:
        return province_column == user.organisation.province_org_id
    return false()


def _enterprise_scope(user):
    """Officers see their province's registry; an inspector the enterprises of his tasks."""
    if access.sees_everything(user):
        return None
    clauses = []
    if Role.PROVINCIAL_OFFICER in user.roles:
        clauses.append(Enterprise.province_id == user.organisation.province_org_id)
    if Role.INSPECTOR in user.roles:
        # Imported here: the inspections models import this module.
        from ..inspections.models import InspectionCase, assigned_case_ids

        clauses.append(
            Enterprise.id.in_(
                select(SupervisionTask.enterprise_id).where(
                    SupervisionTask.id.in_(_assigned_task_ids(user))
                )
            )
        )
        # A daily-supervision case has no task: its enterprise is the inspector's too.
        clauses.append(
            Enterprise.id.in_(
                select(InspectionCase.enterprise_id).where(
                    InspectionCase.id.in_(assigned_case_ids(user))
                )
            )
        )
    return or_(*clauses) if clauses else false()


access.register_scope(Enterprise, _enterprise_scope)
access.register_scope(
    SupervisionTask,
    lambda user: access.officer_or_own(
        user,
        province_column=SupervisionTask.province_id,
        agency_column=SupervisionTask.agency_id,
        own_clause=SupervisionTask.id.in_(_assigned_task_ids(user)),
    ),
)
access.register_scope(TaskFiling, lambda user: _officers_of_province(user, TaskFiling.province_id))
access.register_scope(
    CoverageExemption, lambda user: _officers_of_province(user, CoverageExemption.province_id)
)
