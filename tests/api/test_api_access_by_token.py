"""Every API operation, called with a bearer token of every role, of a user of another province,
and without one: 401 without a valid token, 403 for a role the operation is not for, 404 for a
record of another province, and success (with a well-formed request) for the right caller.

The operations are taken from the app's url_map: a new API route fails
``test_every_api_operation_has_a_request_and_expectations`` until CALLS describes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count

import pytest
from api_world import ApiWorld, api_world  # noqa: F401
from flask import url_for
from sqlalchemy import func, select

from conftest import World, credit_code
from supervision.api import service as tokens
from supervision.core.access import PUBLIC, access_of, permitted
from supervision.core.models import AuditEntry, User
from supervision.core.types import utcnow
from supervision.extensions import db
from supervision.tasks.models import FilingStatus, ReviewMethod
from supervision.tasks.service import add_task, filing_for

API_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
ACTORS = (
    "ministry_officer",
    "ministry_admin",
    "a_officer",
    "a_admin",
    "a_inspector",
    "b_officer",
    "b_admin",
    "b_inspector",
    "b_agency_officer",
    "expert",
)
#: Users of province B (the province itself and one of its agencies).
PROVINCE_B = frozenset({"b_officer", "b_admin", "b_inspector", "b_agency_officer"})
#: Every role of province A and the ministry that works on domain data.
DOMAIN_A = {"ministry_officer": 200, "a_officer": 200, "a_inspector": 200}
#: Province B's domain users asking for a record of province A.
FOREIGN = {"b_officer": 404, "b_inspector": 404, "b_agency_officer": 404}
SERIAL = count(900)


def _fresh_task(w: ApiWorld) -> int:
    """A task of province A made for one DELETE (the walk deletes one per call)."""
    from supervision.enterprises.service import EnterpriseData, create_enterprise
    from supervision.plans.service import plan_for_year

    world = w.world
    enterprise = create_enterprise(
        world.a_province,
        EnterpriseData(
            credit_code=credit_code(next(SERIAL)), name="待撤回", division_code="320102"
        ),
    )
    task = add_task(
        filing_for(plan_for_year(2020), world.a_province),
        enterprise=enterprise,
        category=4,
        industry=None,
        agency=world.a_agency,
        inspectors=[world.a_inspector],
        planned_month=5,
        method=ReviewMethod.ON_SITE,
    )
    db.session.commit()
    return task.id


@dataclass(frozen=True)
class Call:
    """A well-formed request to one operation, and what each permitted caller gets.

    Callers the operation's access rule refuses get 403 (checked against ``expect``); the
    ``expect`` table lists every permitted caller's status.
    """

    values: Callable[[ApiWorld], dict] = lambda w: {}
    query: dict = field(default_factory=dict)
    body: Callable[[ApiWorld], dict] | None = None
    expect: dict[str, int] = field(default_factory=dict)
    #: Run after every other call of the walk (it changes what they need).
    last: bool = False


ALL_LOGGED_IN = dict.fromkeys(ACTORS, 200)
ALL_DOMAIN = {**DOMAIN_A, "b_officer": 200, "b_inspector": 200, "b_agency_officer": 200}


def _task_body(w: ApiWorld) -> dict:
    steel = w.a_enterprises[3]
    return {
        "enterprise_id": steel.id,
        "category": 2,
        "industry": "steel",
        "agency": w.world.a_agency.division_code,
        "inspectors": [w.world.a_inspector.username],
        "planned_month": 6,
    }


CALLS: dict[tuple[str, str], Call] = {
    ("api.openapi_document", "GET"): Call(expect=ALL_LOGGED_IN),
    ("api.list_enterprises", "GET"): Call(expect=ALL_DOMAIN),
    ("api.get_enterprise", "GET"): Call(
        values=lambda w: {"enterprise_id": w.world.a_enterprise.id}, expect={**DOMAIN_A, **FOREIGN}
    ),
    ("api.create_enterprise", "POST"): Call(
        body=lambda w: {
            "credit_code": credit_code(next(SERIAL)),
            "name": "新登记企业",
            "division_code": "320102",
            "province": "320000",
        },
        # Registering into another province's registry is refused as the member it names.
        expect={
            "ministry_officer": 201,
            "a_officer": 201,
            "b_officer": 422,
            "b_agency_officer": 422,
        },
    ),
    ("api.update_enterprise", "PATCH"): Call(
        values=lambda w: {"enterprise_id": w.world.a_enterprise.id},
        body=lambda w: {"address": "南京市玄武区中山路 1 号"},
        expect={
            "ministry_officer": 200,
            "a_officer": 200,
            "b_officer": 404,
            "b_agency_officer": 404,
        },
    ),
    ("api.list_tasks", "GET"): Call(
        values=lambda w: {"year": 2020},
        query={"province": "320000"},
        expect={
            "ministry_officer": 200,
            "a_officer": 200,
            "b_officer": 404,
            "b_agency_officer": 404,
        },
    ),
    ("api.create_task", "POST"): Call(
        values=lambda w: {"year": 2020},
        body=_task_body,
        # Province B files into its own filing, where A's enterprise and agency are unknown;
        # an agency's officer files nothing (the provincial body files).
        expect={"a_officer": 201, "b_officer": 422, "b_agency_officer": 403},
    ),
    ("api.delete_task", "DELETE"): Call(
        values=lambda w: {"task_id": _fresh_task(w)},
        expect={"a_officer": 204, "b_officer": 404, "b_agency_officer": 404},
    ),
    ("api.submit", "POST"): Call(
        values=lambda w: {"year": 2020},
        # The caller's own province's filing: B's officer submits B's (never A's).
        expect={"a_officer": 200, "b_officer": 200, "b_agency_officer": 403},
        last=True,
    ),
    ("api.annexes", "GET"): Call(
        values=lambda w: {"year": 2020},
        query={"province": "320000"},
        expect={
            "ministry_officer": 200,
            "a_officer": 200,
            "b_officer": 404,
            "b_agency_officer": 404,
        },
    ),
    ("api.list_cases", "GET"): Call(expect=ALL_DOMAIN),
    ("api.get_case", "GET"): Call(
        values=lambda w: {"case_id": w.dc_case.id}, expect={**DOMAIN_A, **FOREIGN}
    ),
    ("api.post_quota_metrics", "POST"): Call(
        values=lambda w: {"case_id": w.quota_case.id},
        body=lambda w: {"product": "硫磺制酸", "reported_value": "-120"},
        # Officers follow cases, only the assigned inspector records.
        expect={"a_inspector": 200, "ministry_officer": 403, "a_officer": 403, **FOREIGN},
    ),
    ("api.post_ladder_metrics", "POST"): Call(
        values=lambda w: {"case_id": w.ladder_case.id},
        body=lambda w: {"indicator_value": "13750", "kwh": 1400000000},
        expect={"a_inspector": 200, "ministry_officer": 403, "a_officer": 403, **FOREIGN},
    ),
    ("api.post_readings", "POST"): Call(
        values=lambda w: {"dc_id": w.centre.id},
        body=lambda w: {
            "readings": [
                {"month": f"2019-{m:02d}", "total_kwh": "152000", "it_kwh": "100000"}
                for m in range(7, 13)
            ]
        },
        expect={"a_officer": 200, "a_inspector": 200, "ministry_officer": 403, **FOREIGN},
    ),
    ("api.data_centre_pue", "GET"): Call(
        values=lambda w: {"dc_id": w.centre.id},
        query={"year": 2019},
        expect={**DOMAIN_A, **FOREIGN},
    ),
    ("api.calc_kgce", "POST"): Call(
        body=lambda w: {"amount": "1000", "energy_type": "electricity"}, expect=ALL_LOGGED_IN
    ),
    ("api.calc_quota", "POST"): Call(
        body=lambda w: {"product": "硫磺制酸", "on": "2019-12-31", "value": "-120"},
        expect=ALL_LOGGED_IN,
    ),
    ("api.calc_ladder", "POST"): Call(
        body=lambda w: {"sector": "aluminium", "indicator_value": 13750, "year": 2020},
        expect=ALL_LOGGED_IN,
    ),
    ("api.calc_equipment", "POST"): Call(
        body=lambda w: {"kind": "motor", "model": "YE2-132M-4", "on": "2019-12-31", "grade": 3},
        expect=ALL_LOGGED_IN,
    ),
    ("api.calc_pue", "POST"): Call(
        body=lambda w: {"total_kwh": "1520000", "it_kwh": 1000000}, expect=ALL_LOGGED_IN
    ),
}


def api_operations(app) -> list[tuple[str, str, object]]:
    """(endpoint, method, rule) of every API route, from the url_map."""
    return sorted(
        (rule.endpoint, method, rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods & API_METHODS
    )


def _walk_order(app) -> list[tuple[str, str, object]]:
    operations = api_operations(app)
    return sorted(operations, key=lambda op: CALLS[(op[0], op[1])].last)


def _request(app, w: ApiWorld, endpoint: str, method: str, headers: dict) -> tuple[str, object]:
    call = CALLS[(endpoint, method)]
    with app.test_request_context():
        url = url_for(endpoint, **call.values(w), **call.query)
    body = call.body(w) if call.body else None
    response = app.test_client().open(url, method=method, json=body, headers=headers)
    return f"{method} {url}", response


def _a_audit_count(world: World) -> int:
    """Changes the API made to province A's records (a refused call makes none)."""
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.scope_org_id.in_([world.a_province.id, world.a_agency.id]))
        .where(AuditEntry.source == "api", AuditEntry.action != "view_personal_data")
    )


