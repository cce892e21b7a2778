"""Reconciliation of a unit's records: per manufacturer and model, each stage's count against the
declared shipments, computed by GROUP BY; the page, the filter, the export, the scope."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import insert
from verification_support import issue_campaign, sale_row

import supervision.verification.check_views  # noqa: F401  (routes, until the blueprint imports them)
import supervision.verification.sample_views  # noqa: F401
from conftest import World, login
from supervision.extensions import db
from supervision.verification.reconciliation import reconcile_unit
from supervision.verification.record_models import (
    ConsumerSale,
    DealerPurchase,
    OutletStock,
    ProducerStock,
    Production,
    Shipment,
)

HAIER = "青岛海尔股份有限公司"
GREE = "珠海格力电器股份有限公司"
DAY = date(2012, 10, 8)


def _common(campaign, unit, n):
    return {
        "campaign_id": campaign.id,
        "unit_id": unit.id,
        "province_id": unit.province_org_id,
        "row_number": n + 2,
    }


def load(campaign, unit, *, prefix="A"):
    """Declared: Haier BCD-216SDN 3, Haier BCD-100 2, Gree KFR-35 1."""
    code = iter(f"{prefix}{i:06d}" for i in range(10_000))
    shipped = [(HAIER, "BCD-216SDN")] * 3 + [(HAIER, "BCD-100")] * 2 + [(GREE, "KFR-35")]
    db.session.execute(
        insert(Shipment),
        [
            _common(campaign, unit, n)
            | {
                "manufacturer": maker,
                "model": model,
                "product_code": next(code),
                "invoiced_on": DAY,
                "invoice_no": f"S{n}",
                "buyer_name": "苏宁",
                "buyer_code": "12345678-8",
            }
            for n, (maker, model) in enumerate(shipped)
        ],
    )
    produced = [(HAIER, "BCD-216SDN")] * 3 + [(HAIER, "BCD-100")] * 2 + [(GREE, "KFR-35")] * 2
    db.session.execute(
        insert(Production),
        [
            _common(campaign, unit, n)
            | {"manufacturer": m, "model": model, "product_code": next(code), "produced_on": DAY}
            for n, (m, model) in enumerate(produced)
        ],
    )
    purchases = [("BCD-216SDN", 2), ("BCD-216SDN", 1), ("bcd－100", 1), ("XYZ-1", 4)]
    db.session.execute(
        insert(DealerPurchase),
        [
            _common(campaign, unit, n)
            | {
                "seller_name": "苏宁",
                "seller_code": "12345678-8",
                "invoiced_on": DAY,
                "dealer_name": "某店",
                "dealer_code": "12345678-8",
                "model": model,
                "quantity": q,
                "invoice_no": f"D{n}",
            }
            for n, (model, q) in enumerate(purchases)
        ],
    )
    db.session.execute(
        insert(ConsumerSale),
        [
            sale_row(
                campaign,
                unit,
                n + (0 if prefix == "A" else 500),
                manufacturer=HAIER,
                model="BCD-216SDN",
            )
            for n in range(2)
        ],
    )
    db.session.execute(
        insert(OutletStock),
        [
            _common(campaign, unit, 0)
            | {
                "outlet_name": "某店",
                "outlet_code": "12345678-8",
                "invoiced_on": DAY,
                "supplier_name": "苏宁",
                "supplier_code": "12345678-8",
                "model": "BCD-216SDN",
                "product_code": next(code),
                "invoice_no": "O1",
            }
        ],
    )
    db.session.execute(
        insert(ProducerStock),
        [
            _common(campaign, unit, 0)
            | {"manufacturer": GREE, "model": "KFR-35", "product_code": next(code), "stock_on": DAY}
        ],
    )
    db.session.commit()


@pytest.fixture
def made(world):
    made = issue_campaign(world, sales=0)
    load(made.campaign, world.a_province)
    load(made.campaign, world.b_province, prefix="B")  # B's figures never reach A's
    return made


def _counts(line):
    return {s.stage: (s.count, s.difference) for s in line.stages}


def test_each_stage_is_counted_per_maker_and_model(made):
    result = reconcile_unit(made.campaign.id, made.world.a_province.id, user=None)
    lines = {(line.manufacturer, line.model): line for line in result.lines}
    assert set(lines) == {(HAIER, "BCD-216SDN"), (HAIER, "BCD-100"), (GREE, "KFR-35")}
    assert lines[(HAIER, "BCD-216SDN")].declared == 3
    assert _counts(lines[(HAIER, "BCD-216SDN")]) == {
        "production": (3, 0),
        "dealer_purchases": (3, 0),  # 2 + 1 units on two invoices
        "consumer_sales": (2, -1),
        "producer_stock": (0, -3),
        "outlet_stock": (1, -2),  # attributed to Haier through the model
    }
    # A dealer's model written in full-width and lower case still finds its maker.
    assert _counts(lines[(HAIER, "BCD-100")])["dealer_purchases"] == (1, -1)
    assert _counts(lines[(GREE, "KFR-35")])["production"] == (2, 1)
    assert _counts(lines[(GREE, "KFR-35")])["producer_stock"] == (1, 0)
    # A model no maker declares is listed apart, not silently dropped.
    assert result.unattributed["dealer_purchases"].unknown == {"XYZ-1": 4}
    assert result.declared_total == 6
    assert result.totals["dealer_purchases"] == 4 and result.totals["production"] == 7
    assert result.differences == 3


def test_a_user_outside_the_province_counts_nothing(made):
    result = reconcile_unit(made.campaign.id, made.world.a_province.id, user=made.world.b_officer)
    assert result.lines == [] and result.declared_total == 0


def test_the_page_lists_differences_first_and_filters(app, made):
    w = made.world
    url = f"/verification/{made.campaign.id}/units/{w.a_province.id}/reconciliation"
    client = app.test_client()
    login(client, w.a_officer.username)
    body = client.get(url).get_data(as_text=True)
    assert "共 3 个型号，其中 3 个有差异" in body
    assert body.count('class="table-warning"') == 3
    assert "XYZ-1" in body and "无企业申报该型号" in body
    assert "+1" in body and "-3" in body
    only = client.get(url + "?only=diff").get_data(as_text=True)
    assert only.count("data-model=") == 3


def test_lines_that_agree_are_hidden_by_the_filter(app, world):
    made = issue_campaign(world, sales=0)
    unit = world.a_province
    db.session.execute(
        insert(Shipment),
        [
            _common(made.campaign, unit, 0)
            | {
                "manufacturer": HAIER,
                "model": "BCD-1",
                "product_code": "X1",
                "invoiced_on": DAY,
                "invoice_no": "1",
                "buyer_name": "b",
                "buyer_code": "c",
            }
        ],
    )
    for model in (Production,):
        db.session.execute(
            insert(model),
            [
                _common(made.campaign, unit, 0)
                | {
                    "manufacturer": HAIER,
                    "model": "BCD-1",
                    "product_code": "X1",
                    "produced_on": DAY,
                }
            ],
        )
    db.session.commit()
    client = app.test_client()
    login(client, world.a_officer.username)
    url = f"/verification/{made.campaign.id}/units/{unit.id}/reconciliation"
    assert client.get(url).get_data(as_text=True).count("data-model=") == 1
    # Its sales, stock and purchases are 0 against 1 declared: a difference all the same.
    only = client.get(url + "?only=diff").get_data(as_text=True)
    assert only.count("data-model=") == 1


def test_the_export_has_one_row_per_model(app, made):
    w = made.world
    client = app.test_client()
    login(client, w.ministry_officer.username)
    response = client.get(
        f"/verification/{made.campaign.id}/units/{w.a_province.id}/reconciliation?export=xlsx"
    )
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in ws[3]]
    assert header[:4] == ["生产企业", "规格型号", "申报出货量（附表3-4）", "生产量（附表3-3）"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=6)]
    assert {(r[0], r[1], r[2]) for r in rows} == {
        (HAIER, "BCD-216SDN", 3),
        (HAIER, "BCD-100", 2),
        (GREE, "KFR-35", 1),
    }
    gree = next(r for r in rows if r[0] == GREE)
    assert gree[3:5] == [2, 1]
    assert ws.freeze_panes == "A4"


def test_province_b_gets_404(app, made):
    w = made.world
    url = f"/verification/{made.campaign.id}/units/{w.a_province.id}/reconciliation"
    client = app.test_client()
    for user in (w.b_officer, w.b_inspector):
        login(client, user.username)
        assert client.get(url).status_code == 404
        assert client.get(url + "?export=xlsx").status_code == 404
    login(client, w.a_admin.username)
    assert client.get(url).status_code == 403
    login(client, w.b_officer.username)
    own = client.get(f"/verification/{made.campaign.id}/units/{w.b_province.id}/reconciliation")
    assert own.status_code == 200 and World.MARKER not in own.get_data(as_text=True)
