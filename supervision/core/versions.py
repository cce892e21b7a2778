"""Optimistic locking of the main records: a form carries the version it was rendered with, and
a step on a record changed since is refused with one message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .errors import DomainError

CHANGED_MEANWHILE = _l("该记录已被他人修改，请刷新页面后重试。")


def require_version(row, version: int | None, message=CHANGED_MEANWHILE) -> None:
    """Refuse the step if ``row`` is no longer at ``version`` (None: the caller has none)."""
    if version is not None and version != row.version:
        raise DomainError(message)
