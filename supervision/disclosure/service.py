"""Preparing, publishing, annotating and withdrawing entries of the public violator list.

Every change takes the acting user and the time as arguments, flushes and never commits; the
public queries live in ``public.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from ..core import access
from ..core.errors import DomainError
from ..core.models import OrgKind, Role, User
from ..core.tables import contains_pattern
from ..enterprises import rules as enterprise_rules
from ..enterprises.models import Enterprise
from ..extensions import db
from ..rectification.models import HandlingDecision, RectificationNotice
from . import rules
from .models import Publication, PublicationStatus

PUBLISH_PROBLEMS = {
    "not_draft": _l("只有待发布的条目可以发布。"),
    "no_violation": _l("请先填写违规事实，再发布。"),
}
RECTIFIED_PROBLEMS = {
    "not_published": _l("只有已公布的条目可以标注已整改。"),
    "missing": _l("请填写整改完成日期。"),
    "before_publication": _l("整改完成日期不能早于公布日期。"),
    "future": _l("整改完成日期不能晚于今天。"),
}
WITHDRAW_PROBLEMS = {
    "already_withdrawn": _l("该条目已撤回。"),
    "no_reason": _l("请填写撤回理由。"),
}
TEXT_LABELS = {
    "enterprise_name": _l("企业名称"),
    "violation": _l("违规事实"),
    "decision": _l("处理决定"),
}


@dataclass
class EntryTexts:
    """What an entry says, as the officer prepares it (all of it editable while a draft)."""

    enterprise_name: str
    credit_code: str
    violation: str
    decision: str
    #: Which of rules.OPTIONAL_FIELDS the public sees.
    published_fields: list[str] = field(default_factory=lambda: list(rules.OPTIONAL_FIELDS))


# -- texts copied from the registry and the notice ----------------------------------------------


def _amount(value: Decimal) -> str:
    """50000.00 → "50000", 1234.50 → "1234.50" (the way a decision states a fine)."""
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else f"{value:.2f}"


def decision_text(decision: HandlingDecision | None) -> str:
    """The handling decision in one line, as the public list states it.

    The words are content of the published entry (in the language of the law), not interface
    text: they are not translated.
    """
    if decision is None:
        return ""
    parts = []
    if decision.penalty_number:
        parts.append(f"行政处罚（{decision.penalty_number}）")
    if decision.penalty_amount is not None:
        parts.append(f"罚款{_amount(decision.penalty_amount)}元")
    if decision.ladder_price_applied:
        parts.append("执行阶梯电价")
    if decision.referral:
        parts.append(f"移送{decision.referral}处理")
    return "；".join(parts)


def violation_text(notice: RectificationNotice) -> str:
    """The violation as the notice states it: its summary sentence, else its findings."""
    if (notice.violation or "").strip():
        return notice.violation.strip()
    items = [item.description.strip() for item in notice.items if item.description.strip()]
    if len(items) == 1:
        return items[0]
    return "；".join(f"{n}. {text}" for n, text in enumerate(items, 1))


def texts_from_notice(notice: RectificationNotice) -> EntryTexts:
    """An entry's first texts for the enterprise of ``notice``: its violation and the decision
    taken (or the rectification order itself when nothing further was decided)."""
    enterprise = notice.enterprise
    decision = decision_text(notice.decision) or f"责令限期整改（{notice.number}）"
    return EntryTexts(
        enterprise_name=enterprise.name,
        credit_code=enterprise.credit_code,
        violation=violation_text(notice),
        decision=decision,
    )


def texts_from_enterprise(enterprise: Enterprise) -> EntryTexts:
    return EntryTexts(
        enterprise_name=enterprise.name,
        credit_code=enterprise.credit_code,
        violation="",
        decision="",
    )


# -- who may publish for which province -----------------------------------------------------------


def may_publish_for(user: User, province_id: int) -> bool:
    """The ministry for every province; a provincial officer for his own province.

    An officer of a city or county agency does not publish (the list is the provincial
    authority's), so he would not see the entry he prepared either.
    """
    if access.sees_everything(user):
        return Role.MINISTRY_OFFICER in user.roles
    org = user.organisation
    return (
        Role.PROVINCIAL_OFFICER in user.roles
        and org.kind == OrgKind.PROVINCE
        and org.id == province_id
    )


# -- checks --------------------------------------------------------------------------------------


def _people_of(entry: Publication, *extra: User | None) -> list[str]:
    """Names and phone numbers that must never appear in the public texts."""
    enterprise = entry.enterprise or db.session.get(Enterprise, entry.enterprise_id)
    people = [
        enterprise.legal_representative,
        enterprise.legal_representative_phone,
        enterprise.energy_manager,
        enterprise.energy_manager_phone,
    ]
    users = [*extra]
    if entry.notice_id is not None:
        notice = db.session.get(RectificationNotice, entry.notice_id)
        if notice is not None:
            users.append(notice.issued_by)
    for user_id in (entry.prepared_by_id, entry.approved_by_id):
        if user_id is not None:
            users.append(db.session.get(User, user_id))
    people += [u.full_name for u in users if u is not None]
    return [p for p in people if p]


def _check_personal_data(entry: Publication, *extra: User | None) -> None:
    """Refuse public texts that name a person or carry a phone or identity card number.

    The enterprise name is the registered name (a sole trader's may hold his own name): it is
    public by law and not checked.
    """
    names = _people_of(entry, *extra)
    for name in (f for f in entry.published_fields if f != "credit_code"):
        found = rules.personal_data_in(getattr(entry, name), names)
        if found:
            raise DomainError(
                _l(
                    "%(field)s含有个人信息（%(found)s），公开内容不得包含个人姓名、电话或身份证号，请删除后再保存。",
                    field=TEXT_LABELS[name],
                    found="、".join(found),
                ),
                name,
            )


def _apply_texts(entry: Publication, texts: EntryTexts) -> None:
    name = " ".join((texts.enterprise_name or "").split())
    if not name:
        raise DomainError(_l("请填写企业名称。"), "enterprise_name")
    code = enterprise_rules.normalise_credit_code(texts.credit_code)
    if not enterprise_rules.is_valid_credit_code(code):
        raise DomainError(_l("统一社会信用代码无效（18 位，校验位须正确）。"), "credit_code")
    violation = (texts.violation or "").strip()
    decision = (texts.decision or "").strip()
    for key, value in (("enterprise_name", name), ("violation", violation), ("decision", decision)):
        if len(value) > rules.MAX_LENGTHS[key]:
            raise DomainError(
                _l(
                    "%(field)s不能超过 %(n)s 个字符。",
                    field=TEXT_LABELS[key],
                    n=rules.MAX_LENGTHS[key],
                ),
                key,
            )
    entry.enterprise_name = name
    entry.credit_code = code
    entry.violation = violation
    entry.decision = decision
    entry.published_fields = rules.chosen_fields(texts.published_fields)


def _lock(entry: Publication) -> None:
    """Re-read the entry under a row lock: two officers acting at once take turns, and the
    second sees the first one's step (SQLite serialises writers anyway)."""
    db.session.refresh(entry, with_for_update=True)


# -- the steps -----------------------------------------------------------------------------------


def prepare(
    *,
    actor: User,
    enterprise: Enterprise,
    texts: EntryTexts,
    notice: RectificationNotice | None = None,
    now: datetime,
) -> Publication:
    """A draft entry for ``enterprise`` (from ``notice`` when given); nothing is public yet."""
    if not may_publish_for(actor, enterprise.province_id):
        raise DomainError(_l("只有企业所在省级主管部门或工业和信息化部可以公布违规企业。"))
    if notice is not None:
        if notice.enterprise_id != enterprise.id:
            raise DomainError(_l("通知书与企业不符。"))
        active = db.session.scalar(
            select(Publication.id).where(
                Publication.notice_id == notice.id,
                Publication.status != PublicationStatus.WITHDRAWN,
            )
        )
        if active is not None:
            raise DomainError(_l("该通知书已有公布条目，请在原条目上办理。"))
    entry = Publication(
        province_id=enterprise.province_id,
        enterprise=enterprise,
        enterprise_id=enterprise.id,
        notice_id=notice.id if notice is not None else None,
        status=PublicationStatus.DRAFT,
        prepared_by_id=actor.id,
        prepared_at=now,
        approver_name="",
        withdrawal_reason="",
    )
    _apply_texts(entry, texts)
    _check_personal_data(entry, actor)
    db.session.add(entry)
    db.session.flush()
    return entry


def update_draft(entry: Publication, *, actor: User, texts: EntryTexts) -> None:
    """Change a draft's texts and chosen fields; a published entry's texts are frozen."""
    _lock(entry)
    if not rules.is_editable(entry.status):
        raise DomainError(_l("已公布或已撤回的条目不能修改；如有错误请撤回后重新公布。"))
    _apply_texts(entry, texts)
    _check_personal_data(entry, actor)
    db.session.flush()


def publish(entry: Publication, *, actor: User, today: date) -> None:
    """The publish step: the entry goes on the public list today, approved by ``actor``."""
    _lock(entry)
    problem = rules.publish_problem(entry.status, entry.violation)
    if problem is not None:
        raise DomainError(
            PUBLISH_PROBLEMS[problem], "violation" if problem == "no_violation" else None
        )
    if not may_publish_for(actor, entry.province_id):
        raise DomainError(_l("只有企业所在省级主管部门或工业和信息化部可以公布违规企业。"))
    _check_personal_data(entry, actor)
    # Read before the first change: loading them could autoflush half a step (two audit rows).
    approver_id, approver_name = actor.id, actor.full_name
    entry.status = PublicationStatus.PUBLISHED
    entry.published_on = today
    entry.approved_by_id = approver_id
    # Kept as text so the record still names the approver if the account is renamed.
    entry.approver_name = approver_name
    db.session.flush()


def mark_rectified(
    entry: Publication, *, actor: User, rectified_on: date | None, today: date
) -> None:
    """Annotate the published entry 已整改 as of ``rectified_on`` (a later call corrects it)."""
    _lock(entry)
    problem = rules.rectified_problem(entry.status, entry.published_on, rectified_on, today)
    if problem is not None:
        raise DomainError(RECTIFIED_PROBLEMS[problem], "rectified_on")
    entry.rectified_on = rectified_on
    db.session.flush()


def withdraw(entry: Publication, *, actor: User, reason: str, now: datetime) -> None:
    """Take the entry off the public list; the entry, the reason and who did it stay."""
    _lock(entry)
    problem = rules.withdraw_problem(entry.status, reason)
    if problem is not None:
        raise DomainError(WITHDRAW_PROBLEMS[problem], "reason" if problem == "no_reason" else None)
    actor_id = actor.id  # read before the first change (see ``publish``)
    entry.status = PublicationStatus.WITHDRAWN
    entry.withdrawn_at = now
    entry.withdrawn_by_id = actor_id
    entry.withdrawal_reason = reason.strip()
    db.session.flush()


# -- the officers' lists -------------------------------------------------------------------------


def managed_query(user: User, *, status: str = "", q: str = "") -> Select:
    """Entries the officer may manage (withdrawn ones included), newest first."""
    stmt = access.scoped(Publication, user)
    if status in PublicationStatus._value2member_map_:
        stmt = stmt.where(Publication.status == PublicationStatus(status))
    if q:
        stmt = stmt.where(
            or_(
                Publication.enterprise_name.ilike(contains_pattern(q), escape="\\"),
                Publication.credit_code.ilike(contains_pattern(q.upper()), escape="\\"),
            )
        )
    return stmt.order_by(Publication.prepared_at.desc(), Publication.id.desc())


def candidate_notices(user: User, q: str = "", limit: int = 50) -> list[RectificationNotice]:
    """Notices the officer may publish a violator from, newest first."""
    stmt = access.scoped(RectificationNotice, user).join(
        Enterprise, Enterprise.id == RectificationNotice.enterprise_id
    )
    if q:
        like = contains_pattern(q)
        stmt = stmt.where(
            or_(
                Enterprise.name.ilike(like, escape="\\"),
                Enterprise.credit_code.ilike(contains_pattern(q.upper()), escape="\\"),
                RectificationNotice.number.ilike(like, escape="\\"),
            )
        )
    stmt = stmt.order_by(RectificationNotice.served_on.desc(), RectificationNotice.id.desc())
    return list(db.session.scalars(stmt.limit(limit)))


def candidate_enterprises(user: User, q: str, limit: int = 20) -> list[Enterprise]:
    """Registry enterprises matching ``q`` (name or credit code) within the officer's scope."""
    if not q:
        return []
    stmt = access.scoped(Enterprise, user).where(
        or_(
            Enterprise.name.ilike(contains_pattern(q), escape="\\"),
            Enterprise.credit_code.ilike(contains_pattern(q.upper()), escape="\\"),
        )
    )
    return list(db.session.scalars(stmt.order_by(Enterprise.name, Enterprise.id).limit(limit)))


def entries_of_notice(user: User, notice: RectificationNotice) -> list[Publication]:
    """The entries made from ``notice`` (for its page: "already published?")."""
    stmt = access.scoped(Publication, user).where(Publication.notice_id == notice.id)
    return list(db.session.scalars(stmt.order_by(Publication.id)))
