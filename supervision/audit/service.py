"""Queries over the audit log; every one is limited to the reader's scope."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select

from ..core import access
from ..core.models import AuditEntry, Organisation, User
from ..core.tables import contains_pattern
from ..extensions import db

#: Labels for the record types users can search by (table name → label).
ENTITY_LABELS = {
    "organisations": _l("机构"),
    "users": _l("用户账号"),
    "calendar_days": _l("工作日历（日）"),
    "calendar_years": _l("工作日历（年度）"),
    "supervision_plans": _l("监察计划"),
    "plan_categories": _l("监察类别"),
    "plan_deliverables": _l("报送事项"),
    "industries": _l("行业"),
    "quota_standards": _l("能耗限额标准"),
    "quota_limits": _l("限定值"),
    "enterprises": _l("企业"),
    "task_filings": _l("任务申报"),
    "supervision_tasks": _l("专项监察任务"),
    "coverage_exemptions": _l("未列入说明"),
    "import_jobs": _l("导入"),
    "api_tokens": _l("接口令牌"),
}

ACTION_LABELS = {
    "create": _l("新增"),
    "update": _l("修改"),
    "delete": _l("删除"),
    "roles": _l("角色变更"),
    "import": _l("导入"),
    "transfer": _l("转移"),
}


SOURCE_LABELS = {
    "web": _l("网页"),
    "api": _l("接口"),
    "cli": _l("命令行"),
    "scheduler": _l("定时任务"),
    "system": _l("系统"),
}


def field_label(entity: str, field: str) -> str:
    """The people's name of a column (its ``info["label"]``), else the column name."""
    table = db.metadata.tables.get(entity)
    if table is not None and field in table.c:
        text = table.c[field].info.get("label")
        if text:
            return str(text)
    return field


def register_entity(table: str, label) -> None:
    """Features add their record types to the search form's list."""
    ENTITY_LABELS[table] = label


def _day_start(day: date, tz: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz))


def search(
    reader: User,
    *,
    user: str | None = None,
    organisation_id: int | None = None,
    entity: str | None = None,
    entity_id: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    tz: str = "Asia/Shanghai",
) -> Select:
    """Entries the reader may see, filtered; newest first. Dates are local calendar days."""
    stmt = access.scoped(AuditEntry, reader)
    if user:
        like = contains_pattern(user)
        stmt = stmt.where(
            or_(
                AuditEntry.actor_name.ilike(like, escape="\\"),
                AuditEntry.actor_id.in_(
                    select(User.id).where(User.username.ilike(like, escape="\\"))
                ),
            )
        )
    if organisation_id:
        org = _visible_org(reader, organisation_id)
        if org is not None:
            stmt = stmt.where(access.subtree_clause(org, AuditEntry.actor_org_id))
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    if date_from:
        stmt = stmt.where(AuditEntry.at >= _day_start(date_from, tz))
    if date_to:
        stmt = stmt.where(AuditEntry.at < _day_start(date_to + timedelta(days=1), tz))
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _visible_org(reader: User, organisation_id: int) -> Organisation | None:
    return db.session.scalar(
        access.scoped(Organisation, reader).where(Organisation.id == organisation_id)
    )


def history(reader: User, entity: str, entity_id: str) -> Select:
    """Every entry of one record that the reader may see, oldest first."""
    return (
        access.scoped(AuditEntry, reader)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.at, AuditEntry.id)
    )
