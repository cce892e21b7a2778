"""Sampling pages: drawing (and re-drawing with a reason), the draw page and its check from the
seed, top-ups, call and home-visit sheets, outcomes; masking, clear views audited, scope."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import func, insert, select
from verification_support import issue_campaign, sale_row

import supervision.verification.check_views  # noqa: F401  (routes, until the blueprint imports them)
import supervision.verification.sample_views  # noqa: F401
from conftest import World, login
from supervision.core.clock import local_today
from supervision.core.models import AuditEntry
from supervision.extensions import db
from supervision.verification.check_models import (
    CheckMethod,
    DrawStatus,
    Outcome,
    SampleDraw,
    SampleItem,
)
from supervision.verification.record_models import ConsumerSale


@pytest.fixture
def made(world):
    """1 000 sales of A (names carry the marker), the fixture's draw removed: nothing drawn."""
    made = issue_campaign(world, sales=0)
    db.session.delete(made.draw)
    db.session.execute(
        insert(ConsumerSale),
        [
            sale_row(
                made.campaign,
                world.a_province,
                n,
                consumer_name=f"张{World.MARKER}{n}",
                phone=f"1390000{n:04d}",
                address=f"南京市玄武区{World.MARKER}路{n}号",
            )
            for n in range(1000)
        ],
    )
    db.session.commit()
    made.samples_url = f"/verification/{made.campaign.id}/units/{world.a_province.id}/samples"
    return made


def draw_as(client, made, **data):
    return client.post(made.samples_url, data={"stratify_by": "", **data})


def the_draw(status=DrawStatus.ACTIVE) -> SampleDraw:
    return db.session.scalar(select(SampleDraw).where(SampleDraw.status == status))


def personal_views():
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "view_personal_data")
    ).all()


def test_drawing_from_the_samples_page(app, made):
    w = made.world
    client = app.test_client()
    login(client, w.a_officer.username)
    page = client.get(made.samples_url).get_data(as_text=True)
    assert "消费者销售有效信息 1000 条" in page and "应抽取电话核查 10 条、入户核查 5 条" in page
    assert "尚未抽样" in page
    response = draw_as(client, made, seed="公开抽样2013", witness="李监督")
    assert response.status_code == 302
    draw = the_draw()
    assert response.headers["Location"].endswith(f"/verification/draws/{draw.id}")
    assert (draw.seed, draw.witness, draw.phone_count, draw.visit_count) == (
        "公开抽样2013",
        "李监督",
        10,
        5,
    )
    page = client.get(made.samples_url).get_data(as_text=True)
    assert "公开抽样2013" in page and "重新抽样理由" in page  # the re-draw form asks for it


def test_a_redraw_without_a_reason_is_refused_with_one(app, made):
    w = made.world
    client = app.test_client()
    login(client, w.a_officer.username)
    draw_as(client, made, seed="first")
    refused = draw_as(client, made, seed="second")
    assert refused.status_code == 422
    assert "重新抽样须说明理由" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SampleDraw)) == 1
    ok = draw_as(client, made, seed="second", reason="抽样时监督人未到场")
    assert ok.status_code == 302
    assert the_draw(DrawStatus.SUPERSEDED).seed == "first"
    assert the_draw().seed == "second" and the_draw().reason == "抽样时监督人未到场"
    page = client.get(made.samples_url).get_data(as_text=True)
    assert "已被重新抽样取代" in page and "抽样时监督人未到场" in page


def test_only_officers_draw_and_province_b_gets_404(app, made):
    w = made.world
    client = app.test_client()
    login(client, w.a_inspector.username)
    assert client.get(made.samples_url).status_code == 200
    assert draw_as(client, made).status_code == 403
    login(client, w.ministry_officer.username)
    assert client.get(made.samples_url).status_code == 200
    assert draw_as(client, made).status_code == 403
    login(client, w.b_officer.username)
    assert client.get(made.samples_url).status_code == 404
    assert draw_as(client, made).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(SampleDraw)) == 0


@pytest.fixture
def drawn(app, made):
    client = app.test_client()
    login(client, made.world.a_officer.username)
    draw_as(client, made, seed="fixed-seed")
    made.draw = the_draw()
    made.draw_url = f"/verification/draws/{made.draw.id}"
    return made


def items(draw, method=None):
    stmt = select(SampleItem).where(SampleItem.draw_id == draw.id)
    if method:
        stmt = stmt.where(SampleItem.method == method)
    return list(db.session.scalars(stmt.order_by(SampleItem.method, SampleItem.position)))


def test_the_draw_page_shows_how_to_redo_it_and_the_check_agrees(app, drawn):
    w = drawn.world
    client = app.test_client()
    login(client, w.ministry_officer.username)
    body = client.get(drawn.draw_url).get_data(as_text=True)
    assert "fixed-seed" in body and "SHA-256" in body and ">1000<" in body
    assert body.count("data-outcome=") == 15
    assert "张*" in body and f"张{World.MARKER}" not in body
    assert "显示完整个人信息" not in body  # the ministry is not among the checkers
    phone_only = client.get(drawn.draw_url + "?method=phone").get_data(as_text=True)
    assert phone_only.count("data-outcome=") == 10
    verified = client.get(drawn.draw_url + "?verify=1").get_data(as_text=True)
    assert 'data-ok="1"' in verified


