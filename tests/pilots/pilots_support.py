"""Shared by the pilot tests: the 2014 call (engines F, gearboxes B) with six applicants — four
in province A, two in B — their documents, the detailed review (``make_review``), the first
applicant chosen as pilot 01 in 南京 with an outlet, three October trade-ins, the October pack
sent to the city, the city's Q4 report, a third-party check draw with one check, a complaint."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from reviews.reviews_support import CANDIDATES, Reviewed, make_review

from conftest import World, credit_code
from supervision.extensions import db
from supervision.pilots.daily_models import (
    CheckOutcome,
    Complaint,
    ComplaintChannel,
    MonthlyPack,
    PackStatus,
    QuarterlyReport,
    QuarterStatus,
    TradeIn,
    TradeInCheck,
    TradeInCheckDraw,
)
from supervision.pilots.models import (
    Application,
    ApplicationDocument,
    CallStatus,
    DocumentKind,
    FormalStatus,
    Outlet,
    PilotCall,
    PilotEnterprise,
    PilotStatus,
)

PRODUCT_CLASSES = [
    {"letter": "F", "correction": 0, "name": "发动机"},
    {"letter": "B", "correction": 0, "name": "变速箱"},
]
QUALIFICATIONS = [
    "具有独立法人资格，注册资本不低于 1000 万元",
    "列入国家再制造试点企业名单",
    "具备完善的旧件回收体系和质量保证体系",
]
REQUIRED_DOCUMENTS = [
    DocumentKind.BUSINESS_LICENCE.value,
    DocumentKind.PRODUCTION_LICENCE.value,
    DocumentKind.QUALITY_CERTIFICATE.value,
]


@dataclass
class Piloted:
    world: World
    reviewed: Reviewed
    call: PilotCall
    applications: list[Application] = field(default_factory=list)
    pilot: PilotEnterprise | None = None
    outlet: Outlet | None = None
    trade_ins: list[TradeIn] = field(default_factory=list)
    pack: MonthlyPack | None = None
    quarter: QuarterlyReport | None = None
    check_draw: TradeInCheckDraw | None = None
    check: TradeInCheck | None = None
    complaint: Complaint | None = None


def trade_in_row(made: Piloted, n: int, **overrides) -> dict:
    """One trade-in of pilot 01 at its outlet, 2014-10-(n+1), engine code F01401000(n+1)."""
    row = {
        "call_id": made.call.id,
        "pilot_id": made.pilot.id,
        "outlet_id": made.outlet.id,
        "province_id": made.world.a_province.id,
        "traded_on": date(2014, 10, 1 + n % 28),
        "old_part_model": "WD615.87",
        "old_part_number": f"JX{n:06d}",
        "residual_yuan": Decimal("3000.00"),
        "consumer_name": f"消费者{n}",
        "id_number": "320102198001011238",
        "phone": f"1390000{n:04d}",
        "product_class": "发动机",
        "product_model": "WD615.87R",
        "product_code": f"F01401{n + 1:05d}",
        "price_yuan": Decimal("38000.00"),
        "subsidy_yuan": Decimal("4000.00"),
        "invoice_no": f"{44000000 + n}",
    }
    row.update(overrides)
    return row


def make_pilots(world: World) -> Piloted:
    reviewed = make_review(world)
    call = PilotCall(
        name="2014 年再制造产品“以旧换再”推广试点企业征集",
        notice_number="发改办环资〔2014〕1234 号",
        year=2014,
        product_classes=PRODUCT_CLASSES,
        opens_on=date(2014, 9, 1),
        closes_on=date(2014, 9, 30),
        trading_ends_on=date(2015, 12, 31),
        qualifications=QUALIFICATIONS,
        required_documents=REQUIRED_DOCUMENTS,
        funding_cap_wan=Decimal("2000"),
        max_selected=4,
        check_rate=Decimal("0.05"),
        status=CallStatus.ANNOUNCED,
        review_id=reviewed.review.id,
        announced_on=date(2014, 12, 15),
        commitment_due_on=date(2014, 12, 31),
        created_by_id=world.ministry_officer.id,
    )
    db.session.add(call)
    made = Piloted(world, reviewed, call)
    provinces = [world.a_province] * 4 + [world.b_province] * 2
    for n, ((name, short, principal, requested), province) in enumerate(
        zip(CANDIDATES, provinces, strict=True)
    ):
        application = Application(
            call=call,
            name=name,
            short_name_en=short,
            credit_code=credit_code(
                900 + n, "913201" if province == world.a_province else "913301"
            ),
            principal=principal,
            province_id=province.id,
            city_id=world.a_agency.id if province == world.a_province else world.b_agency.id,
            products="发动机、变速箱",
            requested_wan=requested,
            submitted_on=date(2014, 9, 20),
            qualifications_met=[True, True, True],
            complete=True,
            formal_status=FormalStatus.PASSED,
            formal_reviewed_on=date(2014, 10, 15),
            formal_reviewed_by_id=world.ministry_officer.id,
            candidate_id=reviewed.candidates[n].id,
        )
        for kind in (DocumentKind.BUSINESS_LICENCE, DocumentKind.PRODUCTION_LICENCE,
                     DocumentKind.QUALITY_CERTIFICATE):  # fmt: skip
            application.documents.append(
                ApplicationDocument(
                    kind=kind,
                    number=f"{kind.value}-{n}",
                    issuer="省质量技术监督局",
                    valid_from=date(2012, 1, 1),
                    valid_until=date(2016, 12, 31),
                )
            )
        db.session.add(application)
        made.applications.append(application)
        reviewed.candidates[n].source = f"pilot_application:{n}"
    db.session.flush()
    for n, application in enumerate(made.applications):
        reviewed.candidates[n].source = f"pilot_application:{application.id}"
    first = made.applications[1]  # 南京…(MARKER): province A
    made.pilot = PilotEnterprise(
        call_id=call.id,
        application_id=first.id,
        name=first.name,
        number=1,
        province_id=world.a_province.id,
        city_id=world.a_agency.id,
        notified_on=date(2014, 12, 15),
        commitment_signed_on=date(2014, 12, 25),
        status=PilotStatus.ACTIVE,
        hotline="025-84000000",
    )
    db.session.add(made.pilot)
    db.session.flush()
    made.outlet = Outlet(
        pilot_id=made.pilot.id,
        province_id=world.a_province.id,
        name=f"南京{World.MARKER}江宁推广网点",
        address="南京市江宁区天元中路 1 号",
        division_code="320115",
        phone="025-52100000",
    )
    db.session.add(made.outlet)
    db.session.flush()
    made.pack = MonthlyPack(
        call_id=call.id,
        pilot_id=made.pilot.id,
        province_id=world.a_province.id,
        city_id=world.a_agency.id,
        year=2014,
        month=10,
        due_on=date(2014, 11, 14),
        status=PackStatus.SUBMITTED,
        record_count=3,
        subsidy_yuan=Decimal("12000.00"),
        materials=["id_copies", "signed_forms", "promotion_table"],
        submitted_on=date(2014, 11, 10),
    )
    db.session.add(made.pack)
    db.session.flush()
    for n in range(3):
        trade_in = TradeIn(**trade_in_row(made, n), pack_id=made.pack.id)
        db.session.add(trade_in)
        made.trade_ins.append(trade_in)
    made.quarter = QuarterlyReport(
        call_id=call.id,
        city_id=world.a_agency.id,
        province_id=world.a_province.id,
        year=2014,
        quarter=4,
        due_on=date(2015, 1, 31),
        status=QuarterStatus.DRAFT,
        figures={},
    )
    db.session.add(made.quarter)
    db.session.flush()
    made.check_draw = TradeInCheckDraw(
        call_id=call.id,
        pilot_id=made.pilot.id,
        province_id=world.a_province.id,
        period_from=date(2014, 10, 1),
        period_to=date(2014, 10, 31),
        rate=Decimal("0.05"),
        seed="0" * 32,
        population=3,
        drawn_count=1,
        method="test",
        agency_name="中国质量认证中心",
        drawn_by_id=world.ministry_officer.id,
    )
    db.session.add(made.check_draw)
    db.session.flush()
    made.check = TradeInCheck(
        draw_id=made.check_draw.id,
        trade_in_id=made.trade_ins[0].id,
        position=1,
        outcome=CheckOutcome.PENDING,
    )
    made.complaint = Complaint(
        call_id=call.id,
        province_id=world.a_province.id,
        number="苏再制造举〔2014〕1 号",
        channel=ComplaintChannel.PHONE,
        received_on=date(2014, 11, 3),
        due_on=date(2014, 12, 15),
        complainant=f"匿名{World.MARKER}",
        contact="",
        pilot_id=made.pilot.id,
        outlet_id=made.outlet.id,
        summary="网点未按承诺价格销售再制造发动机",
        created_by_id=world.a_officer.id,
    )
    db.session.add_all([made.check, made.complaint])
    db.session.commit()
    return made


@pytest.fixture
def piloted(world) -> Piloted:
    return make_pilots(world)


UTC = UTC
NOON = datetime(2014, 11, 20, 4, 0, tzinfo=UTC)
