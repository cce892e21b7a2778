"""Every kind of response carries the security headers: pages, redirects, JSON, downloads,
error pages (400, 401, 403, 404, 405, 429, 500) and static files."""

from __future__ import annotations

import re

import pytest
from api.api_helpers import bearer_for

import config
from conftest import World, login
from supervision import create_app
from supervision.core.access import public
from supervision.extensions import db

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def assert_secure(response, what: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in csp.split(";")) if part
    )
    assert directives.get("frame-ancestors") == "'none'", f"{what}: {csp!r}"
    assert directives.get("default-src") == "'self'", f"{what}: {csp!r}"
    assert directives.get("script-src") == "'self'", f"{what}: {csp!r}"
    assert directives.get("object-src") == "'none'", f"{what}: {csp!r}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, what
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, f"{what}: {name}"


@pytest.fixture(scope="module")
def headers_app(app):
    """The app with errors handled as in production (not propagated to the test), and a view
    of the pages and one of the API that fail, to see the 500 answers."""
    settings = {k: getattr(config.TestConfig, k) for k in dir(config.TestConfig) if k.isupper()}
    settings |= {"DATABASE_URL": app.config["DATABASE_URL"], "PROPAGATE_EXCEPTIONS": False}
    made = create_app(settings)
    made.test_client_class = app.test_client_class

    @public
    def fail():
        raise RuntimeError("a bug")

    made.add_url_rule("/test-failure", "test_failure", fail)
    made.add_url_rule("/api/v1/test-failure", "api.test_failure", fail)
    yield made
    with made.app_context():
        db.engine.dispose()


def test_every_kind_of_response_carries_the_security_headers(headers_app, world: World):
    anonymous = headers_app.test_client()
    officer = headers_app.test_client()
    login(officer, world.a_officer.username)
    token = bearer_for(world.a_officer)
    login_page = anonymous.get("/auth/login")
    bootstrap_css = re.search(r'href="([^"]*bootstrap[^"]*\.css)"', login_page.get_data(True))
    assert bootstrap_css, "no Bootstrap stylesheet on the login page"

    responses = {
        "public page": (login_page, 200),
        "page": (officer.get("/"), 200),
        "redirect to the login": (anonymous.get("/enterprises/"), 302),
        "file download (page)": (officer.get("/enterprises/import/template.xlsx"), 200),
        "JSON API": (anonymous.get("/api/v1/enterprises", headers=token), 200),
        "file download (API)": (
            anonymous.get("/api/v1/plans/2020/annexes.xlsx", headers=token),
            200,
        ),
        "API document": (anonymous.get("/api/v1/openapi.json"), 200),
        "API 401": (anonymous.get("/api/v1/enterprises"), 401),
        "API 404": (anonymous.get("/api/v1/enterprises/999999", headers=token), 404),
        "API 405": (anonymous.put("/api/v1/enterprises", headers=token), 405),
        "API 422": (anonymous.get("/api/v1/enterprises?page=x", headers=token), 422),
        "API 500": (anonymous.get("/api/v1/test-failure"), 500),
        "page 400": (anonymous.get("/auth/login?next=%01"), 400),
        "page 403": (officer.get("/accounts/"), 403),
        "page 404": (officer.get("/no-such-page"), 404),
        "page 405": (officer.put("/"), 405),
        "page 500": (anonymous.get("/test-failure"), 500),
        "static file": (anonymous.get("/static/js/app.js"), 200),
        "static image": (anonymous.get("/static/favicon.svg"), 200),
        "Bootstrap (static)": (anonymous.get(bootstrap_css.group(1)), 200),
        "static 404": (anonymous.get("/static/no-such-file.js"), 404),
    }
    for what, (response, status) in responses.items():
        assert response.status_code == status, f"{what}: {response.status_code}"
        assert_secure(response, what)
    assert responses["page 500"][0].mimetype == "text/html"
    assert responses["API 500"][0].is_json


def test_the_throttled_login_page_carries_them(headers_app, world: World):
    client = headers_app.test_client()
    for _ in range(5):
        client.post("/auth/login", data={"username": "a-officer", "password": "wrong-one"})
    locked = client.post("/auth/login", data={"username": "a-officer", "password": "wrong-one"})
    assert locked.status_code == 429
    assert_secure(locked, "429")