def test_every_api_operation_has_a_request_and_expectations(app):
    operations = {(endpoint, method) for endpoint, method, _rule in api_operations(app)}
    assert operations, "no API routes found"
    assert operations - set(CALLS) == set(), "describe these API operations in CALLS"
    assert set(CALLS) - operations == set(), "CALLS names operations that no longer exist"
    for (endpoint, _method), call in CALLS.items():
        assert set(call.expect) <= set(ACTORS), endpoint


def _assert_refused_by_token(response, context: str) -> None:
    assert response.status_code == 401, context
    assert response.is_json and response.json["status"] == 401, context
    assert response.headers["WWW-Authenticate"].startswith("Bearer"), context
    assert "Set-Cookie" not in response.headers, context


def test_without_a_valid_token_every_operation_is_401(app, api_world, make_user):  # noqa: F811
    world = api_world.world
    revoked, raw_revoked = tokens.create_token(world.a_officer, "revoked", now=utcnow())
    tokens.revoke_token(revoked, now=utcnow())
    gone = make_user("gone-officer", world.a_officer.roles, world.a_province)
    _token, raw_gone = tokens.create_token(gone, "gone", now=utcnow())
    gone.active = False
    db.session.commit()
    credentials = {
        "none": {},
        "garbage": {"Authorization": "Bearer jnjc_not-a-token"},
        "not bearer": {"Authorization": f"Basic {raw_revoked}"},
        "revoked": {"Authorization": f"Bearer {raw_revoked}"},
        "disabled user": {"Authorization": f"Bearer {raw_gone}"},
    }
    before = _a_audit_count(world)
    for endpoint, method, _rule in _walk_order(app):
        with app.test_request_context():
            public = access_of(endpoint) == PUBLIC
        for name, headers in credentials.items():
            context, response = _request(app, api_world, endpoint, method, headers)
            if public:
                assert response.status_code == 200, f"{name}: {context}"
            else:
                _assert_refused_by_token(response, f"{name}: {context}")
    assert _a_audit_count(world) == before


