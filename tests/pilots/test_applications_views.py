"""Applicant pages over HTTP: registering one (by hand or from the registry), its documents,
the formal review with the documents checked on the review date, the failed applicant's
reasons on its page, and who sees which applicant."""

from __future__ import annotations

import pytest
from calls_support import NOW, called  # noqa: F401
from sqlalchemy import select

import supervision.pilots.application_views as application_views
import supervision.pilots.call_views as call_views
from conftest import World, credit_code, login
from supervision.extensions import db
from supervision.pilots.models import Application, ApplicationDocument, FormalStatus


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    for module in (call_views, application_views):
        monkeypatch.setattr(module, "utcnow", lambda: NOW)


def text(response) -> str:
    return response.get_data(as_text=True)


def application_form(world, **changes) -> dict:
    data = {
        "name": "常州新创再制造有限公司",
        "short_name_en": "xinchuang",
        "credit_code": credit_code(950, "913204"),
        "principal": "刘洋",
        "province_id": str(world.a_province.id),
        "city_id": str(world.a_agency.id),
        "address": "常州市武进区",
        "contact": "王芳",
        "phone": "0519-86000000",
        "products": "发动机",
        "requested_wan": "300",
        "submitted_on": "2014-09-25",
    }
    data.update(changes)
    return data


def test_the_ministry_registers_an_applicant_and_its_documents(client, called):
    world = called.world
    login(client, world.ministry_officer.username)
    url = f"/pilots/calls/{called.call.id}/applications/new"
    page = text(client.get(url))
    assert "江苏省 · 南京" in page and "浙江省 · 杭州市节能监察中心" in page
    wrong = client.post(url, data=application_form(world, city_id=str(world.b_agency.id)))
    assert wrong.status_code == 422 and "所选地市不在所选省份内。" in text(wrong)
    bad_code = client.post(url, data=application_form(world, credit_code="91320400000000950X"))
    assert bad_code.status_code == 422 and "统一社会信用代码" in text(bad_code)
    response = client.post(url, data=application_form(world))
    assert response.status_code == 302
    application = db.session.scalars(
        select(Application).where(Application.short_name_en == "XINCHUANG")
    ).one()
    assert response.location.endswith(f"/pilots/applications/{application.id}")
    assert application.city_id == world.a_agency.id

    documents = f"/pilots/applications/{application.id}/documents"
    client.post(documents, data={"kind": "business", "number": "320400000950",
                                 "valid_from": "2010-01-01", "inspected": "y"})  # fmt: skip
    client.post(documents, data={"kind": "quality", "number": "Q-950",
                                 "valid_from": "2011-01-01", "valid_until": "2014-10-07",
                                 "inspected": "y"})  # fmt: skip
    client.post(documents, data={"kind": "production", "number": "P-950"})  # 年检 not ticked
    page = text(client.get(response.location))
    assert "长期" in page and "截至 2014-10-08" in page
    assert "质量体系认证证书（Q-950）已过有效期（有效期至 2014-10-07）" in page
    assert "生产许可证（P-950）未通过年检" in page
    bad = client.post(documents, data={"kind": "other", "valid_from": "2014-01-02",
                                       "valid_until": "2014-01-01"})  # fmt: skip
    assert "有效期至不能早于有效期起。" in text(client.get(bad.location))
    assert len(application.documents) == 3

    mistaken = db.session.scalars(
        select(ApplicationDocument).where(ApplicationDocument.number == "P-950")
    ).one()
    client.post(f"/pilots/documents/{mistaken.id}/delete")
    db.session.expire_all()
    assert [d.number for d in application.documents] == ["320400000950", "Q-950"]


