"""The verification campaigns' deadlines: each task, each unit's results, each training receipt
and each manufacturer's monthly and annual subsidy reports, computed, met, and kept by the
deadline engine."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from verification_support import MANUFACTURER, verification  # noqa: F401

from conftest import World, org_by_code
from supervision.core.models import Role
from supervision.extensions import db
from supervision.reminders import sources
from supervision.reminders.defaults import KINDS
from supervision.reminders.models import Deadline, ReminderPolicy
from supervision.reminders.service import recipients, refresh_deadlines, seed_policies
from supervision.verification import assignments, campaigns
from supervision.verification.check_models import SubsidyClaim
from supervision.verification.deadlines import maker_key
from supervision.verification.models import CampaignStatus, ReportStatus, Target

TODAY = date(2013, 3, 20)
NOW = datetime(2013, 3, 20, 1, 0, tzinfo=UTC)
VERIFICATION_KINDS = (
    "verification_task",
    "verification_results",
    "training_registration",
    "subsidy_monthly",
    "subsidy_annual",
)


def specs(kind: str) -> dict[str, sources.DeadlineSpec]:
    return {s.subject_key: s for s in sources.collect(TODAY) if s.kind == kind}


def test_the_kinds_are_known_with_their_policies():
    for kind in VERIFICATION_KINDS:
        assert kind in KINDS and len(kind) <= 32
    assert KINDS["verification_task"].recipients[0] == "responsible"
    assert "ministry_digest" in KINDS["verification_results"].recipients
    assert KINDS["training_registration"].policy.overdue_every == 0


def test_each_task_is_due_on_its_date_until_done(verification):
    world = verification.world
    tasks = specs("verification_task")
    assert len(tasks) == 6
    end_users = verification.a_tasks[Target.END_USER]
    spec = tasks[str(end_users.id)]
    assert spec.title == "推广信息核查任务：节能产品惠民工程第二批推广信息核查·江苏省·终端用户核查"
    assert (spec.due_on, spec.done_on) == (date(2013, 4, 15), None)
    assert spec.people_ids == (world.a_inspector.id,)
    assert (spec.owner_org_id, spec.agency_id) == (world.a_agency.id, world.a_agency.id)
    assert spec.province_id == world.a_province.id
    assert spec.link == f"/verification/tasks/{end_users.id}"
    unsplit = tasks[str(verification.b_tasks[Target.OUTLET].id)]
    assert (unsplit.owner_org_id, unsplit.agency_id, unsplit.people_ids) == (
        world.b_province.id,
        None,
        (),
    )
    # 2013-04-14 18:00 UTC is the 15th in Beijing: done on the due date.
    assignments.complete_task(
        end_users,
        version=None,
        actor=world.a_officer,
        now=datetime(2013, 4, 14, 18, 0, tzinfo=UTC),
    )
    db.session.commit()
    assert specs("verification_task")[str(end_users.id)].done_on == date(2013, 4, 15)


def test_each_unit_owes_its_results_until_its_report_is_submitted(verification):
    campaign, world = verification.campaign, verification.world
    results = specs("verification_results")
    assert set(results) == {f"{campaign.id}:320000", f"{campaign.id}:330000"}
    jiangsu = results[f"{campaign.id}:320000"]
    assert jiangsu.title == "推广信息核查结果上报：节能产品惠民工程第二批推广信息核查（江苏省）"
    assert (jiangsu.due_on, jiangsu.done_on) == (date(2013, 4, 15), None)
    assert (jiangsu.owner_org_id, jiangsu.province_id, jiangsu.agency_id) == (
        world.a_province.id,
        world.a_province.id,
        None,
    )
    assert f"/verification/{campaign.id}/units/{world.a_province.id}" in jiangsu.link
    report = verification.report
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = datetime(2013, 4, 15, 17, 0, tzinfo=UTC)  # 01:00 on the 16th
    db.session.commit()
    assert specs("verification_results")[f"{campaign.id}:320000"].done_on == date(2013, 4, 16)
    report.status = ReportStatus.RETURNED
    db.session.commit()
    assert specs("verification_results")[f"{campaign.id}:320000"].done_on is None


def test_each_assigned_unit_owes_its_training_receipt(verification):
    world, session = verification.world, verification.session
    receipts = specs("training_registration")
    assert set(receipts) == {f"{session.id}:320000", f"{session.id}:330000"}
    zhejiang = receipts[f"{session.id}:330000"]
    assert (zhejiang.due_on, zhejiang.done_on) == (date(2013, 3, 7), None)
    assert zhejiang.link == (
        f"/verification/training/{session.id}/register?unit={world.b_province.id}"
    )
    assert zhejiang.title == ("培训报名回执：节能产品惠民工程第二批推广信息核查 南京片区（浙江省）")
    verification.registration.submitted_at = datetime(2013, 3, 6, 3, 0, tzinfo=UTC)
    db.session.commit()
    assert specs("training_registration")[f"{session.id}:320000"].done_on == date(2013, 3, 6)


def test_each_manufacturer_owes_monthly_and_annual_reports(verification):
    campaign, world = verification.campaign, verification.world
    maker = f"{MANUFACTURER}{World.MARKER}"
    base = f"{campaign.id}:{world.a_province.id}:{maker_key(maker)}"
    monthly = specs("subsidy_monthly")
    # The sales period 2012-09-01 … 2013-01-31: five months, due 10 days after month end.
    assert {k: (s.due_on, s.done_on) for k, s in monthly.items()} == {
        f"{base}:2012-09": (date(2012, 10, 10), None),
        f"{base}:2012-10": (date(2012, 11, 10), date(2012, 11, 9)),  # the fixture's claim
        f"{base}:2012-11": (date(2012, 12, 10), None),
        f"{base}:2012-12": (date(2013, 1, 10), None),
        f"{base}:2013-01": (date(2013, 2, 10), None),
    }
    assert all(len(k) <= 80 for k in monthly)
    october = monthly[f"{base}:2012-10"]
    assert october.title == f"惠民工程月度报告：{maker} 2012年10月（江苏省）"
    assert october.owner_org_id == world.a_province.id
    annual = specs("subsidy_annual")
    assert {k: (s.due_on, s.done_on) for k, s in annual.items()} == {
        f"{base}:2012": (date(2013, 1, 30), None),
        f"{base}:2013": (date(2014, 1, 30), None),
    }
    db.session.add(
        SubsidyClaim(
            campaign_id=campaign.id,
            unit_id=world.a_province.id,
            province_id=world.a_province.id,
            manufacturer=maker,
            category="fridge",
            year=2012,
            month=None,
            received_on=date(2013, 1, 30),
            amount_wan=0,
        )
    )
    db.session.commit()
    assert specs("subsidy_annual")[f"{base}:2012"].done_on == date(2013, 1, 30)
    assert specs("subsidy_monthly")[f"{base}:2012-09"].done_on is None  # not a monthly report


def test_a_draft_owes_nothing_and_a_plan_citys_officers_are_told(world: World, make_user):
    ningbo = org_by_code("330200")
    nb_officer = make_user("nb-officer", Role.PROVINCIAL_OFFICER, ningbo)
    campaign = campaigns.create_campaign(
        campaigns.CampaignData(
            name="宁波核查",
            categories=["fridge"],
            sales_from=date(2012, 9, 1),
            sales_to=date(2013, 1, 31),
            result_due_on=date(2013, 4, 15),
        ),
        unit_ids=[ningbo.id],
        targets=["outlet"],
        actor=world.ministry_officer,
        now=NOW,
    )
    db.session.commit()
    assert not [s for s in sources.collect(TODAY) if s.kind in VERIFICATION_KINDS]
    campaigns.issue_campaign(campaign, version=None, actor=world.ministry_officer, now=NOW)
    db.session.commit()
    spec = specs("verification_results")[f"{campaign.id}:330200"]
    assert (spec.owner_org_id, spec.province_id, spec.agency_id) == (
        ningbo.id,
        world.b_province.id,
        ningbo.id,
    )
    seed_policies()
    refresh_deadlines(now=NOW)
    db.session.commit()
    deadline = db.session.scalar(select(Deadline).where(Deadline.kind == "verification_results"))
    told = {u.username: role for u, role in recipients(deadline, None)}
    assert told == {
        "b-officer": "provincial_officers",
        "nb-officer": "agency_officers",
        "m-officer": "ministry_digest",
    }
    assert nb_officer.username in told


def test_a_reminder_run_keeps_them(verification):
    world = verification.world
    assert seed_policies() >= len(VERIFICATION_KINDS)
    assert set(db.session.scalars(select(ReminderPolicy.kind))) >= set(VERIFICATION_KINDS)
    counts = refresh_deadlines(now=NOW)
    db.session.commit()
    assert counts["created"] >= 6 + 2 + 2 + 5 + 2
    rows = {
        (d.kind, d.subject_key): d
        for d in db.session.scalars(select(Deadline).where(Deadline.kind.in_(VERIFICATION_KINDS)))
    }
    assert len(rows) == 17
    end_users = verification.a_tasks[Target.END_USER]
    task_deadline = rows[("verification_task", str(end_users.id))]
    assert [u.username for u in task_deadline.people] == ["a-inspector"]
    assert task_deadline.link == f"/verification/tasks/{end_users.id}"
    # A new result deadline moves the tasks and the results; the engine remembers the old one.
    campaign = verification.campaign
    campaign.result_due_on = date(2013, 4, 30)
    for task in campaign.tasks:
        task.due_on = date(2013, 4, 30)
    db.session.commit()
    counts = refresh_deadlines(now=NOW)
    db.session.commit()
    assert counts["moved"] == 6 + 2
    db.session.refresh(task_deadline)
    assert task_deadline.previous_due_dates == ["2013-04-15"]
    # A closed campaign's obligations stay; a removed one's are cancelled.
    campaign.status = CampaignStatus.CLOSED
    db.session.commit()
    assert refresh_deadlines(now=NOW)["cancelled"] == 0
    db.session.delete(campaign)
    db.session.commit()
    assert refresh_deadlines(now=NOW)["cancelled"] == 17
    assert world.a_province.id  # the units stay
