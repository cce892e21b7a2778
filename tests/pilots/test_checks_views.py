"""Third-party check pages: drawing (rate bounds, re-draw with a reason), the draw page and its
check from the seed, the check sheet (masked, the phone audited), outcomes recorded at the time
of the request; access (province B 404, inspectors record, experts 403)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import openpyxl
from pilots.checks_support import november  # noqa: F401
from sqlalchemy import select

from conftest import login
from supervision.core.models import AuditEntry
from supervision.extensions import db
from supervision.pilots.daily_models import (
    CheckDrawStatus,
    CheckOutcome,
    TradeInCheck,
    TradeInCheckDraw,
)

SEED = "公开抽样20141205"


def draws_url(made) -> str:
    return f"/pilots/enterprises/{made.pilot.id}/checks"


def post_draw(client, made, **data):
    form = {"period_from": "2014-11-01", "period_to": "2014-11-30", "rate": "5", "seed": SEED}
    form.update(data)
    return client.post(draws_url(made), data=form)


def active_draw(made) -> TradeInCheckDraw:
    return db.session.scalar(
        select(TradeInCheckDraw).where(
            TradeInCheckDraw.pilot_id == made.pilot.id,
            TradeInCheckDraw.status == CheckDrawStatus.ACTIVE,
            TradeInCheckDraw.period_from == datetime(2014, 11, 1).date(),
        )
    )


def first_check(draw: TradeInCheckDraw) -> TradeInCheck:
    return db.session.scalar(
        select(TradeInCheck).where(TradeInCheck.draw_id == draw.id, TradeInCheck.position == 1)
    )


def personal_views():
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "view_personal_data")
    ).all()


def test_drawing_from_the_pilots_checks_page(app, november):
    made = november
    client = app.test_client()
    login(client, made.world.a_officer.username)
    page = client.get(draws_url(made)).get_data(as_text=True)
    assert "抽样 #" in page and "2014-10-01" in page  # the fixture's October draw
    assert 'value="5.00"' in page  # the call's rate, as a percentage
    response = post_draw(client, made, agency_name="中国质量认证中心", witness="李监督")
    assert response.status_code == 302
    draw = active_draw(made)
    assert response.headers["Location"].endswith(f"/pilots/check-draws/{draw.id}")
    assert (draw.population, draw.drawn_count, draw.seed) == (41, 3, SEED)
    page = client.get(f"/pilots/check-draws/{draw.id}").get_data(as_text=True)
    for shown in (SEED, "41", "中国质量认证中心", "李监督", "⌈抽查比例 × 交易笔数⌉"):
        assert shown in page
    assert "3 笔（5% × 41，向上取整）" in page
    assert page.count('data-outcome="pending"') == 3
    assert "消费者1" not in page  # names masked: 消***
    verified = client.get(f"/pilots/check-draws/{draw.id}?verify=1").get_data(as_text=True)
    assert 'id="verify-result" data-ok="1"' in verified


def test_the_rate_is_refused_below_5_and_above_10_percent(app, november):
    made = november
    client = app.test_client()
    login(client, made.world.a_officer.username)
    for rate in ("4.9", "10.01", "0"):
        response = post_draw(client, made, rate=rate)
        assert response.status_code == 422, rate
        body = response.get_data(as_text=True)
        assert "抽查比例须在 5% 至 10% 之间（含本数）" in body, (
            rate,
            re.findall(r"invalid-feedback\">([^<]*)", body),
        )
    assert active_draw(made) is None
    assert post_draw(client, made, rate="10").status_code == 302
    assert active_draw(made).drawn_count == 5  # ⌈0.10 × 41⌉


def test_a_redraw_needs_a_reason(app, november):
    made = november
    client = app.test_client()
    login(client, made.world.a_officer.username)
    assert post_draw(client, made).status_code == 302
    first = active_draw(made)
    response = post_draw(client, made, seed="another")
    assert response.status_code == 422
    assert "重新抽样须说明理由" in response.get_data(as_text=True)
    response = post_draw(client, made, seed="another", reason="监督人未到场，重新公开抽样")
    assert response.status_code == 302
    db.session.refresh(first)
    assert first.status == CheckDrawStatus.SUPERSEDED
    assert "已被重新抽样取代" in client.get(f"/pilots/check-draws/{first.id}").get_data(
        as_text=True
    )


def test_an_outcome_is_recorded_at_the_time_of_the_request(app, november, monkeypatch):
    made = november
    client = app.test_client()
    login(client, made.world.a_officer.username)
    post_draw(client, made)
    item = first_check(active_draw(made))
    moment = datetime(2014, 12, 8, 6, 31, 15, tzinfo=UTC)
    monkeypatch.setattr("supervision.pilots.check_views.utcnow", lambda: moment)
    login(client, made.world.a_inspector.username)  # inspectors record outcomes
    response = client.post(
        f"/pilots/checks/{item.id}",
        # A typed date is not a field: the time recorded is the request's.
        data={"method": "phone", "outcome": "confirmed", "checked_at": "2014-11-01"},
    )
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.outcome == CheckOutcome.CONFIRMED and item.method == "phone"
    assert item.checked_at == moment and item.checked_by_id == made.world.a_inspector.id
    page = client.get(f"/pilots/checks/{item.id}").get_data(as_text=True)
    assert "2014-12-08 14:31" in page  # local time (Asia/Shanghai)
    assert "更正理由" in page


def test_a_discrepancy_without_detail_and_a_correction_without_note_are_refused(app, november):
    made = november
    client = app.test_client()
    login(client, made.world.a_officer.username)
    post_draw(client, made)
    item = first_check(active_draw(made))
    login(client, made.world.a_inspector.username)
    url = f"/pilots/checks/{item.id}"
    response = client.post(url, data={"method": "visit", "outcome": "discrepancy"})
    assert response.status_code == 422
    assert "核查结果为“不符”时须写明不符的情况" in response.get_data(as_text=True)
    response = client.post(
        url, data={"method": "visit", "outcome": "discrepancy", "detail": "发票号码与记录不符"}
    )
    assert response.status_code == 302
    response = client.post(url, data={"method": "visit", "outcome": "confirmed"})
    assert response.status_code == 422
    assert "更正已登记的核查结果须说明更正理由" in response.get_data(as_text=True)
    response = client.post(
        url, data={"method": "visit", "outcome": "confirmed", "note": "网点补交发票原件，核实一致"}
    )
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.outcome == CheckOutcome.CONFIRMED


def test_the_phone_is_shown_in_clear_on_request_and_audited(app, november):
    made = november
    client = app.test_client()
    login(client, made.world.a_officer.username)
    post_draw(client, made)
    item = first_check(active_draw(made))
    login(client, made.world.a_inspector.username)
    phone = item.trade_in.phone
    masked = client.get(f"/pilots/checks/{item.id}").get_data(as_text=True)
    assert phone not in masked and f"{phone[:3]}****{phone[-4:]}" in masked
    assert personal_views() == []
    clear = client.get(f"/pilots/checks/{item.id}?clear=1").get_data(as_text=True)
    assert phone in clear
    assert item.trade_in.id_number not in clear  # the ID number stays masked
    views = personal_views()
    assert len(views) == 1 and views[0].changes["view"] == [None, "pilot_check_phone"]
    assert views[0].scope_org_id == made.world.a_province.id


def test_the_check_sheet_masks_names_and_audits_the_phone(app, november):
    made = november
    client = app.test_client()
    login(client, made.world.a_officer.username)
    post_draw(client, made)
    draw = active_draw(made)
    login(client, made.world.a_inspector.username)
    response = client.get(f"/pilots/check-draws/{draw.id}/sheet.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "再制造产品“以旧换再”第三方核查表"
    assert made.pilot.name in rows[1][0] and "2014-11-01 至 2014-11-30" in rows[1][0]
    assert any(SEED in v for v in rows[1] if v) and any("抽查比例：5%" in v for v in rows[1] if v)
    assert rows[2][:5] == ("序号", "交易日期", "推广网点", "消费者姓名", "联系电话")
    body = rows[3:6]
    assert [r[0] for r in body] == [1, 2, 3]
    item = first_check(draw)
    assert body[0][4] == item.trade_in.phone  # the caller's number in clear
    assert body[0][3].startswith("消") and body[0][3] != item.trade_in.consumer_name
    assert "*" in body[0][5]  # ID number masked
    views = personal_views()
    assert len(views) == 1 and views[0].changes["rows"] == [None, 3]


def test_access(app, november):
    made = november
    w = made.world
    client = app.test_client()
    draw_url = f"/pilots/check-draws/{made.check_draw.id}"
    check_url = f"/pilots/checks/{made.check.id}"
    # Province B: not found, reading or writing.
    for user in (w.b_officer, w.b_inspector):
        login(client, user.username)
        for url in (draws_url(made), draw_url, f"{draw_url}/sheet.xlsx", check_url):
            assert client.get(url).status_code == 404, (user.username, url)
        # An inspector may not draw anywhere (403); B's officer does not find A's pilot.
        assert post_draw(client, made).status_code == (404 if user is w.b_officer else 403)
        assert (
            client.post(check_url, data={"method": "phone", "outcome": "confirmed"}).status_code
            == 404
        )
    # Experts: forbidden.
    login(client, w.expert.username)
    for url in (draws_url(made), draw_url, check_url):
        assert client.get(url).status_code == 403
    assert (
        client.post(check_url, data={"method": "phone", "outcome": "confirmed"}).status_code == 403
    )
    # Inspectors read and record, but do not draw.
    login(client, w.a_inspector.username)
    assert client.get(draws_url(made)).status_code == 200
    assert post_draw(client, made).status_code == 403
    assert (
        client.post(check_url, data={"method": "phone", "outcome": "confirmed"}).status_code == 302
    )
    # The ministry sees and draws.
    login(client, w.ministry_officer.username)
    assert client.get(draw_url).status_code == 200
    assert post_draw(client, made).status_code == 302
