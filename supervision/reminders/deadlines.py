"""Reminder policies, deadlines refreshed from their sources, and who is told about each."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..core.models import Role, User, UserRole
from ..extensions import db
from . import rules, sources
from .defaults import AGENCY_OFFICERS, KINDS, MINISTRY_DIGEST, PROVINCIAL_OFFICERS, RESPONSIBLE
from .models import Deadline, Delivery, ReminderPolicy, ReminderPreference, deadline_people


def local_time(now: datetime) -> datetime:
    """``now`` (aware) on the users' wall clock (the configured TIMEZONE)."""
    return now.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


def local_date(now: datetime) -> date:
    """The users' calendar date at ``now``."""
    return local_time(now).date()


# -- policies -----------------------------------------------------------------------------


def seed_policies() -> int:
    """One policy per kind of deadline, from the defaults, if it has none yet (idempotent:
    an administrator's edits are never overwritten). Returns how many were created."""
    have = set(db.session.scalars(select(ReminderPolicy.kind)))
    created = 0
    for kind in KINDS.values():
        if kind.key in have:
            continue
        db.session.add(
            ReminderPolicy(
                kind=kind.key,
                offsets=list(kind.policy.offsets),
                offset_unit=kind.policy.offset_unit,
                on_due_day=kind.policy.on_due_day,
                overdue_every=kind.policy.overdue_every,
                recipients=list(kind.recipients),
                enabled=True,
            )
        )
        created += 1
    db.session.flush()
    return created


def policy_of(kind: str) -> ReminderPolicy | None:
    return db.session.get(ReminderPolicy, kind)


def rule_policy(policy: ReminderPolicy | None, kind: str | None = None) -> rules.Policy:
    """The pure policy of a stored one (the kind's default when there is no row)."""
    if policy is None:
        return KINDS[kind].policy if kind in KINDS else rules.Policy()
    return rules.Policy(
        offsets=tuple(int(n) for n in policy.offsets or ()),
        offset_unit=policy.offset_unit or rules.WORKDAYS,
        on_due_day=bool(policy.on_due_day),
        overdue_every=int(policy.overdue_every or 0),
    )


# -- deadlines ----------------------------------------------------------------------------

#: ``Deadline.next_stage_on`` of a deadline the next send-due run must look at (new, changed,
#: or its policy, the calendar or who is told changed): before any reminder day.
EVALUATE = date(1900, 1, 1)
#: Rows changed or read back per statement.
CHUNK = 1000
_COMPARED = (
    "title",
    "link",
    "owner_org_id",
    "province_id",
    "agency_id",
    "category",
    "due_on",
    "done_on",
    "cancelled",
)


def refresh_deadlines(*, now: datetime) -> dict[str, int]:
    """Bring the ``deadlines`` table in line with the sources; flushes.

    A new subject is added; a changed due date is kept in ``previous_due_dates`` (so its
    reminders can tell "moved" from "met"); a subject the sources no longer name is cancelled
    (unless its date merely could not be computed now); the people responsible follow the
    source. Only what changed is written, and marked for the next send-due run to look at
    (``EVALUATE``). Returns counts: created, moved, updated, cancelled, unresolved.
    """
    specs, unresolved = sources.gather(local_date(now))
    counts = dict.fromkeys(("created", "moved", "updated", "cancelled", "unresolved"), 0)
    counts["unresolved"] = len(unresolved)
    # Plain rows, not objects: a national database holds hundreds of thousands of them and a
    # refresh usually changes a handful. Each row: id, kind, subject_key, then _COMPARED.
    table = Deadline.__table__
    existing = {
        (row[1], row[2]): row
        for row in db.session.execute(
            select(table.c.id, table.c.kind, table.c.subject_key, *(table.c[k] for k in _COMPARED))
        )
    }
    people: dict[int, set[int]] = {}
    for deadline_id, user_id in db.session.execute(
        select(deadline_people.c.deadline_id, deadline_people.c.user_id)
    ):
        people.setdefault(deadline_id, set()).add(user_id)
    created: list[sources.DeadlineSpec] = []
    changed: dict[int, sources.DeadlineSpec] = {}
    for spec in specs:
        row = existing.pop((spec.kind, spec.subject_key), None)
        if row is None:
            created.append(spec)
            counts["created"] += 1
            continue
        if row.due_on != spec.due_on:
            counts["moved"] += 1
        elif tuple(row[3:]) != _values(spec) or people.get(row.id, set()) != set(spec.people_ids):
            counts["updated"] += 1
        else:
            continue
        changed[row.id] = spec
    users = _users({i for spec in (*created, *changed.values()) for i in spec.people_ids})
    for spec in created:
        deadline = Deadline(kind=spec.kind, subject_key=spec.subject_key, previous_due_dates=[])
        db.session.add(deadline)
        _apply(deadline, spec, users, now)
    ids = list(changed)
    for first in range(0, len(ids), CHUNK):
        for deadline in db.session.scalars(
            select(Deadline)
            .where(Deadline.id.in_(ids[first : first + CHUNK]))
            .options(selectinload(Deadline.people))
        ):
            spec = changed[deadline.id]
            if deadline.due_on != spec.due_on:
                deadline.previous_due_dates = [
                    *(deadline.previous_due_dates or []),
                    deadline.due_on.isoformat(),
                ]
            _apply(deadline, spec, users, now)
    kept = {(u.kind, u.subject_key) for u in unresolved}
    gone = [row.id for key, row in existing.items() if key not in kept and not row.cancelled]
    counts["cancelled"] = len(gone)
    for first in range(0, len(gone), CHUNK):
        db.session.execute(
            update(Deadline)
            .where(Deadline.id.in_(gone[first : first + CHUNK]))
            .values(cancelled=True, refreshed_at=now, next_stage_on=None)
            .execution_options(synchronize_session="fetch")
        )
    db.session.flush()
    return counts


