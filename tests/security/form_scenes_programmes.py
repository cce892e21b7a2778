"""States in which the programmes' forms show: verification campaigns, the expert pool,
the pilots' daily management, calls for pilots and expert reviews in their later stages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from pilots.calls_support import NOW as CALL_NOW
from pilots.calls_support import (
    QUALIFICATIONS,
    Called,
    application_data,
    call_data,
    score_and_decide,
    send,
    valid_documents,
)
from reviews.reviews_support import CANDIDATES, CONVENER, DEPARTMENT
from security.form_walk import ScenePage, page
from sqlalchemy import select
from test_access import _p, _v

from conftest import World, credit_code
from supervision.extensions import db
from supervision.imports.models import ImportJob
from supervision.imports.service import Status
from supervision.pilots import applications, calls
from supervision.pilots.daily_models import (
    Complaint,
    ComplaintChannel,
    ComplaintStatus,
    MonthlyPack,
    PackStatus,
    QuarterlyReport,
    QuarterStatus,
    TradeIn,
)
from supervision.pilots.models import Outlet, PilotEnterprise
from supervision.reviews import reporting, scoring
from supervision.reviews.models import (
    CommitteeDraw,
    CommitteeMember,
    Expert,
    ExpertDeclaration,
    ReportSignature,
    Review,
    ReviewCandidate,
    ReviewStatus,
    ScoreSheet,
    Speciality,
    TitleLevel,
)
from supervision.verification.import_columns import TABLES
from supervision.verification.models import (
    CampaignStatus,
    ReportStatus,
    TrainingSession,
    VerificationCampaign,
    VerificationReport,
)
from supervision.verification.record_models import ConsumerSale

REVIEW_NOW = datetime(2014, 11, 20, 3, 0, tzinfo=UTC)


def verification_steps(world: World) -> list[ScenePage]:
    """A draft campaign (to issue), B's report submitted (to review), an import of A's
    records (to withdraw), a buyer's own page (to check as a bulk buyer), a training still
    to come (to register for)."""

    issued = db.session.get(VerificationCampaign, _v(world)["campaign"])
    draft = VerificationCampaign(
        name="表单核查工作",
        notice_number="工信部节函〔2013〕100号",
        categories=["fridge"],
        sales_from=date(2012, 9, 1),
        sales_to=date(2013, 1, 31),
        result_due_on=date(2013, 4, 15),
        status=CampaignStatus.DRAFT,
        created_by_id=world.ministry_officer.id,
    )
    report = VerificationReport(
        campaign_id=issued.id,
        unit_id=world.b_province.id,
        province_id=world.b_province.id,
        summary="乙省核查总结",
        status=ReportStatus.SUBMITTED,
    )
    job = ImportJob(
        kind=TABLES["consumer_sales"].kind,
        province_id=world.a_province.id,
        user_id=world.a_officer.id,
        file_name="表单销售记录.xlsx",
        stored_path="imports/forms.xlsx",
        status=Status.DONE,
        params={"campaign": issued.id, "unit": world.a_province.id},
    )
    session = TrainingSession(
        campaign=issued,
        region="苏州",
        held_on=date(2099, 3, 11),
        hours="9:00—12:00",
        venue="苏州会议中心",
        address="苏州市",
        contacts="沈娟",
        phones="0512-1",
        fax="",
        register_by=date(2099, 3, 7),
        units=[world.a_province],
    )
    db.session.add_all([draft, report, job, session])
    db.session.commit()
    buyer = db.session.scalars(
        select(ConsumerSale).where(
            ConsumerSale.campaign_id == issued.id, ConsumerSale.unit_id == world.a_province.id
        )
    ).first()
    a_unit = {"campaign_id": issued.id, "unit_id": world.a_province.id}
    return [
        page("verification.campaign", campaign_id=draft.id),
        page("verification.results", campaign_id=issued.id, unit_id=world.b_province.id),
        page("verification.records", **a_unit),
        page("verification.bulk_buyers", **a_unit, buyer=buyer.buyer_key),
        # Two lists downloaded from their page's query (the formula check reads them).
        page("verification.bulk_buyers", **a_unit, export="xlsx"),
        page("verification.reconciliation", **a_unit, export="xlsx"),
        page("verification.register", session_id=session.id, unit=world.a_province.id),
    ]


def expert_with_a_declaration(world: World) -> list[ScenePage]:
    """The pool's expert who declared an interest (the walk's expert declared none)."""

    declared = db.session.scalars(select(ExpertDeclaration).order_by(ExpertDeclaration.id)).first()
    return [page("reviews.expert", expert_id=declared.expert_id)]


def pilots_daily_steps(world: World) -> list[ScenePage]:
    """Pilot 01's next steps: a month's pack to start, a draft pack (to send), a pack the
    city passed (for the finance review), a city's quarter reported (to re-check), two
    complaints (under investigation; concluded, to publish), a trade-in not yet packed."""

    ids = _p(world)
    pilot = db.session.get(PilotEnterprise, ids["pilot"])
    outlet = db.session.get(Outlet, ids["outlet"])
    local = {
        "call_id": pilot.call_id,
        "pilot_id": pilot.id,
        "province_id": world.a_province.id,
        "city_id": world.a_agency.id,
    }
    draft = MonthlyPack(**local, year=2014, month=11, due_on=date(2014, 12, 12))
    passed = MonthlyPack(
        **local,
        year=2014,
        month=9,
        due_on=date(2014, 10, 17),
        status=PackStatus.CITY_PASSED,
        submitted_on=date(2014, 10, 10),
        city_reviewed_on=date(2014, 10, 14),
        city_reviewed_by_id=world.ministry_officer.id,
    )
    quarter = QuarterlyReport(
        call_id=pilot.call_id,
        city_id=world.a_agency.id,
        province_id=world.a_province.id,
        year=2014,
        quarter=3,
        due_on=date(2014, 10, 31),
        status=QuarterStatus.SUBMITTED,
        figures={},
        submitted_on=date(2014, 10, 20),
    )
    complaint = {
        "call_id": pilot.call_id,
        "province_id": world.a_province.id,
        "channel": ComplaintChannel.PHONE,
        "received_on": date(2014, 11, 5),
        "due_on": date(2014, 12, 17),
        "pilot_id": pilot.id,
        "summary": "网点未出具发票",
        "investigation": "已约谈网点负责人",
        "investigator_id": world.a_officer.id,
    }
    investigating = Complaint(
        **complaint, number="表单举〔2014〕2 号", status=ComplaintStatus.INVESTIGATING
    )
    concluded = Complaint(
        **complaint,
        number="表单举〔2014〕3 号",
        status=ComplaintStatus.CONCLUDED,
        finding="举报属实",
        handling="责令网点补开发票",
        concluded_on=date(2014, 12, 1),
    )
    loose = TradeIn(
        call_id=pilot.call_id,
        pilot_id=pilot.id,
        outlet_id=outlet.id,
        province_id=world.a_province.id,
        traded_on=date(2014, 11, 5),
        old_part_model="WD615.87",
        old_part_number="JX900001",
        residual_yuan=Decimal("3000.00"),
        consumer_name="表单消费者",
        id_number="320102198001011238",
        phone="13900009001",
        product_class="发动机",
        product_model="WD615.87R",
        product_code="F0140190001",
        price_yuan=Decimal("38000.00"),
        subsidy_yuan=Decimal("4000.00"),
        invoice_no="44009001",
    )
    db.session.add_all([draft, passed, quarter, investigating, concluded, loose])
    db.session.commit()
    return [
        page("pilots.packs", pilot=pilot.id),
        page("pilots.pack", pack_id=draft.id),
        page("pilots.pack", pack_id=passed.id),
        page("pilots.quarter", quarter_id=quarter.id),
        page("pilots.complaint", complaint_id=investigating.id),
        page("pilots.complaint", complaint_id=concluded.id),
        page("pilots.edit_trade_in", trade_in_id=loose.id),
    ]


def calls_in_every_state(world: World) -> list[ScenePage]:
    """Calls for pilots open (applications are entered), closed (formal review), formally
    reviewed (sent to the detailed review) and decided (announced)."""

    officer = world.ministry_officer
    made = []
    for n, stage in enumerate(("open", "closed", "reviewed", "decided")):
        call = calls.create_call(
            call_data(name=f"表单征集（{stage}）", notice_number=f"表单〔2014〕{n + 1}号"),
            actor=officer,
            now=CALL_NOW - timedelta(days=40),
        )
        application = applications.create_application(
            call,
            application_data(
                world,
                0,
                credit_code=credit_code(70700 + n, "913201"),
                short_name_en=f"FORMS{n}",
            ),
            actor=officer,
            now=CALL_NOW - timedelta(days=18),
        )
        valid_documents(application, officer)
        if stage != "open":
            calls.close_call(call, actor=officer, now=CALL_NOW)
        if stage in ("reviewed", "decided"):
            applications.review_formally(
                application,
                qualifications_met=[True] * len(QUALIFICATIONS),
                complete=True,
                actor=officer,
                now=CALL_NOW,
            )
        db.session.commit()
        if stage == "decided":
            called = Called(world, call, [application])
            send(called)
            score_and_decide(called, {"FORMS3": "85.0"}, ["FORMS3"])
        made.append((call.id, application.id))
    (open_call, open_application), (_closed, closed_application), (reviewed, _r), (decided, _d) = (
        made
    )
    return [
        page("pilots.call", call_id=open_call),
        page("pilots.new_application", call_id=open_call),
        page("pilots.edit_application", application_id=open_application),
        page("pilots.application", application_id=open_application),
        page("pilots.formal_review", application_id=closed_application),
        page("pilots.send_to_review", call_id=reviewed),
        page("pilots.call", call_id=decided),
    ]


def reviews_in_later_stages(world: World) -> list[ScenePage]:
    """Reviews scored in full (scoring to close), scored (report to write), with the report
    (to sign), signed (to submit) and reported (the convener decides); ``world.expert`` sits
    on each."""

    items = [
        {"key": "overview", "name": "公司综合概况", "max_points": "40", "price": False},
        {"key": "plan", "name": "本项目投资服务方案", "max_points": "60", "price": False},
    ]
    linked = db.session.scalar(select(Expert).where(Expert.user_id == world.expert.id))
    others = [
        Expert(
            name=f"表单专家{n}",
            title="研究员",
            title_level=TitleLevel.SENIOR,
            speciality=Speciality.TECHNICAL,
            employer=f"表单研究院{n}",
        )
        for n in range(4)
    ]
    db.session.add_all(others)
    db.session.flush()
    experts = [linked, *others]
    officer, day, moment = world.ministry_officer, date(2014, 11, 20), REVIEW_NOW
    pages = []
    for stage in ("scoring", "scored", "report", "signed", "reported"):
        review = Review(
            title=f"表单评审（{stage}）",
            convener=CONVENER,
            organiser="中国机电产品进出口商会",
            departments=[DEPARTMENT],
            meets_on=day,
            venue="北京",
            scoring_items=items,
            funding_cap_wan=Decimal("2000"),
            max_selected=2,
            created_by_id=officer.id,
            status=ReviewStatus.SCORING,
        )
        for name, short, principal, requested in CANDIDATES[:3]:
            review.candidates.append(
                ReviewCandidate(
                    name=name,
                    short_name_en=short,
                    principal=principal,
                    requested_wan=requested,
                    presenters=[principal],
                )
            )
        db.session.add(review)
        db.session.flush()
        draw = CommitteeDraw(
            review_id=review.id,
            seed="b" * 32,
            pool_count=len(experts),
            eligible_count=len(experts),
            order=[e.id for e in experts],
            method="test",
        )
        db.session.add(draw)
        db.session.flush()
        members = [
            CommitteeMember(
                review_id=review.id,
                expert_id=expert.id,
                draw_id=draw.id,
                position=position,
                is_chair=position == 1,
            )
            for position, expert in enumerate(experts, start=1)
        ]
        db.session.add_all(members)
        db.session.flush()
        for n, candidate in enumerate(review.candidates):
            for member in members:
                db.session.add(
                    ScoreSheet(
                        review_id=review.id,
                        member_id=member.id,
                        candidate_id=candidate.id,
                        points={"overview": "30", "plan": str(50 - n)},
                        total=Decimal(80 - n),
                        submitted_at=moment,
                    )
                )
        db.session.flush()
        if stage != "scoring":
            scoring.close_scoring(review, actor=officer, today=day)
        if stage in ("report", "signed", "reported"):
            reporting.generate_report(
                review,
                formal_summary="",
                recommendation="",
                actor=officer,
                now=moment,
                today=day,
                version=None,
            )
        if stage in ("signed", "reported"):
            report = reporting.report_of(review)
            for member in members:
                report.signatures.append(ReportSignature(member_id=member.id, signed_at=moment))
            db.session.flush()
        if stage == "reported":
            reporting.submit_report(
                review, actor=officer, now=moment, today=day, version=report.version
            )
        db.session.commit()
        shown = "reviews.scores" if stage == "scoring" else "reviews.report"
        pages.append(page(shown, review_id=review.id))
    return pages


SCENES = (
    verification_steps,
    expert_with_a_declaration,
    pilots_daily_steps,
    calls_in_every_state,
    reviews_in_later_stages,
)
