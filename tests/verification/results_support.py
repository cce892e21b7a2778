"""A small, fully known data set on top of the shared fixture, for the results tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import insert, select
from verification_support import DEALER_CODE, MANUFACTURER, Verification, sale_row

from supervision.extensions import db
from supervision.verification.check_models import (
    CheckMethod,
    DrawStatus,
    Outcome,
    SampleDraw,
    SampleItem,
    SubsidyClaim,
)
from supervision.verification.models import Target, TaskStatus
from supervision.verification.record_models import (
    ConsumerSale,
    DealerPurchase,
    ProducerStock,
    Production,
    Shipment,
)
from supervision.verification.rules.buyers import id_number_check

FIRST17 = "32010219800101123"
ID_18 = FIRST17 + id_number_check(FIRST17)
ID_15 = "320102800101123"  # the same person's first-generation number


def _sales(made: Verification, unit, start: int, count: int, **overrides) -> int:
    rows = [sale_row(made.campaign, unit, n, **overrides) for n in range(start, start + count)]
    db.session.execute(insert(ConsumerSale), rows)
    return start + count


def _record(table, made, unit, n, **values):
    base = {
        "campaign_id": made.campaign.id,
        "unit_id": unit.id,
        "province_id": unit.province_org_id,
        "row_number": n + 1,
    }
    db.session.execute(insert(table), [{**base, **values}])


def add_results_data(made: Verification) -> dict:
    """A's figures as the tests expect them (and B's consumer sales: one bulk buyer)."""
    w, campaign = made.world, made.campaign
    a, b = w.a_province, w.b_province
    n = 100
    # Bulk buyers of A: an organisation's 12 units on one invoice (welfare), a person's 4 + 1
    # on two invoices, the same person under his 15- and 18-digit ID numbers (2 + 3). Not
    # bulk: a person with 4 units on one invoice.
    n = _sales(
        made,
        a,
        n,
        12,
        consumer_name="南京某某有限公司",
        id_number=DEALER_CODE,
        invoice_no="ORG-0001",
    )
    n = _sales(made, a, n, 4, consumer_name="王五", phone="139 0000 0001", invoice_no="W-1")
    n = _sales(made, a, n, 1, consumer_name="王五", phone="13900000001", invoice_no="W-2")
    n = _sales(made, a, n, 2, consumer_name="赵六", id_number=ID_15, invoice_no="Z-1")
    n = _sales(made, a, n, 3, consumer_name="赵六", id_number=ID_18, invoice_no="Z-2")
    n = _sales(made, a, n, 4, consumer_name="钱七", phone="13700000007", invoice_no="Q-1")
    # B: one buyer of exactly five units.
    _sales(made, b, 500, 5, consumer_name="孙八", phone="13600000008", invoice_no="S-1")
    for i in range(3):
        _record(
            Production,
            made,
            a,
            i,
            manufacturer=MANUFACTURER,
            model="BCD-216SDN",
            product_code=f"PR{i}",
            produced_on=date(2012, 9, 1),
        )
    for i in range(2):
        _record(
            Shipment,
            made,
            a,
            i,
            manufacturer=MANUFACTURER,
            model="BCD-216SDN",
            product_code=f"SH{i}",
            invoiced_on=date(2012, 9, 2),
            invoice_no=f"F{i}",
            buyer_name="苏宁",
            buyer_code=DEALER_CODE,
        )
    _record(
        DealerPurchase,
        made,
        a,
        0,
        seller_name="海尔",
        seller_code=DEALER_CODE,
        invoiced_on=date(2012, 9, 3),
        dealer_name="苏宁",
        dealer_code=DEALER_CODE,
        model="BCD-216SDN",
        quantity=40,
        invoice_no="D1",
    )
    _record(
        ProducerStock,
        made,
        a,
        0,
        manufacturer=MANUFACTURER,
        model="BCD-216SDN",
        product_code="ST0",
        stock_on=date(2012, 8, 31),
    )

    # Outcomes on A's active draw (its fixture item stays pending).
    draw = made.draw
    draw.phone_count, draw.visit_count = 3, 1
    ids = made.a_sale_ids
    unreachable = SampleItem(
        draw_id=draw.id,
        sale_id=ids[2],
        method=CheckMethod.PHONE,
        position=3,
        outcome=Outcome.UNREACHABLE,
        detail="三次未接通",
    )
    db.session.add_all(
        [
            SampleItem(
                draw_id=draw.id,
                sale_id=ids[1],
                method=CheckMethod.PHONE,
                position=2,
                outcome=Outcome.CONFIRMED,
                checked_on=date(2013, 4, 1),
            ),
            unreachable,
            SampleItem(
                draw_id=draw.id,
                sale_id=ids[3],
                method=CheckMethod.VISIT,
                position=1,
                outcome=Outcome.DISCREPANCY,
                detail="用户称未购买该型号",
            ),
        ]
    )
    db.session.flush()
    db.session.add(
        SampleItem(
            draw_id=draw.id,
            sale_id=ids[4],
            method=CheckMethod.PHONE,
            position=4,
            replaces_id=unreachable.id,
            outcome=Outcome.CONFIRMED,
        )
    )
    # A superseded draw never counts.
    old = SampleDraw(
        campaign_id=campaign.id,
        unit_id=a.id,
        province_id=a.id,
        seed="1" * 32,
        population=20,
        phone_rate=draw.phone_rate,
        visit_rate=draw.visit_rate,
        method="test",
        phone_count=9,
        visit_count=9,
        status=DrawStatus.SUPERSEDED,
        reason="导入有误",
    )
    db.session.add(old)
    db.session.flush()
    db.session.add(
        SampleItem(
            draw_id=old.id,
            sale_id=ids[5],
            method=CheckMethod.PHONE,
            position=1,
            outcome=Outcome.CONFIRMED,
        )
    )
    # Claims: the fixture's (not checked), one agreeing, one differing.
    checked_at = datetime(2013, 4, 2, tzinfo=UTC)
    for month, differences in (
        (11, []),
        (
            12,
            [{"field": "amount_wan", "declared": "1.3", "computed": "1.17", "message": "金额不符"}],
        ),
    ):
        db.session.add(
            SubsidyClaim(
                campaign_id=campaign.id,
                unit_id=a.id,
                province_id=a.id,
                manufacturer=f"{MANUFACTURER}",
                category="fridge",
                year=2012,
                month=month,
                received_on=date(2013, 1, 8),
                amount_wan=1,
                differences=differences,
                checked_at=checked_at,
            )
        )
    made.a_tasks[Target.PRODUCTION].status = TaskStatus.DONE
    made.a_tasks[Target.PRODUCTION].done_on = date(2013, 4, 10)
    db.session.commit()
    return {
        "consumer_sales": 20 + 12 + 4 + 1 + 2 + 3 + 4,
        "bulk_buyers": 3,
    }


def a_consumer_sales(made: Verification) -> int:
    return len(
        list(
            db.session.scalars(
                select(ConsumerSale.id).where(ConsumerSale.unit_id == made.world.a_province.id)
            )
        )
    )