def test_the_checker_sees_clear_items_on_request_audited(app, drawn):
    w = drawn.world
    client = app.test_client()
    login(client, w.a_inspector.username)
    masked = client.get(drawn.draw_url).get_data(as_text=True)
    assert f"张{World.MARKER}" not in masked and "显示完整个人信息" in masked
    assert not personal_views()
    clear = client.get(drawn.draw_url + "?clear=1").get_data(as_text=True)
    assert f"张{World.MARKER}" in clear
    (entry,) = personal_views()
    assert entry.entity == "verification_sample_draws" and entry.changes["rows"] == [None, 15]
    assert entry.scope_org_id == w.a_province.id


def sheet(client, drawn, method, **args):
    response = client.get(f"{drawn.draw_url}/{method}.xlsx", query_string=args)
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(response.data)).active


def test_the_call_sheet_lists_the_phone_items_masked(app, drawn):
    w = drawn.world
    client = app.test_client()
    login(client, w.a_officer.username)
    ws = sheet(client, drawn, "phone")
    assert "电话核查表" in ws["A1"].value
    assert [c.value for c in ws[3]] == [
        "序号",
        "消费者名称",
        "联系人",
        "联系电话",
        "详细地址",
        "行政区划名称",
        "生产企业名称",
        "规格型号",
        "产品唯一编码",
        "销售时间",
        "发票号",
        "终端销售商名称",
        "核查结果",
        "核查人",
        "核查日期",
        "备注",
    ]
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=13)]
    phone_items = items(drawn.draw, CheckMethod.PHONE)
    codes = dict(db.session.execute(select(ConsumerSale.id, ConsumerSale.product_code)).all())
    assert [r[0] for r in rows] == list(range(1, 11))
    assert [r[8] for r in rows] == [codes[i.sale_id] for i in phone_items]
    assert all(r[3].startswith("139") and "****" in r[3] for r in rows)
    assert all(r[1].startswith("张*") for r in rows)
    assert all(r[12] is None and r[13] is None and r[14] is None for r in rows)
    assert ws.cell(14, 1).value.startswith("核查结果填写")  # the note under the table
    visit = sheet(client, drawn, "visit")
    assert "入户核查表" in visit["A1"].value
    assert len([r for r in visit.iter_rows(min_row=4) if isinstance(r[0].value, int)]) == 5
    assert not personal_views()
    # A clear sheet asked for by someone who is not a checker is still masked, unlogged.
    ws = sheet(client, drawn, "phone", clear="1")
    assert "****" in ws.cell(4, 4).value and not personal_views()


def test_the_checkers_clear_sheet_is_audited(app, drawn):
    w = drawn.world
    client = app.test_client()
    login(client, w.a_inspector.username)
    ws = sheet(client, drawn, "phone", clear="1")
    first = items(drawn.draw, CheckMethod.PHONE)[0]
    sale = db.session.get(ConsumerSale, first.sale_id)
    assert ws.cell(4, 4).value == sale.phone and ws.cell(4, 2).value == sale.consumer_name
    assert ws.cell(4, 5).value == sale.address
    (entry,) = personal_views()
    assert entry.changes["view"][1] == "draw_sheet_phone" and entry.changes["rows"] == [None, 10]
    assert entry.entity_id == str(drawn.draw.id)


def test_an_unknown_method_is_404_and_province_b_gets_404(app, drawn):
    w = drawn.world
    client = app.test_client()
    login(client, w.a_officer.username)
    assert client.get(f"{drawn.draw_url}/fax.xlsx").status_code == 404
    item = items(drawn.draw)[0]
    login(client, w.b_officer.username)
    for url in (
        drawn.draw_url,
        f"{drawn.draw_url}/phone.xlsx",
        f"/verification/samples/{item.id}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{drawn.draw_url}/top-up").status_code == 404
    assert client.post(f"/verification/samples/{item.id}/outcome").status_code == 404
    login(client, w.b_inspector.username)
    assert client.get(drawn.draw_url).status_code == 404


def outcome(client, item, **data):
    data.setdefault("checked_on", local_today().isoformat())
    return client.post(f"/verification/samples/{item.id}/outcome", data=data)


