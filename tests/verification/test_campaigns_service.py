"""Campaign services: a draft with its tasks, editing (deadlines that follow), issuing, record
counts, and a unit's split of its tasks to its own agencies and people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from verification_support import verification  # noqa: F401

from conftest import World, org_by_code
from supervision.core.errors import DomainError
from supervision.core.models import Role
from supervision.extensions import db
from supervision.verification import assignments, campaigns
from supervision.verification.models import CampaignStatus, Target, TaskStatus

# 17:30 UTC on the 5th is 01:30 on the 6th in Beijing.
ISSUE_NOW = datetime(2013, 3, 5, 17, 30, tzinfo=UTC)


def facts(**changes) -> campaigns.CampaignData:
    data = campaigns.CampaignData(
        name="节能产品惠民工程第二批推广信息核查",
        notice_number="工信部节函〔2013〕99号",
        categories=["tv", "fridge", "desktop"],
        sales_from=date(2012, 9, 1),
        sales_to=date(2013, 1, 31),
        result_due_on=date(2013, 4, 15),
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def draft(world: World, *, units=None, targets=None, **changes):
    unit_ids = units if units is not None else [u.id for u in campaigns.campaign_units()]
    campaign = campaigns.create_campaign(
        facts(**changes),
        unit_ids=unit_ids,
        targets=targets or [t.value for t in Target],
        actor=world.ministry_officer,
        now=ISSUE_NOW,
    )
    db.session.commit()
    return campaign


def test_a_draft_goes_to_every_province_and_plan_city_by_default(world: World):
    units = campaigns.campaign_units()
    assert len(units) == 37  # 32 provincial units + 5 计划单列市
    names = [u.name for u in units]
    assert names.index("大连市") == names.index("辽宁省") + 1  # after its province
    campaign = draft(world)
    assert campaign.status == CampaignStatus.DRAFT and campaign.issued_on is None
    assert len(campaign.tasks) == 37 * 3
    assert campaign.categories == ["tv", "fridge", "desktop"]
    assert (campaign.phone_rate, campaign.visit_rate) == (Decimal("0.01"), Decimal("0.005"))
    assert campaign.bulk_threshold == 5
    ningbo = org_by_code("330200")
    task = next(t for t in campaign.tasks if t.unit_id == ningbo.id)
    assert task.province_id == world.b_province.id  # 宁波 lies in 浙江
    assert {t.due_on for t in campaign.tasks} == {date(2013, 4, 15)}
    assert {t.status for t in campaign.tasks} == {TaskStatus.ISSUED}


def test_only_the_ministry_creates_and_only_units_take_tasks(world: World):
    with pytest.raises(DomainError, match="无权"):
        campaigns.create_campaign(
            facts(),
            unit_ids=[world.a_province.id],
            targets=["outlet"],
            actor=world.a_officer,
            now=ISSUE_NOW,
        )
    with pytest.raises(DomainError, match="不是省级单位或计划单列市") as refused:
        draft(world, units=[world.a_agency.id])
    assert refused.value.field == "unit_ids"
    with pytest.raises(DomainError, match="结果上报期限应晚于销售信息截止日期") as refused:
        draft(world, result_due_on=date(2013, 1, 31))
    assert refused.value.field == "result_due_on"


def test_a_drafts_units_and_targets_change_an_issued_ones_do_not(world: World):
    a, b = world.a_province, world.b_province
    campaign = draft(world, units=[a.id, b.id], targets=["production", "end_user"])
    assert len(campaign.tasks) == 4
    campaigns.update_campaign(
        campaign,
        facts(),
        unit_ids=[a.id],
        targets=["production", "outlet", "end_user"],
        version=campaign.version,
        actor=world.ministry_officer,
        now=ISSUE_NOW,
    )
    db.session.commit()
    assert sorted((t.unit_id, t.target.value) for t in campaign.tasks) == [
        (a.id, "end_user"),
        (a.id, "outlet"),
        (a.id, "production"),
    ]
    campaigns.issue_campaign(
        campaign, version=campaign.version, actor=world.ministry_officer, now=ISSUE_NOW
    )
    db.session.commit()
    assert campaign.status == CampaignStatus.ISSUED
    assert campaign.issued_on == date(2013, 3, 6)  # Beijing's date
    with pytest.raises(DomainError, match="不能再更改核查单位"):
        campaigns.update_campaign(
            campaign,
            facts(),
            unit_ids=[a.id, b.id],
            targets=None,
            version=None,
            actor=world.ministry_officer,
            now=ISSUE_NOW,
        )
    with pytest.raises(DomainError, match="已经下达"):
        campaigns.issue_campaign(
            campaign, version=None, actor=world.ministry_officer, now=ISSUE_NOW
        )


def test_a_stale_form_is_refused(world: World):
    campaign = draft(world, units=[world.a_province.id])
    with pytest.raises(DomainError, match="已被他人修改"):
        campaigns.issue_campaign(
            campaign, version=campaign.version - 1, actor=world.ministry_officer, now=ISSUE_NOW
        )


def test_a_new_result_deadline_moves_the_tasks_due_on_the_old_one(verification):
    campaign, world = verification.campaign, verification.world
    own = verification.b_tasks[Target.OUTLET]
    own.due_on = date(2013, 4, 10)  # given a date of its own
    db.session.commit()
    moved = campaigns.update_campaign(
        campaign,
        facts(result_due_on=date(2013, 4, 30)),
        unit_ids=None,
        targets=None,
        version=campaign.version,
        actor=world.ministry_officer,
        now=ISSUE_NOW,
    )
    db.session.commit()
    assert moved == 5
    assert campaign.result_due_on == date(2013, 4, 30)
    assert own.due_on == date(2013, 4, 10)
    assert {t.due_on for t in campaign.tasks if t.id != own.id} == {date(2013, 4, 30)}


def test_record_counts_per_unit_and_target(verification):
    campaign, world = verification.campaign, verification.world
    a = world.a_province
    changed = campaigns.set_record_counts(
        campaign,
        {(a.id, "production"): 12, (a.id, "end_user"): None},
        actor=world.ministry_officer,
    )
    assert changed == 2  # end_user had 20
    assert verification.a_tasks[Target.PRODUCTION].record_count == 12
    assert verification.a_tasks[Target.END_USER].record_count is None
    with pytest.raises(DomainError, match="不在本次核查任务中：上海市"):
        campaigns.set_record_counts(
            campaign, {(org_by_code("310000").id, "outlet"): 1}, actor=world.ministry_officer
        )


def test_what_each_user_sees(verification, make_user):
    world = verification.world
    assert campaigns.visible_campaigns(world.ministry_officer) == [verification.campaign]
    assert campaigns.visible_campaigns(world.b_officer) == [verification.campaign]
    assert campaigns.visible_campaigns(world.a_inspector) == [verification.campaign]
    assert campaigns.visible_campaigns(world.b_inspector) == []  # no task of his
    rows = campaigns.unit_rows(verification.campaign, world.b_officer)
    assert [r.unit.name for r in rows] == ["浙江省"]
    mine = campaigns.unit_rows(verification.campaign, world.a_inspector)
    assert [(r.unit.name, list(r.tasks)) for r in mine] == [("江苏省", [Target.END_USER])]
    everyone = campaigns.unit_rows(verification.campaign, world.ministry_officer)
    assert [r.unit.name for r in everyone] == ["江苏省", "浙江省"]
    assert everyone[0].report is verification.report and everyone[0].assigned == 1


def test_drafts_are_the_ministrys(world: World):
    campaign = draft(world, units=[world.b_province.id])
    assert campaigns.visible_campaigns(world.b_officer) == []
    assert campaigns.visible_campaigns(world.ministry_officer) == [campaign]


# -- the unit's side ----------------------------------------------------------------------------


def test_a_province_chooses_among_its_own_agencies_and_people(world: World, make_agency, make_user):
    ningbo = org_by_code("330200")
    ningbo_agency = make_agency(ningbo, "宁波市节能监察支队", "330203")
    make_user("nb-inspector", Role.INSPECTOR, ningbo_agency)
    admin_only = world.b_admin
    b = world.b_province
    agencies = assignments.agency_choices(b)
    assert [o.name for o in agencies] == ["浙江省", "杭州市节能监察中心"]  # not 宁波's subtree
    people = {u.username for u in assignments.people_choices(b)}
    assert people == {"b-officer", "b-inspector", "b-agency-officer"}
    assert admin_only.username not in people
    assert {u.username for u in assignments.people_choices(ningbo)} == {"nb-inspector"}


def test_split_then_done(verification):
    world = verification.world
    task = verification.a_tasks[Target.PRODUCTION]
    with pytest.raises(DomainError, match="请先将任务落实"):
        assignments.complete_task(task, version=None, actor=world.a_officer, now=ISSUE_NOW)
    assignments.assign_task(
        task,
        agency_id=world.a_agency.id,
        people_ids=[world.a_inspector.id, world.a_officer.id],
        version=task.version,
        actor=world.a_officer,
        now=ISSUE_NOW,
    )
    db.session.commit()
    assert task.status == TaskStatus.ASSIGNED
    assert [u.username for u in task.people] == ["a-inspector", "a-officer"]
    assignments.complete_task(task, version=task.version, actor=world.a_officer, now=ISSUE_NOW)
    db.session.commit()
    assert (task.status, task.done_on) == (TaskStatus.DONE, date(2013, 3, 6))
    with pytest.raises(DomainError, match="任务已完成"):
        assignments.assign_task(
            task,
            agency_id=world.a_agency.id,
            people_ids=[world.a_inspector.id],
            version=None,
            actor=world.a_officer,
            now=ISSUE_NOW,
        )


@pytest.mark.parametrize(
    ("who", "agency", "people", "message", "field"),
    [
        ("b_officer", "a_agency", ["a_inspector"], "无权", None),
        ("a_inspector", "a_agency", ["a_inspector"], "无权", None),
        ("a_officer", "b_agency", ["a_inspector"], "核查机构不属于本单位", "agency_id"),
        ("a_officer", None, ["a_inspector"], "请选择核查机构", "agency_id"),
        ("a_officer", "a_agency", [], "请至少选择一名", "people_ids"),
        ("a_officer", "a_agency", ["b_inspector"], "所选人员不属于本单位", "people_ids"),
        ("a_officer", "a_agency", ["a_admin"], "所选人员不属于本单位", "people_ids"),
    ],
)
def test_a_split_is_refused(verification, who, agency, people, message, field):
    world = verification.world
    task = verification.a_tasks[Target.OUTLET]
    with pytest.raises(DomainError, match=message) as refused:
        assignments.assign_task(
            task,
            agency_id=getattr(world, agency).id if agency else None,
            people_ids=[getattr(world, p).id for p in people],
            version=None,
            actor=getattr(world, who),
            now=ISSUE_NOW,
        )
    assert refused.value.field == field
    db.session.rollback()
    assert task.status == TaskStatus.ISSUED and task.people == []


def test_a_plan_citys_task_is_split_by_it_or_by_its_province(world: World, make_user):
    ningbo = org_by_code("330200")
    nb_officer = make_user("nb-officer", Role.PROVINCIAL_OFFICER, ningbo)
    campaign = draft(world, units=[ningbo.id], targets=["outlet"])
    campaigns.issue_campaign(campaign, version=None, actor=world.ministry_officer, now=ISSUE_NOW)
    task = campaign.tasks[0]
    assert assignments.may_split(task, nb_officer)
    assert assignments.may_split(task, world.b_officer)
    assert not assignments.may_split(task, world.b_agency_officer)
    assert not assignments.may_split(task, world.a_officer)
