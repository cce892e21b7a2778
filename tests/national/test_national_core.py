"""The national data set's core (supervision/demo/national: people, enterprises, tasks, cases,
notices) generated at 1 % of its size into a database holding the reference data and three
demo accounts: counts per part, determinism, valid credit and division codes, filings, tasks,
cases and notices as the services would have left them, and the pages at that scale."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from conftest import _empty_tables, login
from supervision.core import audit
from supervision.core.models import AuditEntry, Organisation, OrgKind, Role, User, UserRole
from supervision.demo.national import Build, enterprises, load_national, people, places
from supervision.demo.national.bulk import BulkWriter
from supervision.demo.service import DEMO_PASSWORD
from supervision.disclosure.models import Publication, PublicationStatus
from supervision.enterprises import rules as enterprise_rules
from supervision.enterprises.models import Enterprise, ProductionStatus
from supervision.extensions import db, limiter
from supervision.inspections.models import CaseStatus, Finding, InspectionCase
from supervision.organisations import rules as org_rules
from supervision.rectification import rules as notice_rules
from supervision.rectification.models import (
    NoticeSequence,
    NoticeStatus,
    RectificationNotice,
    RectificationReport,
    Reinspection,
    ReinspectionResult,
)
from supervision.tasks import rules as task_rules
from supervision.tasks import service as task_service
from supervision.tasks.models import (
    FilingEvent,
    FilingStatus,
    ReviewMethod,
    SupervisionTask,
    TaskFiling,
    task_inspectors,
)

SEED = 2020
FRACTION = 0.01
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
CLI = audit.Actor(None, "command line", source="cli")


def _base() -> None:
    """What ``flask init`` seeds, and the three demo accounts the pages are read as."""
    from supervision.accounts.service import create_user
    from supervision.industries.service import seed_catalogue
    from supervision.organisations.service import (
        by_division_code,
        create_agency,
        ministry,
        seed_national_units,
    )
    from supervision.plans.service import seed_plan
    from supervision.reference.service import seed_reference_tables

    seed_national_units()
    seed_catalogue()
    seed_plan()
    seed_reference_tables()
    jiangsu = by_division_code("320000")
    nanjing = create_agency(
        actor=None,
        parent=jiangsu,
        name="南京市节能监察中心",
        kind=OrgKind.CITY,
        division_code="320100",
    )
    for username, roles, org, certificate in (
        ("ministry", {Role.MINISTRY_OFFICER}, ministry(), None),
        ("js-officer", {Role.PROVINCIAL_OFFICER}, jiangsu, None),
        ("js-inspector", {Role.INSPECTOR}, nanjing, "苏执 32010020190001"),
    ):
        create_user(
            actor=None,
            username=username,
            full_name=username,
            organisation=org,
            roles=roles,
            password=DEMO_PASSWORD,
            certificate_number=certificate,
            certificate_expires_on=date(2027, 6, 30) if certificate else None,
            now=NOW,
        )


@pytest.fixture(scope="module")
def generated(app):
    """The national data at 1 %, generated once for the module's tests (which only read)."""
    with app.app_context():
        _empty_tables()
        limiter.reset()
        lines: list[str] = []
        with audit.acting_as(CLI):
            _base()
            db.session.commit()
            timings = load_national(
                seed=SEED, sales=0, now=NOW, echo=lines.append, fraction=FRACTION
            )
            db.session.commit()
        yield {"lines": lines, "timings": timings}
        db.session.remove()
        _empty_tables()


def count(model_or_stmt) -> int:
    stmt = model_or_stmt
    if not hasattr(stmt, "whereclause"):
        stmt = select(func.count()).select_from(model_or_stmt)
    return db.session.scalar(stmt)


def new_enterprises() -> list[Enterprise]:
    return list(db.session.scalars(select(Enterprise).order_by(Enterprise.id)))


# -- sizes and progress -------------------------------------------------------------------------


