"""Optimistic locking of the main records: a form carries the version it was rendered with, and
a step on a record changed since is refused, naming who changed it and when."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from ..extensions import db
from .errors import DomainError
from .models import AuditEntry, User

CHANGED_MEANWHILE = _l("该记录已被他人修改，请刷新页面后重试。")


def require_version(row, version: int | None, message=CHANGED_MEANWHILE) -> None:
    """Refuse the step if ``row`` is no longer at ``version`` (None: the caller has none).

    The refusal names who changed the record last and when (from the audit log)."""
    if version is not None and version != row.version:
        raise changed(row, message)


def changed(row, message=CHANGED_MEANWHILE) -> DomainError:
    """The refusal of a step on ``row`` changed since the form was opened, naming who
    changed it last and when (from the audit log)."""
    return DomainError(changed_message(_table(row), [_key(row)], message))


def stamp(rows: Iterable) -> str:
    """The version of a group of rows one form shows and saves together (a year's monthly
    readings, a case's checklist): it changes when any of them is changed, added or removed."""
    return " ".join(f"{_key(r)}.{r.version}" for r in sorted(rows, key=_key))


def require_stamp(table: str, rows: Iterable, given: str | None, message=CHANGED_MEANWHILE):
    """Refuse the step if the group of ``rows`` (records of ``table``) is no longer what the
    form was rendered with (``given``, from ``stamp``; None: the caller has none)."""
    rows = list(rows)
    if given is None or given.strip() == stamp(rows):
        return
    # The rows shown then (some may be gone now) and the rows there now.
    keys = {part.partition(".")[0] for part in given.split()} | {_key(r) for r in rows}
    raise DomainError(changed_message(table, keys, message))


def sent(field) -> str | None:
    """The version a form's hidden field brought back as text; None when the request had no
    such field (a client that sends no versions is not checked)."""
    return field.raw_data[0] if field.raw_data else None


def sent_number(field) -> int | None:
    """``sent`` as a record version: None when absent, 0 (never current) when unreadable."""
    raw = sent(field)
    if raw is None:
        return None
    return int(raw) if raw.strip().isdigit() else 0


def parse(raw: str | None) -> int | None:
    """A version a form sent as text: None when it sent none (blank: a new record's form),
    0 (never current, so the step is refused as stale) when it is not a number."""
    text = str(raw or "").strip()
    if not text:
        return None
    return int(text) if text.isdigit() else 0


def changed_message(table: str, keys: Iterable[str], message=CHANGED_MEANWHILE) -> str:
    """``message`` followed by who changed the records ``keys`` of ``table`` last, and when;
    ``message`` alone when the audit log does not say."""
    keys = [str(k) for k in keys]
    entry = (
        db.session.scalar(
            select(AuditEntry)
            .where(AuditEntry.entity == table, AuditEntry.entity_id.in_(keys))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(1)
        )
        if keys
        else None
    )
    if entry is None:
        return str(message)
    user = db.session.get(User, entry.actor_id) if entry.actor_id is not None else None
    when = entry.at.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return _(
        "%(message)s（%(who)s 于 %(when)s 修改）",
        message=message,
        who=user.full_name if user is not None else entry.actor_name,
        when=when.strftime("%Y-%m-%d %H:%M"),
    )


def _table(row) -> str:
    return inspect(row).mapper.local_table.name


def _key(row) -> str:
    """The record's id as the audit log writes it (``entity_id``)."""
    return ":".join(str(v) for v in inspect(row).mapper.primary_key_from_instance(row))
