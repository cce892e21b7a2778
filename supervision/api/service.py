"""API tokens (create, list, revoke, authenticate) and the lookups API requests need.
Flushes, never commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from ..accounts.rules import normalise_username
from ..core import access, audit
from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind, User
from ..core.tables import contains_pattern
from ..enterprises import rules as enterprise_rules
from ..enterprises.models import Enterprise, ProductionStatus
from ..extensions import db
from ..industries import service as industries
from ..plans.models import SupervisionPlan
from ..tasks import service as tasks
from ..tasks.models import ReviewMethod, SupervisionTask, TaskFiling
from .models import ApiToken

#: Every token starts so: secret scanners and people can tell what it is.
TOKEN_PREFIX = "jnjc_"  # noqa: S105 -- a public marker, not a secret
#: How many characters of a token are kept in clear, to tell tokens apart.
SHOWN_PREFIX = 12
MAX_ACTIVE_TOKENS = 10
NAME_MAX = 80
#: ``last_used_at`` is written at most this often per token (no write per request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


# -- tokens ---------------------------------------------------------------------------------


def hash_token(raw: str) -> str:
    """SHA-256 of the token: 256 random bits need no salt or slow hash."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def active_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def own_token(user: User, token_id: int) -> ApiToken | None:
    """One of ``user``'s own active tokens (nobody manages another's tokens)."""
    return db.session.scalar(
        select(ApiToken).where(
            ApiToken.id == token_id, ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)
        )
    )


def create_token(user: User, name: str, *, now: datetime) -> tuple[ApiToken, str]:
    """A new token for ``user``: (the stored row, the token itself, to be shown once)."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("请填写令牌名称。"), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_l("不能超过 %(n)s 个字符。", n=NAME_MAX), field="name")
    if len(active_tokens(user)) >= MAX_ACTIVE_TOKENS:
        raise DomainError(
            _l("每个账号最多 %(n)s 个有效令牌，请先吊销不再使用的令牌。", n=MAX_ACTIVE_TOKENS)
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_token(raw),
        prefix=raw[:SHOWN_PREFIX],
        created_at=now,
    )
    db.session.add(token)
    db.session.flush()
    _audit(token, user, "create", {"name": (None, name), "prefix": (None, token.prefix)})
    return token, raw


def revoke_token(token: ApiToken, *, now: datetime) -> None:
    """The token stops working at once; the row stays (who had which token, until when)."""
    if token.revoked_at is not None:
        return
    token.revoked_at = now
    db.session.flush()
    _audit(token, token.user, "revoke", {"revoked_at": (None, now)})


def _audit(token: ApiToken, user: User, action: str, changes: dict) -> None:
    # ApiToken is not an audited model; its life cycle is security-relevant, so say it.
    audit.record(
        db.session,
        action=action,
        entity="api_tokens",
        entity_id=str(token.id),
        label=f"{user.audit_label}: {token.name} ({token.prefix}…)",
        scope_org_id=user.organisation_id,
        changes=changes,
    )


def token_for(raw: str) -> ApiToken | None:
    """The active token of an active user that ``raw`` is, or None."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or not token.active or not token.user.is_active:
        return None
    return token


def mark_used(token: ApiToken, *, now: datetime) -> bool:
    """Record the use (at most once per LAST_USED_RESOLUTION); True if the row changed."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return False
    token.last_used_at = now
    db.session.flush()
    return True


# -- lookups --------------------------------------------------------------------------------


def province_by_code(code: str) -> Organisation | None:
    return db.session.scalar(
        select(Organisation).where(
            Organisation.division_code == code.strip(), Organisation.kind == OrgKind.PROVINCE
        )
    )


def enterprises_query(
    user: User,
    *,
    q: str | None = None,
    industry_id: int | None = None,
    status: str | None = None,
    province_id: int | None = None,
) -> Select:
    """The enterprises ``user`` may see, filtered, in a stable order."""
    stmt = access.scoped(Enterprise, user)
    if q:
        code = enterprise_rules.normalise_credit_code(q)
        stmt = stmt.where(
            or_(
                Enterprise.name.like(contains_pattern(q.strip()), escape="\\"),
                Enterprise.credit_code == code,
            )
        )
    if industry_id is not None:
        stmt = stmt.where(Enterprise.industry_id == industry_id)
    if status:
        stmt = stmt.where(Enterprise.status == ProductionStatus(status))
    if province_id is not None:
        stmt = stmt.where(Enterprise.province_id == province_id)
    return stmt.order_by(Enterprise.id)


def visible_filing(user: User, plan: SupervisionPlan, province: Organisation) -> TaskFiling | None:
    """The province's filing of the plan, if ``user`` may see it."""
    return db.session.scalar(
        access.scoped(TaskFiling, user).where(
            TaskFiling.plan_id == plan.id, TaskFiling.province_id == province.id
        )
    )


