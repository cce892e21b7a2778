"""Workbooks of the checks: the call sheet and home-visit sheet of a draw (to fill in by hand),
the bulk buyers with their records, the reconciliation. Rows stream from the database into
constant-memory worksheets (see ``annexes.builder``); user text always stays text. Like the
annexes, these are official tables: their text is Chinese whatever the interface language."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..annexes.builder import Styles, put, workbook
from ..extensions import db
from .check_models import BUYER_PURPOSE_LABELS, CheckMethod, SampleDraw, SampleItem
from .check_support import personal
from .record_models import ConsumerSale
from .rules.buyers import is_organisation_key
from .rules.masking import shown_buyer_name
from .rules.reconciliation import Line, LineStatus

BATCH = 5_000


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str = "text"  # a ``Styles.cell`` kind


class Sheet:
    """One table on one worksheet: title, a line of particulars, header, rows in order."""

    def __init__(self, book, styles: Styles, name: str, columns: Sequence[Column]):
        self.ws = book.add_worksheet(name[:31])
        self.styles = styles
        self.columns = columns
        self.formats = [styles.cell(c.kind) for c in columns]
        self.row = -1
        for i, column in enumerate(columns):
            self.ws.set_column(i, i, column.width)

    def start(self, title: str, left: str, right: str = "") -> None:
        ws, styles, last = self.ws, self.styles, len(self.columns) - 1
        self.row += 1
        ws.set_row(self.row, 36)
        ws.merge_range(self.row, 0, self.row, last, title, styles.title)
        self.row += 1
        ws.set_row(self.row, 22)
        middle = max(1, (last + 1) // 2)
        ws.merge_range(self.row, 0, self.row, middle - 1, left, styles.info_left)
        ws.merge_range(self.row, middle, self.row, last, right, styles.info_right)
        self.row += 1
        ws.set_row(self.row, 30)
        for i, column in enumerate(self.columns):
            put(ws, self.row, i, column.header, styles.header)
        header = self.row
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
        ws.center_horizontally()
        ws.repeat_rows(header, header)
        ws.fit_to_pages(1, 0)
        ws.set_footer("&C第 &P 页，共 &N 页")
        ws.freeze_panes(header + 1, 0)

    def add(self, values: Iterable) -> None:
        self.row += 1
        for i, value in enumerate(values):
            put(self.ws, self.row, i, value, self.formats[i], self.styles, self.columns[i].kind)

    def note(self, text: str) -> None:
        self.row += 1
        self.ws.set_row(self.row, 36)
        last = len(self.columns) - 1
        self.ws.merge_range(self.row, 0, self.row, last, text, self.styles.note)


def _date(value) -> str:
    return value.isoformat() if value is not None else ""


# -- call sheet / home-visit sheet --------------------------------------------------------------

SHEET_TITLES = {CheckMethod.PHONE: "电话核查表", CheckMethod.VISIT: "入户核查表"}


def sheet_columns() -> list[Column]:
    return [
        Column("序号", 6, "int"),
        Column("消费者名称", 14),
        Column("联系人", 10),
        Column("联系电话", 15, "code"),
        Column("详细地址", 30),
        Column("行政区划名称", 12),
        Column("生产企业名称", 20),
        Column("规格型号", 14),
        Column("产品唯一编码", 22, "code"),
        Column("销售时间", 12, "center"),
        Column("发票号", 14, "code"),
        Column("终端销售商名称", 20),
        Column("核查结果", 12),
        Column("核查人", 10),
        Column("核查日期", 12),
        Column("备注", 20),
    ]


def sheet_rows_select(draw_id: int, method: CheckMethod):
    replaced = aliased(SampleItem)
    return (
        select(
            SampleItem.position,
            replaced.position.label("replaces_position"),
            ConsumerSale.buyer_key,
            ConsumerSale.consumer_name,
            ConsumerSale.contact,
            ConsumerSale.phone,
            ConsumerSale.id_number,
            ConsumerSale.address,
            ConsumerSale.division_name,
            ConsumerSale.manufacturer,
            ConsumerSale.model,
            ConsumerSale.product_code,
            ConsumerSale.sold_on,
            ConsumerSale.invoice_no,
            ConsumerSale.dealer_name,
        )
        .join(ConsumerSale, ConsumerSale.id == SampleItem.sale_id)
        .outerjoin(replaced, replaced.id == SampleItem.replaces_id)
        .where(SampleItem.draw_id == draw_id, SampleItem.method == method)
        .order_by(SampleItem.position, SampleItem.id)
        .execution_options(yield_per=BATCH)
    )


def write_draw_sheet(
    out: BinaryIO,
    draw: SampleDraw,
    method: CheckMethod,
    *,
    campaign_name: str,
    unit_name: str,
    clear: bool,
) -> int:
    """The call sheet (电话核查表) or home-visit sheet (入户核查表) of ``draw``: the drawn
    records in drawing order, top-ups last with the number they replace, and blank columns
    for the result, the checker and the date. Personal data in clear only if ``clear``."""
    title = f"{campaign_name}{SHEET_TITLES[method]}"
    rows = 0
    with workbook(out, title=title) as book:
        styles = Styles(book)
        sheet = Sheet(book, styles, SHEET_TITLES[method], sheet_columns())
        sheet.start(
            title,
            f"核查单位：{unit_name}",
            f"抽样编号：{draw.id}　随机种子：{draw.seed}",
        )
        for row in db.session.execute(sheet_rows_select(draw.id, method)):
            shown = personal(row, clear)
            remark = (
                f"补抽，替代第 {row.replaces_position} 号"
                if row.replaces_position is not None
                else ""
            )
            sheet.add(
                [
                    row.position,
                    shown["consumer_name"],
                    shown["contact"],
                    shown["phone"],
                    shown["address"],
                    row.division_name,
                    row.manufacturer,
                    row.model,
                    row.product_code,
                    _date(row.sold_on),
                    row.invoice_no,
                    row.dealer_name,
                    "",
                    "",
                    "",
                    remark,
                ]
            )
            rows += 1
        sheet.note(f"核查结果填写：属实 / 无法联系 / 不符（写明不符情况）。抽样方法：{draw.method}")
    return rows


# -- bulk buyers ------------------------------------------------------------------------------


def write_bulk_buyers(
    out: BinaryIO,
    *,
    title: str,
    unit_name: str,
    buyers: Iterable,
    names: dict[str, str],
    records: Iterable,
    clear: bool,
) -> tuple[int, int]:
    """Two sheets: the bulk buyers (figures and check), then every record of theirs one by
    one. Returns (buyers, records) written."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        purposes = {p.value: str(label) for p, label in BUYER_PURPOSE_LABELS.items()}
    counts = [0, 0]
    with workbook(out, title=title) as book:
        styles = Styles(book)
        first = Sheet(
            book,
            styles,
            "大宗用户",
            [
                Column("序号", 6, "int"),
                Column("购买人", 24),
                Column("类型", 8, "center"),
                Column("购买台数", 10, "int"),
                Column("购买次数", 10, "int"),
                Column("单次最多台数", 12, "int"),
                Column("核查情况", 12, "center"),
                Column("购买用途", 10, "center"),
                Column("保留待进一步核查", 14, "center"),
            ],
        )
        first.start(title, f"核查单位：{unit_name}")
        for n, row in enumerate(buyers, 1):
            organisation = is_organisation_key(row.buyer_key)
            name = names.get(row.buyer_key, "")
            first.add(
                [
                    n,
                    shown_buyer_name(name, buyer_key=row.buyer_key, clear=clear),
                    "单位" if organisation else "个人",
                    row.units,
                    row.purchases,
                    row.largest,
                    "已核查" if row.check_id else "未核查",
                    purposes.get(row.purpose, "") if row.check_id else "",
                    ("是" if row.retained else "否") if row.check_id else "",
                ]
            )
            counts[0] += 1
        second = Sheet(
            book,
            styles,
            "购买记录",
            [
                Column("序号", 6, "int"),
                Column("消费者名称", 16),
                Column("联系人", 10),
                Column("联系电话", 15, "code"),
                Column("证件号码", 20, "code"),
                Column("详细地址", 30),
                Column("生产企业名称", 20),
                Column("规格型号", 14),
                Column("产品唯一编码", 22, "code"),
                Column("销售时间", 12, "center"),
                Column("发票号", 14, "code"),
                Column("终端销售商名称", 20),
            ],
        )
        second.start("大宗用户购买记录", f"核查单位：{unit_name}")
        for n, row in enumerate(records, 1):
            shown = personal(row, clear)
            second.add(
                [
                    n,
                    shown["consumer_name"],
                    shown["contact"],
                    shown["phone"],
                    shown["id_number"],
                    shown["address"],
                    row.manufacturer,
                    row.model,
                    row.product_code,
                    _date(row.sold_on),
                    row.invoice_no,
                    row.dealer_name,
                ]
            )
            counts[1] += 1
    return counts[0], counts[1]


