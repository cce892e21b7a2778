"""Every dated obligation becomes a deadline computed by its one rule; refreshing keeps them
in line (moved dates remembered, vanished subjects cancelled, people synced)."""

from datetime import UTC, date, datetime

from engine_support import deadline, make_notice
from sqlalchemy import func, select

from conftest import World, credit_code
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.inspections.models import CaseStatus
from supervision.plans.service import plan_for_year
from supervision.rectification.models import (
    RectificationReport,
    Reinspection,
    ReinspectionResult,
    ResultReport,
)
from supervision.reminders import sources
from supervision.reminders.models import Deadline, ReminderPolicy
from supervision.reminders.service import refresh_deadlines, seed_policies
from supervision.tasks.service import filing_for, return_filing, submit_filing
from tests.inspections.inspections_support import Casework, casework  # noqa: F401

TODAY = date(2020, 2, 17)
NOW = datetime(2020, 2, 17, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


def specs(kind: str) -> dict[str, sources.DeadlineSpec]:
    return {s.subject_key: s for s in sources.collect(TODAY) if s.kind == kind}


# -- plan deliverables ------------------------------------------------------------------------


def test_every_province_owes_the_task_filing_until_it_first_submits(world: World):
    filings = specs("task_filing")
    assert len(filings) == 32  # every provincial unit, not the 计划单列市
    jiangsu = filings["2020:320000"]
    assert jiangsu.title == "2020年专项监察任务申报（江苏省）"
    assert (jiangsu.due_on, jiangsu.done_on) == (date(2020, 2, 20), None)
    assert jiangsu.link == "/tasks/2020/320000"
    assert (jiangsu.owner_org_id, jiangsu.province_id) == (world.a_province.id,) * 2
    assert jiangsu.people_ids == ()

    filing = filing_for(plan_for_year(2020), world.a_province)
    # 17:00 UTC on the 19th is 01:00 on the 20th in Beijing: done on the 20th.
    submit_filing(filing, actor=world.a_officer, now=datetime(2020, 2, 19, 17, 0, tzinfo=UTC))
    db.session.commit()
    assert specs("task_filing")["2020:320000"].done_on == date(2020, 2, 20)
    assert specs("task_filing")["2020:330000"].done_on is None


def test_a_returned_filing_is_due_again_within_working_days_until_resubmitted(world: World):
    filing = filing_for(plan_for_year(2020), world.a_province)
    submit_filing(filing, actor=world.a_officer, now=datetime(2020, 2, 19, 2, tzinfo=UTC))
    assert specs("filing_correction") == {}
    event = return_filing(
        filing,
        actor=world.ministry_officer,
        now=datetime(2020, 2, 21, 2, tzinfo=UTC),
        comment="附件2企业名单不全",
    )
    db.session.commit()
    correction = specs("filing_correction")[f"2020:320000:{event.id}"]
    # Returned Friday 02-21; FILING_CORRECTION_WORKDAYS = 5 → Friday 02-28.
    assert (correction.due_on, correction.done_on) == (date(2020, 2, 28), None)
    assert correction.title == "2020年专项监察任务申报退回修改（江苏省）"
    # The first submission still counts for the 02-20 deliverable.
    assert specs("task_filing")["2020:320000"].done_on == date(2020, 2, 19)

    submit_filing(filing, actor=world.a_officer, now=datetime(2020, 2, 26, 2, tzinfo=UTC))
    db.session.commit()
    assert specs("filing_correction")[f"2020:320000:{event.id}"].done_on == date(2020, 2, 26)


def test_category_five_results_are_owed_by_provinces_with_review_tasks(casework: Casework):
    world = casework.world
    assert specs("category_five_results") == {}
    casework.open(5)
    results = specs("category_five_results")
    assert list(results) == ["2020:320000"]
    assert results["2020:320000"].due_on == date(2020, 6, 30)
    assert results["2020:320000"].category == 5
    assert results["2020:320000"].link == "/rectification/results/2020"

    db.session.add(
        ResultReport(
            plan_id=plan_for_year(2020).id,
            province_id=world.a_province.id,
            deliverable_key="category_five_results",
            reported_at=datetime(2020, 6, 29, 17, 0, tzinfo=UTC),
        )
    )
    db.session.commit()
    assert specs("category_five_results")["2020:320000"].done_on == date(2020, 6, 30)
    summaries = specs("annual_summary")
    assert len(summaries) == 32
    assert summaries["2020:320000"].due_on == date(2020, 9, 30)
    assert summaries["2020:320000"].done_on is None  # the June report is another deliverable


# -- cases and rectification ------------------------------------------------------------------


def test_a_case_is_due_on_its_plan_date_for_its_inspectors(casework: Casework):
    case = casework.open(4, name="测试数据中心")
    spec = specs("case_due")[str(case.id)]
    assert spec.due_on == date(2020, 9, 30)
    assert spec.title == "监察案件办结期限：测试数据中心（专项监察四）"
    assert spec.link == f"/cases/{case.id}"
    assert set(spec.people_ids) == {casework.world.a_inspector.id, casework.partner.id}
    assert (spec.agency_id, spec.category) == (casework.world.a_agency.id, 4)

    case.status = CaseStatus.CLOSED
    case.closed_at = datetime(2020, 7, 1, 20, 0, tzinfo=UTC)  # 04:00 on 07-02 in Beijing
    db.session.commit()
    assert specs("case_due")[str(case.id)].done_on == date(2020, 7, 2)


def test_a_notice_is_due_on_its_deadline_then_reinspected(casework: Casework):
    case = casework.open(1, "sulphuric_acid")
    notice = make_notice(
        case=case, enterprise=case.enterprise, agency=case.agency, deadline_on=date(2020, 9, 25)
    )
    rect = specs("rectification_deadline")[str(notice.id)]
    again = specs("reinspection")[str(notice.id)]
    assert rect.due_on == date(2020, 9, 25)
    assert rect.title == f"限期整改期限：{case.enterprise.name} {notice.number}"
    assert rect.link == f"/rectification/{notice.id}"
    assert set(rect.people_ids) == {casework.world.a_inspector.id, casework.partner.id}
    # 20 working days after 09-25 across the National Day holiday (09-27, 10-10 worked).
    assert again.due_on == date(2020, 10, 29)

    notice.extended_deadline_on = date(2020, 10, 30)
    db.session.commit()
    assert specs("rectification_deadline")[str(notice.id)].due_on == date(2020, 10, 30)
    assert specs("reinspection")[str(notice.id)].due_on == date(2020, 11, 27)

    db.session.add(
        RectificationReport(
            notice=notice, received_on=date(2020, 10, 20), measures_taken="更换设备"
        )
    )
    db.session.commit()
    assert specs("rectification_deadline")[str(notice.id)].done_on == date(2020, 10, 20)
    assert specs("reinspection")[str(notice.id)].done_on is None
    db.session.add(
        Reinspection(
            notice=notice, inspected_on=date(2020, 11, 5), result=ReinspectionResult.RECTIFIED
        )
    )
    db.session.commit()
    assert specs("reinspection")[str(notice.id)].done_on == date(2020, 11, 5)


def test_an_imported_notice_goes_to_the_inspectors_of_the_review_case(casework: Casework):
    world = casework.world
    review = casework.open(5, name="2019违规企业", inspectors=[world.a_inspector])
    notice = make_notice(
        enterprise=review.enterprise,
        agency=world.a_agency,
        deadline_on=date(2019, 12, 31),
        imported=True,
    )
    rect = specs("rectification_deadline")[str(notice.id)]
    assert rect.people_ids == (world.a_inspector.id,)
    assert rect.category == 5
    other = create_enterprise(
        world.a_province,
        EnterpriseData(
            credit_code=credit_code(9001), name="无复查任务企业", division_code="320102"
        ),
    )
    lonely = make_notice(
        enterprise=other, agency=world.a_agency, deadline_on=date(2019, 12, 31), imported=True
    )
    assert specs("rectification_deadline")[str(lonely.id)].people_ids == ()


# -- certificates -----------------------------------------------------------------------------


def test_active_inspectors_certificates_expire(world: World, make_user):
    certs = specs("certificate_expiry")
    mine = certs[str(world.a_inspector.id)]
    assert mine.due_on == date(2028, 1, 1)
    assert mine.people_ids == (world.a_inspector.id,)
    assert mine.title == f"行政执法证到期：{world.a_inspector.full_name}（执法证-a-inspector）"
    assert (mine.agency_id, mine.province_id) == (world.a_agency.id, world.a_province.id)
    assert str(world.a_officer.id) not in certs  # officers hold no certificate

    world.a_inspector.active = False
    db.session.commit()
    assert str(world.a_inspector.id) not in specs("certificate_expiry")


# -- refreshing -------------------------------------------------------------------------------


def test_refresh_creates_moves_and_cancels(world: World):
    counts = refresh_deadlines(now=NOW)
    db.session.commit()
    total = db.session.scalar(select(func.count()).select_from(Deadline))
    assert counts["created"] == total > 64  # 32 filings + 32 summaries + certificates
    assert refresh_deadlines(now=NOW) == {
        "created": 0,
        "moved": 0,
        "updated": 0,
        "cancelled": 0,
        "unresolved": 0,
    }

    cert = deadline("certificate_expiry", str(world.a_inspector.id))
    assert [u.id for u in cert.people] == [world.a_inspector.id]
    world.a_inspector.certificate_expires_on = date(2031, 1, 1)  # renewed
    db.session.commit()
    assert refresh_deadlines(now=NOW)["moved"] == 1
    db.session.commit()
    cert = deadline("certificate_expiry", str(world.a_inspector.id))
    assert cert.due_on == date(2031, 1, 1)
    assert cert.previous_due_dates == ["2028-01-01"]

    world.b_inspector.active = False
    db.session.commit()
    assert refresh_deadlines(now=NOW)["cancelled"] == 1
    db.session.commit()
    gone = deadline("certificate_expiry", str(world.b_inspector.id))
    assert gone.cancelled and not gone.is_open


def test_refresh_follows_the_people_responsible(casework: Casework):
    world = casework.world
    case = casework.open(4)
    refresh_deadlines(now=NOW)
    db.session.commit()
    due = deadline("case_due", str(case.id))
    assert {u.id for u in due.people} == {world.a_inspector.id, casework.partner.id}
    case.task.inspectors = [casework.partner]
    db.session.commit()
    assert refresh_deadlines(now=NOW)["updated"] == 1
    db.session.commit()
    assert [u.id for u in deadline("case_due", str(case.id)).people] == [casework.partner.id]


def test_a_date_that_cannot_be_computed_keeps_its_deadline(casework: Casework):
    case = casework.open(1, "sulphuric_acid")
    notice = make_notice(
        case=case, enterprise=case.enterprise, agency=case.agency, deadline_on=date(2020, 9, 25)
    )
    refresh_deadlines(now=NOW)
    db.session.commit()
    notice.extended_deadline_on = date(2099, 6, 1)  # no working-day calendar for 2099
    db.session.commit()
    counts = refresh_deadlines(now=NOW)
    db.session.commit()
    assert counts["unresolved"] == 1 and counts["cancelled"] == 0
    assert deadline("rectification_deadline", str(notice.id)).due_on == date(2099, 6, 1)
    kept = deadline("reinspection", str(notice.id))
    assert kept.is_open and kept.due_on == date(2020, 10, 29)


# -- policies ---------------------------------------------------------------------------------


def test_policies_are_seeded_once_and_admin_edits_survive(national):
    assert seed_policies() == 23
    db.session.commit()
    policy = db.session.get(ReminderPolicy, "task_filing")
    assert (policy.offsets, policy.offset_unit, policy.on_due_day, policy.overdue_every) == (
        [10, 3, 1],
        "workdays",
        True,
        3,
    )
    assert policy.recipients == ["provincial_officers", "ministry_digest"]
    cert = db.session.get(ReminderPolicy, "certificate_expiry")
    assert (cert.offsets, cert.offset_unit, cert.overdue_every) == ([60, 30, 7], "days", 0)
    policy.offsets = [5]
    db.session.commit()
    assert seed_policies() == 0
    db.session.commit()
    assert db.session.get(ReminderPolicy, "task_filing").offsets == [5]


def test_the_kinds_are_the_sources_kinds(world: World):
    kinds = {s.kind for s in sources.collect(TODAY)}
    assert kinds <= set(sources.KINDS)
    assert str(sources.KINDS["task_filing"].label) == "专项监察任务申报"
