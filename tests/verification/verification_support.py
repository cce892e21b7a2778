"""An issued verification campaign with tasks for provinces A and B (shared by the
verification tests and the access walk). Rows are built directly, so every test starts from
the same state whichever services it exercises."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import insert

from conftest import World
from supervision.extensions import db
from supervision.verification import rules
from supervision.verification.check_models import (
    BulkBuyerCheck,
    CheckMethod,
    SampleDraw,
    SampleItem,
    SubsidyClaim,
    SubsidyProduct,
)
from supervision.verification.models import (
    CampaignStatus,
    Target,
    TaskStatus,
    TrainingRegistration,
    TrainingSession,
    VerificationCampaign,
    VerificationReport,
    VerificationTask,
)
from supervision.verification.record_models import ConsumerSale

MANUFACTURER = "青岛海尔股份有限公司"
#: A valid organisation code (GB 11714 check character 8).
DEALER_CODE = "12345678-8"


def sale_row(campaign, unit, n: int, **overrides) -> dict:
    """One consumer-sale row as the import writes it (buyer key included)."""
    row = {
        "campaign_id": campaign.id,
        "unit_id": unit.id,
        "province_id": unit.province_org_id,
        "row_number": n + 1,
        "consumer_name": f"消费者{n}",
        "contact": "",
        "phone": f"138{n:08d}",
        "id_number": "",
        "address": f"南京市玄武区中山路{n}号",
        "division_code": "320102",
        "division_name": "玄武区",
        "manufacturer": MANUFACTURER,
        "model": "BCD-216SDN",
        "product_code": f"P{unit.id:03d}{n:08d}",
        "price": Decimal("2999.00"),
        "sold_on": date(2012, 10, 1),
        "invoice_no": f"{n:08d}",
        "dealer_name": "苏宁电器南京新街口店",
        "dealer_code": DEALER_CODE,
    }
    row.update(overrides)
    row["buyer_key"] = rules.buyer_key(
        id_number=row["id_number"], name=row["consumer_name"], phone=row["phone"]
    )
    return row


@dataclass
class Verification:
    world: World
    campaign: VerificationCampaign
    a_tasks: dict = field(default_factory=dict)
    b_tasks: dict = field(default_factory=dict)
    session: TrainingSession | None = None
    registration: TrainingRegistration | None = None
    a_sale_ids: list = field(default_factory=list)
    draw: SampleDraw | None = None
    sample: SampleItem | None = None
    bulk_check: BulkBuyerCheck | None = None
    product: SubsidyProduct | None = None
    claim: SubsidyClaim | None = None
    report: VerificationReport | None = None


def issue_campaign(world: World, *, sales: int = 20) -> Verification:
    """The 2013 campaign, issued; A's end-user task given to A's agency and inspector; ``sales``
    consumer sales of A (their names carry the marker); one row of every check table for A."""
    campaign = VerificationCampaign(
        name="节能产品惠民工程第二批推广信息核查",
        notice_number="工信部节函〔2013〕99号",
        categories=["fridge", "desktop"],
        sales_from=date(2012, 9, 1),
        sales_to=date(2013, 1, 31),
        result_due_on=date(2013, 4, 15),
        issued_on=date(2013, 3, 6),
        status=CampaignStatus.ISSUED,
        created_by_id=world.ministry_officer.id,
    )
    db.session.add(campaign)
    made = Verification(world, campaign)
    for province, tasks in ((world.a_province, made.a_tasks), (world.b_province, made.b_tasks)):
        for target in Target:
            task = VerificationTask(
                campaign=campaign,
                unit_id=province.id,
                province_id=province.id,
                target=target,
                description=f"{target.label}",
                record_count=sales if target == Target.END_USER else None,
                due_on=campaign.result_due_on,
            )
            db.session.add(task)
            tasks[target] = task
    end_users = made.a_tasks[Target.END_USER]
    end_users.agency_id = world.a_agency.id
    end_users.people = [world.a_inspector]
    end_users.status = TaskStatus.ASSIGNED
    made.session = TrainingSession(
        campaign=campaign,
        region="南京",
        held_on=date(2013, 3, 11),
        hours="13:30—17:30",
        venue="江苏会议中心 3 楼金陵厅",
        address="南京市中山东路 307 号",
        contacts="沈娟 王印",
        phones="025-84818888",
        fax="025-83392836",
        register_by=date(2013, 3, 7),
        units=[world.a_province, world.b_province],
    )
    db.session.add(made.session)
    db.session.flush()
    made.registration = TrainingRegistration(
        session_id=made.session.id,
        unit_id=world.a_province.id,
        province_id=world.a_province.id,
        unit_name=f"江苏省经济和信息化委员会{World.MARKER}",
        attendees=[{"name": "张三", "position": "处长", "office_phone": "025-1", "mobile": "1"}],
        submitted_by_id=world.a_officer.id,
    )
    db.session.add(made.registration)
    a = world.a_province
    rows = [sale_row(campaign, a, n, consumer_name=f"{World.MARKER}{n}") for n in range(sales)]
    if rows:
        db.session.execute(insert(ConsumerSale), rows)
    made.a_sale_ids = list(
        db.session.scalars(
            db.select(ConsumerSale.id).where(ConsumerSale.unit_id == a.id).order_by(ConsumerSale.id)
        )
    )
    made.draw = SampleDraw(
        campaign_id=campaign.id,
        unit_id=a.id,
        province_id=a.id,
        seed="0" * 32,
        population=sales,
        phone_rate=Decimal("0.01"),
        visit_rate=Decimal("0.005"),
        method="test",
        phone_count=1,
        visit_count=0,
        drawn_by_id=world.a_officer.id,
    )
    db.session.add(made.draw)
    db.session.flush()
    if made.a_sale_ids:
        made.sample = SampleItem(
            draw_id=made.draw.id, sale_id=made.a_sale_ids[0], method=CheckMethod.PHONE, position=1
        )
        db.session.add(made.sample)
    made.bulk_check = BulkBuyerCheck(
        campaign_id=campaign.id,
        unit_id=a.id,
        province_id=a.id,
        buyer_key=rules.buyer_key(name=World.MARKER, phone="13800000000"),
        buyer_name=World.MARKER,
        units=6,
        purchases=1,
        largest_purchase=6,
    )
    made.product = SubsidyProduct(
        campaign_id=campaign.id,
        unit_id=a.id,
        province_id=a.id,
        manufacturer=f"{MANUFACTURER}{World.MARKER}",
        category="fridge",
        brand="海尔",
        model="BCD-216SDN",
        energy_grade=1,
        fridge_kind="BCD",
        volume_l=Decimal("216"),
        efficiency_index=Decimal("30"),
    )
    made.claim = SubsidyClaim(
        campaign_id=campaign.id,
        unit_id=a.id,
        province_id=a.id,
        manufacturer=f"{MANUFACTURER}{World.MARKER}",
        category="fridge",
        year=2012,
        month=10,
        received_on=date(2012, 11, 9),
        amount_wan=Decimal("0"),
    )
    made.report = VerificationReport(
        campaign_id=campaign.id, unit_id=a.id, province_id=a.id, summary=World.MARKER
    )
    db.session.add_all([made.bulk_check, made.product, made.claim, made.report])
    db.session.commit()
    return made


@pytest.fixture
def verification(world) -> Verification:
    return issue_campaign(world)
