"""Figures for the home pages; one query function per figure."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from ..core import access
from ..core.models import Organisation, OrgKind, Role, User, UserRole
from ..extensions import db


def province_overview() -> list[dict]:
    """Per provincial unit: agencies below it, active inspectors, active accounts."""
    member = aliased(Organisation)
    provinces = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.PROVINCE)
            .order_by(Organisation.division_code)
        )
    )
    agencies = dict(
        db.session.execute(
            select(Organisation.province_id, func.count())
            .where(Organisation.kind.in_([OrgKind.CITY, OrgKind.COUNTY]))
            .group_by(Organisation.province_id)
        ).all()
    )
    province_of_member = func.coalesce(member.province_id, member.id)
    users = dict(
        db.session.execute(
            select(province_of_member, func.count(func.distinct(User.id)))
            .join(member, member.id == User.organisation_id)
            .where(User.active.is_(True), member.kind != OrgKind.MINISTRY)
            .group_by(province_of_member)
        ).all()
    )
    inspectors = dict(
        db.session.execute(
            select(province_of_member, func.count(func.distinct(User.id)))
            .join(member, member.id == User.organisation_id)
            .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == Role.INSPECTOR))
            .where(User.active.is_(True), member.kind != OrgKind.MINISTRY)
            .group_by(province_of_member)
        ).all()
    )
    return [
        {
            "org": p,
            "agencies": agencies.get(p.id, 0),
            "inspectors": inspectors.get(p.id, 0),
            "users": users.get(p.id, 0),
        }
        for p in provinces
    ]


def agencies_of(user: User) -> list[tuple[Organisation, int]]:
    """The agencies in the user's scope with their active inspector counts."""
    orgs = list(
        db.session.scalars(
            access.scoped(Organisation, user)
            .where(Organisation.kind.in_([OrgKind.CITY, OrgKind.COUNTY, OrgKind.PLAN_CITY]))
            .order_by(Organisation.division_code)
        )
    )
    counts = dict(
        db.session.execute(
            select(User.organisation_id, func.count())
            .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == Role.INSPECTOR))
            .where(User.active.is_(True), User.organisation_id.in_([o.id for o in orgs]))
            .group_by(User.organisation_id)
        ).all()
    )
    return [(o, counts.get(o.id, 0)) for o in orgs]


def certificates_due(user: User, today: date, within_days: int = 60) -> list[User]:
    """Active inspectors in scope whose certificate expires within ``within_days`` or has."""
    limit = today + timedelta(days=within_days)
    stmt = (
        access.scoped(User, user)
        .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == Role.INSPECTOR))
        .where(User.active.is_(True))
        .where((User.certificate_expires_on.is_(None)) | (User.certificate_expires_on <= limit))
        .order_by(User.certificate_expires_on.nulls_first(), User.username)
    )
    return list(db.session.scalars(stmt))


def reviews_of_expert(user: User) -> list:
    """The reviews an expert sits on, latest meeting first (his scope shows only those)."""
    from ..reviews.models import Review

    return list(db.session.scalars(access.scoped(Review, user).order_by(Review.meets_on.desc())))
