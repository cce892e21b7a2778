"""API tokens: the profile page creates, lists and revokes them; requests authenticate by them."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from api_helpers import as_user, bearer_for
from sqlalchemy import select

from conftest import World, login
from supervision.api.models import ApiToken
from supervision.core.models import AuditEntry
from supervision.core.types import utcnow
from supervision.extensions import db

TOKEN = re.compile(r"jnjc_[A-Za-z0-9_-]{43}")


def _create_on_profile(client, name="省平台同步"):
    response = client.post("/auth/profile/tokens", data={"name": name})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    found = TOKEN.findall(body)
    assert len(set(found)) == 1, body[:3000]
    return found[0], response


def test_token_lifecycle_on_the_profile_page(app, world: World):
    client = app.test_client()
    login(client, world.a_officer.username)
    raw, response = _create_on_profile(client)
    assert response.headers["Cache-Control"] == "no-store"

    # Stored as a hash only; the page later shows the prefix, never the token again.
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == world.a_officer.id))
    assert row.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {row.token_hash, row.prefix, row.name}
    assert raw.startswith(row.prefix) and len(row.prefix) == 12
    page = client.get("/auth/profile").get_data(as_text=True)
    assert raw not in page
    assert row.prefix in page and "省平台同步" in page and "从未使用" in page

    api_client = app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}
    assert api_client.get("/api/v1/enterprises", headers=headers).status_code == 200
    db.session.refresh(row)
    assert row.last_used_at is not None
    assert "从未使用" not in client.get("/auth/profile").get_data(as_text=True)

    response = client.post(f"/auth/profile/tokens/{row.id}/revoke")
    assert response.status_code == 302
    refused = api_client.get("/api/v1/enterprises", headers=headers)
    assert refused.status_code == 401
    assert refused.json["status"] == 401
    db.session.refresh(row)
    assert row.revoked_at is not None
    assert row.prefix not in client.get("/auth/profile").get_data(as_text=True)

    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity == "api_tokens").order_by(AuditEntry.id)
    ).all()
    assert actions == ["create", "revoke"]


def test_a_token_needs_a_name(app, world: World):
    client = app.test_client()
    login(client, world.a_officer.username)
    body = client.post("/auth/profile/tokens", data={"name": "  "}).get_data(as_text=True)
    assert "请填写令牌名称" in body
    assert not TOKEN.search(body)
    assert db.session.scalar(select(ApiToken)) is None


def test_nobody_revokes_another_users_token(app, world: World):
    bearer_for(world.a_officer)
    token = db.session.scalar(select(ApiToken))
    for intruder in (world.a_admin, world.ministry_officer):
        client = app.test_client()
        login(client, intruder.username)
        assert client.post(f"/auth/profile/tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.active


def test_a_session_cookie_alone_is_not_enough(app, world: World):
    client = app.test_client()
    login(client, world.a_officer.username)
    assert client.get("/").status_code == 200  # the session itself works
    response = client.get("/api/v1/enterprises")
    assert response.status_code == 401
    assert response.mimetype == "application/json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Set-Cookie" not in response.headers  # the session is neither refreshed nor sent


def test_the_token_decides_who_is_asking_not_the_cookie(app, world: World):
    client = app.test_client()
    login(client, world.b_officer.username)
    headers = bearer_for(world.a_officer)
    response = client.get(f"/api/v1/enterprises/{world.a_enterprise.id}", headers=headers)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_missing_malformed_and_unknown_tokens_are_401_json(app, world: World):
    client = app.test_client()
    for header in (
        None,
        "Bearer",
        "Basic YTpi",
        "Bearer jnjc_not-a-real-token",
        "Bearer " + "x" * 5000,
    ):
        headers = {"Authorization": header} if header else {}
        response = client.get("/api/v1/enterprises", headers=headers)
        assert response.status_code == 401, header
        assert set(response.json) == {"status", "message"}
        assert "令牌" in response.json["message"]


def test_a_disabled_account_s_tokens_stop_working(app, world: World):
    client = as_user(app, world.a_officer)
    assert client.get("/api/v1/enterprises").status_code == 200
    world.a_officer.active = False
    db.session.commit()
    assert client.get("/api/v1/enterprises").status_code == 401


def test_last_use_is_written_at_most_once_a_minute(app, world: World):
    headers = bearer_for(world.a_officer)
    client = app.test_client()
    token = db.session.scalar(select(ApiToken))

    client.get("/api/v1/enterprises", headers=headers)
    db.session.refresh(token)
    first = token.last_used_at
    client.get("/api/v1/enterprises", headers=headers)
    db.session.refresh(token)
    assert token.last_used_at == first

    token.last_used_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    client.get("/api/v1/enterprises", headers=headers)
    db.session.refresh(token)
    assert token.last_used_at > first - timedelta(seconds=1)
    assert utcnow() - token.last_used_at < timedelta(minutes=1)


def test_changes_are_audited_as_the_token_s_user_from_the_api(app, world: World):
    response = as_user(app, world.a_officer).patch(
        f"/api/v1/enterprises/{world.a_enterprise.id}", json={"products": "数据服务"}
    )
    assert response.status_code == 200
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "enterprises", AuditEntry.action == "update")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.source == "api"
    assert entry.actor_id == world.a_officer.id
    assert entry.changes["products"] == ["", "数据服务"]


def test_the_api_needs_no_csrf_token_but_pages_still_do(app, world: World):
    client = as_user(app, world.a_officer)
    page_client = app.test_client()
    login(page_client, world.a_officer.username)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.patch(
            f"/api/v1/enterprises/{world.a_enterprise.id}", json={"address": "南京市玄武区"}
        )
        assert response.status_code == 200
        assert page_client.post("/auth/profile/tokens", data={"name": "x"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_errors_under_the_api_are_json(app, world: World):
    client = as_user(app, world.a_officer)
    unknown = client.get("/api/v1/no-such-thing")
    assert unknown.status_code == 404 and unknown.json["status"] == 404
    wrong_method = client.open("PUT", "/api/v1/enterprises")
    assert wrong_method.status_code == 405 and wrong_method.json["status"] == 405
    assert set(wrong_method.headers["Allow"].split(", ")) >= {"GET", "POST"}
    page = client.open("PUT", "/")
    assert page.status_code == 405 and "GET" in page.headers["Allow"].split(", ")
    control = client.get("/api/v1/enterprises?q=a%00b")
    assert control.status_code == 400 and control.mimetype == "application/json"
