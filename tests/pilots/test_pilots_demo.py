"""The demo pilots build through the real services: the 2014 call with 14 experts and 6
applicants, the formal review (one fails), the witnessed draw excluding the two experts with a
ground for recusal, 25 submitted sheets, the signed report, the decision and the announcement
in ranking order; pilot 01's January trade-ins, its pack through both reviews, the checks and
the complaints; and a second run adds nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask import url_for
from sqlalchemy import func, select

from conftest import login
from supervision.core import audit
from supervision.core.types import utcnow
from supervision.demo import pilots as demo
from supervision.demo import pilots_daily as daily
from supervision.demo.service import DEMO_PASSWORD
from supervision.extensions import db
from supervision.pilots.daily_models import (
    CheckOutcome,
    Complaint,
    ComplaintStatus,
    MonthlyPack,
    PackStatus,
    QuarterlyReport,
    TradeIn,
    TradeInCheck,
    TradeInCheckDraw,
)
from supervision.pilots.models import (
    CallStatus,
    FormalStatus,
    PilotCall,
    PilotEnterprise,
    PilotStatus,
)
from supervision.pilots.rules.codes import parse_product_code
from supervision.reviews import committee, scoring
from supervision.reviews.models import (
    CommitteeDraw,
    Expert,
    ReviewReport,
    ReviewStatus,
    ScoreSheet,
)
from supervision.reviews.rules.committee import GROUND_INTEREST, GROUND_STAFF


@pytest.fixture
def demo_db(app, database, monkeypatch):
    from supervision.demo.service import load_demo

    monkeypatch.setitem(app.config, "DEMO_VERIFICATION_ROWS", 300)
    with audit.acting_as(audit.Actor(None, "command line", source="cli")):
        load_demo(now=utcnow())
        db.session.commit()
    return database


def _call() -> PilotCall:
    return db.session.scalars(select(PilotCall).where(PilotCall.name == demo.CALL)).one()


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_pool_and_the_applicants_with_the_formal_review(demo_db):
    experts = list(db.session.scalars(select(Expert).order_by(Expert.id)))
    assert len(experts) == 14
    assert all(e.user is not None and e.user.username.startswith("expert") for e in experts)
    assert {e.title_level.value for e in experts} <= {"senior", "deputy"}
    assert {e.speciality.value for e in experts} == {"technical", "economic", "financial"}
    call = _call()
    assert (call.year, call.check_rate, call.max_selected) == (2014, Decimal("0.0500"), 4)
    assert [c["letter"] for c in call.product_classes] == ["F", "B"]
    assert call.trading_ends_on == date(2015, 12, 31)
    assert len(call.applications) == 6
    assert len({a.province_id for a in call.applications}) == 4
    assert all(len(a.documents) == 3 for a in call.applications)
    failed = [a for a in call.applications if a.formal_status == FormalStatus.FAILED]
    assert [a.short_name_en for a in failed] == ["BEIFANG"]
    assert failed[0].formal_reasons == [
        "生产许可证（XK06-014-01388）已过有效期（有效期至 2014-08-31）"
    ]
    assert failed[0].candidate_id is None
    passed = [a for a in call.applications if a.formal_status == FormalStatus.PASSED]
    assert len(passed) == 5 and all(a.candidate_id for a in passed)
    assert all(a.formal_reviewed_on == date(2014, 10, 15) for a in call.applications)


def test_the_witnessed_draw_excludes_the_two_and_seats_five_with_a_chair(demo_db):
    review = _call().review
    draw = db.session.scalars(select(CommitteeDraw)).one()
    assert draw.seed == demo.DRAW_SEED
    assert (draw.pool_count, draw.eligible_count) == (14, 12)
    assert draw.witness_name == "陈红" and draw.drawn_by.username == "ministry"
    excluded = {row["name"]: row["reasons"] for row in draw.excluded}
    assert set(excluded) == {"冯伟", "蒋丽"}
    assert excluded["冯伟"][0].startswith(GROUND_STAFF)
    assert excluded["蒋丽"] == [f"{GROUND_INTEREST}（申报：淄博鲁中变速箱再制造有限公司）"]
    assert committee.verify(draw).matches
    members = committee.members(review)
    assert len(members) == 5
    (chair,) = [m for m in members if m.is_chair]
    assert chair.expert.title_level.value == "senior"
    assert not {m.expert.name for m in members} & {"冯伟", "蒋丽"}
    kinds = {m.expert.speciality.value for m in members}
    assert "technical" in kinds and kinds & {"economic", "financial"}


def test_scoring_ranking_report_and_decision(demo_db):
    review = _call().review
    assert review.status == ReviewStatus.DECIDED
    assert _count(ScoreSheet, ScoreSheet.submitted_at.is_not(None)) == 25
    ranked = {r.candidate.short_name_en: r for r in scoring.ranking(review)}
    assert {k: (r.final, r.rank) for k, r in ranked.items()} == {
        "NINGYUAN": (Decimal("91.30"), 1),
        "FUXING": (Decimal("86.50"), 2),  # tied, price 9.875 rounded half up to 9.88
        "HENGLI": (Decimal("86.50"), 2),
        "LUZHONG": (Decimal("83.13"), 4),
        "ZHONGYUAN": (Decimal("80.20"), 5),
    }
    assert ranked["FUXING"].price == Decimal("9.88")
    assert [k for k, r in ranked.items() if r.within_cap] == [
        "NINGYUAN", "FUXING", "HENGLI", "LUZHONG"
    ]  # fmt: skip
    report = db.session.scalars(select(ReviewReport)).one()
    assert report.submitted_at is not None and len(report.signatures) == 5
    assert "BEIFANG" not in report.formal_summary
    assert "包头北方重型发动机再制造有限公司未通过形式审查" in report.formal_summary
    assert review.reported_on == date(2014, 11, 24) and review.decided_on == date(2014, 12, 5)
    assert sorted(c.short_name_en for c in review.candidates if c.selected) == [
        "FUXING", "HENGLI", "LUZHONG", "NINGYUAN"
    ]  # fmt: skip


def test_the_pilots_are_numbered_by_ranking_and_signed(demo_db):
    call = _call()
    assert call.status == CallStatus.ANNOUNCED and call.announced_on == date(2014, 12, 15)
    pilots = list(db.session.scalars(select(PilotEnterprise).order_by(PilotEnterprise.number)))
    assert [(p.number, p.application.short_name_en) for p in pilots] == [
        (1, "NINGYUAN"), (2, "FUXING"), (3, "HENGLI"), (4, "LUZHONG")
    ]  # fmt: skip
    assert all(p.status == PilotStatus.ACTIVE for p in pilots)
    first = pilots[0]
    assert first.city.division_code == "320100"
    assert first.commitment_signed_on == date(2014, 12, 25)
    assert len(first.outlets) == 2


def test_a_month_of_trade_ins_and_the_packs(demo_db):
    pilot = db.session.scalars(select(PilotEnterprise).where(PilotEnterprise.number == 1)).one()
    january = list(
        db.session.scalars(
            select(TradeIn).where(
                TradeIn.pilot_id == pilot.id,
                TradeIn.traded_on >= date(2015, 1, 1),
                TradeIn.traded_on <= date(2015, 1, 31),
            )
        )
    )
    assert len(january) == daily.JANUARY == 60
    codes = [parse_product_code(t.product_code) for t in january]
    assert {(c.year, c.enterprise) for c in codes} == {(2014, 1)}
    assert {c.prefix for c in codes} == {"F0", "B0"}
    assert "F0140100001" in {t.product_code for t in january}
    assert all(t.subsidy_yuan == t.price_yuan / 10 for t in january)
    pack = db.session.scalars(
        select(MonthlyPack).where(MonthlyPack.pilot_id == pilot.id, MonthlyPack.month == 1)
    ).one()
    assert pack.status == PackStatus.FINANCE_PASSED and pack.record_count == 60
    assert pack.due_on == date(2015, 2, 13) and pack.submitted_on == date(2015, 2, 9)
    assert pack.city_reviewed_by.username == "nj-officer"
    assert pack.finance_reviewed_by_id != pack.city_reviewed_by_id
    assert all(t.pack_id == pack.id for t in january)
    assert pack.subsidy_yuan == sum(t.subsidy_yuan for t in january)
    february = db.session.scalars(
        select(MonthlyPack).where(MonthlyPack.pilot_id == pilot.id, MonthlyPack.month == 2)
    ).one()
    assert february.status == PackStatus.DRAFT and february.due_on == date(2015, 3, 13)
    assert _count(TradeIn) == daily.JANUARY + daily.FEBRUARY == 80
    december = db.session.scalars(
        select(MonthlyPack).where(MonthlyPack.pilot_id == pilot.id, MonthlyPack.month == 12)
    ).one()
    assert (december.status, december.record_count) == (PackStatus.FINANCE_PASSED, 0)
    assert _count(QuarterlyReport) == 0


def test_the_checks_and_the_complaints(demo_db):
    draw = db.session.scalars(select(TradeInCheckDraw)).one()
    assert (draw.population, draw.drawn_count, draw.rate) == (60, 3, Decimal("0.0500"))
    outcomes = [
        (c.outcome, c.detail)
        for c in db.session.scalars(select(TradeInCheck).order_by(TradeInCheck.position))
    ]
    assert [o for o, _d in outcomes] == [
        CheckOutcome.CONFIRMED, CheckOutcome.UNREACHABLE, CheckOutcome.DISCREPANCY
    ]  # fmt: skip
    assert "3000" in outcomes[2][1]
    found = {c.received_on: c for c in db.session.scalars(select(Complaint))}
    open_one = found[date(2015, 2, 10)]
    assert open_one.due_on == date(2015, 3, 27)
    assert open_one.status == ComplaintStatus.INVESTIGATING
    assert open_one.number == "苏再制造举〔2015〕2 号"
    published = found[date(2015, 1, 19)]
    assert published.status == ComplaintStatus.PUBLISHED
    assert published.published_on <= published.due_on


def test_the_deadlines_of_the_demo(demo_db):
    from supervision.reminders.sources import gather

    specs, unresolved = gather(date(2015, 3, 2))
    assert not [u for u in unresolved if u.kind.startswith(("pilot", "review"))]
    by_kind = {}
    for spec in specs:
        by_kind.setdefault(spec.kind, []).append(spec)
    complaints = sorted((s.due_on, s.done_on) for s in by_kind["pilot_complaint"])
    assert complaints == [
        (date(2015, 3, 5), date(2015, 2, 6)),
        (date(2015, 3, 27), None),
    ]
    (formal,) = by_kind["pilot_formal_review"]
    assert formal.done_on == date(2014, 10, 15) and formal.done_on <= formal.due_on
    (report,) = by_kind["review_report"]
    assert report.done_on == date(2014, 11, 24) <= report.due_on
    first = {s.subject_key: s for s in by_kind["pilot_monthly_pack"] if s.title.find("南京") >= 0}
    assert (first["1:2015-01"].due_on, first["1:2015-01"].done_on) == (
        date(2015, 2, 13),
        date(2015, 2, 9),
    )
    assert (first["1:2015-02"].due_on, first["1:2015-02"].done_on) == (date(2015, 3, 13), None)


#: Pages each demo user opens (one demo build for all of them).
PAGES = {
    "ministry": ["call", "review", "draw", "results", "report", "pilot", "complaint"],
    "nj-officer": ["call", "pilot", "trade_ins", "pack"],
    "js-officer": ["pilot", "pack", "check_draw", "complaint"],
    "expert01": ["mine"],
}


def test_the_demo_pages_open_for_the_demo_users(demo_db, app, client):
    call = _call()
    ids = {
        "call_id": call.id,
        "review_id": call.review_id,
        "committee_draw_id": db.session.scalar(select(CommitteeDraw.id)),
        "pilot_id": db.session.scalar(
            select(PilotEnterprise.id).where(PilotEnterprise.number == 1)
        ),
        "pack_id": db.session.scalar(select(MonthlyPack.id).where(MonthlyPack.month == 1)),
        "check_draw_id": db.session.scalar(select(TradeInCheckDraw.id)),
        "complaint_id": db.session.scalar(select(Complaint.id).order_by(Complaint.id.desc())),
    }
    endpoints = {
        "call": ("pilots.call", "call_id"),
        "review": ("reviews.review", "review_id"),
        "draw": ("reviews.committee_draw", "committee_draw_id"),
        "results": ("reviews.results", "review_id"),
        "report": ("reviews.report", "review_id"),
        "pilot": ("pilots.pilot", "pilot_id"),
        "trade_ins": ("pilots.trade_ins", "pilot_id"),
        "pack": ("pilots.pack", "pack_id"),
        "check_draw": ("pilots.check_draw", "check_draw_id"),
        "complaint": ("pilots.complaint", "complaint_id"),
        "mine": ("reviews.mine", None),
    }
    for username, pages in PAGES.items():
        login(client, username, DEMO_PASSWORD)
        for page in pages:
            endpoint, key = endpoints[page]
            with app.test_request_context():
                url = url_for(endpoint, **({key: ids[key]} if key else {}))
            response = client.get(url)
            assert response.status_code == 200, (username, url)
    client.post("/auth/logout")
    public = client.get(f"/pilots/public/{call.id}").get_data(as_text=True)
    assert "南京宁远动力再制造有限公司" in public


def test_the_demo_reruns_without_adding_anything(demo_db):
    from supervision.demo.service import load_demo

    before = [_count(m) for m in (Expert, PilotCall, TradeIn, ScoreSheet, Complaint)]
    with audit.acting_as(audit.Actor(None, "command line", source="cli")):
        load_demo(now=utcnow())
        db.session.commit()
    assert [_count(m) for m in (Expert, PilotCall, TradeIn, ScoreSheet, Complaint)] == before