def test_an_applicant_can_start_from_the_registry(client, called):
    world = called.world
    enterprise = world.a_enterprise
    login(client, world.ministry_officer.username)
    url = f"/pilots/calls/{called.call.id}/applications/new"
    typed = enterprise.credit_code.lower()[:9] + " " + enterprise.credit_code[9:]
    for query in (f"?credit_code={typed}", f"?enterprise={enterprise.id}"):
        page = text(client.get(url + query))
        assert f'value="{enterprise.name}"' in page
        assert f'value="{enterprise.credit_code}"' in page
        assert f'<option selected value="{world.a_agency.id}">' in page
    missing = text(client.get(url + "?credit_code=91110000000000000X"))
    assert "企业名录中没有统一社会信用代码为 91110000000000000X 的企业。" in missing


def test_the_formal_review_fails_an_applicant_with_its_reasons(client, called):
    world = called.world
    application = called.applications[0]
    quality = application.documents[2]
    quality.valid_until = NOW.date().replace(day=7)
    db.session.commit()
    login(client, world.ministry_officer.username)
    url = f"/pilots/applications/{application.id}/formal-review"
    page = text(client.get(url))
    assert "按审查日 2014-10-08 自动核对" in page
    assert "质量体系认证证书（quality-NJREMAN）已过有效期（有效期至 2014-10-07）" in page
    assert page.count('name="met"') == 3
    response = client.post(
        url, data={"met": ["0", "2"], "complete": "y", "version": str(application.version)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert application.formal_status == FormalStatus.FAILED
    assert application.qualifications_met == [True, False, True]
    detail = text(client.get(response.location))
    assert "未通过形式审查。" in detail and "未通过原因（不再进入后续评审程序）" in detail
    assert "不具备资格条件：列入国家再制造试点企业名单" in detail
    assert "列入国家再制造试点企业名单：不具备" in detail
    call_page = text(client.get(f"/pilots/calls/{called.call.id}"))
    assert "待审查 3 家，通过 0 家，未通过 1 家" in call_page

    # A stale form (someone reviewed meanwhile) is refused.
    stale = client.post(url, data={"met": ["0", "1", "2"], "complete": "y", "version": "1"})
    assert stale.status_code == 422 and "已被他人修改" in text(stale)
    # The reviewer corrects the finding: every qualification met, the certificate renewed.
    quality.valid_until = None
    db.session.commit()
    client.post(
        url, data={"met": ["0", "1", "2"], "complete": "y", "version": str(application.version)}
    )
    db.session.expire_all()
    assert application.formal_status == FormalStatus.PASSED and application.formal_reasons == []


def test_applicants_are_seen_only_in_their_province(app, called):
    world = called.world
    nanjing, hangzhou = called.applications[0], called.applications[3]
    b = app.test_client()
    login(b, world.b_officer.username)
    assert b.get(f"/pilots/applications/{nanjing.id}").status_code == 404
    page = text(b.get(f"/pilots/applications/{hangzhou.id}"))
    assert hangzhou.name in page and World.MARKER not in page
    assert "形式审查" in page and "添加证照" not in page
    a = app.test_client()
    login(a, world.a_officer.username)
    assert nanjing.name in text(a.get(f"/pilots/applications/{nanjing.id}"))
    assert a.get(f"/pilots/applications/{nanjing.id}/edit").status_code == 403
    assert a.post(f"/pilots/applications/{nanjing.id}/documents").status_code == 403
    ministry = app.test_client()
    login(ministry, world.ministry_officer.username)
    edit = text(ministry.get(f"/pilots/applications/{nanjing.id}/edit"))
    assert 'value="NJREMAN"' in edit


def test_a_reviewed_applicant_is_no_longer_edited(client, called):
    world = called.world
    application = called.applications[3]
    login(client, world.ministry_officer.username)
    client.post(
        f"/pilots/applications/{application.id}/formal-review",
        data={"met": ["0", "1", "2"], "complete": "y", "version": str(application.version)},
    )
    response = client.get(f"/pilots/applications/{application.id}/edit")
    assert response.status_code == 302
    assert "申请材料不能再更改" in text(client.get(response.location))
    document = application.documents[0]
    client.post(f"/pilots/documents/{document.id}/delete")
    db.session.expire_all()
    assert len(application.documents) == 3
