"""The annual summary report (年度工作总结报告) a province owes the ministry by 30 September:
figures assembled from the cases, free-text sections edited in the app, and its submission."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    ForeignKey,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, Organisation, Role, label, str_enum
from ..core.types import UTCDateTime, utcnow
from ..extensions import db
from ..plans.models import SupervisionPlan
from ..tasks.models import FilingStatus

#: The free-text sections, in the report's order: (field, heading).
TEXT_SECTIONS = (
    ("special_text", _l("专项监察工作总结")),
    ("daily_text", _l("日常监察工作总结")),
    ("mechanism_text", _l("节能监察体制机制建设")),
    ("training_text", _l("能力建设与人员培训")),
    ("informatisation_text", _l("信息化建设")),
    ("problems_text", _l("存在问题及意见建议")),
)


class AnnualSummary(Audited, db.Model):
    """One province's annual summary for one plan year: draft → submitted → returned /
    accepted, like the task filing."""

    __tablename__ = "annual_summaries"
    __table_args__ = (UniqueConstraint("plan_id", "province_id"),)
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("supervision_plans.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[FilingStatus] = mapped_column(
        str_enum(FilingStatus, 12), default=FilingStatus.DRAFT, info=label(_l("状态"))
    )
    #: 节能监察补助资金 used in the year (万元), and what it went on.
    funds_used: Mapped[Decimal | None] = mapped_column(
        Numeric(12, 2), info=label(_l("本年使用监察经费（万元）"))
    )
    funds_text: Mapped[str] = mapped_column(Text, default="", info=label(_l("经费使用情况")))
    special_text: Mapped[str] = mapped_column(Text, default="", info=label(_l("专项监察工作总结")))
    daily_text: Mapped[str] = mapped_column(Text, default="", info=label(_l("日常监察工作总结")))
    mechanism_text: Mapped[str] = mapped_column(
        Text, default="", info=label(_l("节能监察体制机制建设"))
    )
    training_text: Mapped[str] = mapped_column(
        Text, default="", info=label(_l("能力建设与人员培训"))
    )
    informatisation_text: Mapped[str] = mapped_column(
        Text, default="", info=label(_l("信息化建设"))
    )
    problems_text: Mapped[str] = mapped_column(
        Text, default="", info=label(_l("存在问题及意见建议"))
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, info=label(_l("报送时间")))
    #: Working days after 30 September at the latest submission (0: on time).
    late_workdays: Mapped[int] = mapped_column(default=0, info=label(_l("逾期工作日")))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    plan: Mapped[SupervisionPlan] = relationship()
    province: Mapped[Organisation] = relationship()
    events: Mapped[list[SummaryEvent]] = relationship(
        back_populates="summary", order_by="SummaryEvent.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_locked(self) -> bool:
        return self.status in (FilingStatus.SUBMITTED, FilingStatus.ACCEPTED)

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return f"{self.plan.year} {self.province.name}" if self.plan and self.province else ""


class SummaryEvent(db.Model):
    """A dated, attributed step (submitted, returned, accepted), with the report as submitted:
    its figures and both files, kept unchanged whatever the cases become later."""

    __tablename__ = "annual_summary_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("annual_summaries.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(160), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    late_workdays: Mapped[int] = mapped_column(default=0)
    #: The figures as submitted (the roll-up reads these, not the live cases).
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    report_docx: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    results_xlsx: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    summary: Mapped[AnnualSummary] = relationship(back_populates="events")


def _summary_scope(user):
    """A province's officers see their own; the ministry every province's."""
    if access.sees_everything(user):
        return None
    if Role.PROVINCIAL_OFFICER in user.roles:
        return AnnualSummary.province_id == user.organisation.province_org_id
    return false()


access.register_scope(AnnualSummary, _summary_scope)
