"""The audit log: every change to an ``Audited`` model is recorded in the same transaction."""

from __future__ import annotations

import contextlib
import contextvars
import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import LoaderCallableStatus, Mapper, Session

from .models import Audited, AuditEntry
from .types import utcnow

SECRET = "***"  # noqa: S105 -- the mask shown instead of secret values


@dataclass(frozen=True)
class Actor:
    """Who is changing data, and from where."""

    user_id: int | None
    name: str
    org_id: int | None = None
    ip: str | None = None
    source: str = "system"

    @classmethod
    def for_user(cls, user, *, ip: str | None = None, source: str = "web") -> Actor:
        return cls(user.id, user.audit_label, user.organisation_id, ip, source)


SYSTEM = Actor(None, "system", source="system")
_current_actor: contextvars.ContextVar[Actor] = contextvars.ContextVar(
    "audit_actor", default=SYSTEM
)


def current_actor() -> Actor:
    return _current_actor.get()


def set_actor(actor: Actor) -> contextvars.Token:
    return _current_actor.set(actor)


def reset_actor(token: contextvars.Token) -> None:
    _current_actor.reset(token)


@contextlib.contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Attribute every change made inside the block to ``actor`` (CLI commands, jobs, tests)."""
    token = _current_actor.set(actor)
    try:
        yield actor
    finally:
        _current_actor.reset(token)


def _plain(value: Any) -> Any:
    """A JSON-safe form of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _column_attrs(obj: Audited):
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        yield attr.key, state.attrs[attr.key]


def _shown(obj: Audited, key: str, value: Any) -> Any:
    return SECRET if key in obj.__audit_secret__ else _plain(value)


def _changes_for(obj: Audited, action: str) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for key, attr_state in _column_attrs(obj):
        if key in obj.__audit_exclude__:
            continue
        if action == "create":
            if attr_state.value is not None:
                changes[key] = [None, _shown(obj, key, attr_state.value)]
        elif action == "delete":
            value = attr_state.loaded_value
            if value is not None and value is not LoaderCallableStatus.NO_VALUE:
                changes[key] = [_shown(obj, key, value), None]
        else:
            history = attr_state.history
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if _plain(before) != _plain(after):
                changes[key] = [_shown(obj, key, before), _shown(obj, key, after)]
    return changes


def _row(
    actor: Actor,
    at: datetime,
    action: str,
    entity: str,
    entity_id: str,
    label: str,
    scope_org_id: int | None,
    changes: dict,
) -> dict:
    return {
        "at": at,
        "actor_id": actor.user_id,
        "actor_name": actor.name,
        "actor_org_id": actor.org_id,
        "ip": actor.ip,
        "source": actor.source,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "entity_label": (label or "")[:255],
        "scope_org_id": scope_org_id,
        "changes": changes,
    }


def _entry(obj: Audited, action: str, changes: dict, actor: Actor, at: datetime) -> dict:
    state = inspect(obj)
    # The identity key of a new row is only set after the flush; its primary-key
    # attributes already hold the values the INSERT produced.
    identity = state.mapper.primary_key_from_instance(obj)
    return _row(
        actor,
        at,
        action,
        state.mapper.local_table.name,
        ":".join(str(v) for v in identity),
        obj.audit_label,
        obj.audit_scope_org_id,
        changes,
    )


def _after_flush(session: Session, flush_context) -> None:
    """Collect the flushed changes and insert their audit rows on the same connection.

    Runs after the INSERTs (so new rows have ids) while attribute history is still there.
    Rows go in with a Core insert, so they join the flush's transaction without re-entering
    the ORM flush: if the transaction rolls back, so do they.
    """
    actor = current_actor()
    at = utcnow()
    rows = []
    for obj in session.new:
        if isinstance(obj, Audited):
            rows.append(_entry(obj, "create", _changes_for(obj, "create"), actor, at))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            changes = _changes_for(obj, "update")
            if changes:
                rows.append(_entry(obj, "update", changes, actor, at))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows.append(_entry(obj, "delete", _changes_for(obj, "delete"), actor, at))
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def record(
    session: Session,
    *,
    action: str,
    entity: str,
    entity_id: str,
    label: str = "",
    scope_org_id: int | None = None,
    changes: dict | None = None,
) -> None:
    """Write one explicit entry: bulk operations that bypass the ORM, named operations."""
    plain = {k: [_plain(a), _plain(b)] for k, (a, b) in (changes or {}).items()}
    row = _row(
        current_actor(), utcnow(), action, entity, str(entity_id), label, scope_org_id, plain
    )
    session.connection().execute(insert(AuditEntry), [row])


def _keep_old_value(target, value, oldvalue, initiator):
    return value


@event.listens_for(Mapper, "mapper_configured")
def _load_old_values_of_audited_columns(mapper: Mapper, class_) -> None:
    """Make every column of an audited model load its old value before it is replaced.

    Without this, setting an attribute that was expired (e.g. after a commit) loses the
    "before" value; with it, the history the audit row is built from is always complete.
    """
    if not issubclass(class_, Audited):
        return
    for attr in mapper.column_attrs:
        event.listen(
            getattr(class_, attr.key), "set", _keep_old_value, active_history=True, retval=True
        )


def init_app(app) -> None:
    # Listening on the Session class covers Flask-SQLAlchemy's sessions and any other.
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
