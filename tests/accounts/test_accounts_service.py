"""Account operations in the service layer: the checks behind the account pages."""

from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from conftest import NOW, PASSWORD
from supervision.accounts import service
from supervision.core.errors import DomainError
from supervision.core.models import AuditEntry, Role, User
from supervision.extensions import db


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_create_user_stores_a_normalised_account(world):
    user = service.create_user(
        actor=world.a_admin,
        username="  Zhao.Lei ",
        full_name=" 赵磊 ",
        organisation=world.a_agency,
        roles={Role.INSPECTOR, Role.PROVINCIAL_OFFICER},
        password="Strong-pass-2026",
        email="",
        phone="025-1234",
        certificate_number="苏执 001",
        certificate_expires_on=date(2028, 1, 1),
        now=NOW,
    )
    db.session.commit()
    db.session.expire_all()
    stored = service.by_username("ZHAO.LEI")
    assert stored.id == user.id
    assert stored.username == "zhao.lei"
    assert stored.full_name == "赵磊"
    assert stored.email is None  # empty text is stored as NULL
    assert stored.organisation_id == world.a_agency.id
    assert stored.roles == {Role.INSPECTOR, Role.PROVINCIAL_OFFICER}
    assert stored.password_hash != "Strong-pass-2026"
    assert check_password_hash(stored.password_hash, "Strong-pass-2026")
    assert stored.password_changed_at == NOW


# (overrides of create_user's arguments, field, part of the message)
CREATE_REFUSALS = [
    ({"username": "a-officer"}, "username", "用户名“a-officer”已被使用。"),
    ({"username": "A-Officer"}, "username", "已被使用"),  # the same name in other case
    ({"username": "ab"}, "username", "用户名为 3–64 个字符"),
    ({"username": "张伟"}, "username", "用户名为 3–64 个字符"),
    ({"password": "Short-1"}, "password", "密码至少需要 10 个字符。"),
    ({"password": "abcdefghijkl"}, "password", "密码须包含字母、数字、符号中的至少两类。"),
    ({"password": "x-new.user-42"}, "password", "密码不能包含用户名。"),
    ({"roles": set()}, "roles", "请至少选择一个角色。"),
    ({"roles": {Role.MINISTRY_OFFICER}}, "roles", "“部级业务人员”角色不能授予“江苏省”的用户。"),
    ({"roles": {Role.INSPECTOR}}, "certificate_number", "监察人员须填写行政执法证号。"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), CREATE_REFUSALS)
def test_create_user_refusals(world, overrides, field, message):
    before = user_count()
    arguments = {
        "actor": world.a_admin,
        "username": "new.user",
        "full_name": "新用户",
        "organisation": world.a_province,
        "roles": {Role.PROVINCIAL_OFFICER},
        "password": "Strong-pass-2026",
        "now": NOW,
    }
    arguments.update(overrides)
    with pytest.raises(DomainError) as caught:
        service.create_user(**arguments)
    db.session.rollback()
    assert caught.value.field == field
    assert message in str(caught.value)
    assert user_count() == before


@pytest.mark.parametrize("target", ["a_province", "a_agency"])
def test_an_administrator_cannot_create_outside_his_province(world, target):
    before = user_count()
    with pytest.raises(DomainError, match="所选机构不在您的权限范围内。"):
        service.create_user(
            actor=world.b_admin,
            username="intruder",
            full_name="x",
            organisation=getattr(world, target),
            roles={Role.PROVINCIAL_OFFICER},
            password="Strong-pass-2026",
            now=NOW,
        )
    db.session.rollback()
    assert user_count() == before


def test_a_ministry_administrator_may_create_in_any_province(world):
    user = service.create_user(
        actor=world.ministry_admin,
        username="anywhere",
        full_name="x",
        organisation=world.b_agency,
        roles={Role.PROVINCIAL_OFFICER},
        password="Strong-pass-2026",
        now=NOW,
    )
    assert user.organisation_id == world.b_agency.id


def test_update_user_cannot_move_an_account_outside_the_scope(world):
    with pytest.raises(DomainError, match="所选机构不在您的权限范围内。"):
        service.update_user(
            world.b_officer,
            actor=world.b_admin,
            organisation=world.a_province,
            roles={Role.PROVINCIAL_OFFICER},
        )


def test_role_change_is_audited_and_an_unchanged_role_set_is_not(world):
    service.update_user(
        world.a_officer,
        actor=world.a_admin,
        organisation=world.a_province,
        roles={Role.PROVINCIAL_OFFICER},
        full_name="改名",
    )
    db.session.commit()
    roles_entries = select(AuditEntry).where(
        AuditEntry.action == "roles", AuditEntry.entity_id == str(world.a_officer.id)
    )
    assert db.session.scalars(roles_entries).all() == []

    service.update_user(
        world.a_officer,
        actor=world.a_admin,
        organisation=world.a_province,
        roles={Role.PROVINCIAL_OFFICER, Role.SYSADMIN},
    )
    db.session.commit()
    [entry] = db.session.scalars(roles_entries).all()
    assert entry.entity == "users"
    assert entry.scope_org_id == world.a_province.id
    assert entry.changes == {"roles": [["provincial_officer"], ["provincial_officer", "sysadmin"]]}
    assert world.a_officer.roles == {Role.PROVINCIAL_OFFICER, Role.SYSADMIN}


def test_an_administrator_cannot_drop_his_own_sysadmin_role(world):
    with pytest.raises(DomainError, match="不能撤销自己的系统管理员角色。"):
        service.update_user(
            world.a_admin,
            actor=world.a_admin,
            organisation=world.a_province,
            roles={Role.PROVINCIAL_OFFICER},
        )


def test_set_active_ends_sessions_and_refuses_self(world):
    user = world.a_inspector
    token = user.session_token
    with pytest.raises(DomainError, match="不能停用自己的账号。"):
        service.set_active(world.a_admin, False, actor=world.a_admin)
    assert world.a_admin.active

    service.set_active(user, False, actor=world.a_admin)
    assert not user.active
    assert user.session_token != token
    assert service.authenticate(user.username, PASSWORD, now=NOW) is None

    service.set_active(user, True, actor=world.a_admin)
    assert service.authenticate(user.username, PASSWORD, now=NOW) == user


def test_set_password_checks_the_policy_and_ends_sessions(world):
    user = world.a_officer
    token, old_hash = user.session_token, user.password_hash
    with pytest.raises(DomainError, match="密码至少需要 10 个字符。"):
        service.set_password(user, "Short-1", now=NOW)
    assert (user.session_token, user.password_hash) == (token, old_hash)

    service.set_password(user, "Another-pass-77", now=NOW)
    assert user.session_token != token
    assert service.authenticate(user.username, PASSWORD, now=NOW) is None
    assert service.authenticate(user.username, "Another-pass-77", now=NOW) == user


@pytest.mark.parametrize(
    ("username", "password", "ok"),
    [
        ("a-officer", PASSWORD, True),
        ("  A-OFFICER ", PASSWORD, True),  # logins compare lower-case
        ("a-officer", PASSWORD.upper(), False),
        ("nobody", PASSWORD, False),
    ],
)
def test_authenticate(world, username, password, ok):
    user = service.authenticate(username, password, now=NOW)
    assert (user == world.a_officer) if ok else user is None
    if ok:
        assert user.last_login_at == NOW
