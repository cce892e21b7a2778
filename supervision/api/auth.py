"""Bearer-token authentication for the API: the token's user is the request's user, and the
login session is neither read nor written (so a session cookie alone is never enough)."""

from __future__ import annotations

from flask import g, request
from flask.sessions import SecureCookieSession, SessionInterface

from ..core import access
from ..core.types import utcnow
from ..extensions import db, login_manager
from . import service


def bearer_token() -> str | None:
    scheme, _sep, credential = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        return None
    return credential.strip()


def authenticate() -> None:
    """Set the request's user from its bearer token (anonymous without a valid one).

    Called by the single access hook (``core.access.enforce_access``) before the view's access
    rule is checked, and so before ``bind_audit_actor``, which then records the token's user
    with source "api".
    """
    user = None
    raw = bearer_token()
    token = service.token_for(raw) if raw else None
    if token is not None:
        user = token.user
        if service.mark_used(token, now=utcnow()):
            db.session.commit()
    # Flask-Login answers ``current_user`` from ``g._login_user`` once it is set: with it set
    # here, the session's user is never loaded for an API request.
    g._login_user = user if user is not None else login_manager.anonymous_user()


class SessionlessPrefix(SessionInterface):
    """The app's session interface, except under ``prefix``: there every request gets an empty
    session that is never saved (no cookie is read, set or refreshed)."""

    def __init__(self, inner: SessionInterface, prefix: str):
        self.inner = inner
        self.prefix = prefix

    def _exempt(self, req) -> bool:
        return req.path.startswith(self.prefix)

    def open_session(self, app, request):
        if self._exempt(request):
            return SecureCookieSession()
        return self.inner.open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if self._exempt(request):
            return
        self.inner.save_session(app, session, response)

    def is_null_session(self, obj) -> bool:
        return self.inner.is_null_session(obj)

    def make_null_session(self, app):
        return self.inner.make_null_session(app)


def install(state) -> None:
    """Blueprint setup: the API's requests are authenticated by token, without a session."""
    prefix = (state.url_prefix or state.blueprint.url_prefix or "").rstrip("/") + "/"
    app = state.app
    if not isinstance(app.session_interface, SessionlessPrefix):
        app.session_interface = SessionlessPrefix(app.session_interface, prefix)
    access.register_authenticator(state.blueprint.name, authenticate)
