"""Account operations: create, update, disable, passwords. Flushes, never commits."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..core import access, audit
from ..core.errors import DomainError
from ..core.models import Organisation, Role, User, UserRole
from ..extensions import db
from . import rules

#: A hash of nothing in particular: checking a password against it costs as much as a real
#: check, so a wrong username takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(8), method="pbkdf2:sha256:1000")


def password_messages(password: str, username: str = "") -> list[str]:
    """The password policy's complaints about ``password``, in the user's language."""
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    texts = {
        "too_short": _("密码至少需要 %(n)s 个字符。", n=min_length),
        "too_simple": _("密码须包含字母、数字、符号中的至少两类。"),
        "contains_username": _("密码不能包含用户名。"),
    }
    codes = rules.password_problems(password, min_length=min_length, username=username)
    return [texts[c] for c in codes]


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def by_username(username: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.username == rules.normalise_username(username))
    )


def authenticate(username: str, password: str, *, now: datetime) -> User | None:
    """The active user with these credentials, or None. Records the login time."""
    user = by_username(username)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = now
    db.session.flush()
    return user


def check_roles(roles: set[Role], organisation: Organisation) -> None:
    if not roles:
        raise DomainError(_l("请至少选择一个角色。"), field="roles")
    for role in roles:
        if organisation.kind not in access.ROLE_ORG_KINDS[role]:
            raise DomainError(
                _l(
                    "“%(role)s”角色不能授予“%(org)s”的用户。",
                    role=role.label,
                    org=organisation.name,
                ),
                field="roles",
            )


def _check_assignable(actor: User | None, organisation: Organisation, roles: set[Role]) -> None:
    """An administrator gives accounts only within his subtree, and ministry roles only
    from the ministry."""
    if actor is None:  # command line: the operator of the machine
        return
    visible = access.scoped(Organisation, actor).where(Organisation.id == organisation.id)
    if db.session.scalar(visible) is None:
        raise DomainError(_l("所选机构不在您的权限范围内。"), field="organisation_id")


def create_user(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    organisation: Organisation,
    roles: set[Role],
    password: str,
    email: str | None = None,
    phone: str | None = None,
    certificate_number: str | None = None,
    certificate_expires_on: date | None = None,
    now: datetime,
) -> User:
    username = rules.normalise_username(username)
    if not rules.is_valid_username(username):
        raise DomainError(
            _l("用户名为 3–64 个字符，只能包含小写字母、数字、点、下划线和连字符。"),
            field="username",
        )
    if by_username(username) is not None:
        raise DomainError(_l("用户名“%(u)s”已被使用。", u=username), field="username")
    problems = password_messages(password, username)
    if problems:
        raise DomainError(" ".join(problems), field="password")
    check_roles(roles, organisation)
    _check_assignable(actor, organisation, roles)
    if Role.INSPECTOR in roles and not certificate_number:
        raise DomainError(_l("监察人员须填写行政执法证号。"), field="certificate_number")
    user = User(
        username=username,
        full_name=full_name.strip(),
        organisation=organisation,
        password_hash=hash_password(password),
        email=email or None,
        phone=phone or None,
        certificate_number=certificate_number or None,
        certificate_expires_on=certificate_expires_on,
        password_changed_at=now,
    )
    user.role_rows = [UserRole(role=r) for r in sorted(roles)]
    db.session.add(user)
    db.session.flush()
    return user


def update_user(
    user: User,
    *,
    actor: User | None,
    organisation: Organisation,
    roles: set[Role],
    **fields,
) -> User:
    check_roles(roles, organisation)
    _check_assignable(actor, organisation, roles)
    if Role.INSPECTOR in roles and not (
        fields.get("certificate_number") or user.certificate_number
    ):
        raise DomainError(_l("监察人员须填写行政执法证号。"), field="certificate_number")
    if actor is not None and actor.id == user.id and Role.SYSADMIN not in roles:
        raise DomainError(_l("不能撤销自己的系统管理员角色。"), field="roles")
    for key, value in fields.items():
        setattr(user, key, value or None if isinstance(value, str) else value)
    user.organisation = organisation
    _set_roles(user, roles)
    db.session.flush()
    return user


def _set_roles(user: User, roles: set[Role]) -> None:
    current = user.roles
    if current == roles:
        return
    user.role_rows = [r for r in user.role_rows if r.role in roles] + [
        UserRole(role=r) for r in sorted(roles - current)
    ]
    audit.record(
        db.session,
        action="roles",
        entity="users",
        entity_id=str(user.id),
        label=user.audit_label,
        scope_org_id=user.organisation_id,
        changes={"roles": (sorted(current), sorted(roles))},
    )


def end_sessions(user: User) -> None:
    """Invalidate every login session of ``user`` (sessions carry the token)."""
    user.session_token = secrets.token_hex(16)
    db.session.flush()


def set_active(user: User, active: bool, *, actor: User | None) -> User:
    if actor is not None and actor.id == user.id and not active:
        raise DomainError(_l("不能停用自己的账号。"))
    user.active = active
    if not active:
        user.session_token = secrets.token_hex(16)  # ends every open session
    db.session.flush()
    return user


def set_password(user: User, password: str, *, now: datetime) -> User:
    problems = password_messages(password, user.username)
    if problems:
        raise DomainError(" ".join(problems), field="password")
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    user.session_token = secrets.token_hex(16)  # other sessions must log in again
    db.session.flush()
    return user


def change_own_password(user: User, current: str, new: str, *, now: datetime) -> User:
    if not check_password_hash(user.password_hash, current):
        raise DomainError(_l("当前密码不正确。"), field="current_password")
    return set_password(user, new, now=now)


def count_active_by_role(stmt_scope_user: User) -> dict[Role, int]:
    stmt = (
        select(UserRole.role, func.count())
        .join(User, User.id == UserRole.user_id)
        .where(User.active.is_(True))
        .group_by(UserRole.role)
    )
    clause = access.scope_clause(User, stmt_scope_user)
    if clause is not None:
        stmt = stmt.where(clause)
    return dict(db.session.execute(stmt).all())
