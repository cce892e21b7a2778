"""The category-五 result table: one query, the page, the official workbook, 报送部里."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from violators_support import count, make_notice, violators  # noqa: F401 -- fixture

from conftest import World, login
from supervision.core.models import AuditEntry
from supervision.extensions import db
from supervision.rectification.models import (
    HandlingDecision,
    NoticeStatus,
    RectificationReport,
    Reinspection,
    ReinspectionResult,
    ResultReport,
)
from supervision.rectification.results import result_rows, summarise
from supervision.tasks import service as tasks
from supervision.tasks.models import ReviewMethod


@pytest.fixture
def outcomes(world: World, violators):
    """Four 2019 notices of province A: rectified after an extension, partly, not rectified
    and handled, not yet re-inspected (number starting with "=")."""
    r = violators
    rectified = make_notice(
        world,
        r["cement"],
        "苏节监改〔2019〕1号",
        extended_deadline_on=date(2020, 5, 31),
        status=NoticeStatus.RECTIFIED,
    )
    db.session.add(
        RectificationReport(
            notice=rectified, received_on=date(2020, 5, 20), measures_taken="更换窑炉"
        )
    )
    db.session.add(
        Reinspection(
            notice=rectified,
            inspected_on=date(2020, 6, 10),
            result=ReinspectionResult.RECTIFIED,
        )
    )
    partly = make_notice(
        world,
        r["cement"],
        "苏节监改〔2019〕2号",
        kind="other",
        status=NoticeStatus.PARTLY_RECTIFIED,
    )
    db.session.add(
        Reinspection(
            notice=partly, inspected_on=date(2020, 6, 11), result=ReinspectionResult.PARTLY
        )
    )
    handled = make_notice(
        world,
        r["steel"],
        "苏节监改〔2019〕3号",
        kind="ladder_mismatch",
        status=NoticeStatus.HANDLED,
    )
    db.session.add(
        Reinspection(
            notice=handled, inspected_on=date(2020, 6, 12), result=ReinspectionResult.NOT_RECTIFIED
        )
    )
    db.session.add(
        HandlingDecision(
            notice=handled,
            decided_on=date(2020, 6, 20),
            penalty_number="苏工信罚〔2020〕5号",
            penalty_amount=Decimal("50000.00"),
            ladder_price_applied=True,
            referral="省发展改革委",
        )
    )
    formula = make_notice(world, r["stopped"], "=SUM(A1:A9)号", served_on=date(2019, 11, 1))
    # Not of 2019: never in the 2020 table.
    make_notice(world, r["steel"], "苏节监改〔2020〕1号", year=2020)
    tasks.add_task(
        tasks.filing_for(_plan(2020), world.a_province),
        enterprise=r["stopped"],
        category=5,
        industry=None,
        agency=world.a_agency,
        inspectors=[],
        planned_month=None,
        method=ReviewMethod.DESK,
        remarks="书面审查",
    )
    db.session.commit()
    return {"rectified": rectified, "partly": partly, "handled": handled, "formula": formula}


def _plan(year):
    from supervision.plans.service import plan_for_year

    return plan_for_year(year)


def test_one_query_gives_the_rows_and_the_counts(app, world, outcomes):
    rows = result_rows(2020, province_id=world.a_province.id)
    assert [r.number for r in rows] == [
        "苏节监改〔2019〕1号",
        "苏节监改〔2019〕2号",
        "苏节监改〔2019〕3号",
        "=SUM(A1:A9)号",
    ]
    first, second, third, fourth = rows
    assert first.deadline_on == date(2020, 5, 31) and first.extended
    assert first.first_deadline_on == date(2020, 3, 31)
    assert first.report_text == "已报告（2020-05-20）"
    assert (first.result_text, first.reinspected_on) == ("已整改", date(2020, 6, 10))
    assert first.violation_type == "能耗超限额"
    assert second.violation_type == "其他违反节能法律法规" and second.result_text == "部分整改"
    assert second.report_text == "未报告"
    assert third.violation_type == "阶梯电价" and third.result_text == "未整改"
    assert (
        third.handling_text
        == "处罚决定书苏工信罚〔2020〕5号；罚款50,000.00元；执行阶梯电价；移送省发展改革委"
    )
    assert fourth.result_text == "未复查" and fourth.handling_text == ""
    assert fourth.remarks == "已停产；书面审查"  # the 回头看 task's remarks
    summary = summarise(rows)
    assert (summary.notices, summary.enterprises) == (4, 3)
    assert (summary.rectified, summary.partly, summary.not_rectified, summary.not_reviewed) == (
        1,
        1,
        1,
        1,
    )
    assert summary.penalties == Decimal("50000.00")
    # Province B's officer sees none of A's rows, whatever he asks for.
    assert result_rows(2020, user=world.b_officer) == []
    assert len(result_rows(2020, user=world.ministry_officer)) == 4


def _sheet(response):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def test_the_province_workbook_is_in_the_official_style(app, world, outcomes):
    client = app.test_client()
    login(client, world.a_officer.username)
    book = _sheet(client.get("/rectification/results/2020/export.xlsx"))
    ws = book.worksheets[0]
    assert ws["A1"].value == "江苏省2019年违规企业整改落实情况专项监察结果表"
    assert "A1:N1" in {str(m) for m in ws.merged_cells.ranges}
    assert ws["A2"].value == "填报单位（盖章）："
    headers = [ws.cell(3, c).value for c in range(1, 15)]
    assert headers[:9] == [
        "序号",
        "企业名称",
        "统一社会信用代码",
        "2019年违规类型",
        "整改通知书编号",
        "整改期限",
        "企业整改报告",
        "回头看日期",
        "整改结果",
    ]
    assert headers[9] == "处理情况" and headers[13] == "备注"
    assert [ws.cell(4, c).value for c in range(10, 14)] == [
        "处罚决定书文号",
        "罚款金额（元）",
        "执行阶梯电价",
        "移送",
    ]
    assert "J3:M3" in {str(m) for m in ws.merged_cells.ranges}
    assert ws.freeze_panes == "C5"
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    body = [[c.value for c in r] for r in ws.iter_rows(min_row=5, max_row=8)]
    assert [r[0] for r in body] == [1, 2, 3, 4]
    assert (
        body[0][1] == "南京水泥有限公司"
        and body[0][2] == outcomes["rectified"].enterprise.credit_code
    )
    assert body[0][5] == "2020-05-31（已延期）"
    assert body[0][6] == "已报告（2020-05-20）" and body[0][7] == "2020-06-10"
    assert body[2][8] == "未整改"
    assert body[2][9:13] == ["苏工信罚〔2020〕5号", 50000, "是", "省发展改革委"]
    # Text that looks like a formula stays text.
    cell = ws.cell(8, 5)
    assert cell.value == "=SUM(A1:A9)号" and cell.data_type == "s"
    assert body[3][8] == "未复查"
    total = [c.value for c in ws[9]]
    assert total[0] == "合计" and total[1] == 3 and total[4] == 4 and total[10] == 50000
    assert total[8] == "已整改1份，部分整改1份，未整改1份，未复查1份"
    assert "整改期限为现行有效的期限" in " ".join(
        str(c.value) for r in ws.iter_rows(min_row=10) for c in r if c.value
    )


def test_the_ministry_gets_the_national_workbook_and_a_province_on_request(app, world, outcomes):
    client = app.test_client()
    login(client, world.ministry_officer.username)
    book = _sheet(client.get("/rectification/results/2020/export.xlsx"))
    assert book.sheetnames[0] == "全国汇总"
    assert "江苏省" in book.sheetnames and "浙江省" in book.sheetnames
    national = book["全国汇总"]
    assert national["A1"].value == "2019年违规企业整改落实情况专项监察结果全国汇总表"
    line = next(r for r in national.iter_rows(values_only=True) if r[1] == "江苏省")
    assert line[2:9] == (3, 4, 1, 1, 1, 1, 50000)
    assert line[9] == "未报送"
    assert book["江苏省"]["A1"].value == "江苏省2019年违规企业整改落实情况专项监察结果表"
    one = _sheet(
        client.get(
            "/rectification/results/2020/export.xlsx",
            query_string={"province": world.a_province.id},
        )
    )
    assert one.sheetnames == ["专项监察五结果"]


def test_the_page_shows_each_user_his_province(app, world, outcomes):
    client = app.test_client()
    login(client, world.a_officer.username)
    page = client.get("/rectification/results/2020").get_data(as_text=True)
    assert "苏工信罚〔2020〕5号" in page and "=SUM(A1:A9)号" in page
    assert "报送部里" in page and "/imports/new/violators_2019" in page
    login(client, world.b_officer.username)
    page = client.get("/rectification/results/2020").get_data(as_text=True)
    assert "苏节监改" not in page and "报送部里" in page
    assert (
        client.get(
            "/rectification/results/2020", query_string={"province": world.a_province.id}
        ).status_code
        == 404
    )
    login(client, world.b_agency_officer.username)
    page = client.get("/rectification/results/2020").get_data(as_text=True)
    assert "报送部里" not in page  # agencies do not report to the ministry
    login(client, world.ministry_officer.username)
    national = client.get("/rectification/results/2020").get_data(as_text=True)
    assert "江苏省" in national and "报送部里" not in national
    one = client.get(
        "/rectification/results/2020", query_string={"province": world.a_province.id}
    ).get_data(as_text=True)
    assert "苏工信罚〔2020〕5号" in one
    login(client, world.a_inspector.username)
    assert client.get("/rectification/results/2020").status_code == 403
    assert client.get("/rectification/results/1999").status_code == 403


def test_reporting_to_the_ministry_records_the_date_and_may_be_repeated(app, world, outcomes):
    client = app.test_client()
    login(client, world.ministry_officer.username)
    assert client.post("/rectification/results/2020/report").status_code == 403
    login(client, world.b_agency_officer.username)
    assert client.post("/rectification/results/2020/report").status_code == 403
    login(client, world.a_officer.username)
    assert client.post("/rectification/results/2020/report").status_code == 302
    report = db.session.scalar(select(ResultReport))
    assert report.deliverable_key == "category_five_results"
    assert report.province_id == world.a_province.id
    assert report.reported_by_id == world.a_officer.id
    first_at = report.reported_at
    assert client.post("/rectification/results/2020/report").status_code == 302
    db.session.expire_all()
    assert count(ResultReport) == 1
    assert db.session.scalar(select(ResultReport)).reported_at >= first_at
    assert count(AuditEntry, AuditEntry.entity == "result_reports") == 2
    page = client.get("/rectification/results/2020").get_data(as_text=True)
    assert "已报送" in page and "重新报送部里" in page
    ws = load_workbook(
        io.BytesIO(client.get("/rectification/results/2020/export.xlsx").data)
    ).worksheets[0]
    assert ws["H2"].value.startswith("填报日期：20") and "年" in ws["H2"].value
    login(client, world.ministry_officer.username)
    national = load_workbook(
        io.BytesIO(client.get("/rectification/results/2020/export.xlsx").data)
    )["全国汇总"]
    line = next(r for r in national.iter_rows(values_only=True) if r[1] == "江苏省")
    assert line[9] == "已报送" and line[10]
