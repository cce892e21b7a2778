"""Tasks, submission and annexes over the API: a province files its own tasks."""

from __future__ import annotations

import importlib.util

import pytest
from api_helpers import as_user
from sqlalchemy import select

from conftest import World, credit_code
from supervision.enterprises.models import ProductionStatus
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.industries.service import by_code
from supervision.tasks.models import FilingStatus, SupervisionTask, TaskFiling

TASKS = "/api/v1/plans/2020/tasks"
SUBMIT = "/api/v1/plans/2020/submission"


@pytest.fixture
def registry(world: World):
    """Province A's registry: a sulphuric-acid plant (full coverage) and a steel plant."""

    def make(n, name, industry, status=ProductionStatus.OPERATING):
        return create_enterprise(
            world.a_province,
            EnterpriseData(
                credit_code=credit_code(200 + n),
                name=name,
                division_code="320115",
                industry=by_code(industry),
                status=status,
            ),
        )

    made = {"acid": make(1, "南京硫酸厂", "sulphuric_acid"), "steel": make(2, "南京钢铁", "steel")}
    db.session.commit()
    return made


def _task(world: World, **changes) -> dict:
    return {
        "category": 2,
        "industry": "steel",
        "agency": world.a_agency.division_code,
        "inspectors": [world.a_inspector.username],
        "planned_month": 6,
        "method": "on_site",
        **changes,
    }


def _filing(world: World) -> TaskFiling:
    return db.session.scalar(select(TaskFiling).where(TaskFiling.id == world.a_task.filing_id))


def test_list_tasks_of_the_callers_province(app, world: World):
    body = as_user(app, world.a_officer).get(TASKS).json
    assert [t["id"] for t in body["items"]] == [world.a_task.id]
    task = body["items"][0]
    assert (task["category"], task["inspectors"], task["agency_code"]) == (
        4,
        ["a-inspector"],
        "320100",
    )
    assert body["filing"]["status"] == "draft" and body["filing"]["tasks"] == 1
    assert as_user(app, world.b_officer).get(TASKS).json["total"] == 0
    assert as_user(app, world.a_officer).get(f"{TASKS}?category=1").json["total"] == 0


def test_the_ministry_names_the_province_and_others_cannot(app, world: World):
    ministry = as_user(app, world.ministry_officer)
    missing = ministry.get(TASKS)
    assert missing.status_code == 422 and list(missing.json["errors"]) == ["province"]
    assert ministry.get(f"{TASKS}?province=320000").json["total"] == 1
    assert ministry.get(f"{TASKS}?province=999999").status_code == 422
    foreign = as_user(app, world.b_officer).get(f"{TASKS}?province=320000")
    assert foreign.status_code == 404
    assert World.MARKER not in foreign.get_data(as_text=True)
    assert as_user(app, world.a_officer).get(f"{TASKS}?province=320000").status_code == 200
    assert as_user(app, world.a_officer).get("/api/v1/plans/1999/tasks").status_code == 404


def test_filings_are_read_by_officers_only(app, world: World):
    assert as_user(app, world.a_inspector).get(TASKS).status_code == 403
    assert as_user(app, world.a_admin).get(TASKS).status_code == 403


def test_create_a_task_by_credit_code_or_id(app, world: World, registry):
    a = as_user(app, world.a_officer)
    response = a.post(TASKS, json=_task(world, credit_code=registry["steel"].credit_code))
    assert response.status_code == 201, response.json
    two = response.json
    assert (two["enterprise_id"], two["industry"], two["agency_id"]) == (
        registry["steel"].id,
        "steel",
        world.a_agency.id,
    )
    rider = a.post(
        TASKS,
        json={
            "enterprise_id": registry["steel"].id,
            "category": 3,
            "parent_task_id": two["id"],
            "agency": world.a_province.id,
        },
    )
    assert rider.status_code == 201, rider.json
    assert rider.json["parent_task_id"] == two["id"] and rider.json["inspectors"] == []
    assert a.get(TASKS).json["total"] == 3


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"category": 3, "industry": None}, "parent_task_id", "不单独申报"),
        ({"category": 1, "industry": None}, "industry", "请选择该类别对应的行业"),
        ({"category": 1}, "industry", "所选行业与监察类别不符"),
        ({"industry": "no-such"}, "industry", "行业目录"),
        ({"planned_month": 13}, "planned_month", "不能大于 12"),
        ({"category": 6}, "category", "不能大于 5"),
        ({"method": "phone"}, "method", "on_site"),
        ({"agency": "330100"}, "agency", "本省没有该监察机构"),
        ({"inspectors": ["b-inspector"]}, "inspectors", "b-inspector"),
        ({"inspectors": "a-inspector"}, "inspectors", "应为数组"),
        ({"parent_task_id": 999999, "category": 3, "industry": None}, "parent_task_id", "没有"),
        ({"credit_code": credit_code(999)}, "credit_code", "本省企业名录中没有该企业"),
        ({"colour": "red"}, "colour", "未知字段"),
    ],
)
def test_refusals_are_422_with_the_field(app, world: World, registry, changes, field, words):
    body = _task(world, credit_code=registry["steel"].credit_code) | changes
    response = as_user(app, world.a_officer).post(TASKS, json=body)
    assert response.status_code == 422, response.json
    assert list(response.json["errors"]) == [field]
    assert words in response.json["errors"][field]


