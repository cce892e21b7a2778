"""Data centres registered under an enterprise, their metering points and monthly readings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, label
from ..core.types import UTCDateTime, utcnow
from ..enterprises.models import Enterprise
from ..extensions import db


class DataCentre(Audited, db.Model):
    """数据中心 managed as a key energy-using unit (category 四)."""

    __tablename__ = "data_centres"
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    #: Denormalised from the enterprise: the access scope.
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), info=label(_l("数据中心名称")))
    address: Mapped[str] = mapped_column(String(255), default="", info=label(_l("地址")))
    racks: Mapped[int | None] = mapped_column(info=label(_l("机架数")))
    #: 大型 / 超大型: the PUE targets of DOMAIN 6.2 apply to large and extra-large ones.
    large: Mapped[bool] = mapped_column(default=False, info=label(_l("大型及以上")))
    design_pue: Mapped[Decimal | None] = mapped_column(Numeric(6, 3), info=label(_l("设计 PUE")))
    commissioned_on: Mapped[date | None] = mapped_column(info=label(_l("投运日期")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    enterprise: Mapped[Enterprise] = relationship()
    metering_points: Mapped[list[MeteringPoint]] = relationship(
        back_populates="data_centre", order_by="MeteringPoint.id", cascade="all, delete-orphan"
    )
    readings: Mapped[list[MonthlyReading]] = relationship(
        back_populates="data_centre", order_by="MonthlyReading.month", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id


class MeteringPoint(Audited, db.Model):
    """An energy meter of the data centre (GB 17167 provision), by role and boundary."""

    __tablename__ = "metering_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    data_centre_id: Mapped[int] = mapped_column(
        ForeignKey("data_centres.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80), info=label(_l("计量点")))
    #: rules.pue.MeterRole value: total, it, non_it_on_ups …
    role: Mapped[str] = mapped_column(String(20), info=label(_l("用途")))
    #: rules.pue.Boundary value: grid_input, ups_output, pdu_input …
    boundary: Mapped[str] = mapped_column(String(20), default="", info=label(_l("计量位置")))
    meter_number: Mapped[str] = mapped_column(String(60), default="", info=label(_l("表计编号")))
    note: Mapped[str] = mapped_column(Text, default="", info=label(_l("备注")))

    data_centre: Mapped[DataCentre] = relationship(back_populates="metering_points")

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.data_centre.province_id if self.data_centre else None


class MonthlyReading(Audited, db.Model):
    """One month's metered electricity of a data centre (total and IT, kWh)."""

    __tablename__ = "monthly_readings"
    __table_args__ = (UniqueConstraint("data_centre_id", "month"),)
    __audit_exclude__ = frozenset({"version"})

    id: Mapped[int] = mapped_column(primary_key=True)
    data_centre_id: Mapped[int] = mapped_column(
        ForeignKey("data_centres.id", ondelete="CASCADE"), index=True
    )
    #: First day of the month.
    month: Mapped[date] = mapped_column(info=label(_l("月份")))
    total_kwh: Mapped[Decimal | None] = mapped_column(
        Numeric(16, 2), info=label(_l("总耗电量（kWh）"))
    )
    it_kwh: Mapped[Decimal | None] = mapped_column(
        Numeric(16, 2), info=label(_l("IT 设备耗电量（kWh）"))
    )
    #: manual, api, import.
    source: Mapped[str] = mapped_column(String(10), default="manual", info=label(_l("来源")))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Optimistic locking: the year's readings form carries the versions it was opened with.
    version: Mapped[int] = mapped_column(default=1)

    data_centre: Mapped[DataCentre] = relationship(back_populates="readings")

    __mapper_args__ = {"version_id_col": version}

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.data_centre.province_id if self.data_centre else None

    @property
    def audit_label(self) -> str:
        return self.month.strftime("%Y-%m")


def _data_centre_scope(user):
    """Whoever may see the enterprise may see its data centres."""
    clause = access.scope_clause(Enterprise, user)
    if clause is None:
        return None
    return DataCentre.enterprise_id.in_(select(Enterprise.id).where(clause))


access.register_scope(DataCentre, _data_centre_scope)
