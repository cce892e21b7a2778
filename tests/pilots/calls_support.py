"""Shared by the call tests: a 2014 call made through the services, closed, with four applicants
(three in province A, one in B) and their documents, none reviewed yet; helpers to review
them, send them to the detailed review, score and decide it as the review part would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pilots.pilots_support import PRODUCT_CLASSES, QUALIFICATIONS, REQUIRED_DOCUMENTS

from conftest import World, credit_code
from supervision.extensions import db
from supervision.pilots import applications, calls
from supervision.pilots.models import Application, CallStatus, DocumentKind, PilotCall
from supervision.reviews.models import (
    CommitteeDraw,
    CommitteeMember,
    Expert,
    Review,
    ReviewStatus,
    ScoreSheet,
    Speciality,
    TitleLevel,
)
from supervision.reviews.setup import ReviewData

#: 2014-10-08 10:00 in Beijing: the first working day after the National Day holiday.
NOW = datetime(2014, 10, 8, 2, 0, tzinfo=UTC)
TODAY = date(2014, 10, 8)
#: (name, English short name, principal, requested 万元, in province A?).
APPLICANTS = [
    (f"南京{World.MARKER}再制造科技有限公司", "NJREMAN", "李文", Decimal("600"), True),
    ("苏州恒力变速箱再制造有限公司", "HENGLI", "钱进", Decimal("500"), True),
    ("无锡锡动发动机再制造有限公司", "XIDONG", "孙勇", Decimal("700"), True),
    ("杭州钱江动力再制造有限公司", "QIANJIANG", "赵磊", Decimal("400"), False),
]


@dataclass
class Called:
    world: World
    call: PilotCall
    applications: list[Application] = field(default_factory=list)
    review: Review | None = None


def call_data(**changes) -> calls.CallData:
    values = {
        "name": "2014 年再制造产品“以旧换再”推广试点企业征集",
        "notice_number": "发改办环资〔2014〕1234 号",
        "year": 2014,
        "opens_on": date(2014, 9, 1),
        "closes_on": date(2014, 9, 30),
        "product_classes": list(PRODUCT_CLASSES),
        "qualifications": list(QUALIFICATIONS),
        "required_documents": list(REQUIRED_DOCUMENTS),
        "funding_cap_wan": Decimal("2000"),
        "max_selected": 3,
        "check_rate": Decimal("0.05"),
    }
    values.update(changes)
    return calls.CallData(**values)


def application_data(world: World, n: int, **changes) -> applications.ApplicationData:
    name, short, principal, requested, in_a = APPLICANTS[n]
    values = {
        "name": name,
        "short_name_en": short,
        "credit_code": credit_code(700 + n, "913201" if in_a else "913301"),
        "principal": principal,
        "province_id": (world.a_province if in_a else world.b_province).id,
        "city_id": (world.a_agency if in_a else world.b_agency).id,
        "submitted_on": date(2014, 9, 20),
        "phone": f"0251234000{n}",
        "products": "发动机、变速箱",
        "requested_wan": requested,
    }
    values.update(changes)
    return applications.ApplicationData(**values)


def valid_documents(application: Application, actor) -> None:
    for kind in REQUIRED_DOCUMENTS:
        applications.add_document(
            application,
            applications.DocumentData(
                kind=kind,
                number=f"{kind}-{application.short_name_en}",
                issuer="江苏省质量技术监督局",
                valid_from=date(2012, 1, 1),
                valid_until=None
                if kind == DocumentKind.BUSINESS_LICENCE.value
                else date(2016, 12, 31),
            ),
            actor=actor,
            now=NOW,
        )


def make_call(world: World, *, close: bool = True) -> Called:
    officer = world.ministry_officer
    call = calls.create_call(call_data(), actor=officer, now=NOW - timedelta(days=40))
    made = Called(world, call)
    for n in range(len(APPLICANTS)):
        application = applications.create_application(
            call, application_data(world, n), actor=officer, now=NOW - timedelta(days=18)
        )
        valid_documents(application, officer)
        made.applications.append(application)
    if close:
        calls.close_call(call, actor=officer, now=NOW)
    db.session.commit()
    return made


@pytest.fixture
def called(world) -> Called:
    return make_call(world)


def review_all(made: Called, *, failing: int | None = None) -> None:
    """Formal review of every applicant (``failing``: that one lacks a qualification)."""
    for n, application in enumerate(made.applications):
        met = [True] * len(QUALIFICATIONS)
        if n == failing:
            met[1] = False
        applications.review_formally(
            application,
            qualifications_met=met,
            complete=True,
            actor=made.world.ministry_officer,
            now=NOW,
        )
    db.session.commit()


def review_setup(**changes) -> ReviewData:
    values = {
        "title": "2014 年再制造产品“以旧换再”推广试点企业评审",
        "convener": "国家发展改革委、财政部、工业和信息化部、商务部、质检总局相关司局",
        "organiser": "中国机电产品进出口商会",
        "meets_on": date(2014, 11, 20),
        "departments": ["工业和信息化部节能与综合利用司"],
        "venue": "北京",
        "scoring_items_text": "公司综合概况|40\n本项目投资服务方案|60",
    }
    values.update(changes)
    return ReviewData(**values)


def send(made: Called) -> Review:
    made.review = calls.send_to_review(
        made.call, review_setup(), actor=made.world.ministry_officer, now=NOW
    )
    db.session.commit()
    return made.review


def score_and_decide(made: Called, totals: dict[str, str], selected: list[str]) -> None:
    """Five members score each candidate (by short name) the same total; the convener chooses
    ``selected`` (what the review part's decision does)."""
    review = made.review
    experts = [
        Expert(
            name=f"专家{n}",
            title="研究员",
            title_level=TitleLevel.SENIOR,
            speciality=Speciality.TECHNICAL,
            employer=f"研究院{n}",
        )
        for n in range(5)
    ]
    db.session.add_all(experts)
    db.session.flush()
    draw = CommitteeDraw(
        review_id=review.id,
        seed="a" * 32,
        pool_count=12,
        eligible_count=12,
        order=[e.id for e in experts],
        method="test",
    )
    db.session.add(draw)
    db.session.flush()
    members = []
    for position, expert in enumerate(experts, start=1):
        member = CommitteeMember(
            review_id=review.id, expert_id=expert.id, draw_id=draw.id, position=position
        )
        db.session.add(member)
        members.append(member)
    db.session.flush()
    by_short = {c.short_name_en: c for c in review.candidates}
    for short, total in totals.items():
        for member in members:
            db.session.add(
                ScoreSheet(
                    review_id=review.id,
                    member_id=member.id,
                    candidate_id=by_short[short].id,
                    points={},
                    total=Decimal(total),
                    submitted_at=NOW,
                )
            )
    for candidate in review.candidates:
        candidate.selected = candidate.short_name_en in selected
    review.status = ReviewStatus.DECIDED
    review.decided_on = date(2014, 12, 10)
    db.session.commit()
    db.session.expire_all()


def closed_status(made: Called) -> CallStatus:
    db.session.refresh(made.call)
    return made.call.status
