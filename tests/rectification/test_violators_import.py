"""2019 violators and their notices in from .xlsx: validated, all or nothing, category-五 tasks."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select
from violators_support import (  # noqa: F401 -- violators is a fixture
    HEADERS,
    filing_2020,
    latest_job,
    make_notice,
    notice_count,
    review_tasks,
    row,
    upload,
    violators,
    xlsx,
)

from conftest import NOW, credit_code, login
from supervision.extensions import db
from supervision.inspections.models import InspectionCase
from supervision.rectification.models import DeadlineBasis, NoticeStatus, RectificationNotice
from supervision.rectification.results import notices_under_review
from supervision.tasks import service as tasks
from supervision.tasks.models import FilingStatus, ReviewMethod


def _officer(app, world):
    client = app.test_client()
    login(client, world.a_officer.username)
    return client


def _import(client, content: bytes):
    """Upload, check it validates, confirm; returns the finished job."""
    assert upload(client, content).status_code == 302
    job = latest_job()
    assert job.status == "valid", (job.message, job.errors)
    client.post(f"/imports/{job.id}/confirm")
    return latest_job()


def test_a_valid_file_creates_the_notices_and_one_review_task_per_enterprise(app, world, violators):
    r = violators
    filing = filing_2020(world)
    # The steel plant already has its 回头看 task (filed by hand): reused, never doubled.
    tasks.add_task(
        filing,
        enterprise=r["steel"],
        category=5,
        industry=None,
        agency=world.a_province,
        inspectors=[],
        planned_month=6,
        method=ReviewMethod.ON_SITE,
        remarks="手工列入",
    )
    db.session.commit()
    content = xlsx(
        [
            row(world, r["cement"], "苏节监改〔2019〕1号", {"备注": "重点跟踪"}),
            row(
                world,
                r["cement"],
                "苏节监改〔2019〕2号",
                {
                    "2019年违规类型": "其他违反节能法律法规",
                    "违规事实": "未按规定报送能源利用状况报告",
                    "送达日期": "2019年10月8日",
                    "整改期限": datetime(2019, 12, 31),
                    "承担2020年回头看的机构": "320000",  # a division code: the province
                },
            ),
            row(
                world,
                r["steel"],
                "苏节监改〔2019〕3号",
                {
                    "2019年违规类型": "阶梯电价",
                    "整改要求": "按第二档执行阶梯电价",
                    "企业名称": "南京钢铁股份有限公司 ",
                },
            ),
            row(world, r["stopped"], "苏节监改〔2019〕4号", {"下达机构": "320100"}),
        ]
    )
    client = _officer(app, world)
    job = _import(client, content)
    assert job.status == "done", job.message
    assert job.summary["imported"] == 4

    notices = {
        n.number: n
        for n in db.session.scalars(select(RectificationNotice).order_by(RectificationNotice.id))
    }
    assert set(notices) == {f"苏节监改〔2019〕{i}号" for i in (1, 2, 3, 4)}
    first = notices["苏节监改〔2019〕1号"]
    assert first.imported and first.year == 2019 and first.sequence is None
    assert first.case_id is None
    assert first.status == NoticeStatus.ISSUED
    assert first.deadline_basis == DeadlineBasis.DATE
    assert (first.served_on, first.deadline_on) == (date(2019, 9, 20), date(2020, 3, 31))
    assert first.current_deadline_on == date(2020, 3, 31)
    assert first.measures == "按原通知书要求整改"
    assert first.agency_id == world.a_agency.id
    assert first.province_id == world.a_province.id
    assert [(i.kind, i.description) for i in first.items] == [
        ("over_quota", "2018年单位产品综合能耗超过限定值")
    ]
    second = notices["苏节监改〔2019〕2号"]
    assert (second.served_on, second.deadline_on) == (date(2019, 10, 8), date(2019, 12, 31))
    assert second.items[0].kind == "other"
    assert notices["苏节监改〔2019〕3号"].items[0].kind == "ladder_mismatch"
    assert notices["苏节监改〔2019〕3号"].measures == "按第二档执行阶梯电价"

    # One category-五 task per enterprise: the cement plant's two notices share one; its
    # 回头看 agency is the issuing agency unless given (the first row gave none).
    (cement_task,) = review_tasks(filing, r["cement"])
    assert cement_task.agency_id == world.a_agency.id
    assert cement_task.remarks == "重点跟踪"
    assert cement_task.method == ReviewMethod.ON_SITE
    (steel_task,) = review_tasks(filing, r["steel"])
    assert steel_task.remarks == "手工列入" and steel_task.planned_month == 6
    (stopped_task,) = review_tasks(filing, r["stopped"])
    assert stopped_task.method == ReviewMethod.DESK  # a stopped plant is reviewed on paper
    assert stopped_task.remarks.startswith("已停产")
    assert len(review_tasks(filing)) == 3


def test_the_review_case_shows_the_enterprises_2019_notices(app, world, violators):
    r = violators
    client = _officer(app, world)
    _import(
        client,
        xlsx(
            [
                row(world, r["cement"], "苏节监改〔2019〕1号"),
                row(world, r["cement"], "苏节监改〔2019〕2号"),
                row(world, r["steel"], "苏节监改〔2019〕3号"),
            ]
        ),
    )
    filing = filing_2020(world)
    filing.status = FilingStatus.SUBMITTED
    tasks.accept_filing(filing, actor=world.ministry_officer, now=NOW)  # cases open
    db.session.commit()
    case = db.session.scalar(
        select(InspectionCase).where(
            InspectionCase.enterprise_id == r["cement"].id, InspectionCase.category == 5
        )
    )
    assert case.assessed_year == 2019
    assert [n.number for n in notices_under_review(case)] == [
        "苏节监改〔2019〕1号",
        "苏节监改〔2019〕2号",
    ]
    assert [n.number for n in notices_under_review(case, world.a_inspector)] == []  # not his
    other = db.session.scalar(
        select(InspectionCase).where(InspectionCase.task_id == world.a_task.id)
    )
    assert notices_under_review(other) == []  # category 四 reviews no notices


def test_each_error_is_reported_at_its_row_and_nothing_is_imported(app, world, violators):
    r = violators
    make_notice(world, r["steel"], "苏节监改〔2019〕9号")
    filing = filing_2020(world)
    before_notices, before_tasks = notice_count(), len(review_tasks(filing))
    content = xlsx(
        [
            row(world, r["cement"], "A-1", {"统一社会信用代码": credit_code(999)}),  # row 2
            row(world, r["cement"], "A-2", {"企业名称": "南京水泥厂"}),  # 3
            row(world, r["cement"], "A-3", {"2019年违规类型": "超标排放"}),  # 4
            row(world, r["cement"], "A-4"),  # 5
            row(world, r["steel"], "A-4"),  # 6: same number as row 5
            row(world, r["steel"], "苏节监改〔2019〕9号"),  # 7: imported before
            row(world, r["steel"], "A-7", {"下达机构": "杭州市节能监察中心"}),  # 8: province B's
            row(world, r["steel"], "A-8", {"整改期限": "2019-09-01"}),  # 9: before service
            row(world, r["steel"], "A-9", {"送达日期": "2019-13-01"}),  # 10
            row(world, r["steel"], "A-10", {"违规事实": ""}),  # 11
            row(world, r["steel"], "A-11", {"统一社会信用代码": "91320100MA1XXXXXX0"}),  # 12
            row(world, r["steel"], "A-12", {"送达日期": "2018-05-01"}),  # 13
            row(world, r["steel"], "A-13", {"承担2020年回头看的机构": "无此机构"}),  # 14
            row(world, r["stopped"], "A-14"),  # 15: valid
        ]
    )
    client = _officer(app, world)
    upload(client, content)
    job = latest_job()
    assert job.status == "invalid"
    by_row = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "本省企业名录中没有该企业" in by_row[(2, "统一社会信用代码")]
    assert "南京水泥厂" in by_row[(3, "企业名称")] and "南京水泥有限公司" in by_row[(3, "企业名称")]
    assert "能耗超限额" in by_row[(4, "2019年违规类型")]
    assert "第 5 行重复" in by_row[(6, "整改通知书编号")]
    assert "已经导入过" in by_row[(7, "整改通知书编号")]
    assert "杭州市节能监察中心" in by_row[(8, "下达机构")]
    assert "不能早于送达日期" in by_row[(9, "整改期限")]
    assert "应为日期" in by_row[(10, "送达日期")]
    assert "违规事实" in by_row[(11, "违规事实")]
    assert "无效" in by_row[(12, "统一社会信用代码")]
    assert "2019 年或 2020 年" in by_row[(13, "送达日期")]
    assert "无此机构" in by_row[(14, "承担2020年回头看的机构")]
    assert not any(e["row"] in (5, 15) for e in job.errors)
    assert job.error_count == 12
    assert notice_count() == before_notices
    assert len(review_tasks(filing)) == before_tasks


def test_one_bad_row_among_good_ones_writes_nothing(app, world, violators):
    r = violators
    filing = filing_2020(world)
    content = xlsx(
        [
            row(world, r["cement"], "B-1"),
            row(world, r["steel"], "B-2", {"整改期限": "下月底"}),
            row(world, r["stopped"], "B-3"),
        ]
    )
    client = _officer(app, world)
    upload(client, content)
    job = latest_job()
    assert job.status == "invalid"
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "整改期限")]
    assert notice_count() == 0
    assert review_tasks(filing) == []
    # Not confirmable either.
    client.post(f"/imports/{job.id}/confirm")
    assert latest_job().status == "invalid" and notice_count() == 0


def test_the_same_file_imported_twice_is_refused_the_second_time(app, world, violators):
    r = violators
    content = xlsx([row(world, r["cement"], "C-1"), row(world, r["steel"], "C-2")])
    client = _officer(app, world)
    assert _import(client, content).status == "done"
    upload(client, content)
    job = latest_job()
    assert job.status == "invalid"
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (2, "整改通知书编号"),
        (3, "整改通知书编号"),
    ]
    assert notice_count() == 2
    assert len(review_tasks(filing_2020(world))) == 2


def test_a_locked_filing_refuses_the_whole_import(app, world, violators):
    r = violators
    filing = filing_2020(world)
    filing.status = FilingStatus.SUBMITTED
    db.session.commit()
    client = _officer(app, world)
    upload(client, xlsx([row(world, r["cement"], "D-1")]))
    job = latest_job()
    assert job.status == "invalid"
    assert "锁定期间不能导入" in job.message
    assert notice_count() == 0 and review_tasks(filing) == []


def test_a_filing_submitted_between_validation_and_confirmation_imports_nothing(
    app, world, violators
):
    r = violators
    client = _officer(app, world)
    upload(client, xlsx([row(world, r["cement"], "E-1")]))
    job = latest_job()
    assert job.status == "valid"
    filing = filing_2020(world)
    filing.status = FilingStatus.SUBMITTED
    db.session.commit()
    client.post(f"/imports/{job.id}/confirm")
    job = latest_job()
    assert job.status == "invalid" and "锁定期间不能导入" in job.message
    assert notice_count() == 0


def test_a_returned_filing_takes_the_import(app, world, violators):
    filing = filing_2020(world)
    filing.status = FilingStatus.RETURNED
    db.session.commit()
    client = _officer(app, world)
    assert _import(client, xlsx([row(world, violators["cement"], "F-1")])).status == "done"
    assert len(review_tasks(filing, violators["cement"])) == 1


def test_only_the_provincial_body_imports(app, world, violators, make_user):
    from supervision.core.models import Role

    agency_officer = make_user("a-agency-officer", Role.PROVINCIAL_OFFICER, world.a_agency)
    client = app.test_client()
    login(client, world.ministry_officer.username)
    assert client.get("/imports/new/violators_2019").status_code == 403
    login(client, world.a_inspector.username)
    assert client.get("/imports/new/violators_2019").status_code == 403
    login(client, agency_officer.username)
    upload(client, xlsx([row(world, violators["cement"], "G-1")]))
    job = latest_job()
    assert job.status == "invalid" and "省级主管部门" in job.message
    assert notice_count() == 0


def test_the_template_has_the_columns_and_round_trips(app, world, violators):
    client = _officer(app, world)
    response = client.get("/rectification/violators/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.max_row == 1  # no example row to import by mistake
    assert sheet.freeze_panes == "A2"
    sheet.append([row(world, violators["steel"], "H-1").get(h, "") for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    assert _import(client, out.getvalue()).status == "done"
    assert notice_count() == 1
    # The upload page offers the template.
    page = client.get("/imports/new/violators_2019").get_data(as_text=True)
    assert "/rectification/violators/template.xlsx" in page
