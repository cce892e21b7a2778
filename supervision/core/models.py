"""Organisations, users and their roles, the audit log and application settings."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


def str_enum(kind: type[enum.Enum], length: int):
    """A column of an enum stored as its values in a plain string column (no database enum
    type, so adding a member needs no migration)."""
    return db.Enum(
        kind, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


def label(text) -> dict:
    """Column ``info`` naming the field for people (the audit log shows it)."""
    return {"label": text}


class Audited:
    """Mixin: every insert, update and delete of the model is written to the audit log.

    ``__audit_exclude__`` names columns whose changes are not worth an entry (bookkeeping);
    ``__audit_secret__`` names columns recorded as changed without their values.
    """

    __audit_exclude__: frozenset[str] = frozenset()
    __audit_secret__: frozenset[str] = frozenset()

    @property
    def audit_scope_org_id(self) -> int | None:
        """The organisation whose subtree may read this record's history (None: ministry only)."""
        return None

    @property
    def audit_label(self) -> str:
        return str(getattr(self, "name", "") or "")


class OrgKind(enum.StrEnum):
    MINISTRY = "ministry"
    PROVINCE = "province"
    PLAN_CITY = "plan_city"
    CITY = "city"
    COUNTY = "county"

    @property
    def label(self) -> str:
        return str(ORG_KIND_LABELS[self])


ORG_KIND_LABELS = {
    OrgKind.MINISTRY: _l("部委"),
    OrgKind.PROVINCE: _l("省级"),
    OrgKind.PLAN_CITY: _l("计划单列市"),
    OrgKind.CITY: _l("市级监察机构"),
    OrgKind.COUNTY: _l("县级监察机构"),
}


class Organisation(Audited, db.Model):
    """A node of the supervision tree: ministry → provincial units → city → county agencies."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), info=label(_l("机构名称")))
    kind: Mapped[OrgKind] = mapped_column(
        db.Enum(
            OrgKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        ),
        info=label(_l("层级")),
    )
    #: GB/T 2260 administrative division code (6 digits); None for the ministry.
    division_code: Mapped[str | None] = mapped_column(
        String(6), index=True, info=label(_l("行政区划代码"))
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True, info=label(_l("上级机构"))
    )
    #: Ids of the ancestors, "/1/7/": the subtree of X is every row whose path starts with
    #: X.path + "X.id/". Known before insert, so it never needs a second write.
    path: Mapped[str] = mapped_column(String(255), index=True, default="/")
    #: The provincial-level unit this organisation belongs to (None for the ministry and for
    #: the provincial units themselves: see ``province_org_id``).
    province_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(255), info=label(_l("地址")))
    phone: Mapped[str | None] = mapped_column(String(40), info=label(_l("联系电话")))
    is_active: Mapped[bool] = mapped_column(default=True, info=label(_l("启用")))
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, info=label(_l("创建时间"))
    )

    parent: Mapped[Organisation | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Organisation]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Organisation.division_code"
    )
    province: Mapped[Organisation | None] = relationship(
        remote_side=[id], foreign_keys=[province_id]
    )

    @property
    def province_org_id(self) -> int | None:
        return self.id if self.kind == OrgKind.PROVINCE else self.province_id

    @property
    def subtree_prefix(self) -> str:
        return f"{self.path}{self.id}/"

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.id

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name}>"


class Role(enum.StrEnum):
    MINISTRY_OFFICER = "ministry_officer"
    PROVINCIAL_OFFICER = "provincial_officer"
    INSPECTOR = "inspector"
    SYSADMIN = "sysadmin"
    #: An expert of the review pool: scores and signs the reviews he sits on, nothing else.
    EXPERT = "expert"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.MINISTRY_OFFICER: _l("部级业务人员"),
    Role.PROVINCIAL_OFFICER: _l("省级业务人员"),
    Role.INSPECTOR: _l("监察人员"),
    Role.SYSADMIN: _l("系统管理员"),
    Role.EXPERT: _l("评审专家"),
}


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(
        db.Enum(Role, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]),
        primary_key=True,
    )


class User(UserMixin, Audited, db.Model):
    __tablename__ = "users"
    __audit_exclude__ = frozenset({"last_login_at"})
    __audit_secret__ = frozenset({"password_hash", "session_token"})

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case; logins compare lower-case.
    username: Mapped[str] = mapped_column(String(64), unique=True, info=label(_l("用户名")))
    full_name: Mapped[str] = mapped_column(String(80), info=label(_l("姓名")))
    email: Mapped[str | None] = mapped_column(String(254), info=label(_l("电子邮箱")))
    phone: Mapped[str | None] = mapped_column(String(40), info=label(_l("联系电话")))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), index=True, info=label(_l("所属机构"))
    )
    password_hash: Mapped[str] = mapped_column(String(255), info=label(_l("密码")))
    #: Part of the login session id: replacing it ends every session of the user.
    session_token: Mapped[str] = mapped_column(
        String(32), default=lambda: secrets.token_hex(16), info=label(_l("会话令牌"))
    )
    active: Mapped[bool] = mapped_column(default=True, info=label(_l("启用")))
    locale: Mapped[str | None] = mapped_column(String(8), info=label(_l("界面语言")))
    #: 行政执法证 number and expiry (inspectors).
    certificate_number: Mapped[str | None] = mapped_column(
        String(40), info=label(_l("行政执法证号"))
    )
    certificate_expires_on: Mapped[date | None] = mapped_column(info=label(_l("执法证有效期至")))
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, info=label(_l("创建时间"))
    )
    password_changed_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime, info=label(_l("密码修改时间"))
    )
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.role_rows)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def audit_scope_org_id(self) -> int | None:
        return self.organisation_id

    @property
    def audit_label(self) -> str:
        return f"{self.full_name} ({self.username})"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class AuditEntry(db.Model):
    """One change to one record: who, when, from where, what, and each field before/after.

    No foreign keys: the log outlives the records and people it names.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_entity_entity_id", "entity", "entity_id"),
        Index("ix_audit_entries_scope_org_id_at", "scope_org_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_name: Mapped[str] = mapped_column(String(160))
    actor_org_id: Mapped[int | None] = mapped_column(index=True)
    ip: Mapped[str | None] = mapped_column(String(45))
    #: web, api, cli or scheduler.
    source: Mapped[str] = mapped_column(String(40))
    #: create, update, delete, or a named operation (import, transfer ...).
    action: Mapped[str] = mapped_column(String(20))
    #: Table name of the record.
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    entity_label: Mapped[str | None] = mapped_column(String(255))
    scope_org_id: Mapped[int | None]
    #: {field: [before, after]}; secret fields carry "***".
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Setting(db.Model):
    """Small key/value facts about the installation (e.g. that it holds the demo data set)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))


class JobLease(db.Model):
    """Which scheduler process may run jobs now: held until ``expires_at`` and renewed while
    alive, so a second scheduler started by mistake waits instead of sending twice."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: host:pid:random of the holder.
    holder: Mapped[str] = mapped_column(String(120))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