def test_each_part_adds_its_share_of_the_full_size(generated):
    scaled = lambda target, have=0: max(1, round(FRACTION * (target - have)))  # noqa: E731
    agencies = select(func.count()).where(Organisation.kind.in_([OrgKind.CITY, OrgKind.COUNTY]))
    inspectors = select(func.count()).where(UserRole.role == Role.INSPECTOR)
    assert count(agencies) == 1 + scaled(300, 1)
    assert count(inspectors) == 1 + scaled(1500, 1)
    assert count(Enterprise) == scaled(40_000)
    assert count(SupervisionTask) == scaled(50_000)
    assert count(Finding) == scaled(8_000)
    assert count(RectificationNotice) == scaled(5_000)
    officers = select(func.count()).where(UserRole.role == Role.PROVINCIAL_OFFICER)
    assert count(officers) == 1 + 32  # js-officer and one per provincial unit
    assert count(TaskFiling) == 32
    assert set(generated["timings"]) >= {"people", "enterprises", "tasks", "cases"}
    assert any(line.startswith("  enterprises: 400 rows") for line in generated["lines"])


def test_one_audit_entry_for_the_whole_generation(generated):
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "generate")).all()
    assert len(entries) == 1 and entries[0].entity == "national_dataset"
    assert count(select(func.count()).where(AuditEntry.entity == "enterprises")) == 0


def test_allocate_shares_a_total_by_weight_with_a_minimum():
    assert people.allocate(10, {"a": 3, "b": 1, "c": 1}) == {"a": 6, "b": 2, "c": 2}
    assert people.allocate(5, {"a": 100, "b": 1, "c": 1}, minimum=1) == {"a": 3, "b": 1, "c": 1}
    assert sum(people.allocate(292, {n: n + 1 for n in range(32)}, minimum=1).values()) == 292


# -- determinism --------------------------------------------------------------------------------


def _plan(seed: int) -> list[tuple[str, str, str]]:
    build = Build(seed=seed, sales=0, now=NOW, writer=BulkWriter(db.session), fraction=FRACTION)
    provinces = dict(
        db.session.execute(
            select(Organisation.division_code, Organisation.id).where(
                Organisation.kind == OrgKind.PROVINCE
            )
        ).all()
    )
    operators = build.scaled(enterprises.DATACENTRE_OPERATORS)
    rows = enterprises.plan(
        build.rng("enterprises"),
        provinces,
        build.scaled(enterprises.ENTERPRISES) - operators,
        operators,
        enterprises._industries(),
        taken_codes=set(),
        taken_names=set(),
        now=NOW,
    )
    return [(row["name"], row["credit_code"], row["division_code"]) for _, row in rows]


def test_the_same_seed_gives_the_same_names_and_codes(generated):
    stored = [(e.name, e.credit_code, e.division_code) for e in new_enterprises()]
    assert _plan(SEED) == stored
    other = _plan(SEED + 1)
    assert len(other) == len(stored)
    assert [name for name, _, _ in other] != [name for name, _, _ in stored]
    assert not {code for _, code, _ in other} & {code for _, code, _ in stored}


# -- people and enterprises ---------------------------------------------------------------------


def test_agencies_sit_in_their_province_with_real_division_codes(generated):
    orgs = {o.id: o for o in db.session.scalars(select(Organisation))}
    agencies = [o for o in orgs.values() if o.kind in (OrgKind.CITY, OrgKind.COUNTY)]
    shorts = Counter(notice_rules.agency_short_name(a.name) for a in agencies)
    for agency in agencies:
        parent = orgs[agency.parent_id]
        assert org_rules.may_nest(agency.kind.value, parent.kind.value)
        assert org_rules.division_code_problem(agency.division_code, parent.division_code) is None
        assert agency.path == parent.subtree_prefix
        assert agency.province_id == parent.province_org_id
        assert shorts[notice_rules.agency_short_name(agency.name)] == 1


