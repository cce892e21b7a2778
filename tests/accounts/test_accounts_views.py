"""The account pages, used by system administrators within their scope."""

import re

import pytest
from sqlalchemy import func, select

from conftest import PASSWORD, World, login
from supervision.core.models import AuditEntry, Role, User
from supervision.extensions import db


@pytest.fixture
def second_client(app):
    """Another client: its own cookies, its own session."""
    return app.test_client()


def fresh(user: User) -> User:
    """The user as the database has it now (requests commit in sessions of their own)."""
    db.session.expire_all()
    return db.session.get(User, user.id)


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def user_form(org, **overrides) -> dict:
    data = {
        "username": "zhao.lei",
        "full_name": "赵磊",
        "organisation_id": org.id,
        "roles": ["provincial_officer"],
        "email": "",
        "phone": "",
        "certificate_number": "",
        "certificate_expires_on": "",
        "password": "Strong-pass-2026",
    }
    data.update(overrides)
    return data


def listed_usernames(html: str) -> list[str]:
    """Usernames in the rows of the account table, in page order."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr[^>]*>\s*<td>([a-z0-9._-]+)", body)


# -- creating ---------------------------------------------------------------------------------


def test_create_user(client, world):
    login(client, "a-admin")
    data = user_form(
        world.a_agency,
        username=" Zhao.Lei ",
        roles=["inspector"],
        certificate_number="苏执 32010020260001",
        certificate_expires_on="2029-06-30",
    )
    response = client.post("/accounts/new", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/"

    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == "zhao.lei"))
    assert user.organisation_id == world.a_agency.id
    assert user.roles == {Role.INSPECTOR}
    assert user.certificate_expires_on.isoformat() == "2029-06-30"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "users", AuditEntry.entity_id == str(user.id))
    )
    assert (entry.action, entry.actor_id, entry.source) == ("create", world.a_admin.id, "web")
    assert entry.changes["password_hash"] == [None, "***"]

    page = client.get("/accounts/").get_data(as_text=True)
    assert "已创建账号 zhao.lei。" in page
    assert "zhao.lei" in listed_usernames(page)
    # the new account can log in
    login(client.application.test_client(), "zhao.lei", "Strong-pass-2026")


# (form overrides, the message the administrator must see)
CREATE_REFUSALS = [
    ({"username": "a-inspector"}, "用户名“a-inspector”已被使用。"),
    ({"password": "Short-1"}, "密码至少需要 10 个字符。"),
    ({"password": ""}, "密码至少需要 10 个字符。"),
    ({"roles": ["inspector"]}, "监察人员须填写行政执法证号。"),
    ({"roles": ["ministry_officer"]}, "“部级业务人员”角色不能授予“江苏省”的用户。"),
    ({"roles": []}, "请至少选择一个角色。"),
    (
        {"username": "zhao lei"},
        "用户名为 3–64 个字符，只能包含小写字母、数字、点、下划线和连字符。",
    ),
    ({"email": "not-an-address"}, "电子邮箱格式不正确。"),
]


@pytest.mark.parametrize(("overrides", "message"), CREATE_REFUSALS)
def test_create_user_refused_with_a_message(client, world, overrides, message):
    login(client, "a-admin")
    before = user_count()
    response = client.post("/accounts/new", data=user_form(world.a_province, **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert user_count() == before


@pytest.mark.parametrize("target", ["a_province", "a_agency"])
def test_create_user_in_another_province_is_refused(client, world, target):
    login(client, "b-admin")
    form_page = client.get("/accounts/new").get_data(as_text=True)
    assert World.MARKER not in form_page  # A's agency is not offered
    assert f'value="{getattr(world, target).id}"' not in form_page

    before = user_count()
    response = client.post(
        "/accounts/new", data=user_form(getattr(world, target), username="intruder")
    )
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert "不是有效的选择" in response.get_data(as_text=True)
    assert user_count() == before
    assert db.session.scalar(select(User).where(User.username == "intruder")) is None


# -- editing ----------------------------------------------------------------------------------


def edit_form(user: User, roles: list[str], **overrides) -> dict:
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "organisation_id": user.organisation_id,
        "roles": roles,
        "email": user.email or "",
        "phone": user.phone or "",
        "certificate_number": user.certificate_number or "",
        "certificate_expires_on": "",
    }
    data.update(overrides)
    return data


def test_edit_roles_writes_a_roles_audit_entry(client, world):
    login(client, "a-admin")
    officer = world.a_officer
    response = client.post(
        f"/accounts/{officer.id}/edit",
        data=edit_form(officer, ["provincial_officer", "sysadmin"]),
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "已保存 a-officer 的账号信息。" in response.get_data(as_text=True)
    assert fresh(officer).roles == {Role.PROVINCIAL_OFFICER, Role.SYSADMIN}
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "roles", AuditEntry.entity_id == str(officer.id)
        )
    )
    assert entry is not None
    assert entry.entity == "users"
    assert entry.actor_id == world.a_admin.id
    assert entry.changes == {"roles": [["provincial_officer"], ["provincial_officer", "sysadmin"]]}


def test_edit_page_shows_the_current_roles(client, world):
    login(client, "a-admin")
    page = client.get(f"/accounts/{world.a_inspector.id}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="inspector"', page) or re.search(
        r'<input[^>]*value="inspector"[^>]*checked', page
    )
    assert not re.search(r'<input[^>]*value="sysadmin"[^>]*checked', page)


@pytest.mark.parametrize(
    ("who", "roles", "message"),
    [
        ("a_admin", ["provincial_officer"], "不能撤销自己的系统管理员角色。"),
        ("a_officer", ["ministry_officer"], "“部级业务人员”角色不能授予“江苏省”的用户。"),
        ("a_officer", ["inspector"], "监察人员须填写行政执法证号。"),
    ],
)
def test_edit_refused_with_a_message(client, world, who, roles, message):
    login(client, "a-admin")
    user = getattr(world, who)
    before = user.roles
    response = client.post(f"/accounts/{user.id}/edit", data=edit_form(user, roles))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert fresh(user).roles == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/accounts/{id}/edit"),
        ("post", "/accounts/{id}/edit"),
        ("get", "/accounts/{id}/password"),
        ("post", "/accounts/{id}/password"),
        ("post", "/accounts/{id}/active"),
    ],
)
def test_another_provinces_account_is_not_found(client, world, method, path):
    login(client, "b-admin")
    target = world.a_officer
    data = {"password": "Hijacked-pass-1", "confirm": "Hijacked-pass-1", "active": "0"}
    if method == "post" and path.endswith("edit"):
        data = edit_form(target, ["sysadmin"], organisation_id=world.b_province.id)
    if method == "get":
        response = client.get(path.format(id=target.id))
    else:
        response = client.post(path.format(id=target.id), data=data)
    assert response.status_code == 404
    target = fresh(target)
    assert target.active
    assert target.roles == {Role.PROVINCIAL_OFFICER}
    login(client.application.test_client(), "a-officer")  # password unchanged


@pytest.mark.parametrize("role", [Role.PROVINCIAL_OFFICER, Role.INSPECTOR])
def test_non_administrators_may_not_manage_accounts(client, world, role):
    login(client, {Role.PROVINCIAL_OFFICER: "a-officer", Role.INSPECTOR: "a-inspector"}[role])
    assert client.get("/accounts/").status_code == 403
    assert client.post("/accounts/new", data=user_form(world.a_province)).status_code == 403
    assert db.session.scalar(select(User).where(User.username == "zhao.lei")) is None


# -- disabling, enabling, passwords -----------------------------------------------------------


def test_disabling_ends_the_users_open_session(client, second_client, world):
    login(second_client, "a-inspector")
    assert second_client.get("/").status_code == 200

    login(client, "a-admin")
    response = client.post(
        f"/accounts/{world.a_inspector.id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert "已停用 a-inspector。" in response.get_data(as_text=True)
    assert not fresh(world.a_inspector).active

    response = second_client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    # and a new login is refused
    response = second_client.post(
        "/auth/login", data={"username": "a-inspector", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "用户名或密码不正确，或账号已停用。" in response.get_data(as_text=True)


def test_disabled_accounts_are_listed_apart_and_can_be_enabled_again(client, second_client, world):
    login(client, "a-admin")
    user_id = world.a_inspector.id
    client.post(f"/accounts/{user_id}/active", data={"active": "0"})
    assert "a-inspector" not in listed_usernames(client.get("/accounts/").get_data(as_text=True))
    assert listed_usernames(client.get("/accounts/?status=disabled").get_data(as_text=True)) == [
        "a-inspector"
    ]

    response = client.post(
        f"/accounts/{user_id}/active", data={"active": "1"}, follow_redirects=True
    )
    assert "已启用 a-inspector。" in response.get_data(as_text=True)
    assert fresh(world.a_inspector).active
    login(second_client, "a-inspector")
    assert second_client.get("/").status_code == 200


def test_an_administrator_cannot_disable_himself(client, world):
    login(client, "a-admin")
    response = client.post(
        f"/accounts/{world.a_admin.id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "不能停用自己的账号。" in response.get_data(as_text=True)
    assert fresh(world.a_admin).active
    assert client.get("/accounts/").status_code == 200  # still logged in


def test_reset_password_ends_old_sessions(client, second_client, world):
    login(second_client, "a-officer")
    assert second_client.get("/").status_code == 200

    login(client, "a-admin")
    response = client.post(
        f"/accounts/{world.a_officer.id}/password",
        data={"password": "Brand-new-pass-9", "confirm": "Brand-new-pass-9"},
        follow_redirects=True,
    )
    assert "已重置 a-officer 的密码，其已登录的会话均已退出。" in response.get_data(as_text=True)

    response = second_client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    response = second_client.post(
        "/auth/login", data={"username": "a-officer", "password": PASSWORD}
    )
    assert response.status_code == 200  # the old password no longer works
    login(second_client, "a-officer", "Brand-new-pass-9")
    assert second_client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("Brand-new-pass-9", "Brand-new-pass-8", "两次输入的密码不一致。"),
        ("short-1", "short-1", "密码至少需要 10 个字符。"),
        ("xx-a-officer-1", "xx-a-officer-1", "密码不能包含用户名。"),
        ("", "", "请填写新密码。"),
    ],
)
def test_reset_password_refused_with_a_message(client, world, password, confirm, message):
    token = world.a_officer.session_token
    login(client, "a-admin")
    response = client.post(
        f"/accounts/{world.a_officer.id}/password", data={"password": password, "confirm": confirm}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert fresh(world.a_officer).session_token == token


# -- the list ---------------------------------------------------------------------------------


@pytest.fixture
def listed_world(world, make_user):
    make_user(
        "a-multi", {Role.PROVINCIAL_OFFICER, Role.SYSADMIN}, world.a_agency, full_name="多角色"
    )
    disabled = make_user("a-disabled", Role.PROVINCIAL_OFFICER, "320000", full_name="已离职")
    disabled.active = False
    db.session.commit()
    return world


ACTIVE_IN_A = ["a-admin", "a-inspector", "a-multi", "a-officer"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ACTIVE_IN_A),
        ("?q=inspector", ["a-inspector"]),
        ("?q=INSPECTOR", ["a-inspector"]),
        ("?q=甲监察员", ["a-inspector"]),  # full name
        ("?q=b-", []),  # province B's accounts are never listed
        ("?role=sysadmin", ["a-admin", "a-multi"]),
        ("?role=inspector", ["a-inspector"]),
        ("?role=ministry_officer", []),
        ("?role=bogus", ACTIVE_IN_A),  # an unknown role is ignored
        ("?status=disabled", ["a-disabled"]),
        ("?status=all", ["a-admin", "a-disabled", "a-inspector", "a-multi", "a-officer"]),
        ("?status=all&role=provincial_officer", ["a-disabled", "a-multi", "a-officer"]),
        ("?sort=-username", ACTIVE_IN_A[::-1]),
        ("?sort=nonsense", ACTIVE_IN_A),
    ],
)
def test_list_search_filters_and_sort(client, listed_world, query, expected):
    login(client, "a-admin")
    response = client.get("/accounts/" + query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert listed_usernames(page) == expected
    if not expected:
        assert "没有符合条件的账号。" in page


def test_sort_by_full_name_descending_reverses_ascending(client, listed_world):
    login(client, "a-admin")
    ascending = listed_usernames(client.get("/accounts/?sort=full_name").get_data(as_text=True))
    descending = listed_usernames(client.get("/accounts/?sort=-full_name").get_data(as_text=True))
    assert sorted(ascending) == ACTIVE_IN_A
    assert descending == ascending[::-1]


def test_the_ministry_administrator_sees_every_province(client, listed_world):
    login(client, "m-admin")
    names = listed_usernames(client.get("/accounts/?status=all").get_data(as_text=True))
    assert {"a-officer", "b-officer", "m-officer", "a-disabled"} <= set(names)


def header_links(page: str) -> dict[str, str]:
    """{column text: href} of the sortable headers."""
    links = re.findall(r'<a class="sort-link" href="([^"]+)">\s*([^<\s]+)', page)
    return {text: href.replace("&amp;", "&") for href, text in links}


@pytest.mark.parametrize(
    ("query", "username_link", "full_name_link"),
    [
        ("", "/accounts/?sort=-username", "/accounts/?sort=full_name"),
        ("?sort=-username", "/accounts/?sort=username", "/accounts/?sort=full_name"),
        ("?sort=full_name", "/accounts/?sort=username", "/accounts/?sort=-full_name"),
        # filters are kept, the page number is dropped
        ("?q=a&page=2", "/accounts/?q=a&sort=-username", "/accounts/?q=a&sort=full_name"),
    ],
)
def test_sort_links(client, world, query, username_link, full_name_link):
    login(client, "a-admin")
    links = header_links(client.get("/accounts/" + query).get_data(as_text=True))
    assert links["用户名"] == username_link
    assert links["姓名"] == full_name_link


def test_pagination(client, world, make_user):
    for i in range(27):
        make_user(f"a-user{i:02d}", Role.PROVINCIAL_OFFICER, world.a_agency)
    login(client, "a-admin")
    first = client.get("/accounts/").get_data(as_text=True)
    second = client.get("/accounts/?page=2").get_data(as_text=True)
    on_first, on_second = listed_usernames(first), listed_usernames(second)
    assert len(on_first) == 25
    assert len(on_second) == 30 - 25
    assert not set(on_first) & set(on_second)
    assert sorted(on_first + on_second) == on_first + on_second  # one order across pages
    assert set(on_first + on_second) == {"a-admin", "a-inspector", "a-officer"} | {
        f"a-user{i:02d}" for i in range(27)
    }
    assert "共 30 条" in first
    assert 'href="/accounts/?page=2"' in first
    assert listed_usernames(client.get("/accounts/?page=3").get_data(as_text=True)) == []
