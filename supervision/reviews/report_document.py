"""The review report (评审报告) as a .docx in the official layout (python-docx, built into a
buffer; a thin view sends it): the formal and the detailed review, the results and ranking, the
recommendation, the detailed scores, and the committee's signature table with the time each
member signed in the app. The wording is an official document's: not translated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from ..annexes.service import chinese_date
from ..verification.report_document import (
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


def report_title(review_title: str) -> str:
    """ "…企业评审" → "…企业评审报告"; any other title → "…评审报告"."""
    return f"{review_title}报告" if review_title.endswith("评审") else f"{review_title}评审报告"


@dataclass(frozen=True)
class SignatureLine:
    name: str
    title: str
    employer: str
    role: str
    #: Local time of the signature ("" while unsigned).
    signed_at: str


@dataclass(frozen=True)
class ReportDocument:
    content: dict
    formal_summary: str
    recommendation: str
    signatures: list[SignatureLine]
    submitted: bool
    dated: date | None


def _detailed_review(content: dict) -> str:
    review = content["review"]
    members = content["members"]
    chair = next((m["name"] for m in members if m["is_chair"]), "")
    venue = f"在{review['venue']}" if review.get("venue") else ""
    chair_text = f"，{chair}任评审委员会主任" if chair else ""
    return (
        f"详细评审会议于{chinese_date(date.fromisoformat(review['meets_on']))}{venue}召开。"
        f"评审委员会由从专家名单中随机抽取的{len(members)}名专家组成{chair_text}。"
        "各申请单位代表按单位英文简称顺序进行陈述和答辩，评审委员会依据评分标准对评价项目"
        "独立评审、记名计分，取各评委打分的算术平均值为各申请单位的最后得分（评委评分保留"
        "小数点后一位，价格计分和最后得分保留小数点后二位，四舍五入）。"
    )


def _ranking_table(document, content: dict) -> None:
    members = content["members"]
    header = ["排序", "申请单位", *(m["name"] for m in members), "平均分"]
    has_price = any(r["price"] for r in content["ranking"])
    if has_price:
        header.append("价格分")
    header += ["最后得分", "申请资金（万元）", "资金规模内"]
    rows = []
    for r in content["ranking"]:
        row = [
            r["rank"] or "—",
            r["name"],
            *(r["totals"].get(str(m["member_id"])) or "—" for m in members),
            r["mean"] or "—",
        ]
        if has_price:
            row.append(r["price"] or "—")
        in_cap = "是" if r["within_cap"] else ("并列待定" if r["tie_at_cap"] else "否")
        row += [r["final"] or "—", r["requested_wan"] or "—", in_cap]
        rows.append(row)
    _table(document, header, rows)


def _detail_tables(document, content: dict) -> None:
    items = [i for i in content["items"] if not i.get("price")]
    members = {m["member_id"]: m["name"] for m in content["members"]}
    for candidate in content["candidates"]:
        sheets = [s for s in content["sheets"] if s["candidate_id"] == candidate["candidate_id"]]
        _paragraph(document, candidate["name"], font=HEADING_FONT)
        _table(
            document,
            ["评审委员", *(f"{i['name']}（{i['max_points']}）" for i in items), "评分"],
            [
                [
                    members.get(s["member_id"], ""),
                    *(s["points"].get(i["key"], "—") for i in items),
                    s["total"] or "—",
                ]
                for s in sheets
            ],
        )


def report_docx(doc: ReportDocument) -> BytesIO:
    """The report on A4 landscape (the tables are wide) with 公文 margins and fonts."""
    content = doc.content
    review = content["review"]
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(28), Mm(26)
    section.left_margin, section.right_margin = Mm(37), Mm(35)
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.font.name = LATIN_FONT
    _fonts(normal.element, BODY_FONT)
    normal.paragraph_format.line_spacing = Mm(10)
    title = report_title(review["title"])
    properties = document.core_properties
    properties.title = title
    properties.author = review["organiser"]

    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, title, align=center, bold=True, size=TITLE_SIZE, font=TITLE_FONT)
    if not doc.submitted:
        _paragraph(document, "（待全体评审委员签名后提交）", align=center)
    _paragraph(document)
    _paragraph(document, f"{review['convener']}：")
    _paragraph(
        document,
        f"受征集人委托，{review['organiser']}组织开展了{review['title']}工作，"
        "现将评审情况报告如下：",
        indent=True,
    )
    _paragraph(document, "一、形式审查情况", indent=True, font=HEADING_FONT)
    _text(document, doc.formal_summary, "（未填写）")
    _paragraph(document, "二、详细评审情况", indent=True, font=HEADING_FONT)
    _paragraph(document, _detailed_review(content), indent=True)
    if content["withdrawn"]:
        names = "、".join(c["name"] for c in content["withdrawn"])
        _paragraph(document, f"{names}未签到出席评审会议，视为自动弃权，未予评分。", indent=True)
    _paragraph(document, "三、评审结果及排序", indent=True, font=HEADING_FONT)
    _ranking_table(document, content)
    _paragraph(document, "四、推荐意见", indent=True, font=HEADING_FONT)
    _text(document, doc.recommendation, "（未填写）")
    _paragraph(document, "附表：评分明细", font=HEADING_FONT)
    _detail_tables(document, content)
    _paragraph(document, "评审委员会签名", font=HEADING_FONT)
    _table(
        document,
        ["序号", "姓名", "职务", "职称", "工作单位", "签名时间"],
        [
            [n, s.name, s.role, s.title, s.employer, s.signed_at or "未签名"]
            for n, s in enumerate(doc.signatures, start=1)
        ],
    )
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(document, review["organiser"], align=right)
    _paragraph(document, chinese_date(doc.dated), align=right)

    buffer = BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer
