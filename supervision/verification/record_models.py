"""The sales records of a campaign, one table per report table of seed 002 (附表3-1 … 3-6).

Rows arrive by the million through imports (Core ``insert``, never one ORM object per row) and
are never edited: a wrong file is withdrawn (``withdrawal.withdraw_import`` deletes the job's
rows) and a corrected one imported. The import as a whole is audited (the job is the record). A product code (产品唯一
编码) appears once per table and campaign: the same code in two files is a duplicate.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..core import access
from ..extensions import db
from .models import unit_scope


class _SalesRecord:
    """Columns every sales table has: whose records, and which import brought them in."""

    id: Mapped[int] = mapped_column(primary_key=True)

    @declared_attr
    def campaign_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("verification_campaigns.id", ondelete="CASCADE"))

    @declared_attr
    def unit_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("organisations.id"))

    @declared_attr
    def province_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("organisations.id"), index=True)

    @declared_attr
    def import_job_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("import_jobs.id", ondelete="SET NULL"), index=True)

    #: The row in the imported file (as Excel numbers it), for error reports and call sheets.
    row_number: Mapped[int] = mapped_column(default=0)


class ProducerStock(_SalesRecord, db.Model):
    """附表3-1 生产企业库存情况表 (stock before the subsidy, first report only)."""

    __tablename__ = "verification_producer_stock"
    __table_args__ = (
        UniqueConstraint("campaign_id", "product_code"),
        Index("ix_verification_producer_stock_unit", "campaign_id", "unit_id"),
    )

    manufacturer: Mapped[str] = mapped_column(String(120))
    model: Mapped[str] = mapped_column(String(80))
    product_code: Mapped[str] = mapped_column(String(64))
    stock_on: Mapped[date] = mapped_column()


class OutletStock(_SalesRecord, db.Model):
    """附表3-2 销售机构库存信息汇总表."""

    __tablename__ = "verification_outlet_stock"
    __table_args__ = (
        UniqueConstraint("campaign_id", "product_code"),
        Index("ix_verification_outlet_stock_unit", "campaign_id", "unit_id"),
    )

    outlet_name: Mapped[str] = mapped_column(String(120))
    outlet_code: Mapped[str] = mapped_column(String(20))
    invoiced_on: Mapped[date] = mapped_column()
    supplier_name: Mapped[str] = mapped_column(String(120))
    supplier_code: Mapped[str] = mapped_column(String(20))
    model: Mapped[str] = mapped_column(String(80))
    product_code: Mapped[str] = mapped_column(String(64))
    invoice_no: Mapped[str] = mapped_column(String(40))


class Production(_SalesRecord, db.Model):
    """附表3-3 入围企业生产情况表."""

    __tablename__ = "verification_production"
    __table_args__ = (
        UniqueConstraint("campaign_id", "product_code"),
        Index(
            "ix_verification_production_model", "campaign_id", "unit_id", "manufacturer", "model"
        ),
    )

    manufacturer: Mapped[str] = mapped_column(String(120))
    model: Mapped[str] = mapped_column(String(80))
    product_code: Mapped[str] = mapped_column(String(64))
    produced_on: Mapped[date] = mapped_column()


class Shipment(_SalesRecord, db.Model):
    """附表3-4 入围企业出货情况表: the enterprise's declared shipments, which the other stages
    are reconciled against (count and model, not code for code: seed 000 §二(三))."""

    __tablename__ = "verification_shipments"
    __table_args__ = (
        UniqueConstraint("campaign_id", "product_code"),
        Index("ix_verification_shipments_model", "campaign_id", "unit_id", "manufacturer", "model"),
    )

    manufacturer: Mapped[str] = mapped_column(String(120))
    model: Mapped[str] = mapped_column(String(80))
    product_code: Mapped[str] = mapped_column(String(64))
    invoiced_on: Mapped[date] = mapped_column()
    invoice_no: Mapped[str] = mapped_column(String(40))
    buyer_name: Mapped[str] = mapped_column(String(120))
    buyer_code: Mapped[str] = mapped_column(String(20))


class DealerPurchase(_SalesRecord, db.Model):
    """附表3-5 终端销售商进货信息汇总表 (quantities, no product codes)."""

    __tablename__ = "verification_dealer_purchases"
    __table_args__ = (
        Index("ix_verification_dealer_purchases_model", "campaign_id", "unit_id", "model"),
    )

    seller_name: Mapped[str] = mapped_column(String(120))
    seller_code: Mapped[str] = mapped_column(String(20))
    invoiced_on: Mapped[date] = mapped_column()
    dealer_name: Mapped[str] = mapped_column(String(120))
    dealer_code: Mapped[str] = mapped_column(String(20))
    model: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[int] = mapped_column()
    invoice_no: Mapped[str] = mapped_column(String(40))


class ConsumerSale(_SalesRecord, db.Model):
    """附表3-6 消费者（终端用户）销售及安装/配送信息汇总表: one row per unit sold.

    ``buyer_key`` is ``rules.buyer_key`` of the row (ID number, organisation code, or name +
    phone, normalised): the bulk-buyer check groups by it, with ``invoice_no`` telling one
    purchase from another. Personal data (phone, ID number, address) is shown masked except to
    the people doing the checks.
    """

    __tablename__ = "verification_consumer_sales"
    __table_args__ = (
        UniqueConstraint("campaign_id", "product_code"),
        # Covering index of the bulk-buyer query (GROUP BY buyer, invoice within a unit).
        Index(
            "ix_verification_consumer_sales_buyer",
            "campaign_id",
            "unit_id",
            "buyer_key",
            "invoice_no",
        ),
        Index(
            "ix_verification_consumer_sales_model",
            "campaign_id",
            "unit_id",
            "manufacturer",
            "model",
        ),
    )

    consumer_name: Mapped[str] = mapped_column(String(120))
    contact: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(40))
    #: 证件号码: the buyer's ID number or organisation code, when the outlet recorded it.
    id_number: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(255))
    division_code: Mapped[str] = mapped_column(String(6))
    division_name: Mapped[str] = mapped_column(String(60), default="")
    manufacturer: Mapped[str] = mapped_column(String(120))
    model: Mapped[str] = mapped_column(String(80))
    product_code: Mapped[str] = mapped_column(String(64))
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    sold_on: Mapped[date] = mapped_column()
    invoice_no: Mapped[str] = mapped_column(String(40))
    dealer_name: Mapped[str] = mapped_column(String(120))
    dealer_code: Mapped[str] = mapped_column(String(20))
    buyer_key: Mapped[str] = mapped_column(String(64))


#: The tables by import kind suffix, in the order of seed 002.
SALES_TABLES = {
    "producer_stock": ProducerStock,
    "outlet_stock": OutletStock,
    "production": Production,
    "shipments": Shipment,
    "dealer_purchases": DealerPurchase,
    "consumer_sales": ConsumerSale,
}

for _model in SALES_TABLES.values():
    access.register_scope(_model, unit_scope(_model))