def tasks_query(filing: TaskFiling, user: User, *, category: int | None = None) -> Select:
    stmt = tasks.tasks_of(filing, user)
    if category is not None:
        stmt = stmt.where(SupervisionTask.category == category)
    return stmt.order_by(SupervisionTask.id)


def enterprise_in_filing(
    filing: TaskFiling, user: User, *, enterprise_id: int | None, credit_code: str | None
) -> Enterprise | None:
    stmt = access.scoped(Enterprise, user).where(Enterprise.province_id == filing.province_id)
    if enterprise_id is not None:
        return db.session.scalar(stmt.where(Enterprise.id == enterprise_id))
    code = enterprise_rules.normalise_credit_code(credit_code or "")
    return db.session.scalar(stmt.where(Enterprise.credit_code == code))


def agency_in_province(province_id: int, ref: int | str) -> Organisation | None:
    """An active organisation of the province, by id or by division code."""
    stmt = select(Organisation).where(
        or_(Organisation.id == province_id, Organisation.province_id == province_id),
        Organisation.is_active.is_(True),
    )
    if isinstance(ref, int):
        stmt = stmt.where(Organisation.id == ref)
    else:
        stmt = stmt.where(Organisation.division_code == ref.strip())
    return db.session.scalars(stmt.order_by(Organisation.path, Organisation.id)).first()


def users_by_username(user: User, usernames: list[str]) -> tuple[list[User], list[str]]:
    """The users ``user`` may see with these names, in the given order, and the names not found."""
    wanted = [normalise_username(n) for n in usernames]
    found = {
        u.username: u
        for u in db.session.scalars(access.scoped(User, user).where(User.username.in_(wanted)))
    }
    return [found[n] for n in wanted if n in found], [n for n in wanted if n not in found]


def task_in_filing(filing: TaskFiling, user: User, task_id: int) -> SupervisionTask | None:
    return db.session.scalar(
        access.scoped(SupervisionTask, user).where(
            SupervisionTask.id == task_id, SupervisionTask.filing_id == filing.id
        )
    )


def task_arguments(filing: TaskFiling, user: User, values: dict) -> tuple[dict, dict[str, str]]:
    """``add_task``'s arguments from a validated API body, each looked up within the filing's
    province and ``user``'s scope: (arguments, {member: message}) — arguments only if no errors."""
    by_id, by_code = values.get("enterprise_id"), values.get("credit_code")
    if (by_id is None) == (by_code is None):
        return {}, {"enterprise_id": str(_l("请给出 enterprise_id 或 credit_code 之一。"))}
    enterprise = enterprise_in_filing(filing, user, enterprise_id=by_id, credit_code=by_code)
    if enterprise is None:
        field = "enterprise_id" if by_id is not None else "credit_code"
        return {}, {field: str(_l("本省企业名录中没有该企业。"))}
    errors = {}
    industry = None
    if values.get("industry"):
        industry = industries.by_name_or_code(values["industry"])
        if industry is None:
            errors["industry"] = str(_l("行业目录中没有该行业代码。"))
    agency = agency_in_province(filing.province_id, values["agency"])
    if agency is None:
        errors["agency"] = str(_l("本省没有该监察机构。"))
    inspectors, unknown = users_by_username(user, values.get("inspectors") or [])
    if unknown:
        errors["inspectors"] = str(_l("未找到这些用户：%(names)s。", names="、".join(unknown)))
    parent = None
    if values.get("parent_task_id") is not None:
        parent = task_in_filing(filing, user, values["parent_task_id"])
        if parent is None:
            errors["parent_task_id"] = str(_l("本省该年度的申报中没有该任务。"))
    if errors:
        return {}, errors
    return {
        "enterprise": enterprise,
        "category": values["category"],
        "industry": industry,
        "agency": agency,
        "inspectors": inspectors,
        "planned_month": values.get("planned_month"),
        "method": ReviewMethod(values.get("method") or ReviewMethod.ON_SITE),
        "remarks": (values.get("remarks") or "").strip(),
        "parent_task": parent,
    }, {}


def enterprise_values(enterprise: Enterprise) -> dict:
    """The enterprise's registry fields as ``check_fields`` takes them (a PATCH merges into these)."""
    return {
        "credit_code": enterprise.credit_code,
        "name": enterprise.name,
        "address": enterprise.address,
        "division_code": enterprise.division_code,
        "industry": enterprise.industry.code if enterprise.industry else None,
        "products": enterprise.products,
        "status": enterprise.status.value,
        "stopped_on": enterprise.stopped_on,
        "key_energy_unit": enterprise.key_energy_unit,
        "annual_energy_tce": enterprise.annual_energy_tce,
        "legal_representative": enterprise.legal_representative,
        "legal_representative_phone": enterprise.legal_representative_phone,
        "energy_manager": enterprise.energy_manager,
        "energy_manager_phone": enterprise.energy_manager_phone,
    }
