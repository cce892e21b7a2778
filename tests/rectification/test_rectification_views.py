"""Rectification pages: the list, issuing from a case, a notice's steps, files, and who may."""

from __future__ import annotations

import io
from datetime import date

from notices_support import Notices, notices  # noqa: F401
from sqlalchemy import select

from conftest import login
from supervision.core.models import Role
from supervision.extensions import db
from supervision.inspections.models import CaseStatus, InspectionCase
from supervision.rectification.models import NoticeStatus, RectificationNotice

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def _issue_form(case, **changes):
    from supervision.rectification import service

    data = {
        "finding_ids": [str(f.id) for f in service.available_findings(case)],
        "measures": "淘汰 Y 系列电机",
        "basis": "workdays",
        "days": "15",
        "deadline_on": "",
        "served_on": "2020-09-25",
        "submit": "1",
    }
    data.update(changes)
    return data


def test_issue_from_a_case_with_a_preview_of_the_deadline(notices: Notices, client):
    case = notices.case()
    login(client, notices.world.a_officer.username)
    page = client.get(f"/rectification/cases/{case.id}/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "使用淘汰电机 Y-1" in html and "送达后 N 个工作日" in html
    # The preview computes the deadline and saves nothing (measures may still be empty).
    preview = client.post(
        f"/rectification/cases/{case.id}/new",
        data=_issue_form(case, measures="", submit=None, preview="1"),
    )
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "整改期限：2020-10-22" in html
    assert "请于2020年10月22日前（自送达之日起15个工作日内）完成整改" in html
    assert db.session.scalar(select(RectificationNotice.id)) is None
    # A refused submission says why, beside the field.
    bad = client.post(
        f"/rectification/cases/{case.id}/new",
        data=_issue_form(case, basis="date", deadline_on="2020-09-01"),
    )
    assert bad.status_code == 422
    assert "整改期限不能早于送达日期" in bad.get_data(as_text=True)
    done = client.post(f"/rectification/cases/{case.id}/new", data=_issue_form(case))
    assert done.status_code == 302
    notice = db.session.scalars(select(RectificationNotice)).one()
    assert done.location.endswith(f"/rectification/{notice.id}")
    detail = client.get(done.location).get_data(as_text=True)
    assert f"已下达限期整改通知书 {notice.number}，整改期限 2020-10-22。" in detail
    assert db.session.get(InspectionCase, case.id).status == CaseStatus.RECTIFICATION
    # The case page lists the notice; no findings are left for another.
    case_page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert notice.number in case_page
    assert f"/rectification/cases/{case.id}/new" not in case_page


def test_the_case_page_offers_a_notice_only_with_findings(notices: Notices, client):
    ready = notices.case()
    working = notices.case(status=CaseStatus.IN_PROGRESS, findings=0)
    login(client, notices.world.a_inspector.username)
    assert f"/rectification/cases/{ready.id}/new" in client.get(f"/cases/{ready.id}").get_data(
        as_text=True
    )
    assert f"/rectification/cases/{working.id}/new" not in client.get(
        f"/cases/{working.id}"
    ).get_data(as_text=True)
    page = client.get(f"/rectification/cases/{working.id}/new")
    assert page.status_code == 200
    assert "请先记录发现的问题" in page.get_data(as_text=True)
    refused = client.post(f"/rectification/cases/{working.id}/new", data=_issue_form(working))
    assert refused.status_code == 422
    assert db.session.scalar(select(RectificationNotice.id)) is None


def test_late_service_is_shown(notices: Notices, client):
    case = notices.case()
    login(client, notices.world.a_officer.username)
    done = client.post(
        f"/rectification/cases/{case.id}/new", data=_issue_form(case, served_on="2020-10-09")
    )
    html = client.get(done.location).get_data(as_text=True)
    assert "送达日期距监察日期（2020-09-10）已超过 20 日" in html


def test_who_may_see_and_issue(notices: Notices, client, make_user):
    world = notices.world
    case = notices.case()
    notice = notices.issue(notices.case())
    stranger = make_user("a-stranger", Role.INSPECTOR, world.a_agency)
    for user, issue_page, notice_page in (
        (world.b_officer, 404, 404),  # another province
        (world.b_inspector, 404, 404),
        (world.b_agency_officer, 404, 404),
        (stranger, 404, 404),  # an inspector of A not on the case
        (world.ministry_officer, 403, 200),  # reads, never writes
        (world.a_admin, 403, 403),  # accounts only
    ):
        login(client, user.username)
        assert client.get(f"/rectification/cases/{case.id}/new").status_code == issue_page, user
        assert client.get(f"/rectification/{notice.id}").status_code == notice_page, user
        post = client.post(
            f"/rectification/{notice.id}/report",
            data={"report-received_on": "2020-10-20", "report-measures_taken": "x"},
        )
        assert post.status_code == (403 if issue_page == 403 else 404), user
    login(client, world.ministry_officer.username)
    html = client.get(f"/rectification/{notice.id}").get_data(as_text=True)
    assert notice.number in html and "登记企业整改报告" not in html
    assert db.session.get(RectificationNotice, notice.id).status == NoticeStatus.ISSUED


def test_the_list_in_scope_with_filters(app, notices: Notices, client):
    world = notices.world
    first = notices.issue()
    second = notices.issue()
    login(client, world.a_officer.username)
    html = client.get("/rectification/").get_data(as_text=True)
    assert first.number in html and second.number in html
    overdue = client.get("/rectification/?overdue=1").get_data(as_text=True)
    assert first.number in overdue  # 2020-10-22 has long passed
    assert "没有符合条件" in client.get("/rectification/?status=handled").get_data(as_text=True)
    assert first.number in client.get("/rectification/?year=2020&sort=-number").get_data(
        as_text=True
    )
    previous = app.config["PAGE_SIZE"]
    app.config["PAGE_SIZE"] = 1
    try:
        page_one = client.get("/rectification/?sort=number").get_data(as_text=True)
        page_two = client.get("/rectification/?sort=number&page=2").get_data(as_text=True)
    finally:
        app.config["PAGE_SIZE"] = previous
    assert first.number in page_one and second.number not in page_one
    assert second.number in page_two
    login(client, world.b_officer.username)
    html = client.get("/rectification/").get_data(as_text=True)
    assert first.number not in html and "甲省专属标记" not in html


def test_report_extension_reinspection_and_decision_pages(notices: Notices, client):
    world = notices.world
    notice = notices.issue()
    url = f"/rectification/{notice.id}"
    login(client, world.a_inspector.username)
    page = client.get(url).get_data(as_text=True)
    for form in ("登记企业整改报告", "延期（只能一次）", "复查（回头看）"):
        assert form in page
    assert "登记处理结果" not in page

    def version():
        return str(db.session.get(RectificationNotice, notice.id).version)

    report = client.post(
        f"{url}/report",
        data={
            "report-version": version(),
            "report-received_on": "2020-10-20",
            "report-measures_taken": "已更换 3 台电机",
            "report-files": [(io.BytesIO(PNG), "现场照片.png")],
        },
        content_type="multipart/form-data",
    )
    assert report.status_code == 302
    extension = {
        "extension-requested_on": "2020-10-15",
        "extension-reason": "电机供货周期延长",
        "extension-granted_on": "2020-10-16",
        "extension-extended_deadline_on": "2020-11-20",
    }
    assert (
        client.post(
            f"{url}/extension", data={**extension, "extension-version": version()}
        ).status_code
        == 302
    )
    page = client.get(url).get_data(as_text=True)
    assert "2020-10-22" in page and "2020-11-20" in page  # both deadlines shown
    assert "原整改期限" in page and "延期后整改期限" in page
    assert "整改期限只能延期一次，本通知书已延期。" in page
    again = client.post(
        f"{url}/extension",
        data={
            **extension,
            "extension-extended_deadline_on": "2020-12-20",
            "extension-version": version(),
        },
    )
    assert again.status_code == 422
    assert "整改期限只能延期一次" in again.get_data(as_text=True)

    missing_notes = client.post(
        f"{url}/reinspection",
        data={
            "reinspection-version": version(),
            "reinspection-inspected_on": "2020-11-25",
            "reinspection-result": "not_rectified",
        },
    )
    assert missing_notes.status_code == 422
    assert "请写明复查情况" in missing_notes.get_data(as_text=True)
    reinspected = client.post(
        f"{url}/reinspection",
        data={
            "reinspection-version": version(),
            "reinspection-inspected_on": "2020-11-25",
            "reinspection-result": "not_rectified",
            "reinspection-notes": "仍在使用淘汰电机 2 台",
        },
    )
    assert reinspected.status_code == 302
    bad_amount = client.post(
        f"{url}/decision",
        data={
            "decision-version": version(),
            "decision-decided_on": "2020-11-30",
            "decision-penalty_number": "宁工信罚〔2020〕7号",
            "decision-penalty_amount": "五万",
        },
    )
    assert bad_amount.status_code == 422
    assert "请输入金额" in bad_amount.get_data(as_text=True)
    decided = client.post(
        f"{url}/decision",
        data={
            "decision-version": version(),
            "decision-decided_on": "2020-11-30",
            "decision-penalty_number": "宁工信罚〔2020〕7号",
            "decision-penalty_amount": "50,000",
            "decision-ladder_price_applied": "y",
            "decision-referral": "市发展改革委",
        },
    )
    assert decided.status_code == 302
    db.session.expire_all()
    notice = db.session.get(RectificationNotice, notice.id)
    assert notice.status == NoticeStatus.HANDLED
    assert str(notice.decision.penalty_amount) == "50000.00"
    assert notice.decision.ladder_price_applied
    page = client.get(url).get_data(as_text=True)
    assert "宁工信罚〔2020〕7号" in page and "50000.00" in page
    assert "本通知书已办结，无待办事项。" not in page  # files may still be added
    assert "补充材料" in page


def test_a_stale_form_is_refused_with_a_message(notices: Notices, client):
    notice = notices.issue()
    login(client, notices.world.a_officer.username)
    response = client.post(
        f"/rectification/{notice.id}/report",
        data={
            "report-version": "999",
            "report-received_on": "2020-10-20",
            "report-measures_taken": "x",
        },
    )
    assert response.status_code == 422
    assert "已被他人修改" in response.get_data(as_text=True)


def test_files_are_downloaded_in_scope_only(notices: Notices, client):
    world = notices.world
    notice = notices.issue()
    other = notices.issue()
    login(client, world.a_officer.username)
    client.post(
        f"/rectification/{notice.id}/report",
        data={
            "report-received_on": "2020-10-20",
            "report-measures_taken": "已更换",
            "report-files": [(io.BytesIO(PNG), "照片.png")],
        },
        content_type="multipart/form-data",
    )
    refused = client.post(
        f"/rectification/{notice.id}/files",
        data={"files-stage": "report", "files-files": [(io.BytesIO(b"GIF89a"), "x.gif")]},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and "只接受" in refused.get_data(as_text=True)
    notice = db.session.get(RectificationNotice, notice.id)
    [item] = notice.attachments
    url = f"/rectification/{notice.id}/files/{item.id}"
    response = client.get(url)
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/rectification/{other.id}/files/{item.id}").status_code == 404
    login(client, world.b_officer.username)
    assert client.get(url).status_code == 404
    login(client, world.a_inspector.username)
    assert client.get(url).status_code == 200
    assert date(2020, 10, 20) == notice.reports[0].received_on
