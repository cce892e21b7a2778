"""The category-五 result table in the annexes' official style: a province's table, or the
national summary followed by every province's table (xlsxwriter, constant memory).

The columns are defined once here, like the annexes' layouts; cells are computed from
``results.ResultRow`` and ``results.ResultSummary``. Table text is the official Chinese form
whatever the reader's language.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..annexes import builder
from ..annexes.layouts import Column, Table
from ..annexes.service import chinese_date
from .results import ResultRow, ResultSummary, summarise, violation_year


@dataclass(frozen=True)
class _Line:
    seq: int
    row: ResultRow


@dataclass(frozen=True)
class _ProvinceLine:
    seq: int
    province: str
    summary: ResultSummary
    reported_on: date | None


def _cell(attr: str):
    return lambda line, _facts: getattr(line.row, attr)


HANDLING_GROUP = "处理情况"

PROVINCE_TABLE = Table(
    number=None,
    sheet="专项监察五结果",
    title="{province}{violation_year}年违规企业整改落实情况专项监察结果表",
    info_left="填报单位（盖章）：",
    info_right="填报日期：{reported_on}",
    columns=(
        Column("seq", "序号", 6, lambda line, _f: line.seq, "int"),
        Column(
            "enterprise",
            "企业名称",
            28,
            _cell("enterprise"),
            total=lambda summary, _s: summary.enterprises,
            total_format='"涉及企业"0"家"',
        ),
        Column("credit_code", "统一社会信用代码", 21, _cell("credit_code"), "code"),
        Column(
            "violation_type", "{violation_year}年违规类型", 14, _cell("violation_type"), "center"
        ),
        Column(
            "number",
            "整改通知书编号",
            22,
            _cell("number"),
            "center",
            total=lambda summary, _s: summary.notices,
            total_format='0"份"',
        ),
        Column(
            "deadline_on",
            "整改期限",
            12,
            lambda line, _f: (
                line.row.deadline_on.isoformat() + ("（已延期）" if line.row.extended else "")
            ),
            "center",
        ),
        Column("report", "企业整改报告", 16, lambda line, _f: line.row.report_text, "center"),
        Column(
            "reinspected_on",
            "回头看日期",
            12,
            lambda line, _f: line.row.reinspected_on.isoformat() if line.row.reinspected_on else "",
            "center",
        ),
        Column(
            "result",
            "整改结果",
            12,
            lambda line, _f: line.row.result_text,
            "center",
            total=lambda summary, _s: summary.text,
        ),
        Column(
            "penalty_number", "处罚决定书文号", 20, _cell("penalty_number"), group=HANDLING_GROUP
        ),
        Column(
            "penalty_amount",
            "罚款金额（元）",
            14,
            _cell("penalty_amount"),
            "money",
            HANDLING_GROUP,
            total="sum",
        ),
        Column(
            "ladder_price",
            "执行阶梯电价",
            10,
            _cell("ladder_price_applied"),
            "center",
            HANDLING_GROUP,
        ),
        Column("referral", "移送", 16, _cell("referral"), group=HANDLING_GROUP),
        Column(
            "remarks",
            "备注",
            24,
            lambda line, _f: "；".join(t for t in (line.row.remarks, line.row.decision_notes) if t),
        ),
    ),
    notes=(
        "注：1. 本表逐份列出{violation_year}年专项节能监察中下达的限期整改通知书及其落实情况。",
        "2. 整改期限为现行有效的期限；经批准延期的为延期后的期限，并注明“已延期”。",
        "3. 整改结果以回头看复查结论为准，分已整改、部分整改、未整改；尚未复查的填“未复查”。"
        "对未按要求整改或整改不到位的，填写依法处理情况（处罚决定书文号、罚款金额、"
        "是否执行阶梯电价、移送部门）。",
    ),
    freeze_columns=2,
)

RESULTS_GROUP = "整改结果（份）"

NATIONAL_TABLE = Table(
    number=None,
    sheet="全国汇总",
    title="{violation_year}年违规企业整改落实情况专项监察结果全国汇总表",
    info_left="汇总单位：工业和信息化部节能与综合利用司",
    info_right="汇总日期：{today}",
    columns=(
        Column("seq", "序号", 6, lambda line, _f: line.seq, "int"),
        Column("province", "省（自治区、直辖市）", 22, lambda line, _f: line.province),
        Column(
            "enterprises",
            "违规企业（家）",
            10,
            lambda line, _f: line.summary.enterprises,
            "int",
            total="sum",
        ),
        Column(
            "notices",
            "整改通知书（份）",
            10,
            lambda line, _f: line.summary.notices,
            "int",
            total="sum",
        ),
        Column(
            "rectified",
            "已整改",
            8,
            lambda line, _f: line.summary.rectified,
            "int",
            RESULTS_GROUP,
            total="sum",
        ),
        Column(
            "partly",
            "部分整改",
            8,
            lambda line, _f: line.summary.partly,
            "int",
            RESULTS_GROUP,
            total="sum",
        ),
        Column(
            "not_rectified",
            "未整改",
            8,
            lambda line, _f: line.summary.not_rectified,
            "int",
            RESULTS_GROUP,
            total="sum",
        ),
        Column(
            "not_reviewed",
            "未复查",
            8,
            lambda line, _f: line.summary.not_reviewed,
            "int",
            RESULTS_GROUP,
            total="sum",
        ),
        Column(
            "penalties",
            "罚款金额（元）",
            14,
            lambda line, _f: line.summary.penalties,
            "money",
            total="sum",
        ),
        Column(
            "reported",
            "报送状态",
            10,
            lambda line, _f: "已报送" if line.reported_on else "未报送",
            "center",
        ),
        Column(
            "reported_on",
            "报送日期",
            12,
            lambda line, _f: line.reported_on.isoformat() if line.reported_on else "",
            "center",
        ),
    ),
    notes=(
        "注：1. 违规企业按省分别去重计数，合计为各省之和；各省明细见后附各省结果表。",
        "2. 整改结果以回头看复查结论为准；罚款金额为已记录的行政处罚决定罚款之和。",
    ),
    total_label_span=2,
    freeze_columns=2,
)


def file_name(plan_year: int, province: str | None = None) -> str:
    year = violation_year(plan_year)
    if province is None:
        return f"{year}年违规企业整改落实情况专项监察结果全国汇总表.xlsx"
    return f"{province}{year}年违规企业整改落实情况专项监察结果表.xlsx"


def _write_province(book, styles, plan_year, province, rows, reported_on, *, sheet=None):
    fields = {
        "province": province,
        "violation_year": violation_year(plan_year),
        "reported_on": chinese_date(reported_on),
    }
    writer = builder.TableWriter(book, styles, PROVINCE_TABLE, sheet_name=sheet, fields=fields)
    writer.start()
    for seq, row in enumerate(rows, 1):
        writer.add(_Line(seq, row))
    writer.finish(summarise(rows))


def province_workbook(
    plan_year: int, province: str, rows: Sequence[ResultRow], *, reported_on: date | None
) -> io.BytesIO:
    """A province's result table (``rows`` from ``results.result_rows``)."""
    out = io.BytesIO()
    with builder.workbook(out, title=file_name(plan_year, province)) as book:
        _write_province(book, builder.Styles(book), plan_year, province, rows, reported_on)
    out.seek(0)
    return out


def national_workbook(
    plan_year: int,
    provinces: Sequence[tuple[int, str]],
    rows_by_province: dict[int, list[ResultRow]],
    reported_on: dict[int, date],
    *,
    today: date | None,
) -> io.BytesIO:
    """全国汇总 (one line per province, 合计), then each province's table on its own sheet."""
    out = io.BytesIO()
    with builder.workbook(out, title=file_name(plan_year)) as book:
        styles = builder.Styles(book)
        fields = {"violation_year": violation_year(plan_year), "today": chinese_date(today)}
        national = builder.TableWriter(book, styles, NATIONAL_TABLE, fields=fields)
        national.start()
        for seq, (province_id, name) in enumerate(provinces, 1):
            rows = rows_by_province.get(province_id, [])
            day = reported_on.get(province_id)
            _write_province(book, styles, plan_year, name, rows, day, sheet=name[:31])
            national.add(_ProvinceLine(seq, name, summarise(rows), day))
        national.finish()
    out.seek(0)
    return out