def _users(ids: set[int]) -> dict[int, User]:
    found: dict[int, User] = {}
    ordered = sorted(ids)
    for first in range(0, len(ordered), CHUNK):
        chunk = ordered[first : first + CHUNK]
        found.update((u.id, u) for u in db.session.scalars(select(User).where(User.id.in_(chunk))))
    return found


def _values(spec: sources.DeadlineSpec) -> tuple:
    """The stored fields of ``spec``, in the order of ``_COMPARED``."""
    return (
        spec.title[:255],
        spec.link[:255],
        spec.owner_org_id,
        spec.province_id,
        spec.agency_id,
        spec.category,
        spec.due_on,
        spec.done_on,
        False,
    )


def _fields(spec: sources.DeadlineSpec) -> dict:
    return dict(zip(_COMPARED, _values(spec), strict=True))


def _apply(deadline: Deadline, spec: sources.DeadlineSpec, users: dict[int, User], now) -> None:
    for key, value in _fields(spec).items():
        if getattr(deadline, key) != value:
            setattr(deadline, key, value)
    people = [users[i] for i in spec.people_ids if i in users]
    if {u.id for u in deadline.people} != {u.id for u in people}:
        deadline.people = people
    deadline.refreshed_at = now
    deadline.next_stage_on = EVALUATE if deadline.is_open else None


# -- who is told --------------------------------------------------------------------------


class Directory:
    """Who holds which role where, and how each person takes mail, looked up once per run."""

    def __init__(self) -> None:
        self._officers: dict[int, list[User]] = {}
        self._ministry: list[User] | None = None
        self._delivery: dict[int, Delivery] = {}

    def _with_role(self, role: Role, *where) -> list[User]:
        return list(
            db.session.scalars(
                select(User)
                .join(UserRole, UserRole.user_id == User.id)
                .where(UserRole.role == role, User.active.is_(True), *where)
                .order_by(User.username)
            )
        )

    def officers_of(self, org_id: int | None) -> list[User]:
        """Active provincial officers whose organisation is ``org_id`` (a province or an
        agency: officers of an agency are its heads)."""
        if org_id is None:
            return []
        if org_id not in self._officers:
            self._officers[org_id] = self._with_role(
                Role.PROVINCIAL_OFFICER, User.organisation_id == org_id
            )
        return self._officers[org_id]

    def ministry_officers(self) -> list[User]:
        if self._ministry is None:
            self._ministry = self._with_role(Role.MINISTRY_OFFICER)
        return self._ministry

    def delivery_of(self, user: User) -> Delivery:
        if user.id not in self._delivery:
            pref = db.session.get(ReminderPreference, user.id)
            self._delivery[user.id] = pref.delivery if pref is not None else Delivery.EACH
        return self._delivery[user.id]


def delivery_of(user: User) -> Delivery:
    """The person's choice: one mail per reminder (the default) or a daily digest."""
    return Directory().delivery_of(user)


def recipients(
    deadline: Deadline, policy: ReminderPolicy | None, *, directory: Directory | None = None
) -> list[tuple[User, str]]:
    """Everybody the policy tells about ``deadline``, each once, with the first role that
    names him (in the policy's order). Only active accounts."""
    directory = directory or Directory()
    roles = policy.recipients if policy is not None else KINDS[deadline.kind].recipients
    found: list[tuple[User, str]] = []
    seen: set[int] = set()
    for role in roles or ():
        if role == RESPONSIBLE:
            users = deadline.people
        elif role == AGENCY_OFFICERS:
            users = directory.officers_of(deadline.agency_id)
        elif role == PROVINCIAL_OFFICERS:
            users = directory.officers_of(deadline.province_id)
        elif role == MINISTRY_DIGEST:
            users = directory.ministry_officers()
        else:
            continue
        for user in users:
            if user.active and user.id not in seen:
                seen.add(user.id)
                found.append((user, role))
    return found
