"""Queries and changes for organisations; flushes, never commits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core import access
from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind, User
from ..extensions import db
from . import reference, rules

DIVISION_CODE_MESSAGE = _l("行政区划代码应为 6 位数字，且位于上级机构的行政区划之内。")
DIVISION_CODE_MESSAGES = {
    "format": DIVISION_CODE_MESSAGE,
    "outside_parent": DIVISION_CODE_MESSAGE,
    "same_as_parent": _l("这是省级单位本身的代码，请填写所在市或县的行政区划代码。"),
}


def _check_division_code(code: str, parent: Organisation | None) -> None:
    problem = rules.division_code_problem(code, parent.division_code if parent else None)
    if problem:
        raise DomainError(DIVISION_CODE_MESSAGES[problem], field="division_code")


def ministry() -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.kind == OrgKind.MINISTRY))


def by_division_code(code: str, kind: OrgKind | None = None) -> Organisation | None:
    stmt = select(Organisation).where(Organisation.division_code == code)
    if kind is not None:
        stmt = stmt.where(Organisation.kind == kind)
    return db.session.scalars(stmt.order_by(Organisation.id)).first()


def provinces() -> list[Organisation]:
    """Every active provincial-level unit, in code order."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.PROVINCE, Organisation.is_active.is_(True))
            .order_by(Organisation.division_code)
        )
    )


def province_of(user: User) -> Organisation | None:
    """The provincial unit whose data the user works on (None for the ministry)."""
    org = user.organisation
    if org.kind == OrgKind.MINISTRY:
        return None
    return org if org.kind == OrgKind.PROVINCE else org.province


def _place(org: Organisation, parent: Organisation | None) -> None:
    org.parent = parent
    if parent is None:
        org.path = "/"
        org.province_id = None
    else:
        org.path = parent.subtree_prefix
        org.province_id = parent.province_org_id


def seed_national_units() -> int:
    """Create the ministry, the 32 provincial units and the 计划单列市 if missing; idempotent."""
    created = 0
    top = ministry()
    if top is None:
        top = Organisation(name=reference.MINISTRY_NAME, kind=OrgKind.MINISTRY)
        _place(top, None)
        db.session.add(top)
        db.session.flush()
        created += 1
    for code, name in reference.PROVINCIAL_UNITS:
        if by_division_code(code, OrgKind.PROVINCE) is None:
            org = Organisation(name=name, kind=OrgKind.PROVINCE, division_code=code)
            _place(org, top)
            db.session.add(org)
            created += 1
    db.session.flush()
    for code, name, province_code in reference.PLAN_CITIES:
        if by_division_code(code, OrgKind.PLAN_CITY) is None:
            org = Organisation(name=name, kind=OrgKind.PLAN_CITY, division_code=code)
            _place(org, by_division_code(province_code, OrgKind.PROVINCE))
            db.session.add(org)
            created += 1
    db.session.flush()
    return created


def create_agency(
    *,
    actor: User | None,
    parent: Organisation,
    name: str,
    kind: OrgKind,
    division_code: str,
    address: str | None = None,
    phone: str | None = None,
) -> Organisation:
    """A city or county supervision agency below ``parent`` (which the actor must see;
    ``actor=None`` is the command line)."""
    visible = (
        access.scoped(Organisation, actor).where(Organisation.id == parent.id) if actor else None
    )
    if visible is not None and db.session.scalar(visible) is None:
        raise DomainError(_l("上级机构不在您的权限范围内。"), field="parent_id")
    if not rules.may_nest(kind.value, parent.kind.value):
        raise DomainError(_l("该类型的机构不能设在所选上级机构之下。"), field="kind")
    _check_division_code(division_code, parent)
    if _name_taken(parent.id, name):
        raise DomainError(_l("同一上级机构下已有同名机构。"), field="name")
    org = Organisation(
        name=name, kind=kind, division_code=division_code, address=address, phone=phone
    )
    _place(org, parent)
    db.session.add(org)
    db.session.flush()
    return org


def update_organisation(org: Organisation, **fields) -> Organisation:
    if (
        "name" in fields
        and fields["name"] != org.name
        and _name_taken(org.parent_id, fields["name"])
    ):
        raise DomainError(_l("同一上级机构下已有同名机构。"), field="name")
    new_code = fields.get("division_code")
    if new_code and new_code != org.division_code and org.kind in (OrgKind.CITY, OrgKind.COUNTY):
        _check_division_code(new_code, org.parent)
        for child in org.children:
            if child.division_code and rules.division_code_problem(child.division_code, new_code):
                raise DomainError(
                    _l(
                        "下属机构“%(name)s”的行政区划代码 %(code)s 不在新代码之内，请先调整下属机构。",
                        name=child.name,
                        code=child.division_code,
                    ),
                    field="division_code",
                )
    for key, value in fields.items():
        setattr(org, key, value)
    db.session.flush()
    return org


def _name_taken(parent_id: int | None, name: str) -> bool:
    stmt = (
        select(func.count())
        .select_from(Organisation)
        .where(Organisation.parent_id == parent_id, Organisation.name == name)
    )
    return bool(db.session.scalar(stmt))


def subtree(org: Organisation):
    """Select of ``org`` and every organisation below it."""
    return select(Organisation).where(access.subtree_clause(org, Organisation.id))


def member_counts(org_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(User.organisation_id, func.count())
        .where(User.organisation_id.in_(org_ids), User.active.is_(True))
        .group_by(User.organisation_id)
    )
    return dict(rows.all())


def indented_choices(orgs: list[Organisation]) -> list[tuple[int, str]]:
    """(id, label) pairs in tree order, each label indented by its depth, for select boxes."""
    by_parent: dict[int | None, list[Organisation]] = {}
    ids = {o.id for o in orgs}
    for org in orgs:
        parent = org.parent_id if org.parent_id in ids else None
        by_parent.setdefault(parent, []).append(org)
    choices: list[tuple[int, str]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for org in sorted(
            by_parent.get(parent_id, []), key=lambda o: (o.division_code or "", o.name)
        ):
            choices.append((org.id, "\u3000" * depth + org.name))
            walk(org.id, depth + 1)

    walk(None, 0)
    return choices
