"""Login, throttling, sessions, the language switch and the security headers."""

from __future__ import annotations

import pytest

from conftest import PASSWORD, World, login
from supervision.core.models import Role
from supervision.extensions import db


def test_login_page_is_chinese_by_default(client, national):
    body = client.get("/auth/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in body and "登录" in body and "用户名" in body


@pytest.mark.parametrize(
    ("role", "org", "heading"),
    [
        (Role.MINISTRY_OFFICER, "ministry", "全国概况"),
        (Role.PROVINCIAL_OFFICER, "320000", "下属监察机构"),
        (Role.INSPECTOR, "320000", "我的监察案件"),
        (Role.SYSADMIN, "320000", "账号概况"),
    ],
)
def test_each_role_lands_on_its_home_page(client, make_user, role, org, heading):
    make_user("someone", role, org)
    response = login(client, "someone")
    assert response.headers["Location"] == "/"
    body = client.get("/").get_data(as_text=True)
    assert heading in body


def test_wrong_password_and_unknown_user_get_the_same_message(client, make_user):
    make_user("real", Role.SYSADMIN, "ministry")
    for username, password in (("real", "wrong-password-1"), ("ghost", PASSWORD)):
        response = client.post("/auth/login", data={"username": username, "password": password})
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.get_data(as_text=True)


def test_usernames_are_case_insensitive(client, make_user):
    make_user("mixed", Role.SYSADMIN, "ministry")
    login(client, "MiXeD")


def test_disabled_account_cannot_log_in(client, make_user):
    user = make_user("gone", Role.SYSADMIN, "ministry")
    user.active = False
    db.session.commit()
    response = client.post("/auth/login", data={"username": "gone", "password": PASSWORD})
    assert response.status_code == 200


def test_five_failures_lock_the_account_for_a_while(app, make_user):
    make_user("target", Role.SYSADMIN, "ministry")
    make_user("bystander", Role.SYSADMIN, "ministry")
    client = app.test_client()
    for _ in range(5):
        assert (
            client.post(
                "/auth/login", data={"username": "target", "password": "nope-nope-1"}
            ).status_code
            == 200
        )
    locked = client.post("/auth/login", data={"username": "target", "password": PASSWORD})
    assert locked.status_code == 429
    body = locked.get_data(as_text=True)
    assert "登录失败次数过多" in body and "15 分钟" in body
    # The lock is per account: another account from the same address still logs in.
    login(app.test_client(), "bystander")


def test_successful_logins_do_not_count_towards_the_lock(app, make_user):
    make_user("busy", Role.SYSADMIN, "ministry")
    for _ in range(8):
        client = app.test_client()
        login(client, "busy")


def test_login_redirects_only_to_local_paths(client, make_user):
    make_user("nav", Role.SYSADMIN, "ministry")
    ok = client.post(
        "/auth/login", data={"username": "nav", "password": PASSWORD, "next": "/accounts/"}
    )
    assert ok.headers["Location"] == "/accounts/"
    client.post("/auth/logout")
    evil = client.post(
        "/auth/login", data={"username": "nav", "password": PASSWORD, "next": "//evil.example/"}
    )
    assert evil.headers["Location"] == "/"


def test_login_starts_a_new_session(client, make_user):
    make_user("fix", Role.SYSADMIN, "ministry")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, "fix")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_logout_ends_copies_of_the_session(app, make_user):
    make_user("leaver", Role.SYSADMIN, "ministry")
    client = app.test_client()
    login(client, "leaver")
    stolen = client.get_cookie("session").value
    client.post("/auth/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 302


def test_password_change_keeps_this_session_and_ends_others(app, make_user):
    make_user("changer", Role.SYSADMIN, "ministry")
    here, elsewhere = app.test_client(), app.test_client()
    login(here, "changer")
    login(elsewhere, "changer")
    short = here.post(
        "/auth/profile",
        data={"current_password": PASSWORD, "password": "short", "confirm": "short"},
    )
    assert "至少需要 10 个字符" in short.get_data(as_text=True)
    wrong = here.post(
        "/auth/profile",
        data={
            "current_password": "bad",
            "password": "New-password-99",
            "confirm": "New-password-99",
        },
    )
    assert "当前密码不正确" in wrong.get_data(as_text=True)
    done = here.post(
        "/auth/profile",
        data={
            "current_password": PASSWORD,
            "password": "New-password-99",
            "confirm": "New-password-99",
        },
    )
    assert done.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    login(app.test_client(), "changer", "New-password-99")


def test_language_switch_to_english_and_back(client, world: World):
    login(client, world.a_officer.username)
    assert "首页" in client.get("/").get_data(as_text=True)
    client.post("/auth/language", data={"locale": "en", "next": "/"})
    english = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in english and "Home" in english and "首页" not in english
    assert db.session.get(type(world.a_officer), world.a_officer.id).locale == "en"
    client.post("/auth/language", data={"locale": "zh", "next": "/"})
    assert "首页" in client.get("/").get_data(as_text=True)


def test_language_choice_before_login_is_kept_in_the_session(client, national):
    client.post("/auth/language", data={"locale": "en", "next": "/auth/login"})
    assert "Sign in" in client.get("/auth/login").get_data(as_text=True)


def test_unknown_language_is_ignored(client, national):
    client.post("/auth/language", data={"locale": "xx", "next": "/auth/login"})
    assert 'lang="zh-CN"' in client.get("/auth/login").get_data(as_text=True)


def test_security_headers(client, national):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(client, world: World):
    login(client, world.ministry_officer.username)
    for url in ("/", "/organisations/", "/accounts/", "/audit/", "/calendar/"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>" not in body and " style=" not in body and "<style" not in body, url


def test_session_cookie_flags(app, make_user):
    make_user("cookie", Role.SYSADMIN, "ministry")
    client = app.test_client()
    response = login(client, "cookie")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_csrf_is_required_on_state_changing_requests(app, world: World):
    client = app.test_client()
    login(client, world.a_admin.username)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/accounts/{world.a_inspector.id}/active", data={"active": "0"})
        assert response.status_code == 400
        refused_logout = client.post("/auth/logout")
        assert refused_logout.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.get(type(world.a_inspector), world.a_inspector.id).active


@pytest.mark.parametrize("value", ["名字\x00", "a\x07b", "\x1b[31m"])
def test_control_characters_are_refused_with_a_message(client, world: World, value):
    login(client, world.a_admin.username)
    response = client.post(
        f"/accounts/{world.a_inspector.id}/edit",
        data={
            "full_name": value,
            "organisation_id": world.a_agency.id,
            "roles": ["inspector"],
            "certificate_number": "x",
        },
    )
    assert response.status_code == 400
    assert "不允许的控制字符" in response.get_data(as_text=True)
    assert db.session.get(type(world.a_inspector), world.a_inspector.id).full_name != value


def test_line_breaks_and_tabs_are_ordinary_text(client, national):
    response = client.get("/auth/login", query_string={"next": "/a\tb"})
    assert response.status_code == 200


def test_missing_csrf_token_gets_a_page_in_chinese(app, world: World):
    client = app.test_client()
    login(client, world.a_admin.username)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        body = client.post(f"/accounts/{world.a_inspector.id}/active").get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert "页面已过期" in body
