"""Daily supervision by random selection (双随机一公开): the draw a province defines, its
witnessed runs, the enterprises and inspector pairs drawn, and inspectors' declared relations."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, Organisation, Role, User, label, str_enum
from ..core.types import UTCDateTime, utcnow
from ..enterprises.models import Enterprise
from ..extensions import db
from ..inspections.models import InspectionCase, assigned_case_ids


class DrawStatus(enum.StrEnum):
    """draft (parameters being set) → drawn (a run stands) → opened (cases made for the pairs)
    → published (results on the public pages)."""

    DRAFT = "draft"
    DRAWN = "drawn"
    OPENED = "opened"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return str(DRAW_STATUS_LABELS[self])


DRAW_STATUS_LABELS = {
    DrawStatus.DRAFT: _l("待抽取"),
    DrawStatus.DRAWN: _l("已抽取"),
    DrawStatus.OPENED: _l("已派发检查"),
    DrawStatus.PUBLISHED: _l("结果已公开"),
}


class Stratification(enum.StrEnum):
    NONE = ""
    INDUSTRY = "industry"
    CITY = "city"

    @property
    def label(self) -> str:
        return str(STRATIFICATION_LABELS[self])


STRATIFICATION_LABELS = {
    Stratification.NONE: _l("不分层"),
    Stratification.INDUSTRY: _l("按行业分层"),
    Stratification.CITY: _l("按地市分层"),
}


class DailyDraw(Audited, db.Model):
    """双随机抽查: one round of daily supervision a province plans (e.g. "2026年第二批"): whom
    it may draw (the population filters and exclusions), how many, and which inspectors go."""

    __tablename__ = "daily_draws"
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int] = mapped_column(info=label(_l("年度")))
    title: Mapped[str] = mapped_column(String(160), info=label(_l("抽查名称")))
    # -- the population (抽查对象名录) ---------------------------------------------------------
    #: Annex-1 industries / ladder sectors drawn from ([] = every industry).
    industry_ids: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("行业")))
    #: Cities (first four digits of the division code, e.g. "3201"; [] = the whole province).
    city_codes: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("地市")))
    #: Annual energy use band, tce (inclusive; none = open).
    min_energy_tce: Mapped[Decimal | None] = mapped_column(
        Numeric(14, 2), info=label(_l("年综合能耗下限（吨标准煤）"))
    )
    max_energy_tce: Mapped[Decimal | None] = mapped_column(
        Numeric(14, 2), info=label(_l("年综合能耗上限（吨标准煤）"))
    )
    key_units_only: Mapped[bool] = mapped_column(default=True, info=label(_l("仅重点用能单位")))
    # -- how many ---------------------------------------------------------------------------
    sample_size: Mapped[int | None] = mapped_column(info=label(_l("抽取企业数")))
    #: A share of the population instead of a number (0.05 = 5 %), rounded up.
    sample_rate: Mapped[Decimal | None] = mapped_column(Numeric(6, 4), info=label(_l("抽取比例")))
    stratify_by: Mapped[Stratification] = mapped_column(
        str_enum(Stratification, 10), default=Stratification.NONE, info=label(_l("分层方式"))
    )
    # -- exclusions -------------------------------------------------------------------------
    #: Enterprises inspected (a visit on a case) within this many months before the draw.
    exclude_inspected_months: Mapped[int | None] = mapped_column(
        info=label(_l("排除近几个月内已检查的企业"))
    )
    #: Enterprises with a task of this year's special supervision.
    exclude_special_tasks: Mapped[bool] = mapped_column(
        default=True, info=label(_l("排除已列入本年度专项监察任务的企业"))
    )
    # -- who goes ---------------------------------------------------------------------------
    pair_count: Mapped[int] = mapped_column(default=1, info=label(_l("检查组数")))
    #: The inspectors (执法人员名录) the pairs are drawn from.
    inspector_ids: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("执法人员名录")))
    #: The agency whose cases these are (the province itself by default).
    agency_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    work_due_on: Mapped[date | None] = mapped_column(info=label(_l("检查完成期限")))
    #: Results are public by this day (the province sets it).
    publish_by: Mapped[date | None] = mapped_column(info=label(_l("结果公开期限")))
    status: Mapped[DrawStatus] = mapped_column(
        str_enum(DrawStatus, 10), default=DrawStatus.DRAFT, index=True, info=label(_l("状态"))
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, info=label(_l("结果公开时间"))
    )
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    province: Mapped[Organisation] = relationship(foreign_keys=[province_id])
    agency: Mapped[Organisation] = relationship(foreign_keys=[agency_id])
    runs: Mapped[list[DrawRun]] = relationship(
        back_populates="draw", order_by="DrawRun.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def current_run(self) -> DrawRun | None:
        return next((r for r in reversed(self.runs) if r.is_current), None)

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return self.title


class DrawRun(Audited, db.Model):
    """One witnessed run of a draw, reproducible from what it stores: the seed, the
    parameters and the population as they stood, who was excluded and why."""

    __tablename__ = "daily_draw_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(
        ForeignKey("daily_draws.id", ondelete="CASCADE"), index=True
    )
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    seed: Mapped[str] = mapped_column(String(64), info=label(_l("随机种子")))
    #: The draw's parameters as run (filters, size/rate, strata, exclusions, pairs).
    parameters: Mapped[dict] = mapped_column(JSON, default=dict, info=label(_l("抽取参数")))
    #: Enterprises matching the filters, and those left after the exclusions.
    population_count: Mapped[int] = mapped_column(info=label(_l("名录企业数")))
    eligible_count: Mapped[int] = mapped_column(info=label(_l("可抽取企业数")))
    #: [[enterprise id, stratum], …]: the eligible population drawn from.
    population: Mapped[list] = mapped_column(JSON, default=list)
    #: [{"id", "name", "reasons": [text, …]}]: enterprises excluded by the rules.
    excluded: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("排除情况")))
    #: [{"id", "name"}]: the inspectors' list as drawn from.
    pool: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("执法人员名录")))
    #: [[inspector id, enterprise id, relation], …]: declared relations as they stood.
    relations: Mapped[list] = mapped_column(JSON, default=list)
    #: [{"enterprise_id", "enterprise", "pair_no", "inspectors": [...], "relation"}]: where
    #: recusal (回避) moved an enterprise away from the pair it would have gone to.
    recusals: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("回避情况")))
    method: Mapped[str] = mapped_column(Text, default="", info=label(_l("抽取方法")))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drawn_by_name: Mapped[str] = mapped_column(String(80), default="", info=label(_l("抽取人")))
    witness_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    witness_name: Mapped[str] = mapped_column(String(80), default="", info=label(_l("监督人")))
    is_current: Mapped[bool] = mapped_column(default=True)
    #: Why it was drawn again (required for any run after the first).
    reason: Mapped[str] = mapped_column(Text, default="", info=label(_l("重新抽取理由")))

    draw: Mapped[DailyDraw] = relationship(back_populates="runs")
    assignments: Mapped[list[DrawAssignment]] = relationship(
        back_populates="run", order_by="DrawAssignment.position", cascade="all, delete-orphan"
    )

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return f"{self.draw.title if self.draw else ''} #{self.id}"


class DrawAssignment(Audited, db.Model):
    """One enterprise drawn, the pair of inspectors drawn to go, and the case it became."""

    __tablename__ = "daily_draw_assignments"
    __table_args__ = (UniqueConstraint("run_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("daily_draw_runs.id", ondelete="CASCADE"), index=True
    )
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    #: Place in the draw (1 …) and the stratum it was drawn in.
    position: Mapped[int] = mapped_column(info=label(_l("抽取顺序")))
    stratum: Mapped[str] = mapped_column(String(60), default="", info=label(_l("层")))
    #: Which pair (检查组, 1 …) goes, and its two inspectors.
    pair_no: Mapped[int] = mapped_column(info=label(_l("检查组")))
    inspector_a_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    inspector_b_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspection_cases.id", ondelete="SET NULL"), index=True
    )

    run: Mapped[DrawRun] = relationship(back_populates="assignments")
    enterprise: Mapped[Enterprise] = relationship()
    inspector_a: Mapped[User] = relationship(foreign_keys=[inspector_a_id])
    inspector_b: Mapped[User] = relationship(foreign_keys=[inspector_b_id])
    case: Mapped[InspectionCase | None] = relationship()

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return self.enterprise.name if self.enterprise else ""


class InspectorRelation(Audited, db.Model):
    """利害关系申报: an inspector's declared relation to an enterprise (a relative works there,
    former employer, shareholding …); he never draws that enterprise."""

    __tablename__ = "inspector_relations"
    __table_args__ = (UniqueConstraint("inspector_id", "enterprise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(
        ForeignKey("users.id"), index=True, info=label(_l("执法人员"))
    )
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id"), index=True, info=label(_l("企业"))
    )
    relation: Mapped[str] = mapped_column(String(120), info=label(_l("利害关系")))
    declared_on: Mapped[date] = mapped_column(info=label(_l("申报日期")))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    inspector: Mapped[User] = relationship(foreign_keys=[inspector_id])
    enterprise: Mapped[Enterprise] = relationship()

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return f"{self.inspector.full_name if self.inspector else ''} / {self.relation}"


# -- who sees what ------------------------------------------------------------------------


def _province_officers(column):
    """The province's officers (an agency officer his province's too: draws are provincial)
    and the ministry."""

    def scope(user):
        if access.sees_everything(user):
            return None
        if Role.PROVINCIAL_OFFICER in user.roles:
            return column == user.organisation.province_org_id
        return false()

    return scope


access.register_scope(DailyDraw, _province_officers(DailyDraw.province_id))
access.register_scope(DrawRun, _province_officers(DrawRun.province_id))
access.register_scope(InspectorRelation, _province_officers(InspectorRelation.province_id))
access.register_scope(
    DrawAssignment,
    lambda user: access.officer_or_own(
        user,
        province_column=DrawAssignment.province_id,
        agency_column=DrawAssignment.province_id,
        own_clause=DrawAssignment.case_id.in_(assigned_case_ids(user)),
    ),
)
