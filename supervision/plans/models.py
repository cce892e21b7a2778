"""The yearly supervision plan: its categories and the deliverables owed to the ministry."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Audited, label
from ..extensions import db


class SupervisionPlan(Audited, db.Model):
    """One year's 工业节能监察重点工作计划 (e.g. 工信部节函〔2020〕1号)."""

    __tablename__ = "supervision_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True, info=label(_l("年度")))
    document_number: Mapped[str] = mapped_column(String(60), info=label(_l("文号")))
    title: Mapped[str] = mapped_column(String(160), info=label(_l("标题")))
    issued_on: Mapped[date | None] = mapped_column(info=label(_l("印发日期")))
    #: Which annex column layout this year's tables use (see annexes.layouts).
    annex_layout: Mapped[str] = mapped_column(String(16), info=label(_l("附件格式")))
    #: 日常节能监察: what daily supervision checks this year, one check per line.
    daily_supervision: Mapped[str] = mapped_column(
        Text, default="", server_default="", info=label(_l("日常节能监察内容"))
    )

    categories: Mapped[list[PlanCategory]] = relationship(
        back_populates="plan", order_by="PlanCategory.number", cascade="all, delete-orphan"
    )
    deliverables: Mapped[list[PlanDeliverable]] = relationship(
        back_populates="plan", order_by="PlanDeliverable.due_on", cascade="all, delete-orphan"
    )

    @property
    def audit_label(self) -> str:
        return f"{self.year} {self.document_number}"

    def category(self, number: int) -> PlanCategory | None:
        return next((c for c in self.categories if c.number == number), None)

    def deliverable(self, key: str) -> PlanDeliverable | None:
        return next((d for d in self.deliverables if d.key == key), None)


class PlanCategory(Audited, db.Model):
    """A special-supervision category (专项监察类别) of a plan, numbered 一 to 五 in 2020."""

    __tablename__ = "plan_categories"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("supervision_plans.id", ondelete="CASCADE"))
    #: 1–5 in the 2020 plan (一 … 五).
    number: Mapped[int] = mapped_column(info=label(_l("序号")))
    #: Stable key used by the rules: energy_intensive, ladder_price, equipment, data_centre,
    #: rectification_review.
    key: Mapped[str] = mapped_column(String(32), info=label(_l("类别代码")))
    name: Mapped[str] = mapped_column(String(80), info=label(_l("名称")))
    #: False for 重点用能产品设备能效提升专项监察: "不单独申报任务".
    filed_alone: Mapped[bool] = mapped_column(default=True, info=label(_l("可单独申报")))
    scope: Mapped[str] = mapped_column(String(255), default="", info=label(_l("监察范围")))

    plan: Mapped[SupervisionPlan] = relationship(back_populates="categories")

    @property
    def audit_label(self) -> str:
        return self.name


class PlanDeliverable(Audited, db.Model):
    """Something a province owes the ministry by a date (task filing 02-20, …)."""

    __tablename__ = "plan_deliverables"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("supervision_plans.id", ondelete="CASCADE"))
    #: task_filing, category_five_results, annual_summary.
    key: Mapped[str] = mapped_column(String(32), info=label(_l("事项代码")))
    name: Mapped[str] = mapped_column(String(120), info=label(_l("报送事项")))
    due_on: Mapped[date] = mapped_column(info=label(_l("截止日期")))

    plan: Mapped[SupervisionPlan] = relationship(back_populates="deliverables")

    @property
    def audit_label(self) -> str:
        return self.name