def test_inspectors_carry_certificates_and_log_in_with_the_demo_password(generated, client):
    inspectors = db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == Role.INSPECTOR)
    ).all()
    for user in inspectors:
        assert user.certificate_number and user.certificate_expires_on
        if user.username != "js-inspector":
            assert user.username == f"insp-{user.organisation.division_code}-{user.username[-3:]}"
    hashes = {u.password_hash for u in inspectors if u.username.startswith("insp-")}
    assert len(hashes) == 1  # hashed once, not per account
    login(client, inspectors[-1].username, DEMO_PASSWORD)


def test_every_credit_code_passes_the_check_and_is_unique(generated):
    codes = [e.credit_code for e in new_enterprises()]
    assert all(enterprise_rules.is_valid_credit_code(code) for code in codes)
    assert len(set(codes)) == len(codes)
    for code in codes:  # the organisation code inside carries its GB 11714 check too
        assert enterprises.organisation_code(code[8:16]) == code[8:17]


def test_division_codes_are_county_units_of_the_enterprises_province(generated):
    provinces = {o.id: o.division_code for o in db.session.scalars(select(Organisation))}
    for enterprise in new_enterprises():
        province = provinces[enterprise.province_id]
        assert enterprise_rules.province_prefix_matches(enterprise.division_code, province)
        known = {d.code for city in places.cities(province) for d in city.divisions}
        assert enterprise.division_code in known
        assert enterprise.name.endswith("有限公司")


def test_enterprises_cover_the_industries_and_the_data_centres(generated):
    by_kind = Counter(e.industry.kind if e.industry else "data_centre" for e in new_enterprises())
    assert by_kind["quota"] > by_kind["ladder"] > by_kind["data_centre"] > 0
    assert by_kind["data_centre"] == round(FRACTION * enterprises.DATACENTRE_OPERATORS)
    stopped = [e for e in new_enterprises() if e.status == ProductionStatus.STOPPED]
    assert all(e.stopped_on for e in stopped)


# -- filings, tasks, cases ----------------------------------------------------------------------


def test_filings_are_drafted_submitted_or_accepted_with_their_history(generated):
    filings = db.session.scalars(select(TaskFiling)).all()
    statuses = Counter(f.status for f in filings)
    assert statuses[FilingStatus.ACCEPTED] and statuses[FilingStatus.SUBMITTED]
    assert statuses[FilingStatus.DRAFT]
    for filing in filings:
        actions = [e.action for e in filing.events]
        if filing.status == FilingStatus.ACCEPTED:
            assert actions == ["submitted", "accepted"]
        if filing.status in (FilingStatus.SUBMITTED, FilingStatus.ACCEPTED):
            assert filing.submitted_at is not None
            assert task_service.coverage_check(filing).complete  # nothing left out
            tasked = task_service.task_total(filing)
            assert filing.events[0].task_count == tasked
        cases_of = count(
            select(func.count())
            .select_from(InspectionCase)
            .join(SupervisionTask, SupervisionTask.id == InspectionCase.task_id)
            .where(SupervisionTask.filing_id == filing.id)
        )
        expected = task_service.task_total(filing) if filing.status == FilingStatus.ACCEPTED else 0
        assert cases_of == expected  # accepting a filing opens a case per task
    assert count(FilingEvent) == sum(len(f.events) for f in filings)


