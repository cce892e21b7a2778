"""Sorting and pagination for list pages, from whitelisted query parameters."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from sqlalchemy import Select

from ..extensions import db


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool

    def url(self, key: str) -> str:
        """The link of a column header: clicking the sorted column flips it; page 1."""
        descending = not self.descending if key == self.key else False
        return current_url_with(sort=("-" if descending else "") + key, page=None)


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with % and _ taken literally
    (use with ``escape="\\"``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def current_url_with(**updates) -> str:
    """This page's URL with some query arguments changed (None removes one)."""
    args = request.args.to_dict()
    for key, value in updates.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def sort_from_request(columns: dict, default: str) -> tuple[Sort, list]:
    """Read ``?sort=name`` / ``?sort=-name``; unknown keys fall back to ``default``."""
    raw = request.args.get("sort", default)
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if key not in columns:
        descending = default.startswith("-")
        key = default.lstrip("-")
    column = columns[key]
    return Sort(key, descending), [column.desc() if descending else column.asc()]


def paginate(stmt: Select, columns: dict, default_sort: str, *, tiebreak=None):
    """Sorted, paginated rows of ``stmt``: (pagination, sort).

    ``tiebreak`` (usually the primary key) keeps pages stable when sort values repeat.
    """
    sort, order_by = sort_from_request(columns, default_sort)
    if tiebreak is not None:
        order_by.append(tiebreak)
    pagination = db.paginate(
        stmt.order_by(*order_by),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=200,
        error_out=False,
    )
    return pagination, sort


def init_app(app) -> None:
    app.jinja_env.globals["current_url_with"] = current_url_with
    # Links to a feature that may be switched off (or not yet built) render only if it exists.
    app.jinja_env.globals["has_endpoint"] = lambda endpoint: endpoint in app.view_functions
