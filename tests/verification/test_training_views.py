"""Training: the 2013 sessions seeded, the province-to-venue table, the ministry's sessions (a
unit in one session only), a unit's receipt (only its own, one per session, changeable until
the session) and the receipts workbook."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from sqlalchemy import func, select
from verification_support import verification  # noqa: F401

import supervision.verification.campaign_views  # noqa: F401  (the pages link to each other)
import supervision.verification.training_views as training_views
import supervision.verification.unit_views  # noqa: F401
from conftest import World, login, org_by_code
from supervision.extensions import db
from supervision.verification import campaigns, training
from supervision.verification.models import (
    CampaignStatus,
    TrainingRegistration,
    TrainingSession,
    VerificationCampaign,
)

BEFORE = datetime(2013, 3, 6, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Set the pages' clock: ``clock(datetime)``."""

    def set_to(now: datetime):
        monkeypatch.setattr(training_views, "utcnow", lambda: now)
        monkeypatch.setattr(training_views, "local_today", lambda: campaigns.local_date(now))

    set_to(BEFORE)
    return set_to


def text(response) -> str:
    return response.get_data(as_text=True)


def national_campaign(world: World) -> VerificationCampaign:
    campaign = campaigns.create_campaign(
        campaigns.CampaignData(
            name="第二批推广信息核查",
            categories=["fridge"],
            sales_from=date(2012, 9, 1),
            sales_to=date(2013, 1, 31),
            result_due_on=date(2013, 4, 15),
        ),
        unit_ids=[u.id for u in campaigns.campaign_units()],
        targets=["end_user"],
        actor=world.ministry_officer,
        now=BEFORE,
    )
    campaigns.issue_campaign(campaign, version=None, actor=world.ministry_officer, now=BEFORE)
    db.session.commit()
    return campaign


def test_the_2013_sessions_are_seeded_with_their_units(world: World):
    campaign = national_campaign(world)
    added = training.add_training_from_seed(campaign)
    db.session.commit()
    assert [(s.region, s.held_on) for s in added] == [
        ("北京", date(2013, 3, 8)),
        ("成都", date(2013, 3, 8)),
        ("广东", date(2013, 3, 9)),
        ("南京", date(2013, 3, 11)),
    ]
    assert {s.register_by for s in added} == {date(2013, 3, 7)}
    names = {s.region: {u.name for u in s.units} for s in added}
    assert [len(s.units) for s in added] == [11, 11, 8, 5]
    assert {"内蒙古自治区", "大连市", "北京市"} <= names["北京"]
    assert {"宁夏回族自治区", "新疆维吾尔自治区", "西藏自治区"} <= names["成都"]
    assert {"广西壮族自治区", "厦门市", "深圳市"} <= names["广东"]
    assert names["南京"] == {"上海市", "江苏省", "浙江省", "宁波市", "安徽省"}
    assert {u.name for u in training.unassigned_units(campaign)} == {"青岛市", "新疆生产建设兵团"}
    assert added[0].venue == "中国科技会堂 B105" and added[1].fax == "028-86264871"
    assert training.add_training_from_seed(campaign) == []  # runs once


def test_the_table_as_the_notice_prints_it(client, world: World, clock):
    campaign = national_campaign(world)
    training.add_training_from_seed(campaign)
    db.session.commit()
    login(client, world.ministry_officer.username)
    page = text(client.get(f"/verification/{campaign.id}/training"))
    for header in ("序号", "片区", "参加培训省市", "培训时间地点"):
        assert f">{header}</th>" in page
    assert page.count('rowspan="11"') == 4 and page.count('rowspan="8"') == 2
    assert page.count('rowspan="5"') == 2
    assert ">35</td>" in page and ">36</td>" not in page
    assert "3月8日 13:30—17:30" in page and "地点：绿洲大酒店" in page
    assert "联系电话：025-84818888, 18951717568, 13851786363" in page
    assert "尚未安排培训的单位：" in page and "青岛市" in page
    assert page.count("未报名") == 35
    # A province reads the same table; receipts only for its own units.
    login(client, world.b_officer.username)
    page = text(client.get(f"/verification/{campaign.id}/training"))
    assert page.count('rowspan="11"') == 4 and "尚未安排培训的单位" not in page
    assert page.count("未报名") == 2  # 浙江省 and its 宁波市
    assert page.count("填写回执") == 2


