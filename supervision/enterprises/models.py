"""The enterprise registry of each province."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import Audited, Organisation, label
from ..core.types import UTCDateTime, utcnow
from ..extensions import db
from ..industries.models import Industry


class ProductionStatus(enum.StrEnum):
    OPERATING = "operating"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        return str(_l("生产") if self is ProductionStatus.OPERATING else _l("已停产"))


class Enterprise(Audited, db.Model):
    """An enterprise in a province's registry, identified by its unified social credit code."""

    __tablename__ = "enterprises"
    __audit_exclude__ = frozenset({"version"})
    __table_args__ = (
        Index("ix_enterprises_province_id_industry_id", "province_id", "industry_id"),
        # A province's registry in name order (the list's default sort): the first page is
        # read from the index, searched by name without a sort.
        Index("ix_enterprises_province_id_name", "province_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The provincial-level unit whose registry holds the enterprise (the access scope).
    province_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), index=True, info=label(_l("所属省级单位"))
    )
    #: 统一社会信用代码 (GB 32100-2015), 18 characters, check character verified.
    credit_code: Mapped[str] = mapped_column(
        String(18), unique=True, info=label(_l("统一社会信用代码"))
    )
    name: Mapped[str] = mapped_column(String(120), index=True, info=label(_l("企业名称")))
    address: Mapped[str] = mapped_column(String(255), default="", info=label(_l("地址")))
    #: GB/T 2260 code of the county/district where the enterprise is.
    division_code: Mapped[str] = mapped_column(String(6), info=label(_l("行政区划代码")))
    industry_id: Mapped[int | None] = mapped_column(
        ForeignKey("industries.id"), index=True, info=label(_l("行业"))
    )
    products: Mapped[str] = mapped_column(String(255), default="", info=label(_l("主要产品")))
    status: Mapped[ProductionStatus] = mapped_column(
        db.Enum(
            ProductionStatus,
            native_enum=False,
            length=12,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ProductionStatus.OPERATING,
        info=label(_l("生产状态")),
    )
    stopped_on: Mapped[date | None] = mapped_column(info=label(_l("停产日期")))
    #: 重点用能单位.
    key_energy_unit: Mapped[bool] = mapped_column(default=False, info=label(_l("重点用能单位")))
    #: Annual comprehensive energy consumption, tonnes of standard coal (tce).
    annual_energy_tce: Mapped[Decimal | None] = mapped_column(
        Numeric(14, 2), info=label(_l("年综合能源消费量（吨标准煤）"))
    )
    legal_representative: Mapped[str] = mapped_column(
        String(40), default="", info=label(_l("法定代表人"))
    )
    legal_representative_phone: Mapped[str] = mapped_column(
        String(40), default="", info=label(_l("法定代表人电话"))
    )
    energy_manager: Mapped[str] = mapped_column(
        String(40), default="", info=label(_l("能源管理负责人"))
    )
    energy_manager_phone: Mapped[str] = mapped_column(
        String(40), default="", info=label(_l("能源管理负责人电话"))
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Optimistic locking: an edit made on a stale form is refused, never silently applied.
    version: Mapped[int] = mapped_column(default=1)

    province: Mapped[Organisation] = relationship()
    industry: Mapped[Industry | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_stopped(self) -> bool:
        return self.status == ProductionStatus.STOPPED

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id
