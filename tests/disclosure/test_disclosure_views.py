"""The public list, its feeds and the officers' pages."""

from __future__ import annotations

import csv
import html
import io
from datetime import date, timedelta
from urllib.parse import quote

from disclosure_support import add_enterprise, add_notice, prepare, published
from sqlalchemy import select

from conftest import World, login
from supervision.core.clock import local_today
from supervision.core.models import Role
from supervision.disclosure import service
from supervision.disclosure.models import Publication, PublicationStatus
from supervision.extensions import db


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def csv_rows(response) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


# -- the public side -------------------------------------------------------------------------------


def test_anonymous_sees_the_public_page_and_feeds_without_internal_links(world: World, client):
    published(world)
    page = client.get("/disclosure/")
    assert page.status_code == 200
    body = text(page)
    assert "违规企业名单公布" in body and world.a_enterprise.name in body
    for internal in ("/disclosure/manage", "退出", "个人设置", "/inspections", "breadcrumb"):
        assert internal not in body
    assert client.get("/disclosure/feed.json").status_code == 200
    assert client.get("/disclosure/feed.csv").status_code == 200


def test_drafts_and_withdrawn_entries_never_appear_publicly(world: World, client):
    shown = published(world, add_enterprise(world.a_province, 11, "公开示例有限公司"))
    prepare(world, add_enterprise(world.a_province, 12, "草稿示例有限公司"))
    gone = published(world, add_enterprise(world.a_province, 13, "撤回示例有限公司"))
    service.withdraw(gone, actor=world.a_officer, reason="处罚决定被撤销", now=gone.prepared_at)
    db.session.commit()
    page = text(client.get("/disclosure/"))
    feed = client.get("/disclosure/feed.json").json
    sheet = text(client.get("/disclosure/feed.csv"))
    assert [i["enterprise_name"] for i in feed["items"]] == [shown.enterprise_name]
    assert feed["count"] == 1
    for output in (page, sheet):
        assert "公开示例有限公司" in output
        assert "草稿示例有限公司" not in output and "撤回示例有限公司" not in output
        assert "处罚决定被撤销" not in output


def test_unchosen_fields_and_people_never_appear_publicly(world: World, client, make_user):
    approver = make_user("a-approver", Role.PROVINCIAL_OFFICER, "320000", full_name="王审批")
    entry = prepare(world, fields=["violation"])
    service.publish(entry, actor=approver, today=date(2020, 7, 1))
    db.session.commit()
    assert entry.approver_name == "王审批"
    code = world.a_enterprise.credit_code
    page = text(client.get("/disclosure/"))
    feed_response = client.get("/disclosure/feed.json")
    feed = feed_response.get_data(as_text=True)
    sheet = text(client.get("/disclosure/feed.csv"))
    for output in (page, feed, sheet):
        assert entry.violation in output
        assert code not in output  # not chosen
        assert "执行阶梯电价" not in output  # the decision: not chosen
        assert "王审批" not in output and "a-approver" not in output
        assert world.a_officer.full_name not in output  # the preparer
    item = feed_response.json["items"][0]
    assert item == {
        "province": "江苏省",
        "province_code": "320000",
        "enterprise_name": world.a_enterprise.name,
        "credit_code": None,
        "violation": entry.violation,
        "decision": None,
        "published_on": "2020-07-01",
        "rectified_on": None,
    }


def test_json_feed_shape(world: World, client):
    published(world, on=date(2020, 7, 1))
    response = client.get("/disclosure/feed.json")
    assert response.mimetype == "application/json"
    data = response.json
    assert set(data) == {"generated_at", "count", "items"}
    assert data["count"] == len(data["items"]) == 1
    assert data["items"][0]["credit_code"] == world.a_enterprise.credit_code
    assert data["items"][0]["decision"] == "执行阶梯电价"
    assert "甲省" in response.get_data(as_text=True)  # Chinese as is, not \\u-escaped


def test_csv_feed_has_bom_header_and_defuses_formulas(world: World, client):
    entry = prepare(world, violation='=HYPERLINK("http://evil","点击")')
    texts = service.texts_from_enterprise(world.a_enterprise)
    texts.violation = entry.violation
    texts.decision = "-罚款50000元"
    texts.enterprise_name = "@示例企业"
    service.update_draft(entry, actor=world.a_officer, texts=texts)
    service.publish(entry, actor=world.a_officer, today=date(2020, 7, 1))
    db.session.commit()
    response = client.get("/disclosure/feed.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == [
        "province", "province_code", "enterprise_name", "credit_code", "violation", "decision",
        "published_on", "rectified_on",
    ]  # fmt: skip
    assert rows[1] == [
        "江苏省", "320000", "'@示例企业", world.a_enterprise.credit_code,
        "'=HYPERLINK(\"http://evil\",\"点击\")", "'-罚款50000元", "2020-07-01", "",
    ]  # fmt: skip