def _session_form(world, **changes) -> dict:
    data = {
        "region": "南京",
        "held_on": "2013-03-11",
        "hours": "13:30—17:30",
        "venue": "江苏会议中心 3 楼金陵厅",
        "address": "南京市中山东路 307 号",
        "contacts": "沈娟 王印",
        "phones": "025-84818888",
        "fax": "025-83392836",
        "register_by": "2013-03-07",
        "unit_ids": [str(world.a_province.id)],
    }
    data.update(changes)
    return data


def test_the_ministry_sets_up_sessions_a_unit_in_one_only(client, verification, clock):
    world, campaign = verification.world, verification.campaign
    login(client, world.ministry_officer.username)
    url = f"/verification/{campaign.id}/training/new"
    page = text(client.get(url))
    assert "江苏省" in page and "浙江省" in page and "上海市" not in page  # the campaign's units
    clash = client.post(url, data=_session_form(world, region="北京"))
    assert clash.status_code == 422
    assert "以下单位已安排在其他培训场次：江苏省" in text(clash)
    late = client.post(url, data=_session_form(world, register_by="2013-03-12", unit_ids=[]))
    assert late.status_code == 422 and "报名截止日期不能晚于培训日期。" in text(late)
    assert db.session.scalar(select(func.count()).select_from(TrainingSession)) == 1

    # Taking 江苏 off the Nanjing session (to Beijing) drops its receipt for Nanjing.
    edit = f"/verification/training/{verification.session.id}/edit"
    assert 'value="南京"' in text(client.get(edit))
    moved = client.post(edit, data=_session_form(world, unit_ids=[str(world.b_province.id)]))
    assert moved.status_code == 302
    added = client.post(url, data=_session_form(world, region="北京", held_on="2013-03-08"))
    assert added.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(TrainingRegistration)) == 0
    sessions = training.sessions_of(
        db.session.get(VerificationCampaign, campaign.id), world.ministry_officer
    )
    assert [(s.region, [u.name for u in s.units]) for s in sessions] == [
        ("北京", ["江苏省"]),
        ("南京", ["浙江省"]),
    ]


def _receipt(**changes) -> dict:
    data = {
        "unit_name": "浙江省经济和信息化委员会",
        "p0_name": "王五",
        "p0_position": "处长",
        "p0_office_phone": "0571-87051234",
        "p0_mobile": "13900000001",
        "p3_name": "赵六",
        "p3_mobile": "13900000002",
        "fax": "0571-87050000",
        "email": "jnc@zj.gov.cn",
        "room_needed": "yes",
        "remarks": "=提前一天到达",  # text, never a formula in the workbook
    }
    data.update(changes)
    return data


def test_a_unit_sends_one_receipt_and_changes_it_until_the_session(client, verification, clock):
    world, session = verification.world, verification.session
    url = f"/verification/training/{session.id}/register"
    login(client, world.b_officer.username)
    page = text(client.get(url))
    assert "浙江省" in page and World.MARKER not in page and "报名回执单" in page
    unnamed = client.post(url, data=_receipt(**{"p0_name": ""}))
    assert unnamed.status_code == 422 and "填写了职务、电话的行请同时填写姓名。" in text(unnamed)
    nobody = {k: v for k, v in _receipt().items() if not (k[0] == "p" and k[1].isdigit())}
    refused = client.post(url, data=nobody)
    assert refused.status_code == 422 and "请至少填写一名参加培训人员的姓名。" in text(refused)
    assert client.post(url, data=_receipt()).status_code == 302
    assert client.post(url, data=_receipt(room_needed="no", fax="")).status_code == 302
    found = db.session.scalars(
        select(TrainingRegistration).where(TrainingRegistration.unit_id == world.b_province.id)
    ).all()
    assert len(found) == 1  # one per unit and session: changed, not added
    receipt = found[0]
    assert (receipt.room_needed, receipt.fax, receipt.province_id) == (
        False,
        "",
        world.b_province.id,
    )
    assert [p["name"] for p in receipt.attendees] == ["王五", "赵六"]
    assert receipt.attendees[1] == {
        "name": "赵六",
        "position": "",
        "office_phone": "",
        "mobile": "13900000002",
    }
    assert receipt.submitted_by_id == world.b_officer.id

    # On the day of the session the receipt is closed.
    clock(datetime(2013, 3, 10, 16, 0, tzinfo=UTC))  # 00:00 on the 11th in Beijing
    closed = client.get(url)
    assert "培训日期（2013-03-11）已到，报名回执不能再提交或修改。" in text(closed)
    again = client.post(url, data=_receipt(remarks="晚到"))
    assert again.status_code == 422
    db.session.expire_all()
    assert db.session.get(TrainingRegistration, receipt.id).remarks == "=提前一天到达"


