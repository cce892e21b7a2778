"""The printed notice: the HTML print view and the .docx, opened again with python-docx."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.oxml.ns import qn
from notices_support import Notices, notices  # noqa: F401

from conftest import login
from supervision.extensions import db
from supervision.rectification import documents
from supervision.tasks.models import ReviewMethod

DEADLINE = "请于2020年10月22日前（自送达之日起15个工作日内）完成整改"


def _all_text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_the_docx_states_number_enterprise_deadline_and_agency(notices: Notices):
    notice = notices.issue()
    buffer = documents.notice_docx(documents.notice_text(notice))
    document = Document(buffer)
    text = _all_text(document)
    paragraphs = [p.text for p in document.paragraphs]
    agency = notices.world.a_agency.name
    assert paragraphs[0] == agency  # the heading
    assert paragraphs[1] == "限期整改通知书"
    assert paragraphs[2] == "南京甲省专属标记节监改〔2020〕1号"
    assert f"{notice.enterprise.name}：" in paragraphs
    assert f"（统一社会信用代码：{notice.enterprise.credit_code}）" in paragraphs
    assert "2020年9月10日，本机构依法对你单位开展了节能监察。" in text
    assert "1. 使用淘汰电机 Y-1" in paragraphs and "2. 使用淘汰电机 Y-2" in paragraphs
    assert "依据：《中华人民共和国节约能源法》第十七条" in text
    assert "淘汰 Y 系列电机，更换为能效 2 级及以上产品" in paragraphs
    assert f"{DEADLINE}，并将整改情况书面报送本机构。" in paragraphs
    # Signature block: agency, room for the seal, the date of service; then the receipt.
    signature = paragraphs.index("（盖章）")
    assert paragraphs[signature - 1] == agency
    assert paragraphs[signature + 1] == "2020年9月25日"
    assert any(p.startswith("签收人") for p in paragraphs[signature:])
    assert any(p.startswith("签收日期") for p in paragraphs[signature:])


def test_the_docx_is_a4_and_names_east_asian_fonts(notices: Notices):
    document = Document(documents.notice_docx(documents.notice_text(notices.issue())))
    section = document.sections[0]
    # Stored in twips: A4 within a fraction of a millimetre.
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "仿宋"
    heading = document.paragraphs[1].runs[0]._element.rPr.rFonts
    assert heading.get(qn("w:eastAsia")) == "宋体"
    assert document.core_properties.title == "限期整改通知书 南京甲省专属标记节监改〔2020〕1号"


def test_a_date_deadline_and_a_notice_without_a_visit_date(notices: Notices):
    case = notices.case(visit_on=None)
    case.method = ReviewMethod.DESK  # a desk review may have no visit date
    db.session.commit()
    notice = notices.issue(case, basis="date", on=date(2020, 11, 30))
    text = documents.notice_text(notice)
    assert text.intro == "经节能监察，你单位存在以下问题："
    assert text.deadline == "请于2020年11月30日前完成整改，并将整改情况书面报送本机构。"


def test_print_view_and_download(app, notices: Notices, client):
    notice = notices.issue()
    login(client, notices.world.a_inspector.username)
    page = client.get(f"/rectification/{notice.id}/print")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for expected in (
        "限期整改通知书",
        notice.number,
        notice.enterprise.name,
        DEADLINE,
        "（盖章）",
        "签收人",
        "2020年9月25日",
        "css/print.css",
    ):
        assert expected in html, expected
    assert "style=" not in html and "<script>" not in html  # CSP: files only
    download = client.get(f"/rectification/{notice.id}/notice.docx")
    assert download.status_code == 200
    assert download.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in download.headers["Content-Disposition"]
    assert notice.number in _all_text(Document(io.BytesIO(download.data)))
    login(client, notices.world.b_officer.username)
    assert client.get(f"/rectification/{notice.id}/print").status_code == 404
    assert client.get(f"/rectification/{notice.id}/notice.docx").status_code == 404
