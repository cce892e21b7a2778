"""The audit log: who, when, from where, what, and each field before and after."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from conftest import NOW, World, login
from supervision.core import audit
from supervision.core.models import AuditEntry, Organisation, OrgKind, Role, User
from supervision.extensions import db


def entries(entity: str, entity_id) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
            .order_by(AuditEntry.id)
        )
    )


def test_create_update_delete_are_recorded_with_field_values(national):
    province = db.session.scalar(select(Organisation).where(Organisation.division_code == "320000"))
    actor = audit.Actor(None, "tester", org_id=province.id, ip="10.1.2.3", source="test")
    with audit.acting_as(actor):
        org = Organisation(
            name="测试机构",
            kind=OrgKind.CITY,
            division_code="320100",
            parent=province,
            path=province.subtree_prefix,
            province_id=province.id,
        )
        db.session.add(org)
        db.session.commit()
        org.name = "改名后的机构"
        org.phone = "025-1234567"
        db.session.commit()
        org_id = org.id
        db.session.delete(org)
        db.session.commit()

    created, updated, deleted = entries("organisations", org_id)
    assert created.action == "create"
    assert created.changes["name"] == [None, "测试机构"]
    assert created.changes["kind"] == [None, "city"]
    assert created.actor_name == "tester" and created.ip == "10.1.2.3"
    assert created.scope_org_id == org_id
    assert updated.action == "update"
    assert updated.changes == {"name": ["测试机构", "改名后的机构"], "phone": [None, "025-1234567"]}
    assert deleted.action == "delete"
    assert deleted.changes["name"] == ["改名后的机构", None]
    assert created.at.tzinfo is not None


def test_an_update_that_changes_nothing_writes_nothing(national):
    province = db.session.scalar(select(Organisation).where(Organisation.division_code == "320000"))
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    province.name = province.name
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_a_failed_change_leaves_no_audit_row(national, make_user):
    make_user("taken", Role.SYSADMIN, "ministry")
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    ministry = db.session.scalar(select(Organisation).where(Organisation.kind == OrgKind.MINISTRY))
    db.session.add(Organisation(name="新机构", kind=OrgKind.CITY, parent=ministry, path="/x/"))
    db.session.add(
        User(username="taken", full_name="dup", organisation=ministry, password_hash="x")
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert (
        db.session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.name == "新机构")
        )
        == 0
    )


def test_secrets_are_masked_and_bookkeeping_is_not_logged(national, make_user):
    user = make_user("someone", Role.SYSADMIN, "ministry")
    (created,) = entries("users", user.id)
    assert created.changes["password_hash"] == [None, "***"]
    assert created.changes["session_token"] == [None, "***"]
    user.last_login_at = NOW
    db.session.commit()
    assert len(entries("users", user.id)) == 1  # a login is not a change of data


def test_web_changes_carry_the_user_and_address(app, world: World):
    client = app.test_client()
    login(client, world.a_admin.username)
    response = client.post(
        f"/accounts/{world.a_inspector.id}/edit",
        data={
            "full_name": "新名字",
            "organisation_id": world.a_agency.id,
            "roles": ["inspector"],
            "certificate_number": "苏执 001",
            "certificate_expires_on": "2028-01-01",
        },
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert response.status_code == 302
    entry = entries("users", world.a_inspector.id)[-1]
    assert entry.actor_id == world.a_admin.id
    assert entry.actor_org_id == world.a_admin.organisation_id
    assert entry.ip == "192.0.2.7" and entry.source == "web"
    assert entry.changes["full_name"][1] == "新名字"


def test_record_history_page_and_search(app, world: World):
    client = app.test_client()
    login(client, world.a_officer.username)
    page = client.get(f"/audit/organisations/{world.a_agency.id}")
    assert page.status_code == 200
    assert "南京" in page.get_data(as_text=True)

    today = NOW.date()
    found = client.get("/audit/", query_string={"entity": "users", "user": "test fixture"})
    assert found.status_code == 200
    assert world.a_inspector.username in found.get_data(as_text=True)

    none = client.get(
        "/audit/", query_string={"date_from": (date.today() + timedelta(days=2)).isoformat()}
    )
    assert "没有符合条件的记录" in none.get_data(as_text=True)
    assert today  # the fixture's clock is fixed; the log uses real time


def test_search_is_scoped_to_the_readers_province(app, world: World):
    client = app.test_client()
    login(client, world.b_officer.username)
    body = client.get("/audit/", query_string={"entity": "users"}).get_data(as_text=True)
    assert world.b_inspector.username in body
    assert World.MARKER not in body
    assert client.get(f"/audit/users/{world.a_inspector.id}").status_code == 404

    login(ministry := app.test_client(), world.ministry_officer.username)
    body = ministry.get("/audit/", query_string={"entity": "users"}).get_data(as_text=True)
    assert world.a_inspector.username in body and world.b_inspector.username in body


def test_search_by_organisation_takes_its_subtree(app, world: World):
    client = app.test_client()
    login(client, world.ministry_officer.username)
    login(actor := app.test_client(), world.a_admin.username)
    actor.post(f"/accounts/{world.a_inspector.id}/active", data={"active": "0"})
    body = client.get("/audit/", query_string={"organisation_id": world.a_province.id}).get_data(
        as_text=True
    )
    assert world.a_inspector.username in body
    body = client.get("/audit/", query_string={"organisation_id": world.b_province.id}).get_data(
        as_text=True
    )
    assert world.a_inspector.username not in body
