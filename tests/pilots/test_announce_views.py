"""The announcement over HTTP: the ministry announces the pilots of a decided review, records
commitment letters or cancels; the pilot page; the public page of the pilots."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from calls_support import NOW, called, review_all, score_and_decide, send  # noqa: F401
from sqlalchemy import select

import supervision.pilots.call_views as call_views
import supervision.pilots.pilot_views as pilot_views
from conftest import World, login
from supervision.extensions import db
from supervision.pilots.models import CallStatus, PilotEnterprise, PilotStatus

DECEMBER = datetime(2014, 12, 16, 2, 0, tzinfo=UTC)
TOTALS = {"NJREMAN": "85.0", "HENGLI": "90.0", "XIDONG": "80.0", "QIANJIANG": "88.0"}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    for module in (call_views, pilot_views):
        monkeypatch.setattr(module, "utcnow", lambda: DECEMBER)


@pytest.fixture
def decided(called):
    review_all(called)
    send(called)
    score_and_decide(called, TOTALS, ["NJREMAN", "HENGLI", "QIANJIANG"])
    return called


def text(response) -> str:
    return response.get_data(as_text=True)


def announced(client, made):
    login(client, made.world.ministry_officer.username)
    response = client.post(
        f"/pilots/calls/{made.call.id}/announce",
        data={"announced_on": "2014-12-15", "commitment_due_on": "2014-12-31"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    return {p.name[:2]: p for p in _pilots(made)}


def _pilots(made):
    return db.session.scalars(
        select(PilotEnterprise)
        .where(PilotEnterprise.call_id == made.call.id)
        .order_by(PilotEnterprise.number)
    ).all()


def test_the_ministry_announces_the_decided_pilots(client, decided):
    login(client, decided.world.ministry_officer.username)
    url = f"/pilots/calls/{decided.call.id}"
    page = text(client.get(url))
    assert "已确定推广单位" in page and "公告推广单位" in page and 'value="2014-12-16"' in page
    wrong = client.post(
        f"{url}/announce", data={"announced_on": "2014-12-15", "commitment_due_on": "2014-12-01"}
    )
    assert "承诺书签订期限不能早于公告日期。" in text(client.get(wrong.location))
    pilots = announced(client, decided)
    assert [(p.number, p.name[:2]) for p in pilots.values()] == [
        (1, "苏州"),
        (2, "杭州"),
        (3, "南京"),
    ]
    page = text(client.get(url))
    assert "已公告 3 家推广试点企业。" in page and "公开公告页" in page
    assert decided.call.status == CallStatus.ANNOUNCED


def test_the_pilot_page_and_its_commitment_letter(app, client, decided):
    pilots = announced(client, decided)
    suzhou, hangzhou, nanjing = pilots["苏州"], pilots["杭州"], pilots["南京"]
    url = f"/pilots/enterprises/{suzhou.id}"
    page = text(client.get(url))
    assert "待签订承诺书" in page and "承诺书签订期限" in page and "2014-12-31" in page
    assert "F01401</span>" in page and "B01401</span>" in page  # 发动机, 变速箱, enterprise 01
    assert "尚未签订" in page and "推广网点" in page
    response = client.post(
        f"{url}/commitment",
        data={"decision": "signed", "signed_on": "2014-12-16", "hotline": "0512-66000000"},
    )
    page = text(client.get(response.location))
    assert "已登记“苏州恒力变速箱再制造有限公司”签订承诺书。" in page
    db.session.expire_all()
    assert (suzhou.status, suzhou.hotline) == (PilotStatus.ACTIVE, "0512-66000000")
    assert "试点中" in page and "0512-66000000" in page

    early = client.post(
        f"/pilots/enterprises/{nanjing.id}/commitment",
        data={"decision": "cancelled", "reason": "未在规定时间内签订承诺书"},
    )
    assert "承诺书签订期限尚未届满" in text(client.get(early.location))
    client.post(
        f"/pilots/enterprises/{nanjing.id}/commitment",
        data={"decision": "cancelled", "reason": "试图对评审委员施加影响"},
    )
    db.session.expire_all()
    assert (nanjing.status, nanjing.status_note) == (
        PilotStatus.CANCELLED,
        "试图对评审委员施加影响",
    )

    # Province B sees its own pilot, never A's; it cannot record letters.
    b = app.test_client()
    login(b, decided.world.b_officer.username)
    assert b.get(url).status_code == 404
    own = text(b.get(f"/pilots/enterprises/{hangzhou.id}"))
    assert hangzhou.name in own and World.MARKER not in own and "取消通过资格" not in own
    call_page = text(b.get(f"/pilots/calls/{decided.call.id}"))
    assert "本地区推广试点企业" in call_page and hangzhou.name in call_page
    assert World.MARKER not in call_page and "苏州恒力" not in call_page
    assert b.post(f"/pilots/enterprises/{hangzhou.id}/commitment").status_code == 403


def test_the_public_page_lists_the_pilots_without_personal_data(app, client, decided):
    public = app.test_client()
    url = f"/pilots/public/{decided.call.id}"
    assert public.get(url).status_code == 404  # not announced yet
    pilots = announced(client, decided)
    suzhou = pilots["苏州"]
    suzhou.hotline = "0512-66000000"
    suzhou.status = PilotStatus.ACTIVE
    db.session.commit()
    page = text(public.get(url))
    assert "推广试点企业公告" in page and "公告日期 2014-12-15" in page
    rows = [page.index(p.name) for p in pilots.values()]
    assert rows == sorted(rows)  # in the order of their numbers
    assert "0512-66000000" in page and "杭州市节能监察中心" in page
    for application in decided.applications:
        assert application.principal not in page  # 法定代表人
        assert application.phone not in page
        assert application.credit_code not in page
    assert public.get("/pilots/public/999999").status_code == 404
