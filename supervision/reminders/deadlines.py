"""Reminder policies, deadlines refreshed from their sources, and who is told about each."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.models import Role, User, UserRole
from ..extensions import db
from . import rules, sources
from .defaults import AGENCY_OFFICERS, KINDS, MINISTRY_DIGEST, PROVINCIAL_OFFICERS, RESPONSIBLE
from .models import Deadline, Delivery, ReminderPolicy, ReminderPreference


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


def refresh_deadlines(*, now: datetime) -> dict[str, int]:
    """Bring the ``deadlines`` table in line with the sources; flushes.

    A new subject is added; a changed due date is kept in ``previous_due_dates`` (so its
    reminders can tell "moved" from "met"); a subject the sources no longer name is cancelled
    (unless its date merely could not be computed now); the people responsible follow the
    source. Returns counts: created, moved, updated, cancelled, unresolved.
    """
    specs, unresolved = sources.gather(local_date(now))
    counts = dict.fromkeys(("created", "moved", "updated", "cancelled", "unresolved"), 0)
    counts["unresolved"] = len(unresolved)
    existing = {
        (d.kind, d.subject_key): d
        for d in db.session.scalars(select(Deadline).options(selectinload(Deadline.people)))
    }
    people_ids = {i for spec in specs for i in spec.people_ids}
    users = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(people_ids)))}
        if people_ids
        else {}
    )
    for spec in specs:
        deadline = existing.pop((spec.kind, spec.subject_key), None)
        if deadline is None:
            deadline = Deadline(kind=spec.kind, subject_key=spec.subject_key, previous_due_dates=[])
            db.session.add(deadline)
            counts["created"] += 1
        elif deadline.due_on != spec.due_on:
            deadline.previous_due_dates = [
                *(deadline.previous_due_dates or []),
                deadline.due_on.isoformat(),
            ]
            counts["moved"] += 1
        elif _differs(deadline, spec):
            counts["updated"] += 1
        _apply(deadline, spec, [users[i] for i in spec.people_ids if i in users], now)
    kept = {(u.kind, u.subject_key) for u in unresolved}
    for key, deadline in existing.items():
        if key not in kept and not deadline.cancelled:
            deadline.cancelled = True
            deadline.refreshed_at = now
            counts["cancelled"] += 1
    db.session.flush()
    return counts


def _fields(spec: sources.DeadlineSpec) -> dict:
    return {
        "title": spec.title[:255],
        "link": spec.link[:255],
        "owner_org_id": spec.owner_org_id,
        "province_id": spec.province_id,
        "agency_id": spec.agency_id,
        "category": spec.category,
        "due_on": spec.due_on,
        "done_on": spec.done_on,
        "cancelled": False,
    }


def _differs(deadline: Deadline, spec: sources.DeadlineSpec) -> bool:
    if any(getattr(deadline, k) != v for k, v in _fields(spec).items()):
        return True
    return {u.id for u in deadline.people} != set(spec.people_ids)


def _apply(deadline: Deadline, spec: sources.DeadlineSpec, people: list[User], now) -> None:
    for key, value in _fields(spec).items():
        if getattr(deadline, key) != value:
            setattr(deadline, key, value)
    if {u.id for u in deadline.people} != {u.id for u in people}:
        deadline.people = people
    deadline.refreshed_at = now


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
