"""HTTP security headers and the per-request audit actor."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from . import audit
from .errors import InvalidInput

#: No inline scripts or styles anywhere: every script and stylesheet is a file under /static.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def reject_control_characters():
    """NUL and other C0 control characters (but tab and line breaks) are never legitimate
    text; PostgreSQL refuses NUL outright. Refuse such input before any view sees it (400,
    in JSON under the API, which documents it for every operation)."""
    for values in (request.args, request.form):
        for value in values.values():
            if any(ord(c) < 32 and c not in "\t\r\n" for c in value):
                raise InvalidInput(_("输入中含有不允许的控制字符，请检查后重新提交。"))
    return None


def bind_audit_actor():
    """Attribute this request's changes to the logged-in user and the client address."""
    ip = request.remote_addr
    source = "api" if request.blueprint == "api" else "web"
    if current_user.is_authenticated:
        actor = audit.Actor.for_user(current_user, ip=ip, source=source)
    else:
        actor = audit.Actor(None, "anonymous", ip=ip, source=source)
    audit.set_actor(actor)


def reset_audit_actor(exc=None):
    audit.set_actor(audit.SYSTEM)


def init_app(app) -> None:
    app.before_request(reject_control_characters)
    app.before_request(bind_audit_actor)
    app.after_request(set_security_headers)
    app.teardown_request(reset_audit_actor)
