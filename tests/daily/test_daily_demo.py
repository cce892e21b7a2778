"""The demo's daily supervision, follow-up and annual summary in 河南, built through the real
services (loaded once for the module): 64 more enterprises and 20 more inspectors (one with an
expired certificate), the first 2020 draw witnessed and published with exactly one recusal, the
second ready to run (30 enterprises, 10 pairs), suggestions and referrals, one published and
one nominated excellent case, the annual summary drafted; a second load adds nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from conftest import _empty_tables, login
from supervision.accounts.service import by_username
from supervision.core import audit
from supervision.core.clock import local_date
from supervision.core.types import utcnow
from supervision.daily import rules as draw_rules
from supervision.daily import service as daily
from supervision.daily.models import (
    DailyDraw,
    DrawAssignment,
    DrawRun,
    DrawStatus,
    InspectorRelation,
)
from supervision.demo import daily as demo
from supervision.demo.registry import DAILY_ENTERPRISES, DAILY_SERIAL_START, demo_credit_code
from supervision.demo.service import ACCOUNTS, DEMO_PASSWORD
from supervision.enterprises import rules as enterprise_rules
from supervision.enterprises.models import Enterprise
from supervision.enterprises.service import by_credit_code
from supervision.extensions import db, limiter
from supervision.followup import excellent
from supervision.followup.models import (
    DiagnosisReferral,
    DiagnosisStatus,
    ExcellentCase,
    ExcellentStatus,
    ImprovementSuggestion,
)
from supervision.inspections.models import CaseStatus, Finding, InspectionCase
from supervision.inspections.rules.checklist import CHECKS
from supervision.organisations.service import by_division_code
from supervision.plans.service import plan_for_year
from supervision.rectification.models import NoticeStatus, RectificationNotice
from supervision.summaries import service as summaries
from supervision.summaries.models import AnnualSummary
from supervision.tasks.models import FilingStatus

CLI = audit.Actor(None, "command line", source="cli")


@pytest.fixture(scope="module")
def demo_db(app):
    """The demo, loaded once for the module's tests (which only read it, or roll back)."""
    from supervision.demo.service import load_demo

    with pytest.MonkeyPatch.context() as patch, app.app_context():
        patch.setitem(app.config, "DEMO_VERIFICATION_ROWS", 300)
        _empty_tables()
        limiter.reset()
        with audit.acting_as(CLI):
            load_demo(now=utcnow())
            db.session.commit()
        yield db
        db.session.remove()
        _empty_tables()


@pytest.fixture
def henan(demo_db):
    yield by_division_code("410000")
    db.session.rollback()  # what a test tried (a run, a submission) is not kept


def _draw(title: str) -> DailyDraw:
    return db.session.scalars(select(DailyDraw).where(DailyDraw.title == title)).one()


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_registry_and_the_people(henan):
    rows = DAILY_ENTERPRISES["410000"]
    assert len(rows) == 64
    added = [by_credit_code(demo_credit_code("410000", DAILY_SERIAL_START + n)) for n in range(64)]
    assert [e.name for e in added] == [row[0] for row in rows]
    assert all(enterprise_rules.credit_code_problem(e.credit_code) is None for e in added)
    assert all(e.province_id == henan.id and e.division_code[:2] == "41" for e in added)
    assert {e.division_code[:4] for e in added} >= {
        "4101", "4102", "4103", "4104", "4105", "4107", "4108", "4110"
    }  # fmt: skip
    assert all(Decimal(5000) <= e.annual_energy_tce <= Decimal(300000) for e in added)
    assert sum(1 for e in added if not e.key_energy_unit) == 4
    assert [e.name for e in added if e.is_stopped] == ["汝阳县立窑水泥厂"]
    assert {e.industry.code for e in added if e.industry} == {
        "cement", "steel", "electrolytic_aluminium"
    }  # fmt: skip

    names = {a[0] for a in ACCOUNTS}
    assert {f"ha-inspector{n:02d}" for n in range(3, 23)} <= names
    pool = daily.inspector_pool(henan)
    assert len(pool) == 22
    for day in (date(2020, 10, 12), local_date(utcnow())):
        ineligible = [u.username for u in pool if daily.ineligibility(u, day)]
        assert ineligible == [demo.EXPIRED], day
    assert by_username("ha-inspector03").certificate_number.startswith("豫执 ")
    assert [u.username for u in daily.witnesses(henan, exclude=by_username("ha-officer"))] == [
        "ha-officer2"
    ]
    relations = db.session.scalars(select(InspectorRelation)).all()
    assert {r.relation for r in relations} == {
        demo.RELATION_1, "曾在该企业工作（2018年离职）", "其弟在该企业任车间主任"
    }  # fmt: skip


