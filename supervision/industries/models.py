"""The industry catalogue: Annex-1 industries and ladder sectors, quota standards and limits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Audited, label
from ..extensions import db


class Industry(Audited, db.Model):
    """A supervised industry: an Annex-1 industry (category 一) or a ladder-price sector (二)."""

    __tablename__ = "industries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable key (sulphuric_acid, steel …) used by imports and the API.
    code: Mapped[str] = mapped_column(String(40), unique=True, info=label(_l("代码")))
    name: Mapped[str] = mapped_column(String(40), unique=True, info=label(_l("行业")))
    #: 石化化工, 有色金属, 建材, 轻工, or 阶梯电价.
    sector: Mapped[str] = mapped_column(String(20), info=label(_l("门类")))
    #: "quota" (category 一, quota standards) or "ladder" (category 二, ladder electricity).
    kind: Mapped[str] = mapped_column(String(10), info=label(_l("类型")))
    #: Annex-1 industries are covered in full: every operating enterprise must be tasked.
    full_coverage: Mapped[bool] = mapped_column(default=False, info=label(_l("全覆盖")))
    sort_order: Mapped[int] = mapped_column(default=0)

    standards: Mapped[list[QuotaStandard]] = relationship(
        back_populates="industry",
        order_by="QuotaStandard.effective_from",
        cascade="all, delete-orphan",
    )

    def standards_in_force(self, on: date) -> list[QuotaStandard]:
        return [s for s in self.standards if s.in_force(on)]


class QuotaStandard(Audited, db.Model):
    """A mandatory unit-product energy-consumption quota standard, one edition."""

    __tablename__ = "quota_standards"

    id: Mapped[int] = mapped_column(primary_key=True)
    industry_id: Mapped[int] = mapped_column(
        ForeignKey("industries.id", ondelete="CASCADE"), index=True
    )
    #: e.g. "GB 29141-2012".
    code: Mapped[str] = mapped_column(String(40), info=label(_l("标准编号")))
    title: Mapped[str] = mapped_column(String(160), default="", info=label(_l("标准名称")))
    effective_from: Mapped[date | None] = mapped_column(info=label(_l("实施日期")))
    effective_to: Mapped[date | None] = mapped_column(info=label(_l("废止日期")))
    #: Electricity conversion the standard requires: "calorific" (当量值) or "equivalent" (等价值).
    electricity_method: Mapped[str] = mapped_column(
        String(12), default="calorific", info=label(_l("电力折标方法"))
    )
    source: Mapped[str] = mapped_column(Text, default="", info=label(_l("来源")))
    verified: Mapped[bool] = mapped_column(default=False, info=label(_l("已核实")))

    industry: Mapped[Industry] = relationship(back_populates="standards")
    limits: Mapped[list[QuotaLimit]] = relationship(
        back_populates="standard", order_by="QuotaLimit.id", cascade="all, delete-orphan"
    )

    @property
    def audit_label(self) -> str:
        return self.code

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on < self.effective_to
        )


class QuotaLimit(Audited, db.Model):
    """One 限定值 (limit for existing plants) of a standard, for one product or process."""

    __tablename__ = "quota_limits"

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(
        ForeignKey("quota_standards.id", ondelete="CASCADE"), index=True
    )
    #: Product or process, e.g. 硫磺制酸.
    product: Mapped[str] = mapped_column(String(60), info=label(_l("产品/工艺")))
    indicator: Mapped[str] = mapped_column(String(60), info=label(_l("指标")))
    unit: Mapped[str] = mapped_column(String(40), info=label(_l("单位")))
    #: None while the value is not known (待核实); compliance is actual ≤ limit.
    limit_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4), info=label(_l("限定值")))
    verified: Mapped[bool] = mapped_column(default=False, info=label(_l("已核实")))
    note: Mapped[str] = mapped_column(String(255), default="", info=label(_l("备注")))

    standard: Mapped[QuotaStandard] = relationship(back_populates="limits")

    @property
    def audit_label(self) -> str:
        return f"{self.product} {self.indicator}"
