"""What the checks produce: bulk buyers looked into, sample draws and their outcomes, and the
subsidy claims recomputed against the rules."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, Organisation, User, label, str_enum
from ..core.types import UTCDateTime, utcnow
from ..extensions import db
from .models import VerificationCampaign, unit_scope


class BuyerPurpose(enum.StrEnum):
    """Why an organisation bought many units (seed 000 §二(四): 赠送、福利、促销 recorded one by one)."""

    OWN_USE = "own_use"
    GIFT = "gift"
    WELFARE = "welfare"
    PROMOTION = "promotion"
    RESALE = "resale"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return str(BUYER_PURPOSE_LABELS[self])


BUYER_PURPOSE_LABELS = {
    BuyerPurpose.OWN_USE: _l("自用"),
    BuyerPurpose.GIFT: _l("赠送"),
    BuyerPurpose.WELFARE: _l("福利"),
    BuyerPurpose.PROMOTION: _l("促销"),
    BuyerPurpose.RESALE: _l("转售"),
    BuyerPurpose.UNKNOWN: _l("待查明"),
}


class BulkBuyerCheck(Audited, db.Model):
    """What was found about one bulk buyer (大宗用户) of a unit's records."""

    __tablename__ = "verification_bulk_buyers"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "buyer_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("verification_campaigns.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    buyer_key: Mapped[str] = mapped_column(String(64))
    #: The buyer as the records name him (kept for the list; the key is what matches).
    buyer_name: Mapped[str] = mapped_column(String(120), info=label(_l("购买人")))
    #: Figures when checked: units in all, purchases (invoices), the largest purchase.
    units: Mapped[int] = mapped_column(info=label(_l("购买台数")))
    purchases: Mapped[int] = mapped_column(info=label(_l("购买次数")))
    largest_purchase: Mapped[int] = mapped_column(info=label(_l("单次最多台数")))
    is_organisation: Mapped[bool] = mapped_column(default=False, info=label(_l("单位用户")))
    purpose: Mapped[BuyerPurpose] = mapped_column(
        str_enum(BuyerPurpose, 12), default=BuyerPurpose.UNKNOWN, info=label(_l("购买用途"))
    )
    #: 保留信息待进一步核查.
    retained: Mapped[bool] = mapped_column(default=True, info=label(_l("保留待进一步核查")))
    note: Mapped[str] = mapped_column(Text, default="", info=label(_l("核查说明")))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    checked_by: Mapped[User | None] = relationship()

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return self.buyer_name


class DrawStatus(enum.StrEnum):
    ACTIVE = "active"
    SUPERSEDED = "superseded"  # replaced by a new draw, with the reason recorded


class SampleDraw(Audited, db.Model):
    """One draw of end-user records for phone and home checks: reproducible from its seed.

    The seed, the population counted, the rates and the method are stored and shown, so anyone
    can redo the draw with ``core.sampling.sample_for_checks`` and get the same records.
    """

    __tablename__ = "verification_sample_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("verification_campaigns.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    seed: Mapped[str] = mapped_column(String(64), info=label(_l("随机种子")))
    population: Mapped[int] = mapped_column(info=label(_l("有效信息总数")))
    phone_rate: Mapped[Decimal] = mapped_column(Numeric(6, 4), info=label(_l("电话核查比例")))
    visit_rate: Mapped[Decimal] = mapped_column(Numeric(6, 4), info=label(_l("入户核查比例")))
    #: "" (none), "city" (first four digits of the division code) or "outlet" (dealer).
    stratify_by: Mapped[str] = mapped_column(String(16), default="", info=label(_l("分层方式")))
    #: The method in words, as ``core.sampling.METHOD`` states it.
    method: Mapped[str] = mapped_column(Text, info=label(_l("抽样方法")))
    phone_count: Mapped[int] = mapped_column(default=0, info=label(_l("电话核查条数")))
    visit_count: Mapped[int] = mapped_column(default=0, info=label(_l("入户核查条数")))
    status: Mapped[DrawStatus] = mapped_column(
        str_enum(DrawStatus, 12), default=DrawStatus.ACTIVE, info=label(_l("状态"))
    )
    #: Why a new draw replaced an earlier one (a re-draw is never silent).
    reason: Mapped[str] = mapped_column(Text, default="", info=label(_l("重新抽取理由")))
    #: Who watched the draw (监督人), as the person running it names him.
    witness: Mapped[str] = mapped_column(String(120), default="", info=label(_l("监督人")))
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[VerificationCampaign] = relationship()
    unit: Mapped[Organisation] = relationship(foreign_keys=[unit_id])
    drawn_by: Mapped[User | None] = relationship()

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return f"#{self.id} {self.seed[:8]}"


