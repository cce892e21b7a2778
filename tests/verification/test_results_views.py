"""The results pages: progress scoped, the report form's submit / return / accept flow over
HTTP, a stale form refused, a late submission marked."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from results_support import add_results_data
from verification_support import verification  # noqa: F401

import supervision.verification.result_views as result_views
from conftest import World, login
from supervision.extensions import db
from supervision.verification.models import ReportStatus, VerificationReport

IN_TIME = datetime(2013, 4, 14, 2, tzinfo=UTC)
LATE = datetime(2013, 4, 16, 2, tzinfo=UTC)


@pytest.fixture
def data(verification, monkeypatch):
    add_results_data(verification)
    monkeypatch.setattr(result_views, "local_today", lambda: date(2013, 4, 14))
    monkeypatch.setattr(result_views, "utcnow", lambda: IN_TIME)
    return verification


def _results_url(made, unit=None):
    unit = unit or made.world.a_province
    return f"/verification/{made.campaign.id}/units/{unit.id}/results"


def _report(made) -> VerificationReport:
    db.session.expire_all()
    return db.session.get(VerificationReport, made.report.id)


def test_the_ministry_sees_every_unit_a_province_its_own(app, data):
    w = data.world
    client = app.test_client()
    login(client, w.ministry_officer.username)
    page = client.get(f"/verification/{data.campaign.id}/progress")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert f'data-unit="{w.a_province.id}"' in body and f'data-unit="{w.b_province.id}"' in body
    assert "table-danger" not in body
    login(client, w.b_officer.username)
    body = client.get(f"/verification/{data.campaign.id}/progress").get_data(as_text=True)
    assert f'data-unit="{w.b_province.id}"' in body
    assert f'data-unit="{w.a_province.id}"' not in body
    assert World.MARKER not in body


def test_overdue_units_are_highlighted_after_the_deadline(app, data, monkeypatch):
    monkeypatch.setattr(result_views, "local_today", lambda: date(2013, 4, 16))
    client = app.test_client()
    login(client, data.world.ministry_officer.username)
    body = client.get(f"/verification/{data.campaign.id}/progress").get_data(as_text=True)
    assert body.count("table-danger") == 2
    assert "逾期未报 2 个单位" in body


def test_the_unit_page_shows_figures_and_the_form_to_its_officer_only(app, data):
    w = data.world
    client = app.test_client()
    login(client, w.a_officer.username)
    body = client.get(_results_url(data)).get_data(as_text=True)
    assert 'id="report-form"' in body
    assert 'data-figure="consumer_sales"><td>' in body and ">46</td>" in body
    login(client, w.a_inspector.username)
    body = client.get(_results_url(data)).get_data(as_text=True)
    assert 'id="report-form"' not in body and 'id="report-text"' in body
    login(client, w.b_officer.username)
    assert client.get(_results_url(data)).status_code == 404


def _post(client, made, **fields):
    data = {"summary": "已完成核查。", "problems": "", "suggestions": "", **fields}
    return client.post(_results_url(made), data=data)


def test_save_then_submit_freezes_the_figures(app, data):
    client = app.test_client()
    login(client, data.world.a_officer.username)
    version = _report(data).version
    response = _post(client, data, version=str(version), save="1")
    assert response.status_code == 302
    report = _report(data)
    assert report.status == ReportStatus.DRAFT and report.summary == "已完成核查。"
    response = _post(client, data, version=str(report.version), submit="1")
    assert response.status_code == 302
    report = _report(data)
    assert report.status == ReportStatus.SUBMITTED
    assert report.figures["records"]["consumer_sales"] == 46 and report.figures["late"] is False
    body = client.get(_results_url(data)).get_data(as_text=True)
    assert "核查结果已上报部里。" in body and 'id="report-form"' not in body
    assert 'id="late"' not in body


def test_a_stale_form_is_refused(app, data):
    client = app.test_client()
    login(client, data.world.a_officer.username)
    opened = str(_report(data).version)
    assert _post(client, data, version=opened, save="1").status_code == 302
    response = _post(client, data, version=opened, save="1", summary="旧页面的内容")
    assert response.status_code == 422
    assert "已被他人修改" in response.get_data(as_text=True)
    assert _report(data).summary == "已完成核查。"


def test_submitting_after_the_deadline_is_allowed_and_marked_late(app, data, monkeypatch):
    monkeypatch.setattr(result_views, "utcnow", lambda: LATE)
    monkeypatch.setattr(result_views, "local_today", lambda: date(2013, 4, 16))
    client = app.test_client()
    login(client, data.world.a_officer.username)
    response = _post(client, data, version=str(_report(data).version), submit="1")
    assert response.status_code == 302
    assert _report(data).figures["late"] is True
    body = client.get(_results_url(data)).get_data(as_text=True)
    assert "已标记为逾期上报" in body and 'id="late"' in body
    login(client, data.world.ministry_officer.username)
    progress = client.get(f"/verification/{data.campaign.id}/progress").get_data(as_text=True)
    assert "逾期上报" in progress
    assert progress.count("table-danger") == 1  # B has not reported: overdue


def test_submit_without_summary_is_refused_beside_the_field(app, data):
    client = app.test_client()
    login(client, data.world.a_officer.username)
    response = _post(client, data, version=str(_report(data).version), submit="1", summary="")
    assert response.status_code == 422
    assert "请填写核查情况后再上报" in response.get_data(as_text=True)
    assert _report(data).status == ReportStatus.DRAFT


def test_returned_then_resubmitted_then_accepted(app, data):
    w = data.world
    client = app.test_client()
    login(client, w.a_officer.username)
    _post(client, data, version=str(_report(data).version), submit="1")
    review = f"/verification/reports/{data.report.id}/review"
    login(client, w.ministry_officer.username)
    page = client.get(_results_url(data)).get_data(as_text=True)
    assert 'id="review-form"' in page
    refused = client.post(
        review, data={"decision": "return", "comment": "", "version": _report(data).version}
    )
    assert refused.status_code == 422 and "退回时请写明" in refused.get_data(as_text=True)
    response = client.post(
        review,
        data={
            "decision": "return",
            "comment": "请补充入户核查情况",
            "version": _report(data).version,
        },
    )
    assert response.status_code == 302
    assert _report(data).status == ReportStatus.RETURNED
    login(client, w.a_officer.username)
    page = client.get(_results_url(data)).get_data(as_text=True)
    assert "请补充入户核查情况" in page and 'id="report-form"' in page
    _post(client, data, version=str(_report(data).version), submit="1", summary="已补充。")
    assert _report(data).status == ReportStatus.SUBMITTED
    login(client, w.ministry_officer.username)
    stale = client.post(review, data={"decision": "accept", "version": "1"})
    assert stale.status_code == 422 and "已被他人修改" in stale.get_data(as_text=True)
    response = client.post(review, data={"decision": "accept", "version": _report(data).version})
    assert response.status_code == 302
    assert _report(data).status == ReportStatus.ACCEPTED


@pytest.mark.parametrize(
    ("actor", "status"), [("a_inspector", 403), ("b_officer", 404), ("ministry_officer", 403)]
)
def test_who_may_not_submit(app, data, actor, status):
    client = app.test_client()
    login(client, getattr(data.world, actor).username)
    response = _post(client, data, version=str(_report(data).version), submit="1")
    assert response.status_code == status
    assert _report(data).status == ReportStatus.DRAFT


@pytest.mark.parametrize("actor", ["a_officer", "a_inspector", "b_officer"])
def test_only_the_ministry_reviews(app, data, actor):
    client = app.test_client()
    login(client, getattr(data.world, actor).username)
    response = client.post(
        f"/verification/reports/{data.report.id}/review", data={"decision": "accept"}
    )
    assert response.status_code == 403
