"""Cases: opened from accepted filings, listed as "my cases", visited, moved on, drafted."""

from __future__ import annotations

from datetime import date

from inspections_support import Casework, casework  # noqa: F401

from conftest import World, login
from supervision.core.models import User
from supervision.extensions import db
from supervision.inspections import service
from supervision.inspections.models import CaseStatus, Finding, InspectionCase
from supervision.inspections.rules import cases as rules
from supervision.plans.service import plan_for_year
from supervision.tasks import service as tasks
from supervision.tasks.service import filing_for


def test_accepting_a_filing_opens_one_case_per_task(world: World, client):
    from conftest import NOW as now

    filing = filing_for(plan_for_year(2020), world.a_province)
    tasks.submit_filing(filing, actor=world.a_officer, now=now)
    tasks.accept_filing(filing, actor=world.ministry_officer, now=now)
    db.session.commit()
    found = db.session.query(InspectionCase).filter_by(task_id=world.a_task.id).one()
    assert (found.status, found.category, found.assessed_year) == (CaseStatus.PLANNED, 4, 2019)
    assert found.due_on == date(2020, 9, 30)  # the annual summary's deadline
    assert service.open_cases(filing) == 0  # idempotent


def test_category_five_is_due_with_its_own_deliverable(casework: Casework):
    case = casework.open(5)
    assert case.due_on == date(2020, 6, 30)


def test_an_inspector_sees_only_his_cases_sorted_by_due_date(casework: Casework, client):
    world = casework.world
    late = casework.open(4, name="晚到期企业")
    early = casework.open(5, name="早到期企业")
    other = casework.open(4, name="别人的企业", inspectors=[casework.partner])
    login(client, world.a_inspector.username)
    page = client.get("/cases/").get_data(as_text=True)
    assert page.index("早到期企业") < page.index("晚到期企业")
    assert "别人的企业" not in page
    assert client.get(f"/cases/{other.id}").status_code == 404
    assert client.get(f"/cases/{early.id}").status_code == 200
    login(client, world.b_officer.username)
    assert client.get(f"/cases/{late.id}").status_code == 404
    login(client, world.a_officer.username)
    assert "别人的企业" in client.get("/cases/").get_data(as_text=True)


def test_visit_form_errors_and_saving(casework: Casework, client):
    case = casework.open(4)
    login(client, casework.world.a_inspector.username)
    bad = client.post(
        f"/cases/{case.id}/visit",
        data={"version": case.version, "method": "on_site", "visit_on": "2099-01-01"},
    )
    assert bad.status_code == 422
    assert "监察日期不能晚于今天。" in bad.get_data(as_text=True)
    garbled = client.post(
        f"/cases/{case.id}/visit",
        data={"version": case.version, "method": "on_site", "visit_on": "5月"},
    )
    assert garbled.status_code == 422
    stale = client.post(
        f"/cases/{case.id}/visit",
        data={"version": case.version + 5, "method": "on_site", "visit_on": "2020-05-12"},
    )
    assert "本案件已被他人修改" in stale.get_data(as_text=True)
    ok = client.post(
        f"/cases/{case.id}/visit",
        data={
            "version": case.version,
            "method": "on_site",
            "visit_on": "2020-05-12",
            "participants": "甲监察员\n乙监察员",
            "representative": "张三",
        },
    )
    assert ok.status_code == 302
    db.session.expire_all()
    case = db.session.get(InspectionCase, case.id)
    assert (case.visit_on, case.status) == (date(2020, 5, 12), CaseStatus.IN_PROGRESS)


def test_officers_follow_cases_but_do_not_write_them(casework: Casework, client):
    case = casework.open(4)
    login(client, casework.world.a_officer.username)
    refused = client.post(
        f"/cases/{case.id}/visit",
        data={"version": case.version, "method": "on_site", "visit_on": "2020-05-12"},
    )
    assert "只有承办本案件的监察人员可以录入。" in refused.get_data(as_text=True)


def test_status_steps_follow_the_rules(casework: Casework, client):
    case = casework.open(4)
    login(client, casework.world.a_inspector.username)
    client.post(f"/cases/{case.id}/status", data={"version": case.version, "target": "closed"})
    db.session.expire_all()
    assert db.session.get(InspectionCase, case.id).status == CaseStatus.PLANNED
    case = db.session.get(InspectionCase, case.id)
    client.post(f"/cases/{case.id}/status", data={"version": case.version, "target": "in_progress"})
    db.session.expire_all()
    case = db.session.get(InspectionCase, case.id)
    assert case.status == CaseStatus.IN_PROGRESS
    response = client.post(
        f"/cases/{case.id}/status", data={"version": case.version, "target": "findings"}
    )
    assert "现场监察请先填写监察日期" in client.get(response.location).get_data(as_text=True)


def test_one_inspector_cannot_start_an_on_site_case(casework: Casework):
    facts = rules.CaseFacts("planned", True, None, 1, 0, 0)
    assert rules.transition_problem(facts, "in_progress", date(2020, 5, 1)) == (
        "开展监察需至少两名持证监察人员"
    )


def test_transition_rules_table():
    today = date(2020, 6, 1)
    visited = date(2020, 5, 12)

    def problem(status, target, findings=0, open_verdicts=0, visit=visited):
        facts = rules.CaseFacts(status, True, visit, 2, findings, open_verdicts)
        return rules.transition_problem(facts, target, today)

    assert problem("in_progress", "closed") is None
    assert problem("in_progress", "closed", open_verdicts=1) == (
        "有 1 项核算结论为数据不全或数据异常，请补正后再办结"
    )
    assert problem("in_progress", "findings") == "尚未记录发现的问题"
    assert problem("in_progress", "findings", findings=2) is None
    assert problem("findings", "closed", findings=2) == (
        "存在违法违规问题的案件应转入责令整改，不能直接办结"
    )
    assert problem("findings", "rectification", findings=2) is None
    assert problem("in_progress", "closed", visit=None) == "现场监察请先填写监察日期"
    assert problem("rectification", "closed", findings=1).startswith("案件当前状态不能转为")
    assert rules.days_left(date(2020, 9, 30), date(2020, 9, 1)) == 29
    assert rules.days_left(date(2020, 9, 30), date(2020, 10, 2)) == -2
    assert rules.days_left(None, today) is None


def test_drafts_are_kept_per_user_and_dropped_on_save(casework: Casework, client):
    case = casework.open(4)
    world = casework.world
    login(client, world.a_inspector.username)
    url = f"/cases/{case.id}/drafts/visit"
    assert client.get(url).get_json() == {"draft": None}
    saved = client.put(url, json={"summary": "未写完的", "csrf_token": "x"})
    assert saved.status_code == 200
    assert client.get(url).get_json()["draft"] == {"summary": "未写完的"}
    assert client.put(url, json=["not", "a", "form"]).status_code == 400
    login(client, casework.partner.username)
    assert client.get(url).get_json() == {"draft": None}
    login(client, world.a_inspector.username)
    client.post(
        f"/cases/{case.id}/visit",
        data={"version": case.version, "method": "desk", "summary": "写完了"},
    )
    assert client.get(url).get_json() == {"draft": None}
    login(client, world.a_officer.username)
    assert client.put(url, json={"summary": "x"}).status_code == 403


def test_findings_block_closing(casework: Casework):
    case = casework.open(4)
    db.session.add(Finding(case=case, kind="other", description="x"))
    db.session.flush()
    assert service.case_facts(case).findings == 1
    assert isinstance(casework.world.a_inspector, User)