def test_recording_outcomes_validates_and_redirects(app, drawn):
    w = drawn.world
    client = app.test_client()
    login(client, w.a_inspector.username)
    item = items(drawn.draw, CheckMethod.PHONE)[0]
    page = client.get(f"/verification/samples/{item.id}").get_data(as_text=True)
    assert "登记核查结果" in page and local_today().isoformat() in page
    refused = outcome(client, item, outcome="discrepancy", detail="")
    assert refused.status_code == 422 and "须说明不符的情况" in refused.get_data(as_text=True)
    assert outcome(client, item, outcome="").status_code == 422
    assert outcome(client, item, outcome="pending").status_code == 422
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    late = outcome(client, item, outcome="confirmed", checked_on=tomorrow)
    assert late.status_code == 422 and "不能晚于今天" in late.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SampleItem, item.id).outcome == Outcome.PENDING
    ok = outcome(client, item, outcome="discrepancy", detail="实际型号 BCD-200")
    assert ok.status_code == 302 and ok.headers["Location"].endswith(
        f"/verification/draws/{drawn.draw.id}?method=phone"
    )
    db.session.expire_all()
    item = db.session.get(SampleItem, item.id)
    assert item.outcome == Outcome.DISCREPANCY and item.detail == "实际型号 BCD-200"
    assert item.checked_by_id == w.a_inspector.id
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.entity == "verification_sample_items", AuditEntry.action == "update"
        )
    )
    assert entry.changes["outcome"] == ["pending", "discrepancy"]
    page = client.get(f"/verification/samples/{item.id}").get_data(as_text=True)
    assert "更正核查结果" in page and "实际型号 BCD-200" in page


def test_the_ministry_reads_a_sample_but_records_nothing(app, drawn):
    w = drawn.world
    item = items(drawn.draw)[0]
    client = app.test_client()
    login(client, w.ministry_officer.username)
    page = client.get(f"/verification/samples/{item.id}")
    assert page.status_code == 200 and "登记核查结果" not in page.get_data(as_text=True)
    assert outcome(client, item, outcome="confirmed").status_code == 403
    assert client.post(f"{drawn.draw_url}/top-up").status_code == 403


def test_the_sample_page_in_clear_is_audited(app, drawn):
    w = drawn.world
    item = items(drawn.draw)[0]
    sale = db.session.get(ConsumerSale, item.sale_id)
    client = app.test_client()
    login(client, w.a_inspector.username)
    assert sale.phone not in client.get(f"/verification/samples/{item.id}").get_data(as_text=True)
    assert not personal_views()
    clear = client.get(f"/verification/samples/{item.id}?clear=1").get_data(as_text=True)
    assert sale.phone in clear
    (entry,) = personal_views()
    assert entry.entity == "verification_sample_items" and entry.entity_id == str(item.id)


def test_top_up_from_the_draw_page_replaces_the_unreachable_only(app, drawn):
    w = drawn.world
    client = app.test_client()
    login(client, w.a_inspector.username)
    phone = items(drawn.draw, CheckMethod.PHONE)
    nothing = client.post(f"{drawn.draw_url}/top-up", follow_redirects=True)
    assert "没有需要补抽" in nothing.get_data(as_text=True)
    outcome(client, phone[0], outcome="unreachable")
    outcome(client, phone[1], outcome="confirmed")
    outcome(client, phone[2], outcome="discrepancy", detail="地址不符")
    before = {(i.id, i.sale_id, i.position, i.outcome) for i in items(drawn.draw)}
    page = client.get(drawn.draw_url).get_data(as_text=True)
    assert "补抽（1 条无法联系待替代）" in page
    response = client.post(f"{drawn.draw_url}/top-up", follow_redirects=True)
    assert "已补抽 1 条" in response.get_data(as_text=True)
    db.session.expire_all()
    after = items(drawn.draw)
    assert before <= {(i.id, i.sale_id, i.position, i.outcome) for i in after}
    (new,) = [i for i in after if i.replaces_id is not None]
    assert new.replaces_id == phone[0].id and new.method == CheckMethod.PHONE
    assert new.position == 11 and new.sale_id not in {b[1] for b in before}
    # The call sheet lists the replacement last, saying whom it replaces.
    ws = sheet(client, drawn, "phone")
    assert ws.cell(14, 1).value == 11 and ws.cell(14, 16).value == "补抽，替代第 1 号"
    # The sample page links both ways.
    page = client.get(f"/verification/samples/{phone[0].id}").get_data(as_text=True)
    assert "补抽替代" in page and f"/verification/samples/{new.id}" in page
    again = client.post(f"{drawn.draw_url}/top-up", follow_redirects=True)
    assert "没有需要补抽" in again.get_data(as_text=True)
    # The draw still verifies: top-ups are not part of the seeded draw.
    assert 'data-ok="1"' in client.get(drawn.draw_url + "?verify=1").get_data(as_text=True)


def test_a_superseded_draw_offers_no_top_up_or_outcome(app, drawn):
    w = drawn.world
    client = app.test_client()
    login(client, w.a_officer.username)
    draw_as(client, drawn, reason="重新公开抽样")
    old = db.session.get(SampleDraw, drawn.draw.id)
    assert old.status == DrawStatus.SUPERSEDED
    page = client.get(drawn.draw_url).get_data(as_text=True)
    assert "已被重新抽样取代" in page and "补抽（" not in page
    item = items(old)[0]
    assert "登记核查结果" not in client.get(f"/verification/samples/{item.id}").get_data(
        as_text=True
    )
    refused = outcome(client, item, outcome="confirmed")
    assert refused.status_code == 422 and "已被重新抽样取代" in refused.get_data(as_text=True)