def test_enterprise_is_named_exactly_once_and_only_from_the_own_province(app, world: World):
    a = as_user(app, world.a_officer)
    both = a.post(TASKS, json=_task(world, enterprise_id=1, credit_code="x"))
    neither = a.post(TASKS, json=_task(world))
    assert both.json["errors"].keys() == neither.json["errors"].keys() == {"enterprise_id"}
    b_enterprise = create_enterprise(
        world.b_province,
        EnterpriseData(
            credit_code=credit_code(300, "913300"), name="浙江企业", division_code="330106"
        ),
    )
    db.session.commit()
    foreign = a.post(TASKS, json=_task(world, enterprise_id=b_enterprise.id))
    assert foreign.status_code == 422 and "enterprise_id" in foreign.json["errors"]


def test_the_same_task_twice_is_refused(app, world: World, registry):
    a = as_user(app, world.a_officer)
    body = _task(world, enterprise_id=registry["steel"].id)
    assert a.post(TASKS, json=body).status_code == 201
    again = a.post(TASKS, json=body)
    assert again.status_code == 422 and "已经申报" in again.json["errors"]["enterprise_id"]


def test_only_the_provincial_body_files(app, world: World, make_user):
    body = _task(world, enterprise_id=world.a_enterprise.id, category=5, industry=None)
    assert as_user(app, world.ministry_officer).post(TASKS, json=body).status_code == 403
    assert as_user(app, world.a_inspector).post(TASKS, json=body).status_code == 403
    agency_officer = make_user("a-agency-officer", world.a_officer.roles, world.a_agency)
    refused = as_user(app, agency_officer).post(TASKS, json=body)
    assert refused.status_code == 403 and "省级单位" in refused.json["message"]


def test_delete_while_draft_then_not_after_submission(app, world: World, registry):
    a = as_user(app, world.a_officer)
    task = a.post(TASKS, json=_task(world, enterprise_id=registry["steel"].id)).json
    assert a.delete(f"/api/v1/tasks/{task['id']}").status_code == 204
    assert db.session.get(SupervisionTask, task["id"]) is None
    assert a.delete(f"/api/v1/tasks/{task['id']}").status_code == 404

    acid = _task(world, enterprise_id=registry["acid"].id, category=1, industry="sulphuric_acid")
    assert a.post(TASKS, json=acid).status_code == 201
    assert a.post(SUBMIT).status_code == 200
    locked = a.delete(f"/api/v1/tasks/{world.a_task.id}")
    assert locked.status_code == 409 and locked.json["filing_status"] == "submitted"
    assert db.session.get(SupervisionTask, world.a_task.id) is not None
    late = a.post(TASKS, json=_task(world, enterprise_id=registry["steel"].id))
    assert late.status_code == 409


def test_another_provinces_task_cannot_be_deleted(app, world: World):
    url = f"/api/v1/tasks/{world.a_task.id}"
    assert as_user(app, world.b_officer).delete(url).status_code == 404
    assert as_user(app, world.ministry_officer).delete(url).status_code == 403
    assert db.session.get(SupervisionTask, world.a_task.id) is not None


def test_submission_refused_while_coverage_is_incomplete(app, world: World, registry):
    a = as_user(app, world.a_officer)
    refused = a.post(SUBMIT, json={})
    assert refused.status_code == 422
    assert "全覆盖核对未通过" in refused.json["message"]
    assert refused.json["coverage"]["missing_enterprise_ids"] == [registry["acid"].id]
    assert _filing(world).status == FilingStatus.DRAFT


def test_submission_and_no_second_one(app, world: World):
    a = as_user(app, world.a_officer)
    assert a.post(SUBMIT, json={"comment": "x"}).json["errors"] == {"comment": "未知字段。"}
    response = a.post(SUBMIT)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "submitted" and response.json["submitted_at"]
    filing = _filing(world)
    assert filing.status == FilingStatus.SUBMITTED
    assert filing.events[-1].actor_id == world.a_officer.id
    again = a.post(SUBMIT)
    assert again.status_code == 409 and again.json["filing_status"] == "submitted"
    assert as_user(app, world.ministry_officer).post(SUBMIT).status_code == 403


@pytest.mark.skipif(
    importlib.util.find_spec("supervision.annexes.service") is None,
    reason="the annexes feature is not installed",
)
def test_annexes_download(app, world: World):
    response = as_user(app, world.a_officer).get("/api/v1/plans/2020/annexes.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.data[:2] == b"PK"
    ministry = as_user(app, world.ministry_officer)
    assert ministry.get("/api/v1/plans/2020/annexes.xlsx?province=320000").status_code == 200
    foreign = as_user(app, world.b_officer).get("/api/v1/plans/2020/annexes.xlsx?province=320000")
    assert foreign.status_code == 404
