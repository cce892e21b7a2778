"""The national table and the unit's results table open in openpyxl with the right totals;
the report opens in python-docx with the figures; personal data masked but for the checkers."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from results_support import ID_18, add_results_data
from sqlalchemy import select
from verification_support import verification  # noqa: F401

import supervision.verification.result_views as result_views
from conftest import World, login
from supervision.core.models import AuditEntry
from supervision.extensions import db
from supervision.verification.record_models import ConsumerSale


@pytest.fixture
def data(verification, monkeypatch):
    add_results_data(verification)
    monkeypatch.setattr(result_views, "local_today", lambda: date(2013, 4, 16))
    return verification


def _book(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def test_the_national_table_in_the_official_style_with_totals(app, data):
    w = data.world
    client = app.test_client()
    login(client, w.ministry_officer.username)
    book = _book(client.get(f"/verification/{data.campaign.id}/progress.xlsx"))
    ws = book.worksheets[0]
    assert ws["A1"].value == "节能产品惠民工程第二批推广信息核查结果汇总表"
    assert ws["A2"].value == f"汇总单位：{w.ministry_officer.organisation.name}"
    headers = [ws.cell(3, c).value for c in range(1, 28)]
    assert headers[:3] == ["序号", "核查单位", "销售信息（条）"]
    assert [ws.cell(4, c).value for c in range(3, 8)] == [
        "生产",
        "出货",
        "库存",
        "进货",
        "消费者销售",
    ]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert "A1:AA1" in merged and "C3:G3" in merged and "A3:A4" in merged
    assert ws.freeze_panes == "C5"
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5, max_row=7)]
    a, b, total = rows
    assert a[:8] == [1, "江苏省", 3, 2, 1, 1, 46, 1]
    assert a[8:10] == [3, 1]  # bulk buyers, checked
    assert a[10:15] == [3, 2, 1, 0, 1]  # phone: drawn, confirmed, unreachable, discrepancy, pending
    assert a[15:20] == [1, 0, 0, 1, 0]
    assert a[20:23] == [1, 2, 1]  # top-ups, claims checked, differing
    assert a[23:26] == ["1/3", "未上报", None]
    assert "逾期未报" in a[26]
    assert b[1] == "浙江省" and b[6:9] == [5, 1, 1]
    assert total[0] == "合计"
    assert total[2:10] == [3, 2, 1, 1, 51, 2, 4, 1]
    assert total[23:25] == ["1/6", "已上报0个"]
    assert total[26] == "逾期未报2个"
    notes = " ".join(str(c.value) for r in ws.iter_rows(min_row=8) for c in r if c.value)
    assert "2013年4月15日" in notes and "5台" in notes


def test_a_province_gets_its_own_units_only(app, data):
    client = app.test_client()
    login(client, data.world.b_officer.username)
    response = client.get(f"/verification/{data.campaign.id}/progress.xlsx")
    ws = _book(response).worksheets[0]
    units = [ws.cell(r, 2).value for r in range(5, ws.max_row + 1)]
    assert "浙江省" in units and "江苏省" not in units
    assert World.MARKER not in response.get_data().decode("utf-8", "replace")


def _unit_book(client, made):
    url = f"/verification/{made.campaign.id}/units/{made.world.a_province.id}/results.xlsx"
    return _book(client.get(url))


def _audit_views():
    return db.session.scalar(
        select(db.func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "view_personal_data")
    )


def test_the_unit_results_table_masked_for_an_officer(app, data):
    client = app.test_client()
    login(client, data.world.a_officer.username)
    book = _unit_book(client, data)
    assert book.sheetnames == ["核查结果", "抽查明细"]
    figures = book["核查结果"]
    assert figures["A1"].value == "江苏省节能产品惠民工程第二批推广信息核查结果表"
    lines = {r[2]: r[3] for r in figures.iter_rows(min_row=4, values_only=True) if r[2]}
    assert lines["消费者销售及安装信息（附表3-6，条）"] == 46
    assert lines["大宗用户（户）"] == 3
    assert lines["电话核查：属实（条）"] == 2
    assert lines["入户核查：不符（条）"] == 1
    assert lines["补抽（条）"] == 1
    assert lines["与申报出货数量不符的型号（个）"] == 1
    samples = book["抽查明细"]
    body = list(samples.iter_rows(min_row=4, values_only=True))
    records = [r for r in body if isinstance(r[0], int)]
    assert len(records) == 5
    assert [r[1] for r in records] == ["电话核查"] * 4 + ["入户核查"]
    first = records[0]
    sale = db.session.scalar(select(ConsumerSale).where(ConsumerSale.id == data.a_sale_ids[0]))
    assert first[5] == f"{sale.phone[:3]}****{sale.phone[-4:]}"
    assert first[4].startswith(sale.consumer_name[0]) and first[4] != sale.consumer_name
    assert World.MARKER not in first[4]
    total = next(r for r in body if r[0] == "合计")
    assert total[13] == "属实2，无法联系1，不符1，待核查1"
    assert _audit_views() == 0


def test_the_unit_results_table_in_clear_for_the_checker_and_audited(app, data):
    client = app.test_client()
    login(client, data.world.a_inspector.username)
    book = _unit_book(client, data)
    records = [
        r for r in book["抽查明细"].iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)
    ]
    sale = db.session.scalar(select(ConsumerSale).where(ConsumerSale.id == data.a_sale_ids[0]))
    assert records[0][4] == sale.consumer_name and records[0][5] == sale.phone
    assert _audit_views() == 1


def test_the_report_document_has_the_title_the_text_and_the_figures(app, data):
    client = app.test_client()
    login(client, data.world.a_officer.username)
    client.post(
        f"/verification/{data.campaign.id}/units/{data.world.a_province.id}/results",
        data={
            "summary": "成立核查工作组，分三组开展。",
            "problems": "发现一户单位以福利名义购买 12 台。",
            "suggestions": "建议加强大宗用户审核。",
            "version": "1",
            "save": "1",
        },
    )
    response = client.get(
        f"/verification/{data.campaign.id}/units/{data.world.a_province.id}/report.docx"
    )
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.startswith("江苏省节能产品惠民工程推广信息核查报告")
    assert "（草稿" in text
    assert "成立核查工作组，分三组开展。" in text and "建议加强大宗用户审核。" in text
    cells = {tuple(c.text for c in row.cells) for table in document.tables for row in table.rows}
    assert ("消费者销售及安装信息（附表3-6）", "46") in cells
    assert ("大宗用户（户）", "3") in cells
    assert ("电话核查", "3", "2", "1", "0", "1") in cells
    assert ("合计", "53") in cells
    assert document.core_properties.title == "江苏省节能产品惠民工程推广信息核查报告"
    assert ID_18 not in text


def test_a_province_cannot_download_another_units_files(app, data):
    client = app.test_client()
    login(client, data.world.b_officer.username)
    base = f"/verification/{data.campaign.id}/units/{data.world.a_province.id}"
    assert client.get(f"{base}/results.xlsx").status_code == 404
    assert client.get(f"{base}/report.docx").status_code == 404
