"""Trade-in and outlet pages: the list masks the consumer, the record shows him in clear to
the pilot's own officers (audited), the entry form reports every problem beside its field,
a sent month's record cannot be edited, the template downloads."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from daily_support import city_officers, id_number  # noqa: F401
from pilots.pilots_support import piloted  # noqa: F401
from sqlalchemy import func, select

from conftest import World, login
from supervision.core.models import AuditEntry
from supervision.extensions import db
from supervision.pilots import trade_in_views
from supervision.pilots.daily_models import TradeIn
from supervision.pilots.models import Outlet


def text(response) -> str:
    return response.get_data(as_text=True)


def form(made, n=1, **overrides) -> dict:
    data = {
        "outlet_id": str(made.outlet.id),
        "traded_on": "2014-11-05",
        "old_part_model": "WD615.87",
        "old_part_number": "JX9",
        "residual_yuan": "3,000.00",
        "consumer_name": "王小明",
        "id_number": id_number(n),
        "phone": "138 0000 0001",
        "product_class": "发动机",
        "product_model": "WD615.87R",
        "product_code": f"F014011{n:04d}",
        "price_yuan": "￥38000",
        "subsidy_yuan": "4000",
        "invoice_no": "45000001",
    }
    data.update(overrides)
    return data


def test_the_list_masks_the_consumer_and_filters_by_month(client, piloted):
    made = piloted
    login(client, made.world.a_inspector.username)
    page = text(client.get(f"/pilots/enterprises/{made.pilot.id}/trade-ins"))
    assert "F0140100001" in page and "F0140100003" in page
    assert "消***" in page and "320102********1238" in page and "139****0000" in page
    assert "消费者0" not in page and "13900000000" not in page
    assert "登记交易" not in page  # an inspector reads only
    month = text(client.get(f"/pilots/enterprises/{made.pilot.id}/trade-ins?month=2014-10"))
    assert "2014 年 10 月：3 笔交易，补贴合计 12000.00 元。" in month
    november = text(client.get(f"/pilots/enterprises/{made.pilot.id}/trade-ins?month=2014-11"))
    assert "没有符合条件的交易记录。" in november
    by_code = text(client.get(f"/pilots/enterprises/{made.pilot.id}/trade-ins?code=F0140100002"))
    assert "F0140100002" in by_code and "F0140100001" not in by_code


def test_another_province_finds_nothing(client, piloted):
    made = piloted
    login(client, made.world.b_officer.username)
    for url in (
        f"/pilots/enterprises/{made.pilot.id}/trade-ins",
        f"/pilots/trade-ins/{made.trade_ins[0].id}",
        f"/pilots/enterprises/{made.pilot.id}/trade-ins/new",
        f"/pilots/outlets/{made.outlet.id}/edit",
        f"/pilots/enterprises/{made.pilot.id}/trade-ins/template.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert World.MARKER not in text(response)


def test_the_record_in_clear_for_the_pilots_officers_and_audited(client, piloted):
    made = piloted
    record = made.trade_ins[0]
    login(client, made.world.a_inspector.username)
    page = text(client.get(f"/pilots/trade-ins/{record.id}?clear=1"))
    assert "消***" in page and "13900000000" not in page  # not his to see
    login(client, made.world.a_officer.username)
    page = text(client.get(f"/pilots/trade-ins/{record.id}"))
    assert "消***" in page and "显示完整个人信息" in page
    assert "修改" not in page.split("以旧换再交易")[-1].split("</h1>")[0]  # October is sent
    page = text(client.get(f"/pilots/trade-ins/{record.id}?clear=1"))
    assert "消费者0" in page and "13900000000" in page and "320102198001011238" in page
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "view_personal_data")
    ).all()
    assert [(e.entity, e.entity_id) for e in entries] == [("pilot_trade_ins", str(record.id))]


def test_entering_a_record(client, piloted, monkeypatch):
    made = piloted
    monkeypatch.setattr(trade_in_views, "local_today", lambda: date(2015, 2, 16))
    login(client, made.world.a_officer.username)
    page = text(client.get(f"/pilots/enterprises/{made.pilot.id}/trade-ins/new"))
    assert 'value="2015-02-16"' in page and made.outlet.name in page
    response = client.post(f"/pilots/enterprises/{made.pilot.id}/trade-ins/new", data=form(made))
    assert response.status_code == 302
    record = db.session.scalars(select(TradeIn).where(TradeIn.product_code == "F0140110001")).one()
    assert response.headers["Location"].endswith(f"/pilots/trade-ins/{record.id}")
    assert str(record.price_yuan) == "38000.00" and str(record.residual_yuan) == "3000.00"
    assert record.phone == "138 0000 0001"
    again = client.post(
        f"/pilots/enterprises/{made.pilot.id}/trade-ins/new",
        data=form(made, 2, again="1"),
    )
    assert again.headers["Location"].endswith(f"/pilots/enterprises/{made.pilot.id}/trade-ins/new")


def test_every_problem_is_shown_beside_its_field(client, piloted):
    made = piloted
    login(client, made.world.a_officer.username)
    response = client.post(
        f"/pilots/enterprises/{made.pilot.id}/trade-ins/new",
        data=form(
            made,
            product_code="F0140100001",
            invoice_no="12",
            subsidy_yuan="abc",
            traded_on="2014-10-20",
        ),
    )
    assert response.status_code == 422
    page = text(response)
    assert "请输入不小于 0、最多两位小数的金额（元）。" in page
    assert "发票号码应为 8 至 20 位数字。" in page
    assert "2014 年 10 月的月度材料已报送市级" in page
    response = client.post(
        f"/pilots/enterprises/{made.pilot.id}/trade-ins/new",
        data=form(made, product_code="F0140100001"),
    )
    assert f"以旧换再识别码 F0140100001 已登记：记录 #{made.trade_ins[0].id}" in text(response)
    assert db.session.scalar(select(func.count()).select_from(TradeIn)) == 3


def test_a_sent_months_record_cannot_be_edited_and_an_open_one_can(client, piloted):
    made = piloted
    login(client, made.world.a_officer.username)
    october = made.trade_ins[0]
    response = client.get(f"/pilots/trade-ins/{october.id}/edit")
    assert response.status_code == 302
    assert "该月的月度材料已报送市级" in text(client.get(response.headers["Location"]))
    client.post(f"/pilots/enterprises/{made.pilot.id}/trade-ins/new", data=form(made))
    record = db.session.scalars(select(TradeIn).where(TradeIn.product_code == "F0140110001")).one()
    page = text(client.get(f"/pilots/trade-ins/{record.id}/edit"))
    assert 'value="F0140110001"' in page
    response = client.post(
        f"/pilots/trade-ins/{record.id}/edit", data=form(made, product_model="WD615.99R")
    )
    assert response.status_code == 302
    db.session.refresh(record)
    assert record.product_model == "WD615.99R"


def test_outlet_pages(client, piloted, city_officers):
    made = piloted
    login(client, city_officers[0].username)
    response = client.post(
        f"/pilots/enterprises/{made.pilot.id}/outlets/new",
        data={"name": "南京六合网点", "division_code": "320116", "phone": "025-57000000"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/pilots/enterprises/{made.pilot.id}")
    outlet = db.session.scalars(select(Outlet).where(Outlet.name == "南京六合网点")).one()
    clash = client.post(f"/pilots/outlets/{outlet.id}/edit", data={"name": made.outlet.name})
    assert clash.status_code == 422 and "已有名为" in text(clash)
    login(client, made.world.a_inspector.username)
    assert client.get(f"/pilots/outlets/{outlet.id}/edit").status_code == 403


def test_the_template_has_the_headers_the_outlets_and_an_example_code(client, piloted):
    made = piloted
    login(client, made.world.a_officer.username)
    response = client.get(f"/pilots/enterprises/{made.pilot.id}/trade-ins/template.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["推广网点", "交易日期", "旧件型号"] and headers[-1] == "发票号码"
    example = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert example["以旧换再识别码"] == "F0140100001" and example["推广网点"] == made.outlet.name
    assert book["网点"]["A1"].value == made.outlet.name
    login(client, made.world.a_inspector.username)
    assert (
        client.get(f"/pilots/enterprises/{made.pilot.id}/trade-ins/template.xlsx").status_code
        == 403
    )
