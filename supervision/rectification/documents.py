"""The printed 限期整改通知书: its text (one function for the HTML print view and the .docx)
and the .docx built with python-docx into a buffer (a thin view sends it).

The wording is the content of an official document, in the language of the law: it is not
interface text and is not translated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..inspections.rules.findings import KIND_LABELS
from . import rules
from .models import RectificationNotice

TITLE = "限期整改通知书"
LEGAL_GROUND = (
    "根据《中华人民共和国节约能源法》《工业节能管理办法》《节能监察办法》的有关规定，"
    "现责令你单位限期整改。整改要求如下："
)
CONSEQUENCE = "逾期未整改或者整改不到位的，本机构将依法依规予以处理。"


@dataclass(frozen=True)
class NoticeItemText:
    kind: str
    description: str
    basis: str


@dataclass(frozen=True)
class NoticeText:
    """Everything the printed notice says, in reading order."""

    agency: str
    number: str
    enterprise: str
    credit_code: str
    intro: str
    items: list[NoticeItemText]
    #: The violation sentence of an imported notice (no items).
    violation: str
    measures: list[str]
    deadline: str
    issued_on: str
    title: str = TITLE
    legal_ground: str = LEGAL_GROUND
    consequence: str = CONSEQUENCE
    seal: str = "（盖章）"
    receipt: list[str] = field(
        default_factory=lambda: ["签收人（签字）：", "签收日期：　　　　年　　月　　日"]
    )


def notice_text(notice: RectificationNotice) -> NoticeText:
    """The text of ``notice`` as printed: the basis of the print view and the .docx."""
    visit_on = notice.case.visit_on if notice.case is not None else None
    if visit_on is not None:
        intro = f"{rules.chinese_date(visit_on)}，本机构依法对你单位开展了节能监察。经查，你单位存在以下问题："
    else:
        intro = "经节能监察，你单位存在以下问题："
    deadline = rules.deadline_sentence(
        notice.deadline_on, notice.deadline_basis.value, notice.deadline_days
    )
    return NoticeText(
        agency=notice.agency.name,
        number=notice.number,
        enterprise=notice.enterprise.name,
        credit_code=notice.enterprise.credit_code,
        intro=intro,
        items=[
            NoticeItemText(
                kind=KIND_LABELS.get(item.kind, item.kind) if item.kind else "",
                description=item.description,
                basis=item.basis_text,
            )
            for item in notice.items
        ],
        violation=(notice.violation or "").strip(),
        measures=[line.strip() for line in notice.measures.splitlines() if line.strip()],
        deadline=f"{deadline}，并将整改情况书面报送本机构。",
        issued_on=rules.chinese_date(notice.served_on),
    )


# -- .docx ----------------------------------------------------------------------------------

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号


def _fonts(element, east_asian: str) -> None:
    """Name the fonts on a style's or run's rPr: East-Asian text (w:eastAsia) in
    ``east_asian``, digits and Latin letters in Times New Roman. Word picks the fonts by
    name, so nothing has to be installed where the document is built."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _paragraph(
    document,
    text: str = "",
    *,
    align=None,
    bold: bool = False,
    size=None,
    font: str | None = None,
    indent: bool = False,
    space_after: int = 0,
):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(space_after)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        if size is not None:
            run.font.size = size
            if size > BODY_SIZE:  # the exact 28 pt body line would clip a 二号 heading
                fmt.line_spacing = Pt(36)
        if font is not None:
            _fonts(run._element, font)
    return paragraph


def notice_docx(text: NoticeText) -> BytesIO:
    """The notice as a Word document on A4 (公文 margins), ready to edit, print and seal."""
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

    properties = document.core_properties
    properties.title = f"{TITLE} {text.number}"
    properties.author = text.agency
    properties.subject = text.enterprise

    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, text.agency, align=center, bold=True, size=TITLE_SIZE, font=TITLE_FONT)
    _paragraph(document, text.title, align=center, bold=True, size=TITLE_SIZE, font=TITLE_FONT)
    _paragraph(document, text.number, align=center, space_after=16)
    _paragraph(document, f"{text.enterprise}：")
    _paragraph(document, f"（统一社会信用代码：{text.credit_code}）")
    _paragraph(document, text.intro, indent=True)
    if text.items:
        for n, item in enumerate(text.items, 1):
            _paragraph(document, f"{n}. {item.description}", indent=True)
            if item.basis:
                _paragraph(document, f"依据：{item.basis}", indent=True)
    elif text.violation:
        _paragraph(document, text.violation, indent=True)
    _paragraph(document, text.legal_ground, indent=True)
    for line in text.measures:
        _paragraph(document, line, indent=True)
    _paragraph(document, text.deadline, indent=True)
    _paragraph(document, text.consequence, indent=True)

    # Room for the seal above the agency's name and the date.
    for _ in range(3):
        _paragraph(document)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(document, text.agency, align=right)
    _paragraph(document, text.seal, align=right)
    _paragraph(document, text.issued_on, align=right)

    _paragraph(document)
    _paragraph(document)
    for line in text.receipt:
        _paragraph(document, line)

    buffer = BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer
