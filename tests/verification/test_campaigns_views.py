"""Campaign pages over HTTP: the ministry creates, edits and issues; drafts stay the
ministry's; units see only their own tasks and hub; a province splits and finishes its tasks."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from verification_support import verification  # noqa: F401
from xlsxwriter import Workbook

import supervision.verification.campaign_views as campaign_views
import supervision.verification.training_views  # noqa: F401  (the hub links to training)
import supervision.verification.unit_views as unit_views
from conftest import World, login, org_by_code
from supervision.extensions import db
from supervision.verification import campaigns
from supervision.verification.models import (
    CampaignStatus,
    Target,
    TaskStatus,
    VerificationCampaign,
    VerificationTask,
)

NOW = datetime(2013, 3, 6, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(campaign_views, "utcnow", lambda: NOW)
    monkeypatch.setattr(unit_views, "utcnow", lambda: NOW)


def text(response) -> str:
    return response.get_data(as_text=True)


def campaign_form(**changes) -> dict:
    data = {
        "name": "节能产品惠民工程第二批推广信息核查",
        "notice_number": "工信部节函〔2013〕99号",
        "categories": ["tv", "aircon", "fridge"],
        "sales_from": "2012-09-01",
        "sales_to": "2013-01-31",
        "result_due_on": "2013-04-15",
        "phone_rate": "1",
        "visit_rate": "0.5",
        "bulk_threshold": "5",
        "note": "",
        "unit_ids": [str(u.id) for u in campaigns.campaign_units()],
        "targets": ["production", "outlet", "end_user"],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def only_campaign() -> VerificationCampaign:
    db.session.expire_all()
    return db.session.scalars(select(VerificationCampaign)).one()


def test_the_ministry_creates_a_draft_and_issues_it(client, world: World):
    login(client, world.ministry_officer.username)
    page = text(client.get("/verification/new"))
    assert "核查单位" in page and "新疆生产建设兵团" in page and "宁波市" in page
    assert page.count('name="unit_ids"') == 37 and page.count("checked") >= 37 + 3
    response = client.post(
        "/verification/new", data=campaign_form(counts_text="江苏\t10\t20\t30000")
    )
    assert response.status_code == 302
    campaign = only_campaign()
    jiangsu = {
        t.target.value: t.record_count for t in campaign.tasks if t.unit_id == world.a_province.id
    }
    assert jiangsu == {"production": 10, "outlet": 20, "end_user": 30000}
    assert response.location.endswith(f"/verification/{campaign.id}")
    assert campaign.status == CampaignStatus.DRAFT and len(campaign.tasks) == 111
    assert campaign.phone_rate * 100 == 1 and campaign.visit_rate * 1000 == 5
    detail = text(client.get(response.location))
    assert "草稿，尚未下达" in detail and "平板电视、空调、冰箱" in detail
    assert "电话核查 1%，入户核查 0.5%" in detail and "未下达" in detail

    # Drafts are the ministry's: invisible to the provinces.
    province = app_client(client)
    login(province, world.b_officer.username)
    assert campaign.name not in text(province.get("/verification/"))
    assert province.get(f"/verification/{campaign.id}").status_code == 404
    assert (
        province.get(f"/verification/{campaign.id}/units/{world.b_province.id}").status_code == 404
    )
    b_task = next(t for t in campaign.tasks if t.unit_id == world.b_province.id)
    assert province.get(f"/verification/tasks/{b_task.id}").status_code == 404

    issued = client.post(
        f"/verification/{campaign.id}/issue", data={"version": str(campaign.version)}
    )
    assert issued.status_code == 302
    campaign = only_campaign()
    assert (campaign.status, campaign.issued_on) == (CampaignStatus.ISSUED, date(2013, 3, 6))
    assert "已向 37 个单位下达核查任务。" in text(client.get(issued.location))

    listing = text(province.get("/verification/"))
    assert campaign.name in listing and "浙江省" in listing and "宁波市" in listing
    own = text(province.get(f"/verification/{campaign.id}"))
    assert "浙江省" in own and "宁波市" in own and "江苏省" not in own
    assert "下达任务" not in own and "编辑" not in own


def app_client(client):
    return client.application.test_client()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sales_to": "2012-08-31"}, "销售信息截止日期不能早于起始日期。"),
        ({"result_due_on": "2013-01-31"}, "结果上报期限应晚于销售信息截止日期。"),
        ({"phone_rate": "0"}, "核查比例应大于 0%，且不超过 100%。"),
        ({"visit_rate": "100.5"}, "核查比例应大于 0%，且不超过 100%。"),
        ({"visit_rate": "0.125"}, "核查比例最多保留两位小数（如 0.5%）。"),
        ({"bulk_threshold": "1"}, "大宗用户台数应为不小于 2 的整数。"),
        ({"categories": None}, "请至少选择一类产品。"),
        ({"targets": None}, "请至少选择一个核查对象。"),
        ({"unit_ids": None}, "请至少选择一个核查单位。"),
        ({"name": ""}, "请填写核查工作名称。"),
        ({"sales_from": "2012-13-01"}, "请填写日期（YYYY-MM-DD）。"),
    ],
)
def test_a_campaign_with_a_problem_is_refused_in_chinese(client, world: World, changes, message):
    login(client, world.ministry_officer.username)
    response = client.post("/verification/new", data=campaign_form(**changes))
    assert response.status_code == 422
    assert message in text(response)
    assert db.session.scalar(select(VerificationCampaign.id)) is None


def test_editing_an_issued_campaigns_deadline_moves_its_tasks(client, verification):
    world, campaign = verification.world, verification.campaign
    own = verification.b_tasks[Target.OUTLET]
    own.due_on = date(2013, 4, 10)
    db.session.commit()
    login(client, world.ministry_officer.username)
    page = text(client.get(f"/verification/{campaign.id}/edit"))
    assert "不能再更改" in page and 'value="1"' in page and 'value="0.5"' in page
    form = campaign_form(
        result_due_on="2013-04-30",
        categories=["fridge", "desktop"],
        unit_ids=[str(world.a_province.id)],  # ignored: locked once issued
        version=str(campaign.version),
    )
    response = client.post(f"/verification/{campaign.id}/edit", data=form)
    assert response.status_code == 302
    assert "5 项任务的完成期限已随结果上报期限调整。" in text(client.get(response.location))
    db.session.expire_all()
    tasks = db.session.scalars(select(VerificationTask)).all()
    assert len(tasks) == 6
    assert {t.due_on for t in tasks if t.id != own.id} == {date(2013, 4, 30)}
    assert db.session.get(VerificationTask, own.id).due_on == date(2013, 4, 10)
    # A second form from the old page is stale.
    stale = client.post(f"/verification/{campaign.id}/edit", data=form)
    assert stale.status_code == 422 and "已被他人修改" in text(stale)


def _draft(world: World, units) -> VerificationCampaign:
    campaign = campaigns.create_campaign(
        campaigns.CampaignData(
            name="核查",
            categories=["fridge"],
            sales_from=date(2012, 9, 1),
            sales_to=date(2013, 1, 31),
            result_due_on=date(2013, 4, 15),
        ),
        unit_ids=[u.id for u in units],
        targets=["production", "end_user"],
        actor=world.ministry_officer,
        now=NOW,
    )
    db.session.commit()
    return campaign


def _edit_form(campaign, **changes) -> dict:
    return campaign_form(
        name=campaign.name,
        categories=["fridge"],
        unit_ids=[str(i) for i in campaigns.campaign_unit_ids(campaign)],
        targets=["production", "end_user"],
        version=str(campaign.version),
        **changes,
    )


def _counts(campaign) -> dict:
    db.session.expire_all()
    return {
        (t.unit.name, t.target.value): t.record_count
        for t in db.session.scalars(
            select(VerificationTask).where(VerificationTask.campaign_id == campaign.id)
        )
    }


def test_record_counts_are_typed_or_pasted(client, world: World):
    a, b, dalian = world.a_province, world.b_province, org_by_code("210200")
    campaign = _draft(world, [a, b, dalian])
    login(client, world.ministry_officer.username)
    page = text(client.get(f"/verification/{campaign.id}/edit"))
    production = next(
        t for t in campaign.tasks if t.unit_id == a.id and t.target.value == "production"
    )
    assert f'name="count-{production.id}"' in page and page.count('name="count-') == 6
    typed = _edit_form(campaign, **{f"count-{production.id}": "1,200"})
    assert client.post(f"/verification/{campaign.id}/edit", data=typed).status_code == 302
    assert _counts(campaign)[("江苏省", "production")] == 1200

    pasted = "单位\t生产企业\t终端用户\n浙江\t3\t150000\n大连\t\t8000\n"
    response = client.post(
        f"/verification/{campaign.id}/edit", data=_edit_form(campaign, counts_text=pasted)
    )
    assert response.status_code == 302
    assert "已导入 4 项任务量。" in text(client.get(response.location))
    counts = _counts(campaign)
    assert counts[("浙江省", "production")] == 3 and counts[("浙江省", "end_user")] == 150000
    assert counts[("大连市", "production")] is None and counts[("大连市", "end_user")] == 8000
    assert counts[("江苏省", "production")] == 1200  # not in the pasted table

    bad = "浙江\t4\t1\n青岛港\t1\t2\n大连\tx\t1\n"
    refused = client.post(
        f"/verification/{campaign.id}/edit", data=_edit_form(campaign, counts_text=bad)
    )
    assert refused.status_code == 422
    page = text(refused)
    assert "第 2 行：“青岛港”不是省级单位或计划单列市。" in page
    assert "第 3 行：“x”不是有效的任务量" in page
    assert _counts(campaign)[("浙江省", "production")] == 3  # nothing saved
    not_ours = client.post(
        f"/verification/{campaign.id}/edit", data=_edit_form(campaign, counts_text="上海\t1\t1")
    )
    assert not_ours.status_code == 422 and "不在本次核查任务中：上海市" in text(not_ours)


def test_record_counts_are_uploaded(client, world: World):
    campaign = _draft(world, [world.a_province, world.b_province])
    buffer = io.BytesIO()
    book = Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["核查单位", "生产企业", "终端用户"])
    sheet.write_row(1, 0, ["江苏省", 7, 20000])
    sheet.write_row(2, 0, ["330000", 2, 9000])
    book.close()
    buffer.seek(0)
    login(client, world.ministry_officer.username)
    data = _edit_form(campaign)
    data["counts_file"] = (buffer, "任务量.xlsx")
    response = client.post(
        f"/verification/{campaign.id}/edit", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302, text(response)[:3000]
    counts = _counts(campaign)
    assert counts[("江苏省", "end_user")] == 20000 and counts[("浙江省", "production")] == 2


def test_province_b_never_sees_a_tasks_or_hub(client, verification):
    world, campaign = verification.world, verification.campaign
    a_task = verification.a_tasks[Target.PRODUCTION]
    for user in (world.b_officer, world.b_inspector, world.b_agency_officer):
        login(client, user.username)
        assert (
            client.get(f"/verification/{campaign.id}/units/{world.a_province.id}").status_code
            == 404
        )
        assert client.get(f"/verification/tasks/{a_task.id}").status_code == 404
        page = client.get(f"/verification/{campaign.id}")
        assert page.status_code == 200
        assert World.MARKER not in text(page) and "江苏省" not in text(page)
    login(client, world.b_officer.username)
    refused = client.post(
        f"/verification/tasks/{a_task.id}/assign",
        data={f"t{a_task.id}-agency_id": str(world.b_agency.id)},
    )
    assert refused.status_code == 404
    assert client.post(f"/verification/tasks/{a_task.id}/complete").status_code == 404
    # B's own hub works; the inspector without a task of B's sees no hub of B.
    assert client.get(f"/verification/{campaign.id}/units/{world.b_province.id}").status_code == 200
    login(client, world.b_inspector.username)
    assert client.get(f"/verification/{campaign.id}/units/{world.b_province.id}").status_code == 404


def test_a_province_splits_a_task_and_marks_it_done(client, verification):
    world, campaign = verification.world, verification.campaign
    task = verification.a_tasks[Target.PRODUCTION]
    hub = f"/verification/{campaign.id}/units/{world.a_province.id}"
    login(client, world.a_officer.username)
    page = text(client.get(hub))
    assert "落实到机构和人员" in page and f'name="t{task.id}-agency_id"' in page
    assert "销售信息" in page and "抽样核查" in page and "南京" in page  # cards, training
    prefix = f"t{task.id}-"
    foreign = client.post(
        f"/verification/tasks/{task.id}/assign",
        data={
            prefix + "version": str(task.version),
            prefix + "agency_id": str(world.a_agency.id),
            prefix + "people_ids": [str(world.a_inspector.id), str(world.b_inspector.id)],
        },
    )
    assert foreign.status_code == 422
    assert "所选人员不属于本单位，或不是在岗的业务人员、监察人员。" in text(foreign)
    assert db.session.get(VerificationTask, task.id).status == TaskStatus.ISSUED
    done = client.post(
        f"/verification/tasks/{task.id}/assign",
        data={
            prefix + "version": str(task.version),
            prefix + "agency_id": str(world.a_agency.id),
            prefix + "people_ids": [str(world.a_inspector.id)],
        },
    )
    assert done.status_code == 302 and done.location.endswith(hub)
    db.session.expire_all()
    task = db.session.get(VerificationTask, task.id)
    assert task.status == TaskStatus.ASSIGNED and task.agency_id == world.a_agency.id
    assert [u.username for u in task.people] == ["a-inspector"]
    finished = client.post(
        f"/verification/tasks/{task.id}/complete", data={"version": str(task.version)}
    )
    assert finished.status_code == 302
    db.session.expire_all()
    task = db.session.get(VerificationTask, task.id)
    assert (task.status, task.done_on) == (TaskStatus.DONE, date(2013, 3, 6))
    assert "生产企业核查已完成。" in text(client.get(hub))

    # The inspector sees his own tasks only (now two), and may not split.
    login(client, world.a_inspector.username)
    mine = text(client.get(hub))
    assert "终端用户核查" in mine and "生产企业核查" in mine and "销售网点核查" not in mine
    assert "落实到机构和人员" not in mine
    assert client.post(f"/verification/tasks/{task.id}/assign").status_code == 403


def test_the_ministry_sees_each_units_status(client, verification):
    world, campaign = verification.world, verification.campaign
    login(client, world.ministry_officer.username)
    page = text(client.get(f"/verification/{campaign.id}"))
    assert "江苏省" in page and "浙江省" in page
    assert page.count("已落实到人") == 1 and page.count("已下达") >= 5
    assert f"/verification/{campaign.id}/units/{world.b_province.id}" in page
    assert World.MARKER in page  # A's agency, for the ministry
    hub = text(client.get(f"/verification/{campaign.id}/units/{world.a_province.id}"))
    assert "落实到机构和人员" not in hub  # the ministry watches, the province splits
    task_page = client.get(f"/verification/tasks/{verification.a_tasks[Target.END_USER].id}")
    assert task_page.status_code == 200 and "甲监察员" in text(task_page)


def test_the_hub_links_every_part_of_the_units_work(client, verification):
    world, campaign = verification.world, verification.campaign
    login(client, world.a_officer.username)
    hub = text(client.get(f"/verification/{campaign.id}/units/{world.a_province.id}"))
    base = f"/verification/{campaign.id}/units/{world.a_province.id}"
    parts = ("records", "reconciliation", "bulk-buyers", "samples", "products", "claims", "results")
    for part in parts:
        assert f'href="{base}/{part}"' in hub, part
