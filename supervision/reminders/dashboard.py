"""Overdue figures, the deadline list and the reminders log: one query per figure, so the
dashboard's numbers and the list they link to always agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from ..core import access
from ..core.models import Organisation, User
from ..core.tables import contains_pattern
from ..extensions import db
from . import labels
from .models import Deadline, Reminder, ReminderState

DIMENSIONS = ("province", "agency", "category")
#: A filter value selecting the deadlines that have no province / agency / category.
NONE = "none"
STATUSES = ("open", "done", "all")


@dataclass(frozen=True)
class OverdueRow:
    """One line of a dashboard table: ``key`` is the id (or category number), None for the
    deadlines without one; ``key_arg`` is the value the deadline list's filter takes."""

    key: int | None
    name: str
    count: int
    oldest_due_on: date

    @property
    def key_arg(self) -> str:
        return NONE if self.key is None else str(self.key)


@dataclass(frozen=True)
class DeadlineFilters:
    """What the deadline list is narrowed to. ``province``/``agency``/``category`` take an id
    (a number for the category), ``NONE`` or "" (any); anything else is ignored."""

    kind: str = ""
    province: str = ""
    agency: str = ""
    category: str = ""
    #: Open and past due (the dashboard's figure), whatever ``status`` says.
    overdue: bool = False
    status: str = "open"
    today: date | None = None


def open_clause():
    """Not met and not cancelled: what reminders and dashboards are about."""
    return and_(Deadline.done_on.is_(None), Deadline.cancelled.is_(False))


def overdue_clause(today: date):
    """Open and due before ``today`` (a deadline is met on its due day until the day ends)."""
    return and_(open_clause(), Deadline.due_on < today)


_COLUMNS = {
    "province": Deadline.province_id,
    "agency": Deadline.agency_id,
    "category": Deadline.category,
}


def _scoped(stmt: Select, user) -> Select:
    clause = access.scope_clause(Deadline, user)
    return stmt if clause is None else stmt.where(clause)


def overdue_by(user, dimension: str, *, today: date) -> list[OverdueRow]:
    """Open deadlines in ``user``'s scope due before ``today``, counted by ``dimension``
    (province, agency or category), most overdue first; each row with its oldest due date."""
    column = _COLUMNS[dimension]
    stmt = _scoped(
        select(column, func.count(Deadline.id), func.min(Deadline.due_on))
        .where(overdue_clause(today))
        .group_by(column),
        user,
    )
    counted = db.session.execute(stmt).all()
    if dimension == "category":
        names = {key: labels.category_label(key) for key, _n, _d in counted}
    else:
        ids = [key for key, _n, _d in counted if key is not None]
        found = select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        names = dict(db.session.execute(found).all())
        names[None] = _none_name(dimension)
    rows = [OverdueRow(key, names.get(key, str(key)), n, oldest) for key, n, oldest in counted]
    return sorted(rows, key=lambda r: (-r.count, r.key is None, r.name))


def _none_name(dimension: str) -> str:
    return _("无所属省份") if dimension == "province" else _("无承担机构（省级事项）")


def _value_clause(column, value: str):
    if value == NONE:
        return column.is_(None)
    if value.isdigit():
        return column == int(value)
    return None


def deadlines_query(user, filters: DeadlineFilters) -> Select:
    """The deadlines in ``user``'s scope matching ``filters`` (unsorted: the page sorts).

    ``overdue`` applies exactly the dashboard's clause, so a dashboard figure and the list
    it links to count the same rows.
    """
    stmt = _scoped(select(Deadline), user).options(
        selectinload(Deadline.people),
        selectinload(Deadline.owner_org),
        selectinload(Deadline.province),
        selectinload(Deadline.agency),
    )
    if filters.kind:
        stmt = stmt.where(Deadline.kind == filters.kind)
    for name, column in _COLUMNS.items():
        clause = _value_clause(column, getattr(filters, name))
        if clause is not None:
            stmt = stmt.where(clause)
    if filters.overdue:
        if filters.today is None:
            raise ValueError("an overdue filter needs today's date")
        stmt = stmt.where(overdue_clause(filters.today))
    elif filters.status == "open":
        stmt = stmt.where(open_clause())
    elif filters.status == "done":
        stmt = stmt.where(Deadline.done_on.is_not(None))
    return stmt


@dataclass(frozen=True)
class ReminderFilters:
    state: str = ""
    kind: str = ""
    #: Part of the recipient's user name or full name.
    person: str = ""
    #: Part of the deadline's title.
    title: str = ""
    date_from: date | None = None
    date_to: date | None = None


def reminders_query(user, filters: ReminderFilters) -> Select:
    """Reminder rows in ``user``'s scope matching ``filters``, failed ones first (the page
    adds newest-first within)."""
    stmt = (
        access.scoped(Reminder, user)
        .join(Reminder.deadline)
        .join(Reminder.user)
        .options(contains_eager(Reminder.deadline), contains_eager(Reminder.user))
    )
    if filters.state in ReminderState._value2member_map_:
        stmt = stmt.where(Reminder.state == ReminderState(filters.state))
    if filters.kind:
        stmt = stmt.where(Deadline.kind == filters.kind)
    if filters.person:
        pattern = contains_pattern(filters.person.lower())
        stmt = stmt.where(
            or_(
                func.lower(User.username).like(pattern, escape="\\"),
                func.lower(User.full_name).like(pattern, escape="\\"),
            )
        )
    if filters.title:
        stmt = stmt.where(
            func.lower(Deadline.title).like(contains_pattern(filters.title.lower()), escape="\\")
        )
    if filters.date_from is not None:
        stmt = stmt.where(Reminder.stage_on >= filters.date_from)
    if filters.date_to is not None:
        stmt = stmt.where(Reminder.stage_on <= filters.date_to)
    return stmt.order_by(
        case((Reminder.state.in_((ReminderState.FAILED, ReminderState.UNKNOWN)), 0), else_=1)
    )