# -- reconciliation ---------------------------------------------------------------------------

#: Column headers of each stage in the reconciliation table (seed 002's table names).
STAGE_HEADERS = {
    "production": "生产量（附表3-3）",
    "dealer_purchases": "终端销售商进货（附表3-5）",
    "consumer_sales": "消费者销售（附表3-6）",
    "producer_stock": "生产企业库存（附表3-1）",
    "outlet_stock": "销售机构库存（附表3-2）",
}


def _status(line: Line) -> str:
    labels = sorted({s.status.label for s in line.stages if s.status != LineStatus.EQUAL})
    return "；".join(labels) or LineStatus.EQUAL.label


def write_reconciliation(
    out: BinaryIO, *, title: str, unit_name: str, stages: Sequence[str], lines: Iterable[Line]
) -> int:
    """One row per manufacturer and model: declared shipments, each stage's count and its
    difference (stage − declared), the status. ``stages`` are stage keys in column order."""
    columns = [
        Column("生产企业", 24),
        Column("规格型号", 16),
        Column("申报出货量（附表3-4）", 12, "int"),
    ]
    for key in stages:
        columns += [Column(STAGE_HEADERS[key], 12, "int"), Column("差异", 8, "int")]
    columns.append(Column("核对结果", 16, "center"))
    rows = 0
    with workbook(out, title=title) as book:
        sheet = Sheet(book, Styles(book), "核对", columns)
        sheet.start(title, f"核查单位：{unit_name}")
        for line in lines:
            values: list = [line.manufacturer, line.model, line.declared]
            for key in stages:
                stage = line.stage(key)
                values += [stage.count, stage.difference] if stage else [0, -line.declared]
            values.append(_status(line))
            sheet.add(values)
            rows += 1
        sheet.note(
            "只核对各环节的数量和型号，不要求产品唯一编码逐一对应（核查通知第二（三）项）。"
            "差异 = 环节数量 − 申报出货量。"
        )
    return rows
