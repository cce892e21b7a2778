"""The annual summary's workbooks in the annexes' official style (xlsxwriter, constant memory):
a province's list of the enterprises actually supervised with their results, plus the summary
table; and the ministry's national roll-up. Columns are defined once here, like the annexes'
layouts; table text is the official Chinese form whatever the reader's language."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..annexes import builder
from ..annexes.layouts import Column, Table
from ..annexes.service import chinese_date
from ..core.clock import local_date
from . import rules
from .figures_data import SummaryFigures, national_rollup
from .models import AnnualSummary

# -- a province's results list ------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    seq: int
    line: object  # figures.CaseLine


def _of(attr: str):
    return lambda row, _facts: getattr(row.line, attr)


RESULTS_TABLE = Table(
    number=None,
    sheet="监察结果",
    title="{title}",
    info_left="填报单位（盖章）：{province}",
    info_right="填报日期：{filed_on}",
    columns=(
        Column("seq", "序号", 6, lambda row, _f: row.seq, "int"),
        Column(
            "enterprise",
            "企业名称",
            28,
            _of("enterprise"),
            total=lambda figures, _s: len(figures.rows),
            total_format='"共"0"家次"',
        ),
        Column("credit_code", "统一社会信用代码", 21, _of("credit_code"), "code"),
        Column("division_code", "所在地（行政区划代码）", 12, _of("division_code"), "code"),
        Column("kind", "监察类型", 14, _of("kind"), "center"),
        Column("agency", "承担机构", 22, _of("agency")),
        Column(
            "visit_on",
            "监察日期",
            12,
            lambda row, _f: row.line.visit_on.isoformat() if row.line.visit_on else "",
            "center",
        ),
        Column(
            "result",
            "监察结果",
            10,
            _of("result"),
            "center",
            total=lambda figures, _s: sum(1 for r in figures.rows if r.finding_kinds),
            total_format='"发现问题"0"家次"',
        ),
        Column("findings", "发现问题", 30, _of("findings")),
        Column(
            "notices",
            "整改通知书编号",
            22,
            _of("notices"),
            "center",
            total=lambda figures, _s: sum(len(r.notice_numbers) for r in figures.rows),
            total_format='0"份"',
        ),
        Column("rectification", "整改情况", 16, _of("rectification"), "center"),
    ),
    notes=(
        "注：1. 本表逐一列出本年度实际监察的企业（专项监察和日常节能监察），"
        "同一企业在不同监察中被监察的分别列出。",
        "2. 监察结果“符合”指未发现违法违规问题；发现问题的，列出问题类型。",
        "3. 整改情况以限期整改通知书的办理状态为准，已整改指回头看复查结论为全部整改到位。",
    ),
    freeze_columns=2,
)


@dataclass(frozen=True)
class _TallyRow:
    label: str
    tally: rules.Tally
    strong: bool = False
    in_total: bool = True


def _count(attr: str, header: str) -> Column:
    return Column(attr, header, 12, lambda row, _f: getattr(row.tally, attr), "int", total="sum")


TALLY_COLUMNS = (
    _count("tasks", "任务数"),
    _count("inspected", "实际监察"),
    _count("violations", "发现违规"),
    _count("notices", "下达整改通知（份）"),
    _count("rectified", "已整改（份）"),
)

SUMMARY_TABLE = Table(
    number=None,
    sheet="汇总",
    title="{province}{year}年工业节能监察情况汇总表",
    info_left="填报单位（盖章）：{province}",
    info_right="填报日期：{filed_on}",
    columns=(Column("label", "监察类别", 40, lambda row, _f: row.label), *TALLY_COLUMNS),
    notes=rules.DEFINITIONS,
    freeze_columns=1,
)


def _tally_rows(figures: SummaryFigures) -> list[_TallyRow]:
    return [
        *(_TallyRow(line.heading, line) for line in figures.categories),
        _TallyRow("专项监察小计", figures.special, strong=True, in_total=False),
        _TallyRow("日常节能监察", figures.daily),
    ]


class _AnnexWriter(builder.TableWriter):
    """A table headed 附件 (the annex the report refers to, which has no number)."""

    def start(self) -> None:
        builder.put(self.ws, self._next_row(24), 0, "附件", self.styles.label)
        super().start()


def results_file_name(province: str, year: int) -> str:
    return f"{rules.results_title(province, year)}.xlsx"


def build_results(summary: AnnualSummary, figures: SummaryFigures) -> bytes:
    """The results list (附件) and the summary table (汇总) as .xlsx bytes."""
    filed_on: date | None = None
    if summary.is_locked and summary.submitted_at is not None:
        filed_on = local_date(summary.submitted_at)
    fields = {
        "title": rules.results_title(figures.province, figures.year),
        "province": figures.province,
        "year": figures.year,
        "filed_on": chinese_date(filed_on),
    }
    out = io.BytesIO()
    with builder.workbook(out, title=fields["title"]) as book:
        styles = builder.Styles(book)
        writer = _AnnexWriter(book, styles, RESULTS_TABLE, fields=fields)
        writer.start()
        for seq, line in enumerate(figures.rows, 1):
            writer.add(_Row(seq, line))
        writer.finish(figures)
        tallies = builder.TableWriter(book, styles, SUMMARY_TABLE, fields=fields)
        tallies.start()
        for row in _tally_rows(figures):
            tallies.add(row)
        tallies.finish(figures)
    return out.getvalue()


# -- the national roll-up ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Province:
    seq: int
    province: str
    figures: SummaryFigures


def _special(attr: str, header: str) -> Column:
    return Column(
        f"special_{attr}",
        header,
        10,
        lambda row, _f: getattr(row.figures.special, attr),
        "int",
        "专项监察",
        total="sum",
    )


def _daily(attr: str, header: str) -> Column:
    return Column(
        f"daily_{attr}",
        header,
        10,
        lambda row, _f: getattr(row.figures.daily, attr),
        "int",
        "日常节能监察",
        total="sum",
    )


def _followup(attr: str, header: str, kind: str = "int") -> Column:
    return Column(
        attr,
        header,
        12,
        lambda row, _f: getattr(row.figures.followup, attr),
        kind,
        "监察结果运用",
        total="sum",
    )


NATIONAL_TABLE = Table(
    number=None,
    sheet="全国汇总",
    title="{year}年工业节能监察工作总结全国汇总表",
    info_left="汇总单位：工业和信息化部节能与综合利用司",
    info_right="汇总日期：{today}",
    columns=(
        Column("seq", "序号", 6, lambda row, _f: row.seq, "int"),
        Column("province", "省（自治区、直辖市）", 20, lambda row, _f: row.province),
        _special("tasks", "任务数"),
        _special("inspected", "实际监察"),
        _special("violations", "发现违规"),
        _special("notices", "下达整改通知（份）"),
        _special("rectified", "已整改（份）"),
        _daily("draws", "抽查批次"),
        _daily("tasks", "抽取企业"),
        _daily("inspected", "实际监察"),
        _daily("violations", "发现违规"),
        _daily("notices", "下达整改通知（份）"),
        _daily("rectified", "已整改（份）"),
        _followup("suggestions", "改进建议（条）"),
        _followup("referrals", "节能诊断（项）"),
        _followup("estimated_savings_tce", "预计节能量（吨标准煤/年）", "money"),
        _followup("excellent_nominated", "推荐优秀案例（个）"),
        Column(
            "funds_used",
            "本年使用监察经费（万元）",
            14,
            lambda row, _f: row.figures.funds.used,
            "money",
            total="sum",
        ),
    ),
    notes=(
        "注：各省数据为其报送的年度工作总结中的数据，合计为各省之和。",
        *rules.DEFINITIONS[1:],
    ),
    total_label_span=2,
    freeze_columns=2,
)


def _category_table(numbers: Sequence[tuple[int, str]]) -> Table:
    """One row per province, a five-column group per special-supervision category."""
    columns = [
        Column("seq", "序号", 6, lambda row, _f: row.seq, "int"),
        Column("province", "省（自治区、直辖市）", 20, lambda row, _f: row.province),
    ]
    for number, name in numbers:
        group = rules.category_heading(number, name)
        for attr, header in (
            ("tasks", "任务数"),
            ("inspected", "实际监察"),
            ("violations", "发现违规"),
            ("notices", "整改通知"),
            ("rectified", "已整改"),
        ):
            columns.append(
                Column(
                    f"c{number}_{attr}",
                    header,
                    9,
                    lambda row, _f, n=number, a=attr: _category_value(row.figures, n, a),
                    "int",
                    group,
                    total="sum",
                )
            )
    return Table(
        number=None,
        sheet="分类别汇总",
        title="{year}年专项监察分类别全国汇总表",
        info_left="汇总单位：工业和信息化部节能与综合利用司",
        info_right="汇总日期：{today}",
        columns=tuple(columns),
        total_label_span=2,
        freeze_columns=2,
    )


def _category_value(figures: SummaryFigures, number: int, attr: str) -> int:
    line = next((c for c in figures.categories if c.number == number), None)
    return getattr(line, attr) if line is not None else 0


def national_file_name(year: int) -> str:
    return f"{year}年工业节能监察工作总结全国汇总表.xlsx"


def build_national(
    year: int, items: Sequence[tuple[str, SummaryFigures]], *, today: date | None = None
) -> bytes:
    """全国汇总 (one row per province, 合计) and 分类别汇总 (per category) as .xlsx bytes."""
    rollup = national_rollup(items, year=year)
    fields = {"year": year, "today": chinese_date(today)}
    lines = [_Province(seq, name, figures) for seq, (name, figures) in enumerate(items, 1)]
    out = io.BytesIO()
    with builder.workbook(out, title=national_file_name(year)) as book:
        styles = builder.Styles(book)
        for table in (
            NATIONAL_TABLE,
            _category_table([(c.number, c.name) for c in rollup.categories]),
        ):
            writer = builder.TableWriter(book, styles, table, fields=fields)
            writer.start()
            for line in lines:
                writer.add(line)
            writer.finish()
    return out.getvalue()
