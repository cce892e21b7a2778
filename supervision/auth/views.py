"""Login (throttled per account), logout, language switch, profile and own password."""

from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from limits import RateLimitItem
from limits import parse as parse_limit

from ..accounts import rules as account_rules
from ..accounts import service as accounts
from ..api import service as api_tokens
from ..core.access import public, requires
from ..core.forms import run_service
from ..core.models import User
from ..core.types import utcnow
from ..extensions import db, limiter, login_manager
from . import bp
from .forms import ApiTokenForm, LanguageForm, LoginForm, PasswordChangeForm, RevokeTokenForm

login_manager.login_view = "auth.login"
login_manager.login_message = None
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions carry "id:token"; a changed token (password reset, disabling) ends them."""
    user_id, _sep, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_token != token or not user.active:
        return None
    return user


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a login to another host."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


def _referrer_path() -> str | None:
    if not request.referrer:
        return None
    parts = urlsplit(request.referrer)
    if parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _login_limits(username: str) -> list[tuple[RateLimitItem, str]]:
    """The failed-login limits an attempt counts against: its account's and its address's."""
    account = account_rules.normalise_username(username)
    return [
        (parse_limit(current_app.config["LOGIN_FAILURE_LIMIT"]), f"login:{account}"),
        (
            parse_limit(current_app.config["LOGIN_ADDRESS_LIMIT"]),
            f"login-from:{request.remote_addr}",
        ),
    ]


def _count_attempt(username: str) -> list[tuple[RateLimitItem, str]]:
    """Count a login attempt against its limits before its password is checked (429 when one
    is used up), and return what was counted.

    The count is one atomic increment in the limiter's store (memory, or Redis shared by
    every worker). Counting only after a failure, as ``deduct_when`` does, would let a burst
    of parallel guesses all pass the check before the first of them is counted.
    """
    counted: list[tuple[RateLimitItem, str]] = []
    if not limiter.enabled:
        return counted
    for limit, key in _login_limits(username):
        counted.append((limit, key))
        if not limiter.limiter.hit(limit, key):
            _uncount(counted)  # a refused attempt is not a failed login
            abort(429)
    return counted


def _uncount(counted: list[tuple[RateLimitItem, str]]) -> None:
    """Give an attempt's counts back: only failed logins use up a limit."""
    for limit, key in counted:
        limiter.limiter.storage.incr(limit.key_for(key), limit.get_expiry(), amount=-1)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        counted = _count_attempt(form.username.data)
        user = accounts.authenticate(form.username.data, form.password.data, now=utcnow())
        if user is None:
            form.form_errors.append(_("用户名或密码不正确，或账号已停用。"))
        else:
            _uncount(counted)
            db.session.commit()
            session.clear()  # a fresh session on login: no fixation
            login_user(user)
            session.permanent = True
            return redirect(_safe_next(form.next.data))
    return render_template("auth/login.html", form=form)


@bp.errorhandler(429)
def throttled(error):
    """Too many failed logins: say so on the login page itself."""
    form = LoginForm()
    window = parse_limit(current_app.config["LOGIN_FAILURE_LIMIT"]).get_expiry() // 60
    form.form_errors.append(
        _(
            "登录失败次数过多，该账号已暂时锁定，请 %(n)s 分钟后再试。如忘记密码，请联系系统管理员。",
            n=window,
        )
    )
    return render_template("auth/login.html", form=form), 429


@bp.post("/logout")
@requires()
def logout():
    """End this session, and with a new session token every copy of it (a stolen or
    copied cookie stops working too)."""
    accounts.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("您已安全退出。"), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
@public
def language():
    """Switch the interface language (kept on the account, or in the session before login)."""
    form = LanguageForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
        session["locale"] = form.locale.data
    return redirect(_safe_next(form.next.data or _referrer_path()))


@bp.route("/profile", methods=["GET", "POST"])
@requires()
def profile():
    """One's own account and password change."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        changed = run_service(
            form,
            lambda: accounts.change_own_password(
                current_user, form.current_password.data, form.password.data, now=utcnow()
            ),
        )
        if changed is not None:
            login_user(current_user)  # the token changed: keep this session, end the others
            flash(_("密码已修改，其他已登录的会话已退出。"), "success")
            return redirect(url_for(".profile"))
    return _profile_page(form=form)


def _profile_page(*, form=None, token_form=None, new_token: str | None = None):
    response = make_response(
        render_template(
            "auth/profile.html",
            form=form or PasswordChangeForm(formdata=None),
            token_form=token_form or ApiTokenForm(formdata=None),
            revoke_form=RevokeTokenForm(formdata=None),
            tokens=api_tokens.active_tokens(current_user),
            new_token=new_token,
        )
    )
    if new_token:
        # The token is in this page only: keep it out of every cache.
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/profile/tokens")
@requires()
def create_token():
    """A new API token for oneself, shown on the answer page once and never again."""
    token_form = ApiTokenForm()
    if token_form.validate_on_submit():
        created = run_service(
            token_form,
            lambda: api_tokens.create_token(current_user, token_form.name.data, now=utcnow()),
        )
        if created is not None:
            _token, raw = created
            return _profile_page(new_token=raw)
    return _profile_page(token_form=token_form)


@bp.post("/profile/tokens/<int:token_id>/revoke")
@requires()
def revoke_token(token_id: int):
    """Revoke one of one's own tokens: programs using it are refused from now on."""
    token = api_tokens.own_token(current_user, token_id) or abort(404)
    if RevokeTokenForm().validate_on_submit():
        api_tokens.revoke_token(token, now=utcnow())
        db.session.commit()
        flash(_("令牌“%(name)s”已吊销。", name=token.name), "success")
    return redirect(url_for(".profile"))
