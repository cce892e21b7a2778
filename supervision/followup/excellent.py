"""Excellent cases (节能监察优秀案例, seed 004 §三(二)): a province nominates a finished case with
a write-up; the ministry selects or declines it and publishes the selected ones. Every change
takes the actor and the time, flushes and never commits."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

from ..core import access
from ..core.access import Permission
from ..core.errors import DomainError
from ..core.models import Organisation, User
from ..core.versions import require_version
from ..disclosure import rules as disclosure_rules
from ..extensions import db
from ..inspections.models import InspectionCase
from ..rectification.history import supervision_year
from . import rules
from .models import ExcellentCase, ExcellentStatus
from .service import NOT_ALLOWED, SAVINGS_PROBLEMS, may_follow_up

NOMINATION_PROBLEMS = {
    "case_open": _l("只有已办结或已转入整改的案件可以推荐为优秀案例。"),
    "title_missing": _l("请填写案例标题。"),
    "title_long": _l("案例标题不能超过 %(n)s 个字。", n=rules.MAX_TITLE),
    "write_up_short": _l("案例材料不少于 %(n)s 字（不计空白）。", n=rules.MIN_WRITE_UP),
    "write_up_long": _l("案例材料不能超过 %(n)s 字。", n=rules.MAX_WRITE_UP),
    **{f"savings_{key}": message for key, message in SAVINGS_PROBLEMS.items()},
}
DECISION_PROBLEMS = {
    "published": _l("已发布的案例不能再改变评选结果。"),
    "note_missing": _l("不予入选的，请填写评选意见。"),
}
PUBLISH_PROBLEMS = {
    "already_published": _l("该案例已经发布。"),
    "not_selected": _l("只有已入选的案例可以发布。"),
}
NOT_EDITABLE = _l("案例已入选或已发布，不能再修改。")


def may_decide(user: User) -> bool:
    return access.can(user, Permission.SELECT_EXCELLENT_CASES)


def nomination_of(case: InspectionCase) -> ExcellentCase | None:
    return db.session.scalar(select(ExcellentCase).where(ExcellentCase.case_id == case.id))


def _people(case: InspectionCase, *users: User | None) -> list[str]:
    """Names and phone numbers that must not appear in a text made for the public: the
    case's inspectors, the officers involved, the enterprise's representative and manager."""
    enterprise = case.enterprise
    people = [
        enterprise.legal_representative,
        enterprise.legal_representative_phone,
        enterprise.energy_manager,
        enterprise.energy_manager_phone,
    ]
    for user in [*case.inspectors, *users]:
        if user is not None:
            people += [user.full_name, user.phone or ""]
    return [p for p in people if p]


def _check_personal_data(
    title: str, write_up: str, case: InspectionCase, *users: User | None
) -> None:
    names = _people(case, *users)
    for name, label, text in (
        ("title", _l("案例标题"), title),
        ("write_up", _l("案例材料"), write_up),
    ):
        found = disclosure_rules.personal_data_in(text, names)
        if found:
            raise DomainError(
                _l(
                    "%(field)s含有个人信息（%(found)s）：案例将向社会公布，不得包含监察人员或企业人员的姓名、电话、身份证号，请删除后再保存。",
                    field=label,
                    found="、".join(found),
                ),
                name,
            )


def _apply(
    item: ExcellentCase,
    case: InspectionCase,
    *,
    title: str,
    write_up: str,
    savings_tce: Decimal | None,
    actor: User,
) -> None:
    problem = rules.nomination_problem(case.status.value, title, write_up, savings_tce)
    if problem:
        key, name = problem
        raise DomainError(NOMINATION_PROBLEMS[key], field=name)
    title, write_up = " ".join(title.split()), write_up.strip()
    # Checked before the first change: loading the people could autoflush half a step.
    _check_personal_data(title, write_up, case, actor)
    item.title = title
    item.write_up = write_up
    item.savings_tce = rules.savings(savings_tce)


def nominate(
    case: InspectionCase,
    *,
    title: str,
    write_up: str,
    savings_tce: Decimal | None,
    actor: User,
    now: datetime,
) -> ExcellentCase:
    """Nominate ``case`` (closed or in rectification; once per case) with its write-up."""
    if not may_follow_up(case, actor):
        raise DomainError(NOT_ALLOWED)
    if nomination_of(case) is not None:
        raise DomainError(_l("该案件已推荐为优秀案例，请在原推荐上修改。"))
    item = ExcellentCase(
        case_id=case.id,
        province_id=case.province_id,
        agency_id=case.agency_id,
        year=supervision_year(case),
        status=ExcellentStatus.NOMINATED,
        nominated_by_id=actor.id,
        nominated_at=now,
        decision_note="",
    )
    _apply(item, case, title=title, write_up=write_up, savings_tce=savings_tce, actor=actor)
    db.session.add(item)
    db.session.flush()
    return item


def update_nomination(
    item: ExcellentCase,
    *,
    version: int | None,
    title: str,
    write_up: str,
    savings_tce: Decimal | None,
    actor: User,
    now: datetime,
) -> ExcellentCase:
    """Change the nomination's texts before the ministry selects it; a declined one is
    nominated again (the ministry's earlier note stays until it decides anew)."""
    case = item.case
    if not may_follow_up(case, actor):
        raise DomainError(NOT_ALLOWED)
    require_version(item, version)
    if not rules.nomination_editable(item.status.value):
        raise DomainError(NOT_EDITABLE)
    _apply(item, case, title=title, write_up=write_up, savings_tce=savings_tce, actor=actor)
    if item.status == ExcellentStatus.DECLINED:
        item.status = ExcellentStatus.NOMINATED
        item.nominated_at = now
    db.session.flush()
    return item


def decide(
    item: ExcellentCase,
    *,
    select_it: bool,
    note: str,
    version: int | None,
    actor: User,
    now: datetime,
) -> ExcellentCase:
    """The ministry selects the case (入选) or declines it with a note; until it is published
    the decision may be changed."""
    if not may_decide(actor):
        raise DomainError(_l("只有工业和信息化部可以评选优秀案例。"))
    require_version(item, version)
    problem = rules.decision_problem(item.status.value, select_it, note)
    if problem:
        key, name = problem
        raise DomainError(DECISION_PROBLEMS[key], field=name)
    actor_id = actor.id  # read before the first change: no autoflush mid-step
    item.status = ExcellentStatus(rules.decided_status(select_it))
    item.decision_note = (note or "").strip()
    item.decided_by_id = actor_id
    item.decided_at = now
    db.session.flush()
    return item


def publish(item: ExcellentCase, *, version: int | None, actor: User, today: date) -> None:
    """Put a selected case on the public pages today (the texts are checked once more for
    personal data: a name may have been added to the case since)."""
    if not may_decide(actor):
        raise DomainError(_l("只有工业和信息化部可以发布优秀案例。"))
    require_version(item, version)
    problem = rules.publish_problem(item.status.value)
    if problem:
        raise DomainError(PUBLISH_PROBLEMS[problem])
    nominator = db.session.get(User, item.nominated_by_id) if item.nominated_by_id else None
    _check_personal_data(item.title, item.write_up, item.case, nominator, actor)
    item.status = ExcellentStatus.PUBLISHED
    item.published_on = today
    db.session.flush()


# -- lists ----------------------------------------------------------------------------------------


def nominations_query(
    user: User, *, year: int | None = None, status: str = "", province_id: int | None = None
) -> Select:
    """The nominations ``user`` may see (a province its own; the ministry all), filtered."""
    stmt = (
        access.scoped(ExcellentCase, user)
        .join(Organisation, Organisation.id == ExcellentCase.province_id)
        .options(contains_eager(ExcellentCase.province))
    )
    if year is not None:
        stmt = stmt.where(ExcellentCase.year == year)
    if status in ExcellentStatus._value2member_map_:
        stmt = stmt.where(ExcellentCase.status == ExcellentStatus(status))
    if province_id is not None:
        stmt = stmt.where(ExcellentCase.province_id == province_id)
    return stmt


def nomination_years(user: User) -> list[int]:
    stmt = access.scoped(select(ExcellentCase.year), user).distinct()
    return sorted(db.session.scalars(stmt), reverse=True)


def public_query(*, year: int | None = None) -> Select:
    """Published cases only, newest first (no user: the public pages)."""
    stmt = (
        select(ExcellentCase)
        .join(Organisation, Organisation.id == ExcellentCase.province_id)
        .options(contains_eager(ExcellentCase.province))
        .where(ExcellentCase.status == ExcellentStatus.PUBLISHED)
    )
    if year is not None:
        stmt = stmt.where(ExcellentCase.year == year)
    return stmt.order_by(ExcellentCase.published_on.desc(), ExcellentCase.id.desc())


def public_years() -> list[int]:
    stmt = (
        select(ExcellentCase.year)
        .where(ExcellentCase.status == ExcellentStatus.PUBLISHED)
        .distinct()
    )
    return sorted(db.session.scalars(stmt), reverse=True)


def published_or_none(excellent_id: int) -> ExcellentCase | None:
    item = db.session.get(ExcellentCase, excellent_id)
    return item if item is not None and rules.is_public(item.status.value) else None
