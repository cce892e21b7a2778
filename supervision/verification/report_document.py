"""The unit's 核查报告 to the ministry as a .docx (python-docx, built into a buffer; a thin view
sends it): title, how the checks were organised, the figures in tables, the problems found and
the suggestions. The wording is an official document's, not interface text: not translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..annexes.service import chinese_date
from .results_book import METHOD, OUTCOME, TARGET, TASK_STATUS
from .rules.results import Figures

ADDRESSEE = "工业和信息化部节能与综合利用司："
BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(12)  # 小四


def report_title(unit_name: str) -> str:
    return f"{unit_name}节能产品惠民工程推广信息核查报告"


@dataclass(frozen=True)
class TaskLine:
    target: str
    agency: str
    people: str
    status: str


@dataclass(frozen=True)
class ReportText:
    unit: str
    campaign: str
    notice_number: str
    sales_from: date
    sales_to: date
    summary: str
    problems: str
    suggestions: str
    figures: Figures
    tasks: list[TaskLine]
    #: The figures are those submitted (False: a draft with the figures as they are now).
    submitted: bool
    dated: date | None


def _fonts(element, east_asian: str) -> None:
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _paragraph(document, text="", *, align=None, bold=False, size=None, font=None, indent=False):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        if size is not None:
            run.font.size = size
            if size > BODY_SIZE:
                fmt.line_spacing = Pt(36)
        if font is not None:
            _fonts(run._element, font)
    return paragraph


def _text(document, text: str, fallback: str) -> None:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines or [fallback]:
        _paragraph(document, line, indent=True)


def _table(document, header: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(value))
            run.font.size = TABLE_SIZE
            run.bold = r == 0
            cell.paragraphs[0].paragraph_format.line_spacing = Pt(18)
            if c > 0 or r == 0:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document)


def _figure_tables(document, f: Figures) -> None:
    r = f.records
    _paragraph(document, "（一）推广信息报送情况", indent=True, font=HEADING_FONT)
    _table(
        document,
        ["报表", "条数"],
        [
            ["生产企业库存情况（附表3-1）", r["producer_stock"]],
            ["销售机构库存信息（附表3-2）", r["outlet_stock"]],
            ["入围企业生产情况（附表3-3）", r["production"]],
            ["入围企业出货情况（附表3-4）", r["shipments"]],
            ["终端销售商进货信息（附表3-5）", r["dealer_purchases"]],
            ["消费者销售及安装信息（附表3-6）", r["consumer_sales"]],
            ["合计", f.sales_records],
        ],
    )
    reconciled = f.reconciliation_differences
    _paragraph(document, "（二）生产企业和销售网点核查", indent=True, font=HEADING_FONT)
    _table(
        document,
        ["核查内容", "数量"],
        [
            ["与申报出货数量不符的型号（个）", "未对账" if reconciled is None else reconciled],
            ["补贴申报（份）", f.claims],
            ["已核查补贴申报（份）", f.claims_checked],
            ["核查有差异的补贴申报（份）", f.claims_with_differences],
        ],
    )
    _paragraph(document, "（三）终端用户核查", indent=True, font=HEADING_FONT)
    _table(
        document,
        ["核查内容", "数量"],
        [
            ["大宗用户（户）", f.bulk_buyers],
            ["已核查大宗用户（户）", f.bulk_buyers_checked],
            ["抽样有效信息总数（条）", f.population],
            ["补抽（条）", f.top_ups],
        ],
    )
    outcomes = list(OUTCOME)
    _table(
        document,
        ["核查方式", "抽取", *(OUTCOME[o] for o in outcomes)],
        [
            [METHOD[m], getattr(f, f"{m}_drawn"), *(f.outcome(m, o) for o in outcomes)]
            for m in ("phone", "visit")
        ],
    )


def report_docx(text: ReportText) -> BytesIO:
    """The report on A4 with 公文 margins, ready to edit, print and seal."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.font.name = LATIN_FONT
    _fonts(normal.element, BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    title = report_title(text.unit)
    properties = document.core_properties
    properties.title = title
    properties.author = text.unit
    properties.subject = text.campaign

    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, title, align=center, bold=True, size=TITLE_SIZE, font=TITLE_FONT)
    if not text.submitted:
        _paragraph(document, "（草稿：数据为系统中的当前数据）", align=center)
    _paragraph(document)
    _paragraph(document, ADDRESSEE)
    notice = f"（{text.notice_number}）" if text.notice_number else ""
    _paragraph(
        document,
        f"根据《{text.campaign}》通知{notice}要求，我单位对"
        f"{chinese_date(text.sales_from)}至{chinese_date(text.sales_to)}的推广信息开展了核查，"
        "现将有关情况报告如下：",
        indent=True,
    )
    _paragraph(document, "一、核查工作开展情况", indent=True, font=HEADING_FONT)
    _text(document, text.summary, "（未填写）")
    if text.tasks:
        _table(
            document,
            ["核查对象", "核查机构", "核查人员", "完成情况"],
            [[t.target, t.agency, t.people, t.status] for t in text.tasks],
        )
    _paragraph(document, "二、核查结果", indent=True, font=HEADING_FONT)
    _figure_tables(document, text.figures)
    _paragraph(document, "三、发现的问题", indent=True, font=HEADING_FONT)
    _text(document, text.problems, "无。")
    _paragraph(document, "四、意见建议", indent=True, font=HEADING_FONT)
    _text(document, text.suggestions, "无。")
    for _ in range(2):
        _paragraph(document)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(document, text.unit, align=right)
    _paragraph(document, chinese_date(text.dated), align=right)

    buffer = BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def task_line(task) -> TaskLine:
    return TaskLine(
        target=TARGET[task.target.value],
        agency=task.agency.name if task.agency else "",
        people="、".join(p.full_name for p in task.people),
        status=TASK_STATUS[task.status.value],
    )