def test_the_first_draw_witnessed_with_one_recusal_and_published(henan):
    draw = _draw(demo.DRAW_1)
    assert draw.status == DrawStatus.PUBLISHED
    assert local_date(draw.published_at) == date(2020, 7, 10) <= draw.publish_by
    assert draw.published_by_id == by_username("ha-officer").id
    run = draw.current_run
    assert len(draw.runs) == 1 and run.reason == ""
    assert (run.seed, run.witness_name, run.drawn_by_name) == (demo.SEED_1, "冯建华", "周强")
    assert run.parameters["draw_day"] == "2020-04-10"
    assert daily.verify_run(run)
    # Left out: the six plants of the 2020 special-supervision filing and the stopped one
    # (no later visit shows among the exclusions of an April draw).
    reasons = {e["name"]: e["reasons"] for e in run.excluded}
    assert reasons["汝阳县立窑水泥厂"] == [draw_rules.REASON_STOPPED]
    assert reasons["河南中孚电解铝有限公司"] == ["已列入2020年度专项监察任务"]
    assert len(reasons) == 7 and run.eligible_count == run.population_count - 7 == 59

    assignments = sorted(run.assignments, key=lambda a: a.position)
    assert len(assignments) == 20
    assert {a.pair_no for a in assignments} == set(range(1, 7))
    strata = {a.stratum for a in assignments}  # by city: the first four digits
    assert len(strata) >= 8 and all(len(s) == 4 and s.startswith("41") for s in strata)
    # Exactly one relation hit: the enterprise went to the next pair, none of whose two
    # inspectors declared anything about it.
    (recusal,) = run.recusals
    assert recusal["relation"] == demo.RELATION_1
    assert (recusal["pair_no"], recusal["to_pair"], recusal["replaced_by"]) == (1, 2, None)
    moved = next(a for a in assignments if a.enterprise_id == recusal["enterprise_id"])
    assert moved.pair_no == 2
    assert recusal["inspector_ids"][0] not in (moved.inspector_a_id, moved.inspector_b_id)
    assert run.relations == [[recusal["inspector_ids"][0], moved.enterprise_id, demo.RELATION_1]]

    cases = [a.case for a in assignments]
    assert all(
        c.is_daily and c.status in (CaseStatus.CLOSED, CaseStatus.RECTIFICATION) for c in cases
    )
    assert all(date(2020, 5, 6) <= c.visit_on <= date(2020, 6, 24) for c in cases)
    assert all({e.item for e in c.checklist} == {c.key for c in CHECKS} for c in cases)
    assert all(e.result is not None for c in cases for e in c.checklist)
    assert [len(c.findings) for c in cases if c.findings] in ([2, 1], [1, 2])
    assert sum(c.status == CaseStatus.CLOSED for c in cases) == 18
    notices = db.session.scalars(
        select(RectificationNotice).where(RectificationNotice.case_id.in_([c.id for c in cases]))
    ).all()
    assert [(n.number, n.status) for n in notices] == [
        ("河南节监改〔2020〕1号", NoticeStatus.RECTIFIED)
    ]
    results = daily.public_results(province_id=henan.id)
    assert len(results) == 20
    assert sorted(r.outcome for r in results)[-1] == "未发现问题"
    assert sum(r.outcome == "未发现问题" for r in results) == 18
    assert all(len(r.checks) == 6 for r in results)


def test_the_second_draw_is_ready_to_run(henan):
    draw = _draw(demo.DRAW_2)
    assert draw.status == DrawStatus.DRAFT and not draw.runs
    assert (draw.sample_size, draw.pair_count, draw.publish_by) == (30, 10, date(2020, 12, 15))
    preview = daily.preview(draw, demo.DRAW_2_DAY)
    assert preview.problems == []
    assert preview.eligible_count >= 30 and preview.sample_count == 30
    assert preview.pool_count >= 20 and not preview.ineligible
    first = {a.enterprise_id for a in _draw(demo.DRAW_1).current_run.assignments}
    recent = {
        e["id"]
        for e in preview.excluded
        if any(r.startswith("近12个月内已检查") for r in e["reasons"])
    }
    assert first <= recent
    # A pool inspector declared a relation to an enterprise the draw may draw.
    found = daily.population(draw, demo.DRAW_2_DAY)
    eligible = {i for i, _s in found.eligible}
    assert any(
        r.inspector_id in draw.inspector_ids and r.enterprise_id in eligible
        for r in db.session.scalars(select(InspectorRelation))
    )
    # Still runnable today in the browser.
    assert daily.preview(draw, local_date(utcnow())).problems == []

    # What the officer does: run it witnessed, open the cases.
    officer, witness = by_username("ha-officer"), by_username("ha-officer2")
    with audit.acting_as(audit.Actor(officer.id, officer.full_name)):
        run = daily.run_draw(
            draw, actor=officer, witness=witness, seed="豫-20201015", today=date(2020, 10, 15)
        )
        assert len(run.assignments) == 30
        assert {a.pair_no for a in run.assignments} == set(range(1, 11))
        assert not {a.enterprise_id for a in run.assignments} & first
        assert daily.open_cases(draw, actor=officer, today=date(2020, 10, 16)) == 30