def test_tasks_follow_the_filing_rules(generated):
    load = (
        selectinload(SupervisionTask.enterprise),
        selectinload(SupervisionTask.industry),
        selectinload(SupervisionTask.parent_task),
        selectinload(SupervisionTask.agency),
        selectinload(SupervisionTask.filing),
        selectinload(SupervisionTask.inspectors).selectinload(User.organisation),
    )
    for task in db.session.scalars(select(SupervisionTask).options(*load)):
        problem = task_rules.task_problem(
            category=task.category,
            filed_alone=task.category != 3,
            industry_kind=task.industry.kind if task.industry else None,
            parent_category=task.parent_task.category if task.parent_task else None,
            parent_same_enterprise=task.parent_task is not None
            and task.parent_task.enterprise_id == task.enterprise_id,
            enterprise_stopped=task.enterprise.status == ProductionStatus.STOPPED,
            on_site=task.method == ReviewMethod.ON_SITE,
            planned_month=task.planned_month,
        )
        assert problem is None, (task.id, problem)
        assert task.enterprise.province_id == task.province_id == task.filing.province_id
        agency = task.agency
        assert task.province_id in (agency.id, agency.province_id)
        for user in task.inspectors:
            org = user.organisation
            assert org.id == agency.id or org.path.startswith(agency.subtree_prefix)
    assert {t.category for t in db.session.scalars(select(SupervisionTask))} == {1, 2, 3, 4, 5}


def test_cases_stand_where_their_findings_and_notices_say(generated):
    findings = Counter(case_id for case_id in db.session.scalars(select(Finding.case_id)))
    noticed = Counter(
        db.session.scalars(
            select(RectificationNotice.case_id).where(RectificationNotice.case_id.is_not(None))
        )
    )
    statuses = Counter()
    for case in db.session.scalars(select(InspectionCase)):
        statuses[case.status] += 1
        assert case.due_on is not None and case.assessed_year == 2019
        if case.status != CaseStatus.PLANNED:
            assert case.visit_on is not None and len(case.inspectors) >= 2
        if case.status == CaseStatus.RECTIFICATION:
            assert findings[case.id] and noticed[case.id] == 1 and case.closed_at
        elif case.status == CaseStatus.FINDINGS:
            assert findings[case.id] and not noticed[case.id]
        else:
            assert not findings[case.id] and not noticed[case.id]
        if case.status == CaseStatus.CLOSED:
            assert case.closed_at is not None
    assert statuses[CaseStatus.RECTIFICATION] and statuses[CaseStatus.PLANNED]


# -- notices and the public list ----------------------------------------------------------------


def test_notices_have_deadlines_numbers_and_the_rows_their_status_implies(generated):
    notices = db.session.scalars(select(RectificationNotice)).all()
    used = Counter()
    for notice in notices:
        assert notice.deadline_on >= notice.served_on
        assert notice.current_deadline_on >= notice.deadline_on
        assert notice.items
        if notice.imported:
            assert notice.year == 2019 and notice.sequence is None
        else:
            used[(notice.agency_id, notice.year)] += 1
            assert notice.number == notice_rules.notice_number(
                notice.agency.name, notice.year, notice.sequence
            )
            assert [i.finding_id for i in notice.items] == [f.id for f in notice.case.findings]
        if notice.status in (NoticeStatus.REPORTED,):
            assert notice.reports
        if notice.status in (NoticeStatus.RECTIFIED, NoticeStatus.NOT_RECTIFIED):
            assert notice.reinspection.result.value == notice.status.value
        if notice.status == NoticeStatus.HANDLED:
            assert notice.reinspection.result != ReinspectionResult.RECTIFIED
            assert notice.decision is not None
    assert len({n.number for n in notices}) == len(notices)
    sequences = {
        (s.agency_id, s.year): s.last_value for s in db.session.scalars(select(NoticeSequence))
    }
    assert sequences == dict(used)  # the next notice an agency issues counts on
    today = NOW.date()
    overdue = [
        n for n in notices if notice_rules.is_overdue(n.status.value, n.current_deadline_on, today)
    ]
    assert overdue
    assert count(RectificationReport) and count(Reinspection)
    assert {n.status for n in notices} >= {NoticeStatus.ISSUED, NoticeStatus.RECTIFIED}