def test_only_the_units_of_a_session_register(client, verification, clock, make_user):
    world, campaign = verification.world, verification.campaign
    session = training.create_session(
        campaign,
        training.SessionData(region="北京", held_on=date(2013, 3, 8), venue="中国科技会堂"),
        unit_ids=[],
        actor=world.ministry_officer,
        now=BEFORE,
    )
    db.session.commit()
    url = f"/verification/training/{session.id}/register"
    login(client, world.b_officer.username)
    assert "本场培训没有安排您所在的单位" in text(client.get(url))
    assert client.post(url, data=_receipt()).status_code == 422
    # Naming another unit does not help: 江苏 is not 浙江's.
    nanjing = (
        f"/verification/training/{verification.session.id}/register?unit={world.a_province.id}"
    )
    page = text(client.get(nanjing))
    assert "浙江省" in page and World.MARKER not in page
    login(client, world.b_agency_officer.username)  # an agency sends no unit's receipt
    assert "本场培训没有安排您所在的单位" in text(client.get(nanjing))
    login(client, world.b_inspector.username)
    assert client.get(nanjing).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(TrainingRegistration)) == 1


def test_a_province_registers_its_plan_city(client, world: World, clock):
    campaign = national_campaign(world)
    training.add_training_from_seed(campaign)
    db.session.commit()
    nanjing = next(s for s in campaign.training_sessions if s.region == "南京")
    ningbo = org_by_code("330200")
    url = f"/verification/training/{nanjing.id}/register?unit={ningbo.id}"
    login(client, world.b_officer.username)
    page = text(client.get(url))
    assert 'value="宁波市"' in page and "nav-tabs" in page
    assert client.post(url, data=_receipt(unit_name="宁波市经济和信息化委员会")).status_code == 302
    receipt = db.session.scalars(select(TrainingRegistration)).one()
    assert (receipt.unit_id, receipt.province_id) == (ningbo.id, world.b_province.id)


def test_the_receipts_workbook(client, verification, clock):
    world, campaign = verification.world, verification.campaign
    login(client, world.b_officer.username)
    register = f"/verification/training/{verification.session.id}/register"
    client.post(register, data=_receipt())
    assert client.get(f"/verification/{campaign.id}/training/registrations.xlsx").status_code == 403
    login(client, world.ministry_officer.username)
    response = client.get(f"/verification/{campaign.id}/training/registrations.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book["报名回执"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("序号", "片区", "培训日期", "培训地点", "参加培训省市", "单位名称")
    assert rows[0][6:10] == ("姓名1", "职务/职称1", "办公电话1", "手机1")
    assert rows[0][18:20] == ("姓名4", "手机4")
    assert len(rows) == 3
    a_row, b_row = rows[1], rows[2]
    assert a_row[1] == "南京" and a_row[4] == "江苏省" and World.MARKER in a_row[5]
    assert b_row[4] == "浙江省" and b_row[6:8] == ("王五", "处长")
    # The named rows in order: 赵六 (the form's fourth row) is the second person.
    assert b_row[10:14] == ("赵六", None, None, "13900000002")
    assert b_row[14:20] == (None,) * 6
    headers = rows[0]
    assert b_row[headers.index("是否需要预定房间")] == "是"
    assert b_row[headers.index("备注")] == "=提前一天到达"
    assert sheet.cell(row=3, column=headers.index("备注") + 1).data_type == "s"
    assert list(book["未报名单位"].iter_rows(values_only=True))[1:] == []


def test_a_draft_campaigns_training_is_the_ministrys(client, world: World, clock):
    campaign = national_campaign(world)
    campaign.status = CampaignStatus.DRAFT
    training.add_training_from_seed(campaign)
    db.session.commit()
    session = campaign.training_sessions[0]
    login(client, world.b_officer.username)
    assert client.get(f"/verification/{campaign.id}/training").status_code == 404
    assert client.get(f"/verification/training/{session.id}/register").status_code == 404
