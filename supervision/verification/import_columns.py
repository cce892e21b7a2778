"""The six sales-record tables of seed 002 (附表3-1 … 3-6) as files: their columns, headers
exactly as the seed prints them, and how each cell is read. One place for the import, its
blank templates and the record lists."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .record_models import SALES_TABLES


@dataclass(frozen=True)
class Field:
    """One column of a table: model attribute, header, how the cell is read."""

    key: str
    header: str
    #: text | date | org | invoice | code | division | price | quantity | phone | identity
    reads: str = "text"
    #: Every row must fill it.
    required: bool = True
    #: The file must have the column (optional columns may be left out).
    column_required: bool = True
    #: The upper header of a two-level table (附表3-6).
    group: str = ""


@dataclass(frozen=True)
class SalesTable:
    key: str
    #: Import kind name (ImportJob.kind is String(32)).
    kind: str
    annex: str
    #: The seed's title (without the "年  月" prefix of the monthly tables).
    title: str
    label: object
    fields: tuple[Field, ...]
    #: The table's date column, and how it must lie against the campaign's sales period:
    #: "within" (sales to consumers) or "until" (not after the period's end).
    date_key: str
    period: str = "until"
    #: The seed's table starts with a 序号 column.
    numbered: bool = False
    notes: tuple[str, ...] = ()

    @property
    def header_rows(self) -> int:
        return 2 if any(f.group for f in self.fields) else 1

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.group for f in self.fields if f.group))

    @property
    def has_product_codes(self) -> bool:
        return any(f.key == "product_code" for f in self.fields)

    @property
    def model(self):
        return SALES_TABLES[self.key]

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


_STOCK_NOTE = "该表统计入围产品补贴之前的库存情况，在第一次填报数据时使用。"
_CONSUMER, _SALE, _DEALER = "消费者信息", "销售信息", "终端经销商信息"

TABLES: dict[str, SalesTable] = {
    t.key: t
    for t in (
        SalesTable(
            key="producer_stock",
            kind="verification_producer_stock",
            annex="附表3-1",
            title="生产企业库存情况表",
            label=_l("生产企业库存"),
            fields=(
                Field("manufacturer", "生产企业"),
                Field("model", "规格型号"),
                Field("product_code", "产品唯一编码", "code"),
                Field("stock_on", "库存日期", "date"),
            ),
            date_key="stock_on",
            numbered=True,
            notes=(_STOCK_NOTE,),
        ),
        SalesTable(
            key="outlet_stock",
            kind="verification_outlet_stock",
            annex="附表3-2",
            title="销售机构库存信息汇总表",
            label=_l("销售机构库存"),
            fields=(
                Field("outlet_name", "销售机构注册名称"),
                Field("outlet_code", "销售机构组织机构代码", "org"),
                Field("invoiced_on", "进货发票日期", "date"),
                Field("supplier_name", "供货单位注册名称"),
                Field("supplier_code", "供货单位组织机构代码", "org"),
                Field("model", "规格型号"),
                Field("product_code", "产品唯一编码", "code"),
                Field("invoice_no", "增值税（销售）发票号", "invoice"),
            ),
            date_key="invoiced_on",
            notes=(_STOCK_NOTE,),
        ),
        SalesTable(
            key="production",
            kind="verification_production",
            annex="附表3-3",
            title="入围企业生产情况表",
            label=_l("企业生产记录"),
            fields=(
                Field("manufacturer", "生产企业"),
                Field("model", "规格型号"),
                Field("product_code", "产品唯一编码", "code"),
                Field("produced_on", "生产日期", "date"),
            ),
            date_key="produced_on",
            numbered=True,
        ),
        SalesTable(
            key="shipments",
            kind="verification_shipments",
            annex="附表3-4",
            title="入围企业出货情况表",
            label=_l("企业出货记录"),
            fields=(
                Field("manufacturer", "生产企业"),
                Field("model", "规格型号"),
                Field("product_code", "产品唯一编码", "code"),
                # The seed prints "开票 时间"; headers are matched without spaces.
                Field("invoiced_on", "开票时间", "date"),
                Field("invoice_no", "增值税发票号", "invoice"),
                Field("buyer_name", "购买方销售商名称"),
                Field("buyer_code", "购买方销售商组织机构代码", "org"),
            ),
            date_key="invoiced_on",
            numbered=True,
        ),
        SalesTable(
            key="dealer_purchases",
            kind="verification_dealer_purchases",
            annex="附表3-5",
            title="终端销售商进货信息汇总表",
            label=_l("终端销售商进货记录"),
            fields=(
                Field("seller_name", "卖方销售商注册名称"),
                Field("seller_code", "卖方销售商组织机构代码", "org"),
                Field("invoiced_on", "进货开发票日期", "date"),
                Field("dealer_name", "终端销售商注册名称"),
                Field("dealer_code", "终端销售商组织机构代码", "org"),
                Field("model", "规格型号"),
                Field("quantity", "进货数量", "quantity"),
                Field("invoice_no", "增值税（销售）发票号", "invoice"),
            ),
            date_key="invoiced_on",
        ),
        SalesTable(
            key="consumer_sales",
            kind="verification_consumer_sales",
            annex="附表3-6",
            title="消费者（终端用户）销售及安装/配送信息汇总表",
            label=_l("消费者销售记录"),
            fields=(
                Field("consumer_name", "消费者名称", group=_CONSUMER),
                # Only for organisations: the person who bought for it (seed note 1).
                Field("contact", "联系人", required=False, column_required=False, group=_CONSUMER),
                Field("phone", "联系电话", "phone", group=_CONSUMER),
                Field("address", "详细地址", group=_CONSUMER),
                Field("division_code", "行政区划代码", "division", group=_CONSUMER),
                Field(
                    "division_name",
                    "行政区划名称",
                    required=False,
                    column_required=False,
                    group=_CONSUMER,
                ),
                Field("manufacturer", "生产企业名称", group=_SALE),
                Field("model", "规格型号", group=_SALE),
                Field("product_code", "产品唯一编码", "code", group=_SALE),
                Field("price", "销售价格（元）", "price", group=_SALE),
                Field("sold_on", "产品销售时间", "date", group=_SALE),
                Field("invoice_no", "发票号", "invoice", group=_SALE),
                Field("dealer_name", "终端销售商名称", group=_DEALER),
                Field("dealer_code", "终端销售商组织机构代码", "org", group=_DEALER),
                # Not in the seed's table: the buyer's ID number or organisation code, which
                # recognises one buyer across records best (bulk buyers, seed 000).
                Field(
                    "id_number",
                    "证件号码",
                    "identity",
                    required=False,
                    column_required=False,
                    group="补充信息（选填）",
                ),
            ),
            date_key="sold_on",
            period="within",
            numbered=True,
            notes=(
                "1.购买方为企、事业单位时消费者名称填写企、事业单位名称，联系人填写采购人姓名，"
                "购买方为个人用户时不需要填写联系人一栏。",
                "2.行政区划代码为：消费者实际所在地行政区划代码。",
                "3.行政区划名称：为消费者实际所在地行政区划代码对应名称。",
                "证件号码（选填）：个人填写居民身份证号码，单位填写组织机构代码或统一社会信用代码，"
                "用于识别大宗用户。",
            ),
        ),
    )
}
assert set(TABLES) == set(SALES_TABLES)  # noqa: S101 -- one table per model
assert all(len(t.kind) <= 32 for t in TABLES.values())  # noqa: S101 -- ImportJob.kind String(32)

#: Import kind name → table key.
TABLE_OF_KIND = {t.kind: t.key for t in TABLES.values()}
DEFAULT_TABLE = "consumer_sales"


def column_length(table: SalesTable, key: str) -> int | None:
    """The model column's length (String(n)), the longest text a cell may hold."""
    return getattr(table.model.__table__.c[key].type, "length", None)
