"""Leases: which process may run the scheduled jobs now.

A lease is one ``job_leases`` row (name, holder, acquired_at, expires_at). Its holder renews it
well before it expires; anyone else may take it only once it has expired. So a second scheduler
started by mistake waits as a standby instead of sending every reminder twice, and takes over
within one lease period if the first one dies.

Every call runs in its **own short transaction on its own connection** and commits at once,
never through ``db.session``:

- the other scheduler process must see the lease the moment it is taken or renewed (a lease
  sitting in an uncommitted transaction protects nothing), and must not wait behind a long
  reminder run for it;
- committing the lease must not commit, or be rolled back with, whatever the caller has pending
  in its session.

The statements are plain SQL that SQLite and PostgreSQL both run: a conditional ``UPDATE`` whose
row count says whether we hold the lease, and an ``INSERT`` for a lease nobody has held yet.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .models import JobLease

HOLDER_MAX_LENGTH = 120  # JobLease.holder


def new_holder(*, host: str | None = None, pid: int | None = None, token: str | None = None) -> str:
    """An identity for this process: ``host:pid:random`` (the random part tells apart two
    processes that reuse a pid, e.g. after a restart in a container)."""
    host = host if host is not None else socket.gethostname()
    pid = pid if pid is not None else os.getpid()
    token = token if token is not None else secrets.token_hex(4)
    tail = f":{pid}:{token}"
    return host[: HOLDER_MAX_LENGTH - len(tail)] + tail


def _seconds(ttl: timedelta | int | float) -> timedelta:
    return ttl if isinstance(ttl, timedelta) else timedelta(seconds=ttl)


def acquire(name: str, holder: str, *, now: datetime, ttl: timedelta | int | float) -> bool:
    """Take the lease ``name`` for ``holder`` until ``now + ttl``, or renew it if ``holder``
    already has it. False while another holder's lease has not expired.

    Atomic on both databases: the conditional ``UPDATE`` locks the row (PostgreSQL re-checks the
    condition after waiting for a concurrent updater; SQLite serialises writers), so of two
    processes racing for an expired lease exactly one sees a row count of 1. The ``INSERT`` of a
    first lease runs in a savepoint: a caller that loses that race gets an ``IntegrityError``
    and tries the ``UPDATE`` once more, which now sees the winner's row (and succeeds if the
    winner was the same holder, e.g. two jobs of one scheduler starting together).
    """
    expires = now + _seconds(ttl)
    take = (
        update(JobLease)
        .where(JobLease.name == name, or_(JobLease.holder == holder, JobLease.expires_at < now))
        .values(holder=holder, acquired_at=now, expires_at=expires)
        .execution_options(synchronize_session=False)
    )
    with db.engine.begin() as conn:
        if conn.execute(take).rowcount == 1:
            return True
        if conn.scalar(select(JobLease.name).where(JobLease.name == name)) is None:
            try:
                with conn.begin_nested():
                    conn.execute(
                        insert(JobLease).values(
                            name=name, holder=holder, acquired_at=now, expires_at=expires
                        )
                    )
                return True
            except IntegrityError:
                pass  # another caller inserted it since our UPDATE
        # The row exists: it may have appeared since the first UPDATE (READ COMMITTED sees
        # it now), so ask once more.
        return conn.execute(take).rowcount == 1


def release(name: str, holder: str) -> bool:
    """Give the lease up (on shutdown), so a standby can take over at once. Only the holder can
    release it; True if it did hold it."""
    with db.engine.begin() as conn:
        result = conn.execute(
            delete(JobLease)
            .where(JobLease.name == name, JobLease.holder == holder)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


@dataclass(frozen=True)
class LeaseState:
    name: str
    holder: str
    acquired_at: datetime
    expires_at: datetime

    def is_live(self, now: datetime) -> bool:
        return self.expires_at >= now


def current(name: str) -> LeaseState | None:
    """Who holds (or last held) the lease ``name`` — e.g. to show whether a scheduler runs."""
    with db.engine.connect() as conn:
        row = conn.execute(
            select(JobLease.name, JobLease.holder, JobLease.acquired_at, JobLease.expires_at).where(
                JobLease.name == name
            )
        ).first()
    return LeaseState(*row) if row is not None else None
