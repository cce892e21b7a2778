"""Call pages over HTTP: the ministry creates, edits and closes a call and sends it to the
detailed review; the call page shows each user only the applicants of his province."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from calls_support import NOW, called, make_call, review_all  # noqa: F401
from sqlalchemy import select

import supervision.pilots.application_views as application_views
import supervision.pilots.call_views as call_views
import supervision.pilots.pilot_views as pilot_views
from conftest import World, login
from supervision.extensions import db
from supervision.pilots.models import CallStatus, PilotCall


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    for module in (call_views, application_views, pilot_views):
        monkeypatch.setattr(module, "utcnow", lambda: NOW)


def text(response) -> str:
    return response.get_data(as_text=True)


def call_form(**changes) -> dict:
    data = {
        "name": "2015 年再制造产品“以旧换再”推广试点企业征集",
        "notice_number": "发改办环资〔2015〕88 号",
        "year": "2015",
        "opens_on": "2014-10-01",
        "closes_on": "2014-10-31",
        "product_classes": "F|0|发动机\nB|0|变速箱",
        "qualifications": "具有独立法人资格\n列入国家再制造试点企业名单",
        "required_documents": ["business", "quality"],
        "funding_cap_wan": "1500",
        "max_selected": "4",
        "check_rate": "8",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def only_call() -> PilotCall:
    db.session.expire_all()
    return db.session.scalars(select(PilotCall)).one()


def test_the_ministry_creates_edits_and_closes_a_call_early(client, world: World):
    login(client, world.ministry_officer.username)
    assert "新建征集" in text(client.get("/pilots/"))
    page = text(client.get("/pilots/calls/new"))
    assert 'name="product_classes"' in page and "营业执照" in page
    response = client.post("/pilots/calls/new", data=call_form())
    assert response.status_code == 302
    call = only_call()
    assert response.location.endswith(f"/pilots/calls/{call.id}")
    assert call.product_classes == [
        {"letter": "F", "correction": 0, "name": "发动机"},
        {"letter": "B", "correction": 0, "name": "变速箱"},
    ]
    assert call.qualifications == ["具有独立法人资格", "列入国家再制造试点企业名单"]
    assert call.required_documents == ["business", "quality"]
    assert (call.check_rate, call.status) == (Decimal("0.08"), CallStatus.OPEN)
    detail = text(client.get(response.location))
    assert (
        "F0</span> 发动机" in detail and "8%" in detail and "营业执照、质量体系认证证书" in detail
    )
    assert "提前截止征集" in detail  # 2014-10-08 is before the closing date

    edit = text(client.get(f"/pilots/calls/{call.id}/edit"))
    assert "F|0|发动机\nB|0|变速箱" in edit and 'value="8"' in edit
    saved = client.post(
        f"/pilots/calls/{call.id}/edit",
        data=call_form(check_rate="10", version=str(call.version)),
    )
    assert saved.status_code == 302 and only_call().check_rate == Decimal("0.10")

    not_yet = client.post(f"/pilots/calls/{call.id}/close")
    assert "征集截止日期（2014-10-31）未到" in text(client.get(not_yet.location))
    assert only_call().status == CallStatus.OPEN
    client.post(f"/pilots/calls/{call.id}/close", data={"early": "1"})
    call = only_call()
    assert (call.status, call.closes_on) == (CallStatus.CLOSED, date(2014, 10, 8))
    detail = text(client.get(f"/pilots/calls/{call.id}"))
    # 15 working days after Wednesday 2014-10-08 (Saturday 10-11 a working day).
    assert "形式审查期限：2014-10-28。" in detail


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"product_classes": "f|0|发动机"}, "第 1 行：应为“大写字母|校正码|产品名称”"),
        ({"check_rate": "12"}, "第三方核查比例应在 5%—10% 之间。"),
        ({"closes_on": "2014-09-30"}, "征集截止日期不能早于开始日期。"),
        ({"required_documents": None}, "请至少选择一种必备证照。"),
        ({"opens_on": "十月一日"}, "请填写日期（YYYY-MM-DD）。"),
    ],
)
def test_a_wrong_call_is_shown_again_with_the_reason(client, world, changes, message):
    login(client, world.ministry_officer.username)
    response = client.post("/pilots/calls/new", data=call_form(**changes))
    assert response.status_code == 422
    assert message in text(response)
    assert db.session.scalars(select(PilotCall)).first() is None


def test_the_call_page_shows_each_province_its_own_applicants(app, called):
    world = called.world
    url = f"/pilots/calls/{called.call.id}"
    ministry = app.test_client()
    login(ministry, world.ministry_officer.username)
    page = text(ministry.get(url))
    for name in ("南京", "苏州恒力", "无锡锡动", "杭州钱江"):
        assert name in page
    assert "形式审查期限：2014-10-27。" in page
    assert "共 4 家申请单位：待审查 4 家，通过 0 家，未通过 0 家。" in page
    assert "登记申请单位" in page and "截止征集" not in page

    province_b = app.test_client()
    login(province_b, world.b_officer.username)
    page = text(province_b.get(url))
    assert "杭州钱江动力再制造有限公司" in page and "本地区申请单位" in page
    assert World.MARKER not in page and "苏州恒力" not in page
    assert "共 1 家申请单位：待审查 1 家" in page
    assert "登记申请单位" not in page and "编辑" not in page
    listing = text(province_b.get("/pilots/"))
    assert called.call.name in listing and World.MARKER not in listing

    province_a = app.test_client()
    login(province_a, world.a_inspector.username)
    page = text(province_a.get(url))
    assert "南京" in page and "苏州恒力" in page and "杭州钱江" not in page

    expert = app.test_client()
    login(expert, world.expert.username)
    assert expert.get(url).status_code == 403
    assert expert.get("/pilots/").status_code == 403


def test_only_the_ministry_manages_calls(app, called):
    client = app.test_client()
    login(client, called.world.a_officer.username)
    call_id = called.call.id
    assert client.get("/pilots/calls/new").status_code == 403
    assert client.get(f"/pilots/calls/{call_id}/edit").status_code == 403
    assert client.post(f"/pilots/calls/{call_id}/close").status_code == 403
    assert client.get(f"/pilots/calls/{call_id}/review").status_code == 403
    assert client.post(f"/pilots/calls/{call_id}/announce").status_code == 403


def test_the_ministry_sends_the_applicants_that_passed_to_the_review(client, called):
    world = called.world
    login(client, world.ministry_officer.username)
    url = f"/pilots/calls/{called.call.id}/review"
    page = text(client.get(url))
    assert "还有申请单位未完成形式审查" in page
    assert "2014 年再制造产品“以旧换再”推广试点企业评审" in page  # the title from the call
    refused = client.post(
        url,
        data={
            "title": "评审",
            "convener": "五部委",
            "organiser": "商会",
            "meets_on": "2014-11-20",
            "scoring_items_text": "综合|100",
        },
    )
    assert refused.status_code == 422 and "还有申请单位未完成形式审查。" in text(refused)

    review_all(called, failing=2)
    bad = client.post(url, data={"title": "评审", "convener": "五部委", "organiser": "商会",
                                 "meets_on": "2014-11-20", "scoring_items_text": "综合"})  # fmt: skip
    assert bad.status_code == 422 and "第 1 行应为“名称|满分”" in text(bad)
    sent = client.post(
        url,
        data={
            "title": "2014 年以旧换再试点企业评审",
            "convener": "五部委相关司局",
            "organiser": "中国机电产品进出口商会",
            "departments": "工业和信息化部节能与综合利用司\n国家发展改革委环资司",
            "meets_on": "2014-11-20",
            "venue": "北京",
            "scoring_items_text": "公司综合概况|40\n本项目投资服务方案|50\n价格|10|价格",
        },
    )
    assert sent.status_code == 302
    call = only_call()
    assert call.status == CallStatus.REVIEWING
    review = call.review
    assert review.departments == ["工业和信息化部节能与综合利用司", "国家发展改革委环资司"]
    assert [c.short_name_en for c in review.candidates] == ["NJREMAN", "HENGLI", "QIANJIANG"]
    assert [i["price"] for i in review.scoring_items] == [False, False, True]
    page = text(client.get(sent.location))
    assert "已组织详细评审，3 家申请单位进入详细评审。" in page
    assert "2014 年以旧换再试点企业评审" in page and "准备中" in page
    # Once sent, the set-up page sends the user back to the call.
    assert client.get(url).status_code == 302


def test_a_call_still_open_has_no_formal_review_deadline_on_its_page(client, world):
    made = make_call(world, close=False)
    login(client, world.ministry_officer.username)
    page = text(client.get(f"/pilots/calls/{made.call.id}"))
    assert "征集截止后 15 个工作日内进行形式审查。" in page and "截止征集" in page