def test_search_filters_and_feeds_share_them(world: World, client):
    published(
        world, add_enterprise(world.a_province, 21, "南京示例钢铁有限公司"), on=date(2020, 7, 1)
    )
    published(
        world, add_enterprise(world.a_province, 22, "无锡示例水泥有限公司"), on=date(2021, 2, 1)
    )
    b_entry = prepare(world, add_enterprise(world.b_province, 23, "浙江示例铝业有限公司"),
                      actor=world.b_officer)  # fmt: skip
    service.publish(b_entry, actor=world.b_officer, today=date(2020, 8, 1))
    db.session.commit()

    def names(query: str) -> list[str]:
        return [
            i["enterprise_name"] for i in client.get(f"/disclosure/feed.json?{query}").json["items"]
        ]

    assert names("q=钢铁") == ["南京示例钢铁有限公司"]
    assert names("province=330000") == ["浙江示例铝业有限公司"]
    assert names("year=2021") == ["无锡示例水泥有限公司"]
    assert names("year=2020&province=320000") == ["南京示例钢铁有限公司"]
    assert names(f"q={b_entry.credit_code}") == ["浙江示例铝业有限公司"]
    page = text(client.get("/disclosure/?q=水泥"))
    assert "无锡示例水泥有限公司" in page and "南京示例钢铁有限公司" not in page
    assert "浙江示例铝业有限公司" not in page
    sheet = csv_rows(client.get("/disclosure/feed.csv?province=330000"))
    assert [r[2] for r in sheet[1:]] == ["浙江示例铝业有限公司"]
    # The feed links on the page keep the filters.
    assert f"/disclosure/feed.csv?q={quote('水泥')}" in page
    # Malformed filters are ignored, not errors.
    assert client.get("/disclosure/?year=abc&since=yesterday&province=1").status_code == 200


