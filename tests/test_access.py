"""Every route, walked with every role and with a user of another province.

New routes are covered automatically: a route whose URL needs a value this file cannot
supply fails ``test_every_route_can_be_walked`` until a sample is added to SAMPLES.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import url_for
from sqlalchemy import func, select

from conftest import World, login
from supervision.core.access import LOGIN, PUBLIC, access_of, can, sees_everything
from supervision.core.models import AuditEntry, User
from supervision.extensions import db

SKIPPED_ENDPOINTS = {"static", "bootstrap.static"}

#: URL variable → (value for a record of province A, whose record it is: "A" or "national").
SAMPLES = {
    "user_id": lambda w: (w.a_inspector.id, "A"),
    "org_id": lambda w: (w.a_agency.id, "A"),
    "entity": lambda w: ("organisations", "A"),
    "entity_id": lambda w: (str(w.a_agency.id), "A"),
    "on": lambda w: (date(2027, 1, 1), "national"),
    "year": lambda w: (2020, "national"),
    "province_code": lambda w: ("320000", "A"),
    "task_id": lambda w: (w.a_task.id, "A"),
    "event_id": lambda w: (_a_filing_event(w).id, "A"),
    "deliverable_id": lambda w: (_plan_2020().deliverables[0].id, "national"),
    "limit_id": lambda w: (_plan_limit().id, "national"),
}


def _plan_2020():
    from supervision.plans.service import plan_for_year

    return plan_for_year(2020)


def _plan_limit():
    from supervision.industries.models import QuotaLimit

    return db.session.scalars(select(QuotaLimit).order_by(QuotaLimit.id)).first()


def _a_filing_event(world: World):
    """A submission event of province A (made once per test, without locking A's filing)."""
    from supervision.tasks.models import FilingEvent

    event = db.session.scalars(
        select(FilingEvent).where(FilingEvent.filing_id == world.a_task.filing_id)
    ).first()
    if event is None:
        event = FilingEvent(filing_id=world.a_task.filing_id, action="submitted", actor_name="test",
                            snapshot=b"PK snapshot")
        db.session.add(event)
        db.session.commit()
    return event

ACTORS = [
    "ministry_officer",
    "ministry_admin",
    "a_officer",
    "a_admin",
    "a_inspector",
    "b_officer",
    "b_admin",
    "b_inspector",
    "b_agency_officer",
]


def walkable_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED_ENDPOINTS]


def build(app, rule, world):
    values, owners = {}, set()
    for name in rule.arguments:
        value, owner = SAMPLES[name](world)
        values[name] = value
        owners.add(owner)
    with app.test_request_context():
        return url_for(rule.endpoint, **values), ("A" if "A" in owners else "national")


def test_every_endpoint_declares_its_access(app):
    with app.test_request_context():
        undeclared = [r.endpoint for r in walkable_rules(app) if access_of(r.endpoint) is None]
    assert not undeclared, f"endpoints without @public/@requires: {undeclared}"


def test_every_route_can_be_walked(app):
    missing = {a for r in walkable_rules(app) for a in r.arguments if a not in SAMPLES}
    assert not missing, f"add samples for URL variables {missing} to tests/test_access.py"


def _a_audit_count(world: World) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.scope_org_id.in_([world.a_province.id, world.a_agency.id]))
    )


def test_anonymous_is_sent_to_login_everywhere_but_public_pages(app, world):
    client = app.test_client()
    for rule in walkable_rules(app):
        url, _owner = build(app, rule, world)
        with app.test_request_context():
            access = access_of(rule.endpoint)
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method)
            if access == PUBLIC:
                assert response.status_code < 500, (method, url)
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert "/auth/login" in response.headers["Location"], (method, url)


@pytest.mark.parametrize("actor", ACTORS)
def test_each_role_gets_exactly_its_pages_and_never_another_provinces_data(app, world, actor):
    user: User = getattr(world, actor)
    before = _a_audit_count(world)
    client = app.test_client()
    login(client, user.username)
    in_province_b = user.organisation_id in (world.b_province.id, world.b_agency.id)
    for rule in walkable_rules(app):
        url, owner = build(app, rule, world)
        with app.test_request_context():
            access = access_of(rule.endpoint)
            allowed = access in (PUBLIC, LOGIN) or can(db.session.merge(user), *access)
        for method in sorted(rule.methods & {"GET", "POST"}):
            if rule.endpoint == "auth.logout":
                continue  # would end the walk's session
            foreign = owner == "A" and in_province_b
            if method == "POST" and allowed and not foreign:
                continue  # legitimate changes are the features' own tests
            response = client.open(url, method=method)
            status = response.status_code
            body = response.get_data(as_text=True)
            context = f"{actor} {method} {url} → {status}"
            assert status < 500, context
            if not allowed:
                assert status == 403, context
            elif foreign:
                assert status == 404, context
            elif method == "GET" and access != PUBLIC:
                # A page, or a redirect to the page the role works on (never to the login).
                assert status in (200, 302), context
                if status == 302:
                    assert "/auth/login" not in response.headers["Location"], context
                    followed = client.get(response.headers["Location"])
                    assert followed.status_code == 200, context
                    body += followed.get_data(as_text=True)
            if in_province_b:
                assert World.MARKER not in body, f"leak: {context}"
    assert _a_audit_count(world) == before, "a walk changed province A's data"


def test_positive_control_province_a_sees_its_own_marker(app, world):
    """The leak check above can fail: the marker is on A's pages for A's users."""
    client = app.test_client()
    login(client, world.a_officer.username)
    body = client.get(f"/organisations/{world.a_agency.id}").get_data(as_text=True)
    assert World.MARKER in body


def test_ministry_sees_every_province(app, world):
    client = app.test_client()
    login(client, world.ministry_officer.username)
    assert client.get(f"/organisations/{world.b_agency.id}").status_code == 200
    assert client.get(f"/organisations/{world.a_agency.id}").status_code == 200
    with app.test_request_context():
        assert sees_everything(db.session.merge(world.ministry_officer))


def test_agency_officer_sees_only_his_agency_subtree(app, world, make_agency):
    sibling = make_agency(world.b_province, "宁波市节能监察中心", "330200")
    client = app.test_client()
    login(client, world.b_agency_officer.username)
    assert client.get(f"/organisations/{world.b_agency.id}").status_code == 200
    assert client.get(f"/organisations/{sibling.id}").status_code == 404
    assert client.get(f"/organisations/{world.b_province.id}").status_code == 404


def test_an_undeclared_endpoint_is_refused(app, world):
    """Fail closed: a view that forgets @requires is a 403, not an open door."""
    app.view_functions["home.index"].__dict__.pop("__access__")
    try:
        client = app.test_client()
        login(client, world.ministry_officer.username)
        assert client.get("/").status_code == 403
    finally:
        app.view_functions["home.index"].__access__ = LOGIN