class CheckMethod(enum.StrEnum):
    PHONE = "phone"  # 电话核查
    VISIT = "visit"  # 入户核查

    @property
    def label(self) -> str:
        return str(CHECK_METHOD_LABELS[self])


CHECK_METHOD_LABELS = {CheckMethod.PHONE: _l("电话核查"), CheckMethod.VISIT: _l("入户核查")}


class Outcome(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"  # 属实
    UNREACHABLE = "unreachable"  # 无法联系
    DISCREPANCY = "discrepancy"  # 不符 (with detail)

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    Outcome.PENDING: _l("待核查"),
    Outcome.CONFIRMED: _l("属实"),
    Outcome.UNREACHABLE: _l("无法联系"),
    Outcome.DISCREPANCY: _l("不符"),
}


class SampleItem(Audited, db.Model):
    """One drawn record, its check and its outcome. Items are inserted in bulk by the draw
    (the draw is the audited record); outcomes are recorded one by one and audited."""

    __tablename__ = "verification_sample_items"
    __table_args__ = (
        UniqueConstraint("draw_id", "sale_id"),
        Index("ix_verification_sample_items_draw", "draw_id", "method", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(
        ForeignKey("verification_sample_draws.id", ondelete="CASCADE")
    )
    sale_id: Mapped[int] = mapped_column(
        ForeignKey("verification_consumer_sales.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[CheckMethod] = mapped_column(
        str_enum(CheckMethod, 8), info=label(_l("核查方式"))
    )
    #: Order within the draw (the rank of its key): call sheets list items in this order.
    position: Mapped[int] = mapped_column()
    stratum: Mapped[str] = mapped_column(String(40), default="")
    #: A top-up item replaces an unreachable one (补抽); the replaced item stays as it was.
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("verification_sample_items.id", ondelete="SET NULL")
    )
    outcome: Mapped[Outcome] = mapped_column(
        str_enum(Outcome, 12), default=Outcome.PENDING, info=label(_l("核查结果"))
    )
    detail: Mapped[str] = mapped_column(Text, default="", info=label(_l("核查情况说明")))
    checked_on: Mapped[date | None] = mapped_column(info=label(_l("核查日期")))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    draw: Mapped[SampleDraw] = relationship()
    checked_by: Mapped[User | None] = relationship()

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.draw.province_id if self.draw else None

    @property
    def audit_label(self) -> str:
        return f"#{self.draw_id}/{self.position}"


class SubsidyProduct(Audited, db.Model):
    """A promoted model (推广产品) with what its subsidy depends on (seeds 001, 002)."""

    __tablename__ = "verification_subsidy_products"
    __table_args__ = (UniqueConstraint("campaign_id", "manufacturer", "model"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("verification_campaigns.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    manufacturer: Mapped[str] = mapped_column(String(120), info=label(_l("生产企业")))
    category: Mapped[str] = mapped_column(String(16), info=label(_l("产品类别")))
    brand: Mapped[str] = mapped_column(String(60), default="", info=label(_l("品牌")))
    model: Mapped[str] = mapped_column(String(80), info=label(_l("规格型号")))
    energy_grade: Mapped[int | None] = mapped_column(info=label(_l("能效等级")))
    #: Refrigerators: BD, BC/BD, BCD or BCDW; total volume (L); energy-efficiency index (%).
    fridge_kind: Mapped[str] = mapped_column(String(8), default="", info=label(_l("冰箱类型")))
    volume_l: Mapped[Decimal | None] = mapped_column(
        Numeric(8, 1), info=label(_l("总有效容积（L）"))
    )
    efficiency_index: Mapped[Decimal | None] = mapped_column(
        Numeric(6, 2), info=label(_l("能效指数（%）"))
    )
    #: Desktop computers: what excludes a model from the programme (seed 002 §一(二)1).
    workstation: Mapped[bool] = mapped_column(default=False, info=label(_l("工作站")))
    industrial: Mapped[bool] = mapped_column(default=False, info=label(_l("工控机")))
    discrete_gpus: Mapped[int] = mapped_column(default=0, info=label(_l("独立显卡数")))
    psu_watts: Mapped[int | None] = mapped_column(info=label(_l("电源额定功率（W）")))
    all_in_one: Mapped[bool] = mapped_column(default=False, info=label(_l("一体机")))
    screen_inches: Mapped[Decimal | None] = mapped_column(
        Numeric(5, 2), info=label(_l("屏幕对角线（英寸）"))
    )
    #: Already subsidised by 家电下乡 or another programme: no subsidy.
    other_programme: Mapped[bool] = mapped_column(
        default=False, info=label(_l("已享受家电下乡等补助"))
    )

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        return f"{self.manufacturer} {self.model}"


class SubsidyClaim(Audited, db.Model):
    """A manufacturer's monthly report (附表1, with its per-model 附表2 lines) or annual
    settlement (month None), as declared; the check recomputes it and keeps the differences."""

    __tablename__ = "verification_subsidy_claims"
    __table_args__ = (UniqueConstraint("campaign_id", "manufacturer", "category", "year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("verification_campaigns.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    manufacturer: Mapped[str] = mapped_column(String(120), info=label(_l("生产企业")))
    category: Mapped[str] = mapped_column(String(16), info=label(_l("产品类别")))
    year: Mapped[int] = mapped_column(info=label(_l("年度")))
    #: 1–12 for a monthly report; None for the annual settlement (年度清算).
    month: Mapped[int | None] = mapped_column(info=label(_l("月份")))
    received_on: Mapped[date] = mapped_column(info=label(_l("报送日期")))
    opening_stock: Mapped[int] = mapped_column(default=0, info=label(_l("月初库存")))
    production: Mapped[int] = mapped_column(default=0, info=label(_l("本月生产量")))
    shipments: Mapped[int] = mapped_column(default=0, info=label(_l("本月出货量")))
    closing_stock: Mapped[int] = mapped_column(default=0, info=label(_l("月末库存")))
    units_promoted: Mapped[int] = mapped_column(default=0, info=label(_l("本月推广数量")))
    #: 申请补贴金额 as declared (万元).
    amount_wan: Mapped[Decimal] = mapped_column(
        Numeric(14, 4), info=label(_l("申请补贴金额（万元）"))
    )
    #: The recomputation: [{"field", "declared", "computed", "message"}]; [] when it agrees.
    differences: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("核查差异")))
    computed_amount_wan: Mapped[Decimal | None] = mapped_column(
        Numeric(14, 4), info=label(_l("核定补贴金额（万元）"))
    )
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The reference revisions the last check used ("subsidy_programmes r1 · …").
    reference_version: Mapped[str] = mapped_column(
        String(255), default="", info=label(_l("参考数据版本"))
    )
    #: Some reference row the last check used was not verified (待核实).
    reference_unverified: Mapped[bool] = mapped_column(default=False)

    lines: Mapped[list[ClaimLine]] = relationship(
        back_populates="claim", order_by="ClaimLine.id", cascade="all, delete-orphan"
    )

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.province_id

    @property
    def audit_label(self) -> str:
        period = f"{self.year}-{self.month:02d}" if self.month else str(self.year)
        return f"{self.manufacturer} {period}"


class ClaimLine(Audited, db.Model):
    """附表2 明细: one model's units and declared subsidy standard within a claim."""

    __tablename__ = "verification_claim_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("verification_subsidy_claims.id", ondelete="CASCADE"), index=True
    )
    brand: Mapped[str] = mapped_column(String(60), default="", info=label(_l("品牌")))
    model: Mapped[str] = mapped_column(String(80), info=label(_l("规格型号")))
    standard_yuan: Mapped[Decimal] = mapped_column(
        Numeric(10, 2), info=label(_l("补贴标准（元/台）"))
    )
    opening_stock: Mapped[int] = mapped_column(default=0, info=label(_l("月初库存")))
    closing_stock: Mapped[int] = mapped_column(default=0, info=label(_l("月末库存")))
    units: Mapped[int] = mapped_column(default=0, info=label(_l("本月推广数量")))
    amount_wan: Mapped[Decimal] = mapped_column(
        Numeric(14, 4), info=label(_l("申请补贴金额（万元）"))
    )

    claim: Mapped[SubsidyClaim] = relationship(back_populates="lines")

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.claim.province_id if self.claim else None

    @property
    def audit_label(self) -> str:
        return self.model


for _model in (BulkBuyerCheck, SampleDraw, SubsidyProduct, SubsidyClaim):
    access.register_scope(_model, unit_scope(_model))


def _via_draw(user):
    rule = unit_scope(SampleDraw)(user)
    return None if rule is None else SampleItem.draw_id.in_(select(SampleDraw.id).where(rule))


def _via_claim(user):
    rule = unit_scope(SubsidyClaim)(user)
    return None if rule is None else ClaimLine.claim_id.in_(select(SubsidyClaim.id).where(rule))


access.register_scope(SampleItem, _via_draw)
access.register_scope(ClaimLine, _via_claim)
