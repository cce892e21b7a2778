"""The summary's files: the live draft, each version as submitted, the national workbook and
every province's reports in one archive; and the ministry's overview."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from docx import Document
from openpyxl import load_workbook
from summaries_support import TEXTS, make_summary

from conftest import login
from supervision.extensions import db
from supervision.plans.service import plan_for_year
from supervision.summaries import service

PAGE = "/summaries/2020/320000"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_of(app, user):
    client = app.test_client()
    login(client, user.username)
    return client


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def submit_b(world, now=datetime(2020, 10, 9, 2, 0, tzinfo=UTC)):
    """Province B's summary, submitted one working day late."""
    summary = service.summary_for(plan_for_year(2020), world.b_province)
    service.update_summary(
        summary,
        actor=world.b_officer,
        version=None,
        values={"special_text": "乙省专项", "daily_text": "乙省日常", "funds_used": "3.25"},
    )
    event = service.submit_summary(summary, actor=world.b_officer, now=now)
    db.session.commit()
    return event


def test_the_live_draft_and_each_submitted_version_download(app, world):
    made = make_summary(world)
    officer = client_of(app, world.a_officer)
    live = officer.get(f"{PAGE}/report.docx")
    assert live.status_code == 200 and live.mimetype == DOCX
    assert "attachment" in live.headers["Content-Disposition"]
    assert TEXTS["special_text"] in docx_text(live.data)
    results = officer.get(f"{PAGE}/results.xlsx")
    assert results.mimetype == XLSX
    assert load_workbook(io.BytesIO(results.data), read_only=True).sheetnames

    event_id = made.ids()["summary_event"]
    sent = officer.get(f"/summaries/events/{event_id}/report.docx")
    assert sent.status_code == 200 and sent.data == made.event.report_docx
    sent_xlsx = officer.get(f"/summaries/events/{event_id}/results.xlsx")
    assert sent_xlsx.data == made.event.results_xlsx
    load_workbook(io.BytesIO(sent_xlsx.data), read_only=True)

    # The ministry reads the same files; a return has none.
    ministry = client_of(app, world.ministry_officer)
    assert ministry.get(f"/summaries/events/{event_id}/report.docx").data == sent.data
    returned = service.return_summary(
        made.summary,
        actor=world.ministry_officer,
        now=datetime(2020, 10, 9, tzinfo=UTC),
        comment="补充",
    )
    db.session.commit()
    assert ministry.get(f"/summaries/events/{returned.id}/report.docx").status_code == 404
    assert ministry.get("/summaries/events/999999/results.xlsx").status_code == 404


def test_a_province_not_started_still_gets_a_blank_draft(app, world):
    officer = client_of(app, world.b_officer)
    response = officer.get("/summaries/2020/330000/report.docx")
    assert response.status_code == 200
    Document(io.BytesIO(response.data))
    assert service.find_summary(plan_for_year(2020), world.b_province) is None


def test_the_ministry_sees_every_province_and_the_roll_up(app, world):
    make_summary(world)
    submit_b(world)
    ministry = client_of(app, world.ministry_officer)
    page = ministry.get("/summaries/2020").get_data(as_text=True)
    rows = page[page.index('id="provinces"') :].split("</table>")[0]
    assert rows.count("<tr data-province=") == 32
    jiangsu = rows[rows.index('data-province="320000"') :].split("</tr>")[0]
    zhejiang = rows[rows.index('data-province="330000"') :].split("</tr>")[0]
    beijing = rows[rows.index('data-province="110000"') :].split("</tr>")[0]
    assert "已报送" in jiangsu and "2020-09-28 10:00" in jiangsu and "12.50" in jiangsu
    assert "已报送" in zhejiang and "逾期 1 个工作日" in zhejiang and "3.25" in zhejiang
    assert "未开始" in beijing and "尚未报送" in beijing
    assert "汇总各省级单位最近一次报送的数据（2 个省级单位）" in page
    funds = page[page.index('id="funds-figures"') :].split("</table>")[0]
    assert "15.75" in funds  # 12.50 + 3.25


def test_the_national_workbook_and_the_archive_of_every_report(app, world):
    ministry = client_of(app, world.ministry_officer)
    empty = ministry.get("/summaries/2020/reports.zip")
    assert empty.status_code == 200 and empty.mimetype == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(empty.data)).namelist() == []

    make_summary(world)
    b_event = submit_b(world)
    archive = zipfile.ZipFile(io.BytesIO(ministry.get("/summaries/2020/reports.zip").data))
    names = sorted(archive.namelist())
    assert names == [
        "320000江苏省2020年实际监察企业名单和监察结果.xlsx",
        "320000江苏省2020年节能监察工作总结报告.docx",
        "330000浙江省2020年实际监察企业名单和监察结果.xlsx",
        "330000浙江省2020年节能监察工作总结报告.docx",
    ]
    assert archive.read(names[3]) == b_event.report_docx
    assert "乙省日常" in docx_text(archive.read(names[3]))
    for name in names:
        if name.endswith(".xlsx"):
            load_workbook(io.BytesIO(archive.read(name)), read_only=True)

    national = ministry.get("/summaries/2020/national.xlsx")
    assert national.status_code == 200 and national.mimetype == XLSX
    assert load_workbook(io.BytesIO(national.data), read_only=True).sheetnames
