"""Fixtures: one app per test session on SQLite (default) or the PostgreSQL server named by
SUPERVISION_TEST_DATABASE_URL; the schema is built by the migrations, as in production."""

from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

import config
from supervision import create_app
from supervision.core import audit
from supervision.core.models import Organisation, OrgKind, Role, User
from supervision.extensions import db, limiter

PASSWORD = "Correct-horse-42"
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
TEST_ACTOR = audit.Actor(None, "test fixture", source="test")


def _test_config(database_url: str) -> dict:
    settings = {k: getattr(config.TestConfig, k) for k in dir(config.TestConfig) if k.isupper()}
    settings["DATABASE_URL"] = database_url
    return settings


class IsolatedClient(FlaskClient):
    """A test client whose requests run like another process's.

    Tests keep an app context open for their own queries; Flask would reuse it (and its
    ``g`` and database session) for every request, so logins would leak between clients.
    Each request runs in an empty context instead, after the test's own transaction ends,
    and the test's session re-reads what the request changed.
    """

    def open(self, *args, **kwargs):
        # Read each response whole and close it, as a server does: file downloads
        # (send_file) otherwise leave their handle open until garbage collection.
        kwargs.setdefault("buffered", True)
        if has_app_context():
            db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    os.environ["SUPERVISION_INSTANCE_PATH"] = str(instance)
    url = os.environ.get("SUPERVISION_TEST_DATABASE_URL") or f"sqlite:///{instance / 'test.sqlite'}"
    app = create_app(_test_config(url))
    app.test_client_class = IsolatedClient
    with app.app_context():
        _rebuild_schema()
    yield app
    with app.app_context():
        db.engine.dispose()


def _rebuild_schema() -> None:
    """Drop whatever a previous run left, then upgrade through every migration."""
    from flask_migrate import upgrade

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def database(app):
    """An empty database (schema in place) inside an app context; emptied again after."""
    with app.app_context():
        _empty_tables()
        limiter.reset()
        token = audit.set_actor(TEST_ACTOR)
        yield db
        audit.reset_actor(token)
        db.session.remove()
        _empty_tables()


@pytest.fixture
def national(database):
    """The reference data ``flask init`` seeds: national units, the industry catalogue and
    the 2020 plan."""
    from supervision.industries.service import seed_catalogue
    from supervision.organisations.service import seed_national_units
    from supervision.plans.service import seed_plan
    from supervision.reference.service import seed_reference_tables

    seed_national_units()
    seed_catalogue()
    seed_plan()
    seed_reference_tables()
    db.session.commit()
    return database


@pytest.fixture
def make_user(national):
    """Factory: a user with roles in an organisation (given by object or division code)."""
    from supervision.accounts.service import create_user

    def make(username, roles, org, *, password=PASSWORD, **fields) -> User:
        if isinstance(org, str):
            org = org_by_code(org)
        roles = {roles} if isinstance(roles, Role) else set(roles)
        if Role.INSPECTOR in roles:
            fields.setdefault("certificate_number", f"执法证-{username}")
            fields.setdefault("certificate_expires_on", date(2028, 1, 1))
        user = create_user(
            actor=None,
            username=username,
            full_name=fields.pop("full_name", username),
            organisation=org,
            roles=roles,
            password=password,
            now=NOW,
            **fields,
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_agency(national):
    from supervision.organisations.service import create_agency

    def make(parent, name, code, kind=OrgKind.CITY) -> Organisation:
        if isinstance(parent, str):
            parent = org_by_code(parent)
        org = create_agency(actor=None, parent=parent, name=name, kind=kind, division_code=code)
        db.session.commit()
        return org

    return make


def org_by_code(code: str) -> Organisation:
    from supervision.organisations.service import by_division_code, ministry

    return ministry() if code == "ministry" else by_division_code(code)


def login(client, username: str, password: str = PASSWORD):
    """Log ``username`` in (logging out whoever was, so one client can switch users)."""
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


@dataclass
class World:
    """Two provinces with agencies and a user of every role each, plus the ministry."""

    ministry_officer: User
    ministry_admin: User
    a_province: Organisation
    a_agency: Organisation
    a_officer: User
    a_admin: User
    a_inspector: User
    b_province: Organisation
    b_agency: Organisation
    b_officer: User
    b_admin: User
    b_inspector: User
    b_agency_officer: User
    #: An expert of the review pool (an account at the ministry seeing only his reviews).
    expert: User | None = None
    #: A data centre enterprise of province A with one category-四 task on the 2020 plan.
    a_enterprise: object = None
    a_task: object = None

    #: Text that appears only in province A's records: must never reach a province-B page.
    MARKER = "甲省专属标记"


@pytest.fixture
def world(make_user, make_agency) -> World:
    a_agency = make_agency("320000", f"南京{World.MARKER}监察中心", "320100")
    b_agency = make_agency("330000", "杭州市节能监察中心", "330100")
    world = World(
        ministry_officer=make_user("m-officer", Role.MINISTRY_OFFICER, "ministry"),
        ministry_admin=make_user("m-admin", Role.SYSADMIN, "ministry"),
        a_province=org_by_code("320000"),
        a_agency=a_agency,
        a_officer=make_user(
            "a-officer", Role.PROVINCIAL_OFFICER, "320000", full_name=f"甲官员{World.MARKER}"
        ),
        a_admin=make_user("a-admin", Role.SYSADMIN, "320000", full_name=f"甲管理员{World.MARKER}"),
        a_inspector=make_user(
            "a-inspector", Role.INSPECTOR, a_agency, full_name=f"甲监察员{World.MARKER}"
        ),
        b_province=org_by_code("330000"),
        b_agency=b_agency,
        b_officer=make_user("b-officer", Role.PROVINCIAL_OFFICER, "330000"),
        b_admin=make_user("b-admin", Role.SYSADMIN, "330000"),
        b_inspector=make_user("b-inspector", Role.INSPECTOR, b_agency),
        b_agency_officer=make_user("b-agency-officer", Role.PROVINCIAL_OFFICER, b_agency),
        expert=make_user("expert", Role.EXPERT, "ministry", full_name="评审专家甲"),
    )
    world.a_enterprise, world.a_task = _a_enterprise_and_task(world)
    return world


def credit_code(serial: int, prefix: str = "913200") -> str:
    """A valid unified social credit code (GB 32100-2015 check character) for tests."""
    from supervision.enterprises.rules import credit_code_check_character

    first17 = f"{prefix}{serial:011d}"[:17]
    return first17 + credit_code_check_character(first17)


def _a_enterprise_and_task(world: World):
    from supervision.enterprises.service import EnterpriseData, create_enterprise
    from supervision.plans.service import plan_for_year
    from supervision.tasks.models import ReviewMethod
    from supervision.tasks.service import add_task, filing_for

    enterprise = create_enterprise(
        world.a_province,
        EnterpriseData(
            credit_code=credit_code(1),
            name=f"甲省数据中心{World.MARKER}有限公司",
            division_code="320102",
            key_energy_unit=True,
        ),
    )
    filing = filing_for(plan_for_year(2020), world.a_province)
    task = add_task(
        filing,
        enterprise=enterprise,
        category=4,
        industry=None,
        agency=world.a_agency,
        inspectors=[world.a_inspector],
        planned_month=5,
        method=ReviewMethod.ON_SITE,
    )
    db.session.commit()
    return enterprise, task


@pytest.fixture
def client(app):
    return app.test_client()