def test_pagination(world: World, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for n in range(5):
        published(world, add_enterprise(world.a_province, 30 + n, f"分页企业{n}"),
                  on=date(2020, 7, 1) + timedelta(days=n))  # fmt: skip
    first = text(client.get("/disclosure/"))
    assert "分页企业4" in first and "分页企业3" in first and "分页企业2" not in first
    assert "共 5 条" in first
    third = text(client.get("/disclosure/?page=3"))
    assert "分页企业0" in third and "分页企业1" not in third
    by_name = text(client.get("/disclosure/?sort=enterprise_name"))
    assert "分页企业0" in by_name and "分页企业4" not in by_name
    # The feeds are not paged: every entry.
    assert client.get("/disclosure/feed.json").json["count"] == 5


def test_rectified_annotation_shows_publicly(world: World, client):
    entry = published(world, on=local_today())
    service.mark_rectified(
        entry, actor=world.a_officer, rectified_on=local_today(), today=local_today()
    )
    db.session.commit()
    day = local_today().isoformat()
    assert f"已整改（{day}）" in text(client.get("/disclosure/"))
    assert client.get("/disclosure/feed.json").json["items"][0]["rectified_on"] == day
    assert csv_rows(client.get("/disclosure/feed.csv"))[1][7] == day


# -- the officers' side ----------------------------------------------------------------------------


def test_officer_pages_need_login_and_the_permission(world: World, client):
    entry = prepare(world)
    for url in ("/disclosure/manage", "/disclosure/manage/new", f"/disclosure/manage/{entry.id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    response = client.post(f"/disclosure/manage/{entry.id}/publish")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(client, world.a_inspector.username)
    assert client.get("/disclosure/manage").status_code == 403
    assert client.post(f"/disclosure/manage/{entry.id}/publish").status_code == 403


def test_another_provinces_officer_can_neither_see_nor_publish(world: World, client):
    entry = prepare(world)
    login(client, world.b_officer.username)
    assert client.get(f"/disclosure/manage/{entry.id}").status_code == 404
    assert client.post(f"/disclosure/manage/{entry.id}/publish").status_code == 404
    assert (
        client.post(f"/disclosure/manage/{entry.id}", data={"enterprise_name": "x"}).status_code
        == 404
    )
    assert (
        client.post(f"/disclosure/manage/{entry.id}/withdraw", data={"reason": "x"}).status_code
        == 404
    )
    assert world.a_enterprise.name not in text(client.get("/disclosure/manage"))
    assert (
        client.get(f"/disclosure/manage/new?enterprise_id={world.a_enterprise.id}").status_code
        == 404
    )
    assert db.session.get(Publication, entry.id).status == PublicationStatus.DRAFT


def test_publish_flow_from_a_notice(world: World, client):
    notice = add_notice(world)
    login(client, world.a_officer.username)
    chooser = text(client.get("/disclosure/manage/new?q=苏节监改"))
    assert f"/disclosure/manage/new?notice_id={notice.id}" in chooser
    form_page = text(client.get(f"/disclosure/manage/new?notice_id={notice.id}"))
    assert "使用国家明令淘汰的电机 12 台" in form_page and "罚款50000元" in form_page

    response = client.post(
        f"/disclosure/manage/new?notice_id={notice.id}",
        data={
            "enterprise_name": world.a_enterprise.name,
            "credit_code": world.a_enterprise.credit_code,
            "violation": "使用国家明令淘汰的电机 12 台",
            "decision": "罚款50000元；执行阶梯电价",
            "published_fields": ["violation", "decision"],
        },
    )
    assert response.status_code == 302
    entry = db.session.scalar(select(Publication).where(Publication.notice_id == notice.id))
    assert response.headers["Location"].endswith(f"/disclosure/manage/{entry.id}")
    assert entry.status == PublicationStatus.DRAFT and entry.published_fields == [
        "violation",
        "decision",
    ]
    assert world.a_enterprise.name not in text(client.get("/disclosure/"))

    # Edit the draft.
    response = client.post(
        f"/disclosure/manage/{entry.id}",
        data={
            "enterprise_name": world.a_enterprise.name,
            "credit_code": world.a_enterprise.credit_code,
            "violation": "使用国家明令淘汰的电机 12 台，逾期未整改",
            "decision": "罚款50000元；执行阶梯电价",
            "published_fields": ["violation", "decision"],
        },
    )
    assert response.status_code == 302
    assert db.session.get(Publication, entry.id).violation.endswith("逾期未整改")

    # Publish.
    assert client.post(f"/disclosure/manage/{entry.id}/publish").status_code == 302
    entry = db.session.get(Publication, entry.id)
    assert entry.status == PublicationStatus.PUBLISHED
    assert entry.published_on == local_today()
    assert (entry.approved_by_id, entry.approver_name) == (
        world.a_officer.id,
        world.a_officer.full_name,
    )
    public_page = text(client.get("/disclosure/"))
    assert "逾期未整改" in public_page
    assert world.a_officer.full_name not in public_page.split("</nav>", 1)[1]  # only the navbar

    # Frozen after publication.
    response = client.post(f"/disclosure/manage/{entry.id}", data={
        "enterprise_name": "改名", "credit_code": world.a_enterprise.credit_code, "violation": "改",
    })  # fmt: skip
    assert response.status_code == 302
    assert db.session.get(Publication, entry.id).violation.endswith("逾期未整改")

    # 已整改: a future date is refused, today is fine.
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    refused = client.post(
        f"/disclosure/manage/{entry.id}/rectified", data={"rectified_on": tomorrow}
    )
    assert refused.status_code == 422 and "不能晚于今天" in text(refused)
    today = local_today().isoformat()
    assert (
        client.post(
            f"/disclosure/manage/{entry.id}/rectified", data={"rectified_on": today}
        ).status_code
        == 302
    )
    assert f"已整改（{today}）" in text(client.get("/disclosure/"))

    # Withdraw: a reason is required; the trace stays for officers.
    refused = client.post(f"/disclosure/manage/{entry.id}/withdraw", data={"reason": ""})
    assert refused.status_code == 422
    assert db.session.get(Publication, entry.id).status == PublicationStatus.PUBLISHED
    assert (
        client.post(
            f"/disclosure/manage/{entry.id}/withdraw", data={"reason": "经复核，处罚决定已撤销"}
        ).status_code
        == 302
    )
    assert "逾期未整改" not in text(client.get("/disclosure/"))
    assert client.get("/disclosure/feed.json").json["count"] == 0
    detail = text(client.get(f"/disclosure/manage/{entry.id}"))
    assert "经复核，处罚决定已撤销" in detail and "已撤回" in detail
    assert world.a_officer.full_name in detail  # approver and withdrawer, for officers
    listing = text(client.get("/disclosure/manage?status=withdrawn"))
    assert world.a_enterprise.name in listing


def test_publishing_an_entry_without_violation_is_refused(world: World, client):
    entry = prepare(world, violation="")
    login(client, world.a_officer.username)
    detail = text(client.get(f"/disclosure/manage/{entry.id}"))
    assert "请先填写违规事实，再发布。" in detail
    response = client.post(f"/disclosure/manage/{entry.id}/publish", follow_redirects=True)
    assert "请先填写违规事实，再发布。" in text(response)
    assert db.session.get(Publication, entry.id).status == PublicationStatus.DRAFT


def test_prepare_for_a_registry_enterprise_and_the_ministry_sees_it(world: World, client):
    login(client, world.a_officer.username)
    chooser = text(client.get("/disclosure/manage/new?q=数据中心"))
    assert f"/disclosure/manage/new?enterprise_id={world.a_enterprise.id}" in chooser
    response = client.post(
        f"/disclosure/manage/new?enterprise_id={world.a_enterprise.id}",
        data={
            "enterprise_name": world.a_enterprise.name,
            "credit_code": "91320100000000001X",
            "violation": "PUE 实测值高于 1.8",
        },
    )
    assert response.status_code == 422 and "统一社会信用代码无效" in text(response)
    response = client.post(
        f"/disclosure/manage/new?enterprise_id={world.a_enterprise.id}",
        data={
            "enterprise_name": world.a_enterprise.name,
            "credit_code": world.a_enterprise.credit_code,
            "violation": "PUE 实测值高于 1.8",
        },
    )
    assert response.status_code == 302
    entry = db.session.scalar(select(Publication))
    assert entry.notice_id is None and entry.published_fields == []
    login(client, world.ministry_officer.username)
    assert world.a_enterprise.name in text(client.get("/disclosure/manage"))
    assert client.get(f"/disclosure/manage/{entry.id}").status_code == 200