def test_a_session_cookie_is_no_credential_for_the_api(app, api_world):  # noqa: F811
    from conftest import login

    client = app.test_client()
    login(client, api_world.world.a_officer.username)
    for endpoint, method, _rule in _walk_order(app):
        call = CALLS[(endpoint, method)]
        with app.test_request_context():
            url = url_for(endpoint, **call.values(api_world), **call.query)
            public = access_of(endpoint) == PUBLIC
        response = client.open(url, method=method, json=call.body(api_world) if call.body else None)
        if not public:
            _assert_refused_by_token(response, f"{method} {url}")


@pytest.mark.parametrize("actor", ACTORS)
def test_each_role_gets_exactly_its_operations(app, api_world, actor):  # noqa: F811
    world = api_world.world
    user: User = getattr(world, actor)
    headers = api_world.headers(user)
    for endpoint, method, _rule in _walk_order(app):
        call = CALLS[(endpoint, method)]
        with app.test_request_context():
            allowed = permitted(db.session.merge(user), access_of(endpoint))
        expected = call.expect.get(actor, 403)
        assert allowed == (actor in call.expect), (
            f"CALLS[{endpoint}, {method}]: the access rule {'lets' if allowed else 'refuses'} "
            f"{actor} in; list exactly the permitted callers"
        )
        before = _a_audit_count(world)
        context, response = _request(app, api_world, endpoint, method, headers)
        status = response.status_code
        detail = response.get_data(as_text=True)[:300] if response.is_json else response.mimetype
        assert status == expected, f"{actor} {context} → {status}, expected {expected}: {detail}"
        assert status == 204 or response.is_json or status == 200, context
        if actor in PROVINCE_B:
            body = response.get_data().decode("utf-8", "replace")  # xlsx too
            assert World.MARKER not in body, f"leak: {actor} {context}"
        if status >= 400 or actor in PROVINCE_B:
            assert _a_audit_count(world) == before, f"{actor} {context} changed A's records"


def test_province_b_submits_its_own_filing_never_province_a(app, api_world):  # noqa: F811
    world = api_world.world
    response = app.test_client().post(
        "/api/v1/plans/2020/submission", headers=api_world.headers(world.b_officer)
    )
    assert response.status_code == 200 and response.json["province"] == "330000"
    assert world.a_task.filing.status == FilingStatus.DRAFT
