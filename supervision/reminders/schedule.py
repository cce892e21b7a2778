"""What a send-due run has to do, found with one query when it has nothing to do.

The deadlines are refreshed from their sources only when a source changed or the day did;
every open deadline's next stage is computed again only when the policies, the calendar or who
is told changed (``changes`` counts those). Otherwise a run reads the counts and whether any
deadline's next stage has come or any e-mail waits — one indexed query — and stops there.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from flask import current_app
from sqlalchemy import and_, bindparam, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from . import changes
from .changes import SOURCES, STAGES, TOPICS
from .deadlines import EVALUATE, local_date, refresh_deadlines, seed_policies
from .models import Deadline, Reminder, ReminderSchedule, ReminderState

#: Raise when a source or a stage rule computes dates differently: every installation then
#: refreshes and computes again on its next run (a migration that changes what the sources
#: read should raise it too: its writes are not counted).
RULES_VERSION = 1


@dataclass
class Work:
    """What the run found to do."""

    #: The refresh's counts ({}: the deadlines were up to date).
    refreshed: dict = field(default_factory=dict)
    #: Deadlines were refreshed or marked for evaluation: rows waiting for them may be
    #: obsolete, and any deadline may be due.
    changed: bool = False
    #: Some open deadline's next stage has come.
    due: bool = False
    #: Some e-mail may be sent now (pending, or a retry or a stale claim whose time came).
    waiting: bool = False

    @property
    def idle(self) -> bool:
        return not (self.changed or self.due or self.waiting)


def stamp() -> str:
    """The configuration the deadlines and stages are computed with."""
    config = current_app.config
    return _digest(
        (
            RULES_VERSION,
            config["TIMEZONE"],
            config["FILING_CORRECTION_WORKDAYS"],
            config["REINSPECTION_WORKDAYS"],
        )
    )


@cache
def _digest(values: tuple) -> str:
    return hashlib.sha256("|".join(map(str, values)).encode()).hexdigest()[:16]


@cache
def _probe():
    """The counts, and whether anything is due or waiting: one statement, built once."""
    deadlines, reminders, schedule = (
        Deadline.__table__,
        Reminder.__table__,
        ReminderSchedule.__table__,
    )
    now = bindparam("now")
    # Closed deadlines have no next_stage_on: the index holds only open ones.
    due = exists().where(
        deadlines.c.next_stage_on <= bindparam("day"),
        deadlines.c.done_on.is_(None),
        deadlines.c.cancelled.is_(False),
    )
    waiting = exists().where(
        or_(
            reminders.c.state == ReminderState.PENDING,
            and_(reminders.c.state == ReminderState.FAILED, reminders.c.next_attempt_at <= now),
            and_(reminders.c.state == ReminderState.SENDING, reminders.c.next_attempt_at <= now),
        )
    )
    return select(
        schedule.c.topic,
        schedule.c.changes,
        schedule.c.handled,
        schedule.c.handled_on,
        schedule.c.stamp,
        due.label("due"),
        waiting.label("waiting"),
    )


def _read(now: datetime, day: date) -> list:
    params = {"now": now, "day": day}
    if db.session().in_transaction():
        # The caller's transaction: its own uncommitted writes count.
        return db.session.connection().execute(_probe(), params).all()
    with db.engine.connect() as connection:
        return connection.execute(_probe(), params).all()


def _start(have: set[str]) -> None:
    """A database that has never been caught up (new, or emptied): everything is to do."""
    try:
        seed_policies()
        for topic in TOPICS:
            if topic not in have:
                db.session.add(ReminderSchedule(topic=topic, changes=1, handled=0, stamp=""))
        db.session.commit()
    except IntegrityError:  # a concurrent run started it first
        db.session.rollback()


def _handled(topic: str, seen: int, today: date, current: str) -> None:
    db.session.execute(
        update(ReminderSchedule)
        .where(ReminderSchedule.topic == topic)
        .values(handled=seen, handled_on=today, stamp=current)
        .execution_options(synchronize_session=False)
    )


def _refresh(now: datetime) -> dict[str, int]:
    try:
        seed_policies()
        counts = refresh_deadlines(now=now)
        db.session.commit()
    except IntegrityError:
        # A concurrent run added the same new deadlines (or policies) first: use its rows.
        db.session.rollback()
        seed_policies()
        counts = refresh_deadlines(now=now)
        db.session.commit()
    return counts


def catch_up(*, now: datetime, day: date) -> Work:
    """Refresh the deadlines if a source changed since the last refresh, the local day is a
    new one, or the configuration changed; mark every open deadline for evaluation if a
    policy, the calendar or an officer changed (commits). Says what else there is to do by
    ``day`` (the reminder day of ``now``).

    The counts are read before the work starts: a change committed meanwhile is counted
    after them and handled by the next run.
    """
    pending = changes.uncommitted_topics()
    rows = _read(now, day)
    if len(rows) < len(TOPICS):
        _start({row.topic for row in rows})
        rows = _read(now, day)
    states = {row.topic: row for row in rows}
    today, current = local_date(now), stamp()
    work = Work(due=rows[0].due, waiting=rows[0].waiting)
    sources = states[SOURCES]
    if (
        SOURCES in pending
        or sources.changes != sources.handled
        or sources.handled_on != today
        or sources.stamp != current
    ):
        work.refreshed = _refresh(now)
        work.changed = True
        _handled(SOURCES, sources.changes, today, current)
        db.session.commit()
    stages = states[STAGES]
    if STAGES in pending or stages.changes != stages.handled or stages.stamp != current:
        db.session.execute(
            update(Deadline)
            .where(Deadline.done_on.is_(None), Deadline.cancelled.is_(False))
            .values(next_stage_on=EVALUATE)
            .execution_options(synchronize_session=False)
        )
        work.changed = True
        _handled(STAGES, stages.changes, today, current)
        db.session.commit()
    return work


__all__ = ["EVALUATE", "Work", "catch_up", "stamp"]
