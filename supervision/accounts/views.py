"""Account administration pages (system administrators, within their scope)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from ..core import access
from ..core.access import Permission, requires
from ..core.errors import DomainError
from ..core.forms import as_choices, run_service
from ..core.models import Organisation, Role, User, UserRole
from ..core.tables import contains_pattern, paginate
from ..core.types import utcnow
from ..extensions import db
from ..organisations.service import indented_choices
from . import bp, service
from .forms import ActiveForm, PasswordResetForm, UserForm

SORT_COLUMNS = {
    "username": User.username,
    "full_name": User.full_name,
    "organisation": Organisation.division_code,
    "created_at": User.created_at,
    "last_login_at": User.last_login_at,
}


@bp.get("/")
@requires(Permission.MANAGE_ACCOUNTS)
def index():
    """Accounts in the administrator's scope, searchable and filterable by role and status."""
    stmt = access.scoped(User).join(User.organisation)
    q = request.args.get("q", "").strip()
    if q:
        like = contains_pattern(q)
        stmt = stmt.where(
            or_(User.username.ilike(like, escape="\\"), User.full_name.ilike(like, escape="\\"))
        )
    role = request.args.get("role")
    if role in Role._value2member_map_:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    status = request.args.get("status", "active")
    if status in ("active", "disabled"):
        stmt = stmt.where(User.active.is_(status == "active"))
    pagination, sort = paginate(stmt, SORT_COLUMNS, "username", tiebreak=User.id)
    return render_template(
        "accounts/index.html",
        pagination=pagination,
        sort=sort,
        q=q,
        role=role,
        status=status,
        roles=list(Role),
        active_form=ActiveForm(),
    )


def _organisation_choices():
    orgs = db.session.scalars(access.scoped(Organisation).where(Organisation.is_active.is_(True)))
    return as_choices(indented_choices(list(orgs)))


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ACCOUNTS)
def new():
    form = UserForm()
    form.organisation_id.choices = _organisation_choices()
    if form.validate_on_submit():
        user = run_service(
            form,
            lambda: service.create_user(
                actor=current_user,
                username=form.username.data,
                full_name=form.full_name.data,
                organisation=access.get_or_404(Organisation, form.organisation_id.data),
                roles={Role(r) for r in form.roles.data},
                password=form.password.data or "",
                email=form.email.data,
                phone=form.phone.data,
                certificate_number=form.certificate_number.data,
                certificate_expires_on=form.certificate_expires_on.data,
                now=utcnow(),
            ),
        )
        if user is not None:
            flash(_("已创建账号 %(u)s。", u=user.username), "success")
            return redirect(url_for(".index"))
    return render_template("accounts/form.html", form=form, user=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_ACCOUNTS)
def edit(user_id: int):
    user = access.get_or_404(User, user_id)
    form = UserForm(obj=user)
    del form.password
    form.username.render_kw = {"readonly": True}
    form.organisation_id.choices = _organisation_choices()
    if request.method == "GET":
        form.roles.data = [r.value for r in user.roles]
    if form.validate_on_submit():
        saved = run_service(
            form,
            lambda: service.update_user(
                user,
                actor=current_user,
                organisation=access.get_or_404(Organisation, form.organisation_id.data),
                roles={Role(r) for r in form.roles.data},
                full_name=form.full_name.data,
                email=form.email.data,
                phone=form.phone.data,
                certificate_number=form.certificate_number.data,
                certificate_expires_on=form.certificate_expires_on.data,
            ),
        )
        if saved is not None:
            flash(_("已保存 %(u)s 的账号信息。", u=user.username), "success")
            return redirect(url_for(".index"))
    return render_template("accounts/form.html", form=form, user=user)


@bp.post("/<int:user_id>/active")
@requires(Permission.MANAGE_ACCOUNTS)
def set_active(user_id: int):
    """Disable (ends the user's sessions) or re-enable an account."""
    user = access.get_or_404(User, user_id)
    form = ActiveForm()
    if form.validate_on_submit():
        enable = request.form.get("active") == "1"
        try:
            service.set_active(user, enable, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(
                _("已启用 %(u)s。", u=user.username)
                if enable
                else _("已停用 %(u)s。", u=user.username),
                "success",
            )
    return redirect(request.referrer or url_for(".index"))


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@requires(Permission.MANAGE_ACCOUNTS)
def reset_password(user_id: int):
    user = access.get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        if run_service(form, lambda: service.set_password(user, form.password.data, now=utcnow())):
            flash(_("已重置 %(u)s 的密码，其已登录的会话均已退出。", u=user.username), "success")
            return redirect(url_for(".index"))
    return render_template("accounts/password.html", form=form, user=user)
