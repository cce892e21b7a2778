"""The expert pool (专家名单): experts with their title, speciality and employer, the relations
and interests they declared, and the login each scores with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core import access
from ..core.access import Permission
from ..core.errors import DomainError
from ..core.models import Role, User, UserRole
from ..core.versions import require_version
from ..extensions import db
from .models import (
    CommitteeMember,
    Expert,
    ExpertDeclaration,
    RelationKind,
    Review,
    Speciality,
    TitleLevel,
)
from .rules.committee import QUALIFIED_TITLES, ExpertProfile

NOT_ALLOWED = _l("只有部级业务人员可以维护专家名单。")
TITLE_TOO_LOW = _l("评审委员须具有副高以上职称：中级及以下职称的专家不能列入专家名单。")


@dataclass
class ExpertData:
    """An expert as entered in the form."""

    name: str
    title: str
    title_level: str
    speciality: str
    employer: str
    phone: str = ""
    email: str = ""
    recommended_by: str = ""
    active: bool = True
    #: The expert's login (a user with the expert role), or None.
    user_id: int | None = None


def _require_manager(actor) -> None:
    if actor is not None and not access.can(actor, Permission.MANAGE_REVIEWS):
        raise DomainError(NOT_ALLOWED)


def _clean(data: ExpertData, expert: Expert | None) -> dict:
    name = (data.name or "").strip()
    if not name:
        raise DomainError(_l("请填写专家姓名。"), "name")
    if not (data.title or "").strip():
        raise DomainError(_l("请填写职称，例如“教授级高级工程师”。"), "title")
    if data.title_level not in TitleLevel._value2member_map_:
        raise DomainError(_l("请选择职称级别。"), "title_level")
    if data.title_level not in QUALIFIED_TITLES:
        raise DomainError(TITLE_TOO_LOW, "title_level")
    if data.speciality not in Speciality._value2member_map_:
        raise DomainError(_l("请选择专业类别（技术、经济或财务）。"), "speciality")
    if not (data.employer or "").strip():
        raise DomainError(_l("请填写工作单位（用于判断回避）。"), "employer")
    if data.user_id is not None:
        _check_account(data.user_id, expert)
    return {
        "name": name,
        "title": data.title.strip(),
        "title_level": TitleLevel(data.title_level),
        "speciality": Speciality(data.speciality),
        "employer": data.employer.strip(),
        "phone": (data.phone or "").strip(),
        "email": (data.email or "").strip(),
        "recommended_by": (data.recommended_by or "").strip(),
        "active": bool(data.active),
        "user_id": data.user_id,
    }


def _check_account(user_id: int, expert: Expert | None) -> None:
    """The login must be an expert's account, and nobody else's in the pool."""
    user = db.session.get(User, user_id)
    if user is None or Role.EXPERT not in user.roles:
        raise DomainError(_l("登录账号须为“评审专家”角色的用户。"), "user_id")
    other = db.session.scalar(
        select(Expert).where(Expert.user_id == user_id, Expert.id != (expert.id if expert else -1))
    )
    if other is not None:
        raise DomainError(
            _l("该账号已关联专家“%(name)s”。", name=other.name),
            "user_id",
        )


def create_expert(data: ExpertData, *, actor, now: datetime) -> Expert:
    """Put an expert on the list (副高 or above only)."""
    _require_manager(actor)
    expert = Expert(**_clean(data, None), created_at=now)
    db.session.add(expert)
    db.session.flush()
    return expert


def update_expert(
    expert: Expert, data: ExpertData, *, version: int | None, actor, now: datetime
) -> Expert:
    """Edit an expert (taking him off the list keeps him on past committees)."""
    _require_manager(actor)
    require_version(expert, version)
    for key, value in _clean(data, expert).items():
        setattr(expert, key, value)
    db.session.flush()
    return expert


def add_declaration(
    expert: Expert,
    *,
    kind: str,
    party: str,
    detail: str = "",
    declared_on: date,
    actor,
) -> ExpertDeclaration:
    """Record a relation or interest the expert declared (with whom, on what ground)."""
    _require_manager(actor)
    if kind not in RelationKind._value2member_map_:
        raise DomainError(_l("请选择申报情形。"), "kind")
    party = (party or "").strip()
    if not party:
        raise DomainError(
            _l("请填写相关单位的名称（与申请单位、征集人或部门的名称一致）。"), "party"
        )
    declaration = ExpertDeclaration(
        kind=RelationKind(kind),
        party=party,
        detail=(detail or "").strip(),
        declared_on=declared_on,
    )
    expert.declarations.append(declaration)
    db.session.flush()
    return declaration


def remove_declaration(expert: Expert, declaration_id: int, *, actor) -> ExpertDeclaration:
    """Withdraw a declaration entered by mistake (drawn committees keep their snapshot)."""
    _require_manager(actor)
    declaration = next((d for d in expert.declarations if d.id == declaration_id), None)
    if declaration is None:
        raise DomainError(_l("未找到该申报记录。"))
    expert.declarations.remove(declaration)
    db.session.flush()
    return declaration


# -- reading ------------------------------------------------------------------------------------


def experts(*, user, active_only: bool = False) -> list[Expert]:
    """The pool ``user`` may see, by name (declarations loaded)."""
    stmt = access.scoped(Expert, user).options(selectinload(Expert.declarations))
    if active_only:
        stmt = stmt.where(Expert.active.is_(True))
    return list(db.session.scalars(stmt.order_by(Expert.name, Expert.id)))


def active_pool() -> list[Expert]:
    """Every expert on the list (the pool of a draw), by id, declarations loaded."""
    return list(
        db.session.scalars(
            select(Expert)
            .where(Expert.active.is_(True))
            .options(selectinload(Expert.declarations))
            .order_by(Expert.id)
        )
    )


def pool_counts() -> dict[str, int]:
    """Experts on the list: in all and by speciality."""
    rows = db.session.execute(
        select(Expert.speciality, func.count())
        .where(Expert.active.is_(True))
        .group_by(Expert.speciality)
    ).all()
    counts = {Speciality(s).value: n for s, n in rows}
    counts["total"] = sum(n for _s, n in rows)
    return counts


def profile_of(expert: Expert) -> ExpertProfile:
    """What the draw needs of ``expert``."""
    return ExpertProfile(
        id=expert.id,
        name=expert.name,
        title_level=expert.title_level.value,
        speciality=expert.speciality.value,
        employer=expert.employer,
        declarations=tuple((d.kind.value, d.party) for d in expert.declarations),
        active=expert.active,
    )


def expert_accounts() -> list[User]:
    """Active accounts with the expert role (to link an expert to his login)."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.EXPERT, User.active.is_(True))
            .order_by(User.full_name, User.username)
        )
    )


def committee_places(expert: Expert) -> list[tuple[CommitteeMember, Review]]:
    """The committees the expert was drawn onto (newest review first)."""
    return [
        (row[0], row[1])
        for row in db.session.execute(
            select(CommitteeMember, Review)
            .join(Review, Review.id == CommitteeMember.review_id)
            .where(CommitteeMember.expert_id == expert.id)
            .order_by(Review.meets_on.desc(), Review.id.desc())
        )
    ]
