"""The review's results as a workbook (.xlsx, xlsxwriter in constant memory, built into a buffer;
a thin view sends it): the ranking with every member's total, and the detailed sheets by
candidate and member. Read from a report snapshot (``reporting.snapshot``), so the workbook,
the page and the report show the same figures."""

from __future__ import annotations

import io
from decimal import Decimal

from ..annexes.builder import Styles, put, workbook


def results_title(title: str) -> str:
    """ "…企业评审" → "…企业评审结果"; any other title → "…评审结果"."""
    return f"{title}结果" if title.endswith("评审") else f"{title}评审结果"


def file_name(title: str) -> str:
    return f"{results_title(title)}.xlsx"


def _number(text):
    return None if text in (None, "") else Decimal(text)


def _ranking_sheet(book, styles: Styles, content: dict) -> None:
    ws = book.add_worksheet("评审结果")
    members = content["members"]
    header = [
        "排序",
        "申请单位",
        "英文简称",
        *(m["name"] for m in members),
        "评委平均分",
        "价格得分",
        "最后得分",
        "申请资金（万元）",
        "累计（万元）",
        "资金规模内",
    ]
    widths = [6, 36, 12, *(9 for _ in members), 10, 9, 10, 12, 12, 10]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    last = len(header) - 1
    ws.set_row(0, 36)
    ws.merge_range(0, 0, 0, last, results_title(content["review"]["title"]), styles.title)
    review = content["review"]
    info = f"评审日期：{review['meets_on']}    资金规模：{review['funding_cap_wan'] or '—'} 万元"
    if review.get("max_selected"):
        info += f"    征集上限：{review['max_selected']} 家"
    ws.merge_range(1, 0, 1, last, info, styles.info_left)
    for col, text in enumerate(header):
        put(ws, 2, col, text, styles.header)
    text, center = styles.cell("text"), styles.cell("center")
    one = styles.cell("center", num_format="0.0")
    two = styles.cell("center", num_format="0.00")
    money = styles.cell("money")
    for n, r in enumerate(content["ranking"], start=3):
        in_cap = "是" if r["within_cap"] else ("并列，待征集人确定" if r["tie_at_cap"] else "否")
        values = [
            (r["rank"], center),
            (r["name"], text),
            (r["short_name_en"], center),
            *((_number(r["totals"].get(str(m["member_id"]))), one) for m in members),
            (_number(r["mean"]), two),
            (_number(r["price"]), two),
            (_number(r["final"]), two),
            (_number(r["requested_wan"]), money),
            (_number(r["cumulative_wan"]), money),
            (in_cap, center),
        ]
        for col, (value, fmt) in enumerate(values):
            put(ws, n, col, value, fmt, styles)
    note_row = 3 + len(content["ranking"]) + 1
    ws.merge_range(
        note_row,
        0,
        note_row,
        last,
        "评委评分保留小数点后一位，价格计分和最后得分保留小数点后二位，四舍五入；"
        "最后得分为各评委评分的算术平均值加价格得分。",
        styles.note,
    )


def _detail_sheet(book, styles: Styles, content: dict) -> None:
    ws = book.add_worksheet("评分明细")
    items = [i for i in content["items"] if not i.get("price")]
    header = [
        "申请单位",
        "评审委员",
        *(f"{i['name']}（{i['max_points']}分）" for i in items),
        "评委评分",
        "评审意见",
    ]
    widths = [36, 10, *(12 for _ in items), 10, 40]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    for col, value in enumerate(header):
        put(ws, 0, col, value, styles.header)
    names = {c["candidate_id"]: c["name"] for c in content["candidates"]}
    members = {m["member_id"]: m["name"] for m in content["members"]}
    text, one = styles.cell("text"), styles.cell("center", num_format="0.0")
    for n, sheet in enumerate(content["sheets"], start=1):
        values = [
            (names.get(sheet["candidate_id"], ""), text),
            (members.get(sheet["member_id"], ""), text),
            *((_number(sheet["points"].get(i["key"])), one) for i in items),
            (_number(sheet["total"]), one),
            (sheet["comment"], text),
        ]
        for col, (value, fmt) in enumerate(values):
            put(ws, n, col, value, fmt, styles)


def results_workbook(content: dict) -> io.BytesIO:
    """评审结果 (ranking) and 评分明细 (every sheet) of one review."""
    buffer = io.BytesIO()
    with workbook(buffer, title=results_title(content["review"]["title"])) as book:
        styles = Styles(book)
        _ranking_sheet(book, styles, content)
        _detail_sheet(book, styles, content)
    buffer.seek(0)
    return buffer