def test_suggestions_referrals_and_excellent_cases(henan):
    smelter = db.session.scalars(
        select(Finding)
        .join(InspectionCase, InspectionCase.id == Finding.case_id)
        .join(Enterprise, Enterprise.id == InspectionCase.enterprise_id)
        .where(Enterprise.name == "河南中孚电解铝有限公司")
    ).one()
    assert _count(ImprovementSuggestion, ImprovementSuggestion.finding_id == smelter.id) == 2
    referral = db.session.scalars(
        select(DiagnosisReferral).where(DiagnosisReferral.finding_id == smelter.id)
    ).one()
    assert referral.provider == "河南省节能技术服务中心"
    assert referral.estimated_savings_tce == Decimal("1250.00")
    assert referral.measures and referral.status == DiagnosisStatus.DIAGNOSED
    done = db.session.scalars(
        select(DiagnosisReferral).where(DiagnosisReferral.status == DiagnosisStatus.RETROFITTED)
    ).one()
    assert done.actual_savings_tce == Decimal("912.35") and done.retrofit_text
    assert done.case.is_daily

    items = db.session.scalars(select(ExcellentCase).order_by(ExcellentCase.id)).all()
    assert [i.status for i in items] == [ExcellentStatus.PUBLISHED, ExcellentStatus.NOMINATED]
    published, nominated = items
    assert published.province_id == nominated.province_id == henan.id
    assert published.case.status in (CaseStatus.CLOSED, CaseStatus.RECTIFICATION)
    assert len(published.write_up) >= 300 and published.published_on == date(2020, 12, 28)
    assert published.decided_by_id == by_username("ministry").id
    assert nominated.case.status == CaseStatus.CLOSED and nominated.decided_by_id is None
    assert [i.id for i in db.session.scalars(excellent.public_query())] == [published.id]


def test_the_annual_summary_is_a_draft_ready_to_submit(henan):
    summary = summaries.find_summary(plan_for_year(2020), henan)
    assert summary.status == FilingStatus.DRAFT
    assert summary.funds_used == Decimal("386.50")
    for name in ("funds_text", *summaries.TEXT_FIELDS):
        assert 100 <= len(getattr(summary, name)) <= 300, name
    assert "20家" in summary.daily_text and "18家" in summary.daily_text
    officer = by_username("ha-officer")
    event = summaries.submit_summary(
        summary, actor=officer, now=datetime(2020, 9, 28, 2, tzinfo=UTC)
    )
    assert summary.status == FilingStatus.SUBMITTED and summary.late_workdays == 0
    assert event.report_docx[:2] == b"PK" and event.results_xlsx[:2] == b"PK"


def test_the_demo_pages_open(henan, app, client):
    first, second = _draw(demo.DRAW_1), _draw(demo.DRAW_2)
    published = db.session.scalars(
        select(ExcellentCase).where(ExcellentCase.status == ExcellentStatus.PUBLISHED)
    ).one()
    inspector_case = sorted(first.current_run.assignments, key=lambda a: a.position)[0]
    login(client, "ha-officer", DEMO_PASSWORD)
    for url in (
        "/daily/",
        f"/daily/{first.id}",
        f"/daily/{second.id}",
        "/daily/relations",
        "/followup/referrals",
        "/followup/excellent",
        "/summaries/2020/410000",
    ):
        assert client.get(url).status_code == 200, url
    login(client, inspector_case.inspector_a.username, DEMO_PASSWORD)
    assert client.get(f"/cases/{inspector_case.case_id}").status_code == 200
    client.post("/auth/logout")
    assert first.current_run.assignments[0].enterprise.name in client.get("/daily/public").get_data(
        as_text=True
    )
    assert client.get(f"/followup/public/excellent-cases/{published.id}").status_code == 200


def test_a_second_load_adds_nothing(henan):
    from supervision.demo.service import load_demo

    models = (
        Enterprise,
        DailyDraw,
        DrawRun,
        DrawAssignment,
        InspectorRelation,
        InspectionCase,
        Finding,
        RectificationNotice,
        ImprovementSuggestion,
        DiagnosisReferral,
        ExcellentCase,
        AnnualSummary,
    )
    before = [_count(m) for m in models]
    with audit.acting_as(CLI):
        load_demo(now=utcnow())
        db.session.flush()
    assert [_count(m) for m in models] == before
