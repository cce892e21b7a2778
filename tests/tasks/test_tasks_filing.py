"""Task filing end to end: every refusal, full coverage, funds, and the submission workflow."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from tasks_support import add, jiangsu  # noqa: F401 -- jiangsu is a fixture

from conftest import credit_code, login
from supervision.core.errors import DomainError
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.industries.service import by_code
from supervision.plans.service import plan_for_year
from supervision.tasks import service
from supervision.tasks.models import FilingStatus, ReviewMethod, SupervisionTask


def test_all_five_categories_can_be_filed(world, jiangsu):
    filing, r = jiangsu
    one = add(filing, world, r["acid"], 1, "sulphuric_acid")
    two = add(filing, world, r["steel"], 2, "steel")
    three = add(filing, world, r["steel"], 3, parent_task=two)
    five = add(filing, world, r["acid"], 5)
    db.session.commit()
    counts = service.filing_counts([filing.id])[filing.id]
    # world's data-centre task (四) is in the same filing.
    assert counts.by_category == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    assert counts.enterprises == 3 and counts.tasks == 5
    assert three.parent_task_id == two.id and one.id and five.id


@pytest.mark.parametrize(
    ("category", "industry", "expected"),
    [
        (3, None, "不单独申报"),
        (1, None, "请选择该类别对应的行业"),
        (1, "steel", "所选行业与监察类别不符"),
        (2, "sulphuric_acid", "所选行业与监察类别不符"),
        (4, "steel", "不需要选择行业"),
    ],
)
def test_refusals_say_why(world, jiangsu, category, industry, expected):
    filing, r = jiangsu
    with pytest.raises(DomainError) as refused:
        add(filing, world, r["steel"], category, industry)
    assert expected in str(refused.value)


def test_category_three_needs_a_one_or_two_task_of_the_same_enterprise(world, jiangsu):
    filing, r = jiangsu
    acid_task = add(filing, world, r["acid"], 1, "sulphuric_acid")
    with pytest.raises(DomainError, match="同一企业"):
        add(filing, world, r["steel"], 3, parent_task=acid_task)
    with pytest.raises(DomainError, match="同一企业"):
        add(filing, world, r["acid"], 3, parent_task=world.a_task)  # a 四 task


def test_stopped_enterprise_gets_no_on_site_supervision_and_is_marked(world, jiangsu):
    filing, r = jiangsu
    with pytest.raises(DomainError, match="已停产"):
        add(filing, world, r["acid_stopped"], 1, "sulphuric_acid")
    task = add(filing, world, r["acid_stopped"], 1, "sulphuric_acid", method=ReviewMethod.DESK)
    assert task.remarks.startswith("已停产")


def test_duplicates_other_provinces_and_wrong_inspectors_are_refused(world, jiangsu):
    filing, r = jiangsu
    add(filing, world, r["acid"], 1, "sulphuric_acid")
    with pytest.raises(DomainError, match="已经申报"):
        add(filing, world, r["acid"], 1, "sulphuric_acid")
    with pytest.raises(DomainError, match="承担机构"):
        add(filing, world, r["steel"], 2, "steel", agency=world.b_agency)
    with pytest.raises(DomainError, match="不属于承担机构"):
        add(filing, world, r["steel"], 2, "steel", inspectors=[world.b_inspector])
    with pytest.raises(DomainError, match="不是在岗的监察人员"):
        add(filing, world, r["steel"], 2, "steel", inspectors=[world.a_officer])
    b_filing = service.filing_for(plan_for_year(2020), world.b_province)
    with pytest.raises(DomainError, match="不在本省名录"):
        service.add_task(
            b_filing,
            enterprise=r["steel"],
            category=2,
            industry=by_code("steel"),
            agency=world.b_agency,
            inspectors=[],
            planned_month=1,
            method=ReviewMethod.ON_SITE,
        )


def test_full_coverage_check_and_exemption(world, jiangsu):
    filing, r = jiangsu
    result = service.coverage_check(filing)
    assert result.report.missing == [r["acid"].id]
    assert result.report.stopped == [r["acid_stopped"].id]
    service.exempt_enterprise(filing, r["acid"], "2019年已关停拆除，名录待注销")
    assert service.coverage_check(filing).complete
    # A task filed under the wrong industry is 错报.
    wrong = create_enterprise(
        world.a_province,
        EnterpriseData(
            credit_code=credit_code(200),
            name="名录为糖厂",
            division_code="320115",
            industry=by_code("sugar"),
        ),
    )
    add(filing, world, wrong, 1, "sulphuric_acid")
    result = service.coverage_check(filing)
    assert result.report.missing == [wrong.id]
    assert len(result.report.mismatched) == 1


def test_tasking_an_explained_enterprise_withdraws_its_explanation(world, jiangsu):
    filing, r = jiangsu
    service.exempt_enterprise(filing, r["acid"], "2020年1月起停产检修")
    add(filing, world, r["acid"], 5)  # not a full-coverage task: the reason still stands
    assert [e.enterprise_id for e in service.exemptions_of(filing)] == [r["acid"].id]
    add(filing, world, r["acid"], 1, "sulphuric_acid")
    db.session.commit()
    assert service.exemptions_of(filing) == []
    assert service.coverage_check(filing).complete


def test_funds_rule_and_workflow(world, jiangsu):
    filing, r = jiangsu
    add(filing, world, r["acid"], 1, "sulphuric_acid")
    with pytest.raises(DomainError, match="优先使用结转结余"):
        service.update_funds(
            filing,
            earlier_funds_received=Decimal("100"),
            earlier_funds_used=Decimal("70"),
            carried_over_balance=Decimal("30"),
            carried_over_planned=Decimal("10"),
            funds_requested=Decimal("50"),
            funds_report="",
        )
    service.update_funds(
        filing,
        earlier_funds_received=Decimal("100"),
        earlier_funds_used=Decimal("70"),
        carried_over_balance=Decimal("30"),
        carried_over_planned=Decimal("30"),
        funds_requested=Decimal("50"),
        funds_report="",
    )
    with pytest.raises(DomainError, match="资金使用报告"):
        service.submit_filing(
            filing, actor=world.a_officer, now=datetime(2020, 2, 18, 2, tzinfo=UTC)
        )
    filing.funds_report = "2019年补助资金100万元，已使用70万元……"
    event = service.submit_filing(
        filing, actor=world.a_officer, now=datetime(2020, 2, 18, 2, tzinfo=UTC)
    )
    assert event.action == "submitted" and filing.late_workdays == 0
    assert filing.status == FilingStatus.SUBMITTED and filing.is_locked
    with pytest.raises(DomainError, match="锁定"):
        add(filing, world, r["steel"], 2, "steel")
    with pytest.raises(DomainError, match="修改意见"):
        service.return_filing(
            filing, actor=world.ministry_officer, now=datetime(2020, 2, 25, tzinfo=UTC), comment=" "
        )
    service.return_filing(
        filing,
        actor=world.ministry_officer,
        now=datetime(2020, 2, 25, tzinfo=UTC),
        comment="请补充阶梯电价企业",
    )
    add(filing, world, r["steel"], 2, "steel")
    # Resubmitted on Monday 2020-02-24 local time + … : the 27th (Thursday) is 5 working days late.
    again = service.submit_filing(
        filing, actor=world.a_officer, now=datetime(2020, 2, 27, 3, tzinfo=UTC)
    )
    assert again.action == "resubmitted" and again.late_workdays == 5
    accepted = service.accept_filing(
        filing, actor=world.ministry_officer, now=datetime(2020, 2, 28, tzinfo=UTC)
    )
    assert accepted.action == "accepted" and filing.status == FilingStatus.ACCEPTED
    assert [e.action for e in filing.events] == ["submitted", "returned", "resubmitted", "accepted"]
    with pytest.raises(DomainError):
        service.return_filing(
            filing, actor=world.ministry_officer, now=datetime(2020, 3, 1, tzinfo=UTC), comment="x"
        )


def test_submission_is_refused_while_coverage_is_incomplete(world, jiangsu):
    filing, _r = jiangsu
    with pytest.raises(DomainError, match="全覆盖核对未通过"):
        service.submit_filing(filing, actor=world.a_officer, now=datetime(2020, 2, 18, tzinfo=UTC))
    assert filing.status == FilingStatus.DRAFT


def test_pages_walk_through_the_filing(app, world, jiangsu):
    filing, r = jiangsu
    officer = app.test_client()
    login(officer, world.a_officer.username)
    assert officer.get("/tasks/").headers["Location"] == "/tasks/2020/320000"
    page = officer.get("/tasks/2020/320000").get_data(as_text=True)
    assert "江苏省 2020 年专项监察任务" in page and "填报中" in page
    form = {
        "credit_code": r["steel"].credit_code,
        "category": 3,
        "industry_id": 0,
        "parent_task_id": 0,
        "agency_id": world.a_agency.id,
        "inspector_ids": [world.a_inspector.id],
        "planned_month": 4,
        "method": "on_site",
    }
    refused = officer.post("/tasks/2020/320000/new", data=form).get_data(as_text=True)
    assert "不单独申报" in refused
    form.update(category=2, industry_id=by_code("steel").id)
    assert officer.post("/tasks/2020/320000/new", data=form).status_code == 302
    unknown = officer.post("/tasks/2020/320000/new", data={**form, "credit_code": credit_code(999)})
    assert "本省企业名录中没有该企业" in unknown.get_data(as_text=True)
    coverage = officer.get("/tasks/2020/320000/coverage").get_data(as_text=True)
    assert "南京硫酸厂" in coverage and "1 家企业漏报" in coverage
    officer.post(
        "/tasks/2020/320000/exempt", data={"enterprise_id": r["acid"].id, "reason": "已关停"}
    )
    assert "核对通过" in officer.get("/tasks/2020/320000/coverage").get_data(as_text=True)
    assert officer.post("/tasks/2020/320000/submit").status_code == 302
    assert "已报送" in officer.get("/tasks/2020/320000").get_data(as_text=True)

    ministry = app.test_client()
    login(ministry, world.ministry_officer.username)
    overview = ministry.get("/tasks/2020").get_data(as_text=True)
    assert "江苏省" in overview and "已报送" in overview
    ministry.post("/tasks/2020/320000/return", data={"comment": ""})
    assert db.session.get(type(filing), filing.id).status == FilingStatus.SUBMITTED
    ministry.post("/tasks/2020/320000/return", data={"comment": "请核对阶梯电价企业"})
    assert db.session.get(type(filing), filing.id).status == FilingStatus.RETURNED
    assert "请核对阶梯电价企业" in officer.get("/tasks/2020/320000").get_data(as_text=True)
    officer.post("/tasks/2020/320000/submit")
    ministry.post("/tasks/2020/320000/accept", data={"comment": ""})
    assert db.session.get(type(filing), filing.id).status == FilingStatus.ACCEPTED


def test_counts_reconcile_between_page_overview_and_query(app, world, jiangsu):
    filing, r = jiangsu
    add(filing, world, r["acid"], 1, "sulphuric_acid")
    add(filing, world, r["acid_stopped"], 1, "sulphuric_acid", method=ReviewMethod.DESK)
    db.session.commit()
    in_db = db.session.scalar(
        select(func.count())
        .select_from(SupervisionTask)
        .where(SupervisionTask.filing_id == filing.id)
    )
    counts = service.filing_counts([filing.id])[filing.id]
    assert counts.tasks == in_db == 3
    assert counts.stopped == 1
    client = app.test_client()
    login(client, world.ministry_officer.username)
    overview = client.get("/tasks/2020").get_data(as_text=True)
    row = overview[overview.index("江苏省") :].split("</tr>")[0]
    assert [c.split(">")[-1] for c in row.split("</td>")[3:10]] == [
        "2",
        "0",
        "0",
        "1",
        "0",
        "3",
        "1",
    ]


def test_other_provinces_and_inspectors_cannot_file(app, world, jiangsu):
    for user, status in (
        (world.b_officer, 404),
        (world.a_inspector, 403),
        (world.b_agency_officer, 404),
    ):
        client = app.test_client()
        login(client, user.username)
        assert client.get("/tasks/2020/320000/new").status_code == status, user.username
        assert client.post("/tasks/2020/320000/submit").status_code == status, user.username


def test_home_dashboards_show_the_same_figures(app, world, jiangsu):
    filing, r = jiangsu
    add(filing, world, r["acid"], 1, "sulphuric_acid")
    db.session.commit()
    counts = service.filing_counts([filing.id])[filing.id]
    ministry = app.test_client()
    login(ministry, world.ministry_officer.username)
    home = ministry.get("/").get_data(as_text=True)
    row = home[home.index("320000") :].split("</tr>")[0]
    assert row.rstrip().split("</td>")[-2].split(">")[-1].strip() == str(counts.tasks) == "2"
    officer = app.test_client()
    login(officer, world.a_officer.username)
    assert f"已申报任务 {counts.tasks} 项，涉及企业 {counts.enterprises} 家" in officer.get(
        "/"
    ).get_data(as_text=True)