def test_violators_of_2019_are_published_with_their_notices(generated):
    reviews = db.session.scalars(select(SupervisionTask).where(SupervisionTask.category == 5)).all()
    imported = db.session.scalars(
        select(RectificationNotice).where(RectificationNotice.imported.is_(True))
    ).all()
    assert {n.enterprise_id for n in imported} == {t.enterprise_id for t in reviews}
    entries = db.session.scalars(select(Publication)).all()
    assert {e.notice_id for e in entries} >= {n.id for n in imported}
    for entry in entries:
        assert entry.status == PublicationStatus.PUBLISHED and entry.published_on
        assert enterprise_rules.is_valid_credit_code(entry.credit_code)
        assert entry.violation and entry.decision
        assert entry.enterprise_name == entry.enterprise.name


# -- the pages ----------------------------------------------------------------------------------


def _accepted_province() -> tuple[str, str]:
    """An accepted province's code and an inspector there with cases."""
    row = db.session.execute(
        select(Organisation.division_code, User.username)
        .join(TaskFiling, TaskFiling.province_id == Organisation.id)
        .join(SupervisionTask, SupervisionTask.filing_id == TaskFiling.id)
        .join(task_inspectors, task_inspectors.c.task_id == SupervisionTask.id)
        .join(User, User.id == task_inspectors.c.user_id)
        .where(TaskFiling.status == FilingStatus.ACCEPTED)
        .order_by(User.username)
        .limit(1)
    ).one()
    return row[0], row[1]


@pytest.mark.parametrize("who", ["ministry", "js-officer", "js-inspector", "officer", "inspector"])
def test_the_busy_pages_render_at_national_scale(generated, client, who):
    province, inspector = _accepted_province()
    username = {"officer": f"off-{province}-1", "inspector": inspector}.get(who, who)
    case_id = db.session.scalar(
        select(InspectionCase.id)
        .join(SupervisionTask, SupervisionTask.id == InspectionCase.task_id)
        .join(task_inspectors, task_inspectors.c.task_id == SupervisionTask.id)
        .join(User, User.id == task_inspectors.c.user_id)
        .where(User.username == inspector)
        .limit(1)
    )
    notice_id = db.session.scalar(
        select(func.max(RectificationNotice.id))
        .join(Organisation, Organisation.id == RectificationNotice.province_id)
        .where(Organisation.division_code == province)
    )
    login(client, username, DEMO_PASSWORD)
    pages = ["/", "/enterprises/", "/enterprises/?q=水泥", "/cases/", "/rectification/"]
    pages += ["/rectification/?overdue=1", "/disclosure/"]
    if who in ("ministry", "officer", "inspector"):
        pages.append(f"/cases/{case_id}")
    if who in ("ministry", "officer"):
        pages += [f"/tasks/2020/{province}", f"/tasks/2020/{province}?category=1&page=2"]
        pages += [f"/rectification/{notice_id}", f"/summaries/2020/{province}"]
    if who == "ministry":
        pages += ["/tasks/2020", "/summaries/2020"]
    if who == "js-officer":
        pages += ["/tasks/2020/320000"]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, (username, page, response.status_code)


def test_the_public_violator_list_shows_the_national_entries(generated, client):
    response = client.get("/disclosure/")
    assert response.status_code == 200
    entry = db.session.scalars(
        select(Publication).order_by(Publication.published_on.desc())
    ).first()
    assert entry.enterprise_name in response.get_data(as_text=True)


def test_rows_added_later_get_ids_after_the_generated_ones(generated):
    """The generator gives ids itself; PostgreSQL's sequences are moved past them."""
    from supervision.enterprises.service import EnterpriseData, create_enterprise
    from supervision.organisations.service import by_division_code

    top = db.session.scalar(select(func.max(Enterprise.id)))
    data = EnterpriseData(
        credit_code=enterprises.credit_code("110101", "MA000000"),
        name="后来登记的企业有限公司",
        division_code="110101",
    )
    try:
        with audit.acting_as(CLI):
            assert create_enterprise(by_division_code("110000"), data).id > top
    finally:
        db.session.rollback()
