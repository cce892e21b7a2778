"""The check sheet of a third-party check draw (以旧换再交易核查表): the drawn trade-ins in
drawing order with the outcomes recorded so far. Rows stream into a constant-memory worksheet
(``annexes.builder``); user text stays text. An official table: its text is Chinese whatever
the interface language. Consumer data are masked, except the phone for those who make the
calls (the view audits it)."""

from __future__ import annotations

from typing import BinaryIO
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import select

from ..annexes.builder import Styles, workbook
from ..core.models import User
from ..extensions import db
from ..verification.check_sheets import Column, Sheet
from ..verification.rules.masking import mask_id_number, mask_name, mask_phone
from .daily_models import CheckOutcome, TradeIn, TradeInCheck, TradeInCheckDraw
from .models import Outlet
from .rules.complaints import rate_percent

BATCH = 5_000
TITLE = "再制造产品“以旧换再”第三方核查表"
METHOD_NAMES = {"phone": "电话核查", "visit": "实地走访", "": ""}
#: Outcome names as printed (not the interface language's).
OUTCOME_NAMES = {
    CheckOutcome.PENDING: "待核查",
    CheckOutcome.CONFIRMED: "属实",
    CheckOutcome.UNREACHABLE: "无法联系",
    CheckOutcome.DISCREPANCY: "不符",
}

COLUMNS = [
    Column("序号", 6, "int"),
    Column("交易日期", 12, "center"),
    Column("推广网点", 22),
    Column("消费者姓名", 10),
    Column("联系电话", 15, "code"),
    Column("身份证号码", 20, "code"),
    Column("产品型号", 14),
    Column("以旧换再识别码", 15, "code"),
    Column("旧件型号", 12),
    Column("销售价格（元）", 12, "money"),
    Column("补贴金额（元）", 12, "money"),
    Column("发票号码", 14, "code"),
    Column("核查方式", 10, "center"),
    Column("核查结果", 10, "center"),
    Column("核查情况", 24),
    Column("核查时间", 16, "center"),
    Column("核查人", 10),
]


def rows_select(draw_id: int):
    return (
        select(
            TradeInCheck.position,
            TradeInCheck.method,
            TradeInCheck.outcome,
            TradeInCheck.detail,
            TradeInCheck.checked_at,
            User.full_name.label("checker"),
            TradeIn.traded_on,
            Outlet.name.label("outlet_name"),
            TradeIn.consumer_name,
            TradeIn.phone,
            TradeIn.id_number,
            TradeIn.product_model,
            TradeIn.product_code,
            TradeIn.old_part_model,
            TradeIn.price_yuan,
            TradeIn.subsidy_yuan,
            TradeIn.invoice_no,
        )
        .join(TradeIn, TradeIn.id == TradeInCheck.trade_in_id)
        .join(Outlet, Outlet.id == TradeIn.outlet_id)
        .outerjoin(User, User.id == TradeInCheck.checked_by_id)
        .where(TradeInCheck.draw_id == draw_id)
        .order_by(TradeInCheck.position, TradeInCheck.id)
        .execution_options(yield_per=BATCH)
    )


def _local(moment) -> str:
    if moment is None:
        return ""
    zone = ZoneInfo(current_app.config["TIMEZONE"]) if has_app_context() else None
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def write_check_sheet(
    out: BinaryIO, draw: TradeInCheckDraw, *, pilot_name: str, phone_clear: bool
) -> int:
    """The draw's trade-ins to check, one row each in drawing order, with what was recorded.
    Names and ID numbers masked; the phone in clear only if ``phone_clear``. Returns rows."""
    rate = f"{rate_percent(draw.rate)}%"
    rows = 0
    with workbook(out, title=TITLE) as book:
        sheet = Sheet(book, Styles(book), "核查表", COLUMNS)
        sheet.start(
            TITLE,
            f"试点企业：{pilot_name}　核查期间：{draw.period_from.isoformat()} 至 "
            f"{draw.period_to.isoformat()}",
            f"抽样编号：{draw.id}　随机种子：{draw.seed}　抽查比例：{rate}　"
            f"抽取 {draw.drawn_count} 笔 / 共 {draw.population} 笔",
        )
        for row in db.session.execute(rows_select(draw.id)):
            sheet.add(
                [
                    row.position,
                    row.traded_on.isoformat(),
                    row.outlet_name,
                    mask_name(row.consumer_name),
                    row.phone if phone_clear else mask_phone(row.phone),
                    mask_id_number(row.id_number),
                    row.product_model,
                    row.product_code,
                    row.old_part_model,
                    row.price_yuan,
                    row.subsidy_yuan,
                    row.invoice_no,
                    METHOD_NAMES.get(row.method or "", row.method),
                    OUTCOME_NAMES[CheckOutcome(row.outcome)],
                    row.detail,
                    _local(row.checked_at),
                    row.checker or "",
                ]
            )
            rows += 1
        sheet.note(
            "第三方机构按日常交易量的 5%-10% 通过电话或实地走访抽查交易的真实性，核查情况实时"
            "记录备查（《再制造产品“以旧换再”推广试点企业评审、管理、核查工作办法》第十八条）。核查结果：属实 / 无法联系 / "
            f"不符（写明不符情况）。第三方机构：{draw.agency_name or '—'}。抽样方法：{draw.method}"
        )
    return rows
