"""Attacks on the login and the session: forged requests (CSRF), session fixation, copied
session cookies after logout, and login throttling under parallel password guessing.

The CSRF and session tests run on a second app instance with CSRF protection on, as in
production (the test configuration turns it off for the other tests). The throttling tests
fire their attempts at a real HTTP server on 127.0.0.1 from several threads at once.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
from api.live_server import serving

import config
from conftest import PASSWORD, World, credit_code
from supervision import create_app
from supervision.api.models import ApiToken
from supervision.core.models import Role, User
from supervision.enterprises.models import Enterprise
from supervision.extensions import db
from supervision.inspections.models import FormDraft, InspectionCase

CSRF_FIELD = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'type="hidden" name="csrf_token" value="([^"]+)"'
)
META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture(scope="module")
def csrf_app(app):
    """The app as configured in production in this respect: CSRF protection on."""
    settings = {k: getattr(config.TestConfig, k) for k in dir(config.TestConfig) if k.isupper()}
    settings |= {"DATABASE_URL": app.config["DATABASE_URL"], "WTF_CSRF_ENABLED": True}
    made = create_app(settings)
    made.test_client_class = app.test_client_class
    yield made
    with made.app_context():
        db.engine.dispose()


def form_token(html: str) -> str:
    match = CSRF_FIELD.search(html) or META_TOKEN.search(html)
    assert match, "no CSRF token on the page"
    return next(group for group in match.groups() if group)


def csrf_login(client, username: str, password: str = PASSWORD):
    """Log in through the form as a browser does: the token comes from the login page."""
    token = form_token(client.get("/auth/login").get_data(as_text=True))
    return client.post(
        "/auth/login", data={"username": username, "password": password, "csrf_token": token}
    )


def page_token(client, url: str = "/") -> str:
    return form_token(client.get(url).get_data(as_text=True))


# -- CSRF -------------------------------------------------------------------------------------


def test_login_form_refuses_a_missing_or_wrong_token(csrf_app, world: World):
    client = csrf_app.test_client()
    other = csrf_app.test_client()
    foreign_token = form_token(other.get("/auth/login").get_data(as_text=True))
    credentials = {"username": world.a_officer.username, "password": PASSWORD}
    for token in (None, "forged-token", foreign_token):
        data = credentials if token is None else {**credentials, "csrf_token": token}
        refused = client.post("/auth/login", data=data)
        assert refused.status_code == 400, token
        assert "页面已过期" in refused.get_data(as_text=True)
        assert client.get("/").status_code == 302, "logged in without a valid token"
    assert csrf_login(client, world.a_officer.username).status_code == 302
    assert client.get("/").status_code == 200


def _case(world: World) -> InspectionCase:
    from supervision.inspections.service import open_cases

    open_cases(world.a_task.filing)
    db.session.commit()
    return db.session.query(InspectionCase).filter_by(task_id=world.a_task.id).one()


#: Representative state-changing requests: (who, method, url, form data or JSON, done).
def _forms(world: World, spare: User):
    case = _case(world)
    inspector = world.a_inspector

    def active(u):
        return db.session.get(User, u.id).active

    return [
        (
            world.a_admin,
            "POST",
            f"/accounts/{spare.id}/active",
            {"active": "0"},
            lambda: not active(spare),
        ),
        (
            world.a_officer,
            "POST",
            "/auth/profile/tokens",
            {"name": "同步程序"},
            lambda: db.session.query(ApiToken).filter_by(user_id=world.a_officer.id).count() == 1,
        ),
        (
            world.a_officer,
            "POST",
            "/enterprises/new",
            {
                "credit_code": credit_code(901),
                "name": "跨站伪造企业",
                "division_code": "320102",
                "status": "operating",
            },
            lambda: db.session.query(Enterprise).filter_by(name="跨站伪造企业").count() == 1,
        ),
        (
            inspector,
            "PUT",
            f"/cases/{case.id}/drafts/visit",
            {"json": {"visited_on": "2020-05-01"}},
            lambda: db.session.query(FormDraft).filter_by(user_id=inspector.id).count() == 1,
        ),
    ]


def test_state_changing_requests_refuse_a_missing_or_wrong_token(csrf_app, world: World, make_user):
    spare = make_user("a-spare", Role.INSPECTOR, world.a_agency)
    for user, method, url, data, done in _forms(world, spare):
        client = csrf_app.test_client()
        assert csrf_login(client, user.username).status_code == 302
        stranger = csrf_app.test_client()
        assert csrf_login(stranger, world.b_officer.username).status_code == 302
        foreign_token = page_token(stranger)
        for token in (None, "forged-token", foreign_token):
            if "json" in data:
                headers = {"X-CSRFToken": token} if token else {}
                response = client.open(url, method=method, json=data["json"], headers=headers)
            else:
                form = data if token is None else {**data, "csrf_token": token}
                response = client.open(url, method=method, data=form)
            assert response.status_code == 400, (url, token, response.status_code)
            assert not done(), f"{url} changed data without a valid token"
        # The same request with the page's own token goes through (the refusals were CSRF's).
        token = page_token(client)
        if "json" in data:
            response = client.open(
                url, method=method, json=data["json"], headers={"X-CSRFToken": token}
            )
            assert response.status_code == 200, (url, response.get_data(as_text=True)[:500])
        else:
            response = client.open(url, method=method, data={**data, "csrf_token": token})
            assert response.status_code in (200, 302), url
            assert "页面已过期" not in response.get_data(as_text=True)
        assert done(), url


def test_logout_refuses_a_missing_or_wrong_token(csrf_app, world: World):
    client = csrf_app.test_client()
    csrf_login(client, world.a_officer.username)
    for data in ({}, {"csrf_token": "forged-token"}):
        assert client.post("/auth/logout", data=data).status_code == 400
        assert client.get("/").status_code == 200, "a forged logout ended the session"
    assert client.post("/auth/logout", data={"csrf_token": page_token(client)}).status_code == 302
    assert client.get("/").status_code == 302


# -- sessions ---------------------------------------------------------------------------------


def _session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_login_issues_a_new_session_and_a_planted_one_stays_anonymous(csrf_app, world: World):
    victim = csrf_app.test_client()
    # The attacker opens the login page and plants that session in the victim's browser.
    attacker = csrf_app.test_client()
    attacker.get("/auth/login")
    planted = _session_cookie(attacker)
    assert planted
    victim.set_cookie("session", planted)
    assert csrf_login(victim, world.a_officer.username).status_code == 302
    after = _session_cookie(victim)
    assert after and after != planted, "the session was not renewed on login"
    assert victim.get("/").status_code == 200
    # The cookie captured before the login is still not logged in.
    assert attacker.get("/").status_code == 302
    replay = csrf_app.test_client()
    replay.set_cookie("session", planted)
    assert replay.get("/").status_code == 302
    assert replay.get("/api/v1/enterprises").status_code == 401


def test_logout_ends_every_copy_of_the_session(csrf_app, world: World):
    client = csrf_app.test_client()
    csrf_login(client, world.a_officer.username)
    token = page_token(client)
    copies = []
    for _ in range(2):
        copy = csrf_app.test_client()
        copy.set_cookie("session", _session_cookie(client))
        assert copy.get("/").status_code == 200
        copies.append(copy)
    elsewhere = csrf_app.test_client()  # the same account on another device
    csrf_login(elsewhere, world.a_officer.username)

    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    for copy in (client, *copies, elsewhere):
        assert copy.get("/").status_code == 302
        assert "/auth/login" in copy.get("/").headers["Location"]
    # A copy cannot act either, even with the token of the page it had open.
    refused = copies[0].post("/auth/profile/tokens", data={"name": "偷用", "csrf_token": token})
    assert refused.status_code == 302 and "/auth/login" in refused.headers["Location"]
    assert db.session.query(ApiToken).filter_by(user_id=world.a_officer.id).count() == 0


# -- login throttling under parallel attempts -------------------------------------------------


def _post_form(base_url: str, path: str, data: dict) -> tuple[int, str]:
    """One POST over a fresh connection, redirects not followed: (status, body)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        connection.request(
            "POST", path, urlencode(data), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _at_once(base_url: str, attempts: list[dict]) -> list[int]:
    """Fire the login attempts from as many threads, released together."""
    start = threading.Barrier(len(attempts))

    def attempt(data: dict) -> int:
        start.wait()
        return _post_form(base_url, "/auth/login", data)[0]

    with ThreadPoolExecutor(len(attempts)) as pool:
        return list(pool.map(attempt, attempts))


def _limit_amount(app, name: str) -> int:
    from limits import parse

    return parse(app.config[name]).amount


def test_parallel_wrong_passwords_get_no_more_than_the_limit(app, make_user):
    make_user("target", Role.SYSADMIN, "ministry")
    make_user("bystander", Role.SYSADMIN, "ministry")
    limit = _limit_amount(app, "LOGIN_FAILURE_LIMIT")
    attempts = 4 * limit
    with serving(app) as url:
        statuses = _at_once(
            url, [{"username": "target", "password": f"guess-{i}"} for i in range(attempts)]
        )
        answered = statuses.count(200)  # the password was checked (and was wrong)
        assert answered <= limit, f"{answered} guesses checked, the limit is {limit}"
        assert answered == limit and statuses.count(429) == attempts - limit, statuses
        # Locked: the right password is refused too …
        right = {"username": "target", "password": PASSWORD}
        status, body = _post_form(url, "/auth/login", right)
        assert status == 429 and "登录失败次数过多" in body
        # … and the lock is the account's, not the address's.
        assert (
            _post_form(url, "/auth/login", {"username": "bystander", "password": PASSWORD})[0]
            == 302
        )


def test_parallel_spraying_from_one_address_is_bounded(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_LIMIT", "8 per 15 minutes")
    make_user("sprayed", Role.SYSADMIN, "ministry")
    with serving(app) as url:
        statuses = _at_once(
            url, [{"username": f"user-{i}", "password": "Password-1"} for i in range(24)]
        )
        assert statuses.count(200) == 8 and statuses.count(429) == 16, statuses
        # Every account is locked from this address now, the right password too.
        assert (
            _post_form(url, "/auth/login", {"username": "sprayed", "password": PASSWORD})[0] == 429
        )


def test_the_lock_ends_when_the_window_passes(app, make_user, monkeypatch):
    """A short window stands in for the configured 15 minutes."""
    window = 10
    monkeypatch.setitem(app.config, "LOGIN_FAILURE_LIMIT", f"3 per {window} seconds")
    make_user("patient", Role.SYSADMIN, "ministry")
    right = {"username": "patient", "password": PASSWORD}
    with serving(app) as url:
        started = time.monotonic()
        statuses = _at_once(url, [{"username": "patient", "password": "wrong"}] * 6)
        assert sorted(statuses) == [200] * 3 + [429] * 3
        assert _post_form(url, "/auth/login", right)[0] == 429
        assert time.monotonic() - started < window, "too slow to observe the lock"
        time.sleep(window - (time.monotonic() - started) + 0.5)
        assert _post_form(url, "/auth/login", right)[0] == 302
