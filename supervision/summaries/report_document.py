"""The annual summary report (年度工作总结报告, seed 004 §四(三)) as a .docx in the official
layout (python-docx, built into bytes; a thin view sends it): title, addressee, seven numbered
sections with the figures in tables, the annex reference and the signature. The wording is an
official document's, not interface text: not translated."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from ..annexes.service import chinese_date
from ..core.clock import local_date
from ..verification.report_document import (
    ADDRESSEE,
    BODY_FONT,
    BODY_SIZE,
    HEADING_FONT,
    LATIN_FONT,
    TITLE_FONT,
    TITLE_SIZE,
    _fonts,
    _paragraph,
    _table,
    _text,
)
from . import rules
from .figures_data import SummaryFigures
from .models import AnnualSummary

EMPTY = "（未填写）"
#: The numbered sections, in order.
SECTIONS = (
    "一、专项监察工作总结",
    "二、日常监察工作总结",
    "三、节能监察体制机制建设",
    "四、能力建设与信息化",
    "五、监察结果运用",
    "六、经费使用情况",
    "七、存在问题及意见建议",
)
TALLY_HEADER = ["监察类别", "任务数", "实际监察", "发现违规", "下达整改通知", "已整改"]


def money(value) -> str:
    """万元 as the report prints it; "—" when not filled in."""
    return "—" if value is None else f"{value:,.2f}"


def _heading(document, text: str) -> None:
    _paragraph(document, text, indent=True, font=HEADING_FONT)


def _subheading(document, text: str) -> None:
    _paragraph(document, text, indent=True, font=BODY_FONT, bold=True)


def _tally_row(label: str, t: rules.Tally) -> list:
    return [label, t.tasks, t.inspected, t.violations, t.notices, t.rectified]


def _special(document, figures: SummaryFigures, text: str) -> None:
    _heading(document, SECTIONS[0])
    _text(document, text, EMPTY)
    s = figures.special
    _paragraph(
        document,
        f"全年承担专项监察任务{s.tasks}项，实际监察{s.inspected}项"
        f"（完成率{rules.rate(s.inspected, s.tasks)}），发现违规{s.violations}项，"
        f"下达限期整改通知书{s.notices}份，已整改{s.rectified}份。各类别情况如下表：",
        indent=True,
    )
    _table(
        document,
        TALLY_HEADER,
        [*(_tally_row(line.heading, line) for line in figures.categories), _tally_row("合计", s)],
    )
    _paragraph(document, "".join(rules.DEFINITIONS), size=Pt(12))


def _daily(document, figures: SummaryFigures, text: str) -> None:
    _heading(document, SECTIONS[1])
    _text(document, text, EMPTY)
    d = figures.daily
    _paragraph(
        document,
        f"全年组织“双随机”抽查{d.draws}批次，抽取企业{d.drawn}家，实际监察{d.inspected}家，"
        f"发现违规{d.violations}家，下达限期整改通知书{d.notices}份，已整改{d.rectified}份；"
        f"{d.published}批次抽查结果已向社会公开。",
        indent=True,
    )
    _table(
        document,
        ["抽查批次", "抽取企业", "实际监察", "发现违规", "下达整改通知", "已整改", "结果已公开"],
        [[d.draws, d.drawn, d.inspected, d.violations, d.notices, d.rectified, d.published]],
    )


def _results_use(document, figures: SummaryFigures) -> None:
    _heading(document, SECTIONS[4])
    f = figures.followup
    _paragraph(
        document,
        f"针对监察中发现的不合理用能行为提出改进建议{f.suggestions}条；推荐{f.referrals}项"
        f"问题开展节能诊断，已完成诊断{f.diagnosed}项、实施节能改造{f.retrofitted}项，"
        f"预计节能量{f.estimated_savings_tce}吨标准煤/年，已实现节能量"
        f"{f.actual_savings_tce}吨标准煤/年；推荐节能监察优秀案例{f.excellent_nominated}个，"
        f"其中入选{f.excellent_selected}个、已发布{f.excellent_published}个。",
        indent=True,
    )
    _table(
        document,
        ["项目", "数量"],
        [
            ["改进建议（条）", f.suggestions],
            ["推荐节能诊断（项）", f.referrals],
            ["已完成节能诊断（项）", f.diagnosed],
            ["已实施节能改造（项）", f.retrofitted],
            ["预计节能量（吨标准煤/年）", f.estimated_savings_tce],
            ["实际节能量（吨标准煤/年）", f.actual_savings_tce],
            ["推荐优秀案例（个）", f.excellent_nominated],
            ["入选优秀案例（个）", f.excellent_selected],
            ["已发布优秀案例（个）", f.excellent_published],
        ],
    )


def _funds(document, figures: SummaryFigures, text: str) -> None:
    _heading(document, SECTIONS[5])
    f = figures.funds
    _table(
        document,
        ["项目", "金额（万元）"],
        [
            ["前期节能监察补助资金", money(f.earlier_received)],
            ["前期补助资金已使用", money(f.earlier_used)],
            ["结转结余资金", money(f.carried_over_balance)],
            ["本年安排使用结转结余资金", money(f.carried_over_planned)],
            ["申请本年补助资金", money(f.requested)],
            ["本年实际使用监察经费", money(f.used)],
        ],
    )
    _text(document, text, EMPTY)


def _setup(document, title: str, author: str) -> None:
    """A4 with 公文 margins, 仿宋 三号 body, fixed 28 pt lines."""
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
    document.core_properties.title = title
    document.core_properties.author = author


def build_report(summary: AnnualSummary, figures: SummaryFigures, *, draft: bool | None = None):
    """The report as .docx bytes. ``draft`` (default: while the summary is not submitted)
    marks it as built from the current data and leaves the date blank."""
    if draft is None:
        draft = not summary.is_locked
    province, year = figures.province, figures.year
    title = rules.report_title(province, year)
    document = Document()
    _setup(document, title, province)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT

    _paragraph(document, title, align=center, bold=True, size=TITLE_SIZE, font=TITLE_FONT)
    if draft:
        _paragraph(document, "（草稿：数据为系统中的当前数据）", align=center)
    _paragraph(document)
    _paragraph(document, ADDRESSEE)
    plan = summary.plan
    basis = f"《{plan.title}》（{plan.document_number}）" if plan is not None else "年度工作计划"
    _paragraph(
        document,
        f"根据{basis}要求，现将{province}{year}年工业节能监察工作情况报告如下：",
        indent=True,
    )
    _special(document, figures, summary.special_text)
    _daily(document, figures, summary.daily_text)
    _heading(document, SECTIONS[2])
    _text(document, summary.mechanism_text, EMPTY)
    _heading(document, SECTIONS[3])
    _subheading(document, "（一）能力建设与人员培训")
    _text(document, summary.training_text, EMPTY)
    _subheading(document, "（二）信息化建设")
    _text(document, summary.informatisation_text, EMPTY)
    _results_use(document, figures)
    _funds(document, figures, summary.funds_text)
    _heading(document, SECTIONS[6])
    _text(document, summary.problems_text, EMPTY)
    _paragraph(document)
    _paragraph(
        document,
        f"附件：{rules.results_title(province, year)}（共{len(figures.rows)}家次，见电子表格）",
        indent=True,
    )
    for _ in range(2):
        _paragraph(document)
    dated = None if draft or summary.submitted_at is None else local_date(summary.submitted_at)
    _paragraph(document, province, align=right)
    _paragraph(document, chinese_date(dated), align=right)

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
