"""Who works on an import job: the worker's identity, its heartbeat, and the recovery of jobs
whose worker is gone (a gunicorn worker killed, the server restarted mid-import).

An import writes nothing until it commits once at the end (all or nothing), so a job whose
process died has imported nothing: its database transaction went with the connection. What is
left is the job's row, still "validating" or "importing" for good, and the same file
refused as "already on its way in". ``recover`` marks such jobs failed with the reason.

A job's process is known to be gone when

- it ran on this machine and its process no longer exists (checked at once, by its pid and
  the process's start time, so a pid reused since is not taken for it), or
- it ran on another machine (several web servers on one PostgreSQL) and has not renewed its
  heartbeat for ``IMPORTS_STALE_SECONDS``, or
- it is still waiting to be taken up that long after its upload.

A process renews the heartbeat of its running job every ``IMPORTS_HEARTBEAT_SECONDS`` from a
thread of its own, on a connection of its own. On SQLite it cannot while the import's
transaction holds the write lock; nothing can then fail the job either (the recovery waits
for the same lock), and the machine is the same one anyway.

Every change of a running job's state is conditional on the job still being the worker's
(``still_mine``): a worker that was given up for dead and comes back rolls its work back.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from ..core.database import SQLITE_BUSY_TIMEOUT_MS
from ..core.types import utcnow
from ..extensions import db
from .models import ImportJob

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15
STALE_SECONDS = 300
#: The states in which a process is (or should be) working on the job.
RUNNING_STATES = ("uploaded", "validating", "importing")
INTERRUPTED = _l("导入进程中断（服务器重启或进程被终止），未导入任何数据。请重新上传导入。")
#: ImportJob.worker
MAX_LENGTH = 120


def _start_ticks(pid: int) -> str | None:
    """When process ``pid`` started, in clock ticks since boot (Linux), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count from its end.
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


def identity() -> str:
    """This process as a job's worker: ``host:pid:start`` (the process's start time where
    the system tells it, else a random token drawn once per process)."""
    return _identity(os.getpid())


@functools.cache
def _identity(pid: int) -> str:
    # Keyed by pid: a process forked from this one is another worker.
    tail = f":{pid}:{_start_ticks(pid) or 'r' + secrets.token_hex(4)}"
    return socket.gethostname()[: MAX_LENGTH - len(tail)] + tail


def alive_here(worker: str | None) -> bool | None:
    """Whether the process ``worker`` names still runs: True or False when it ran on this
    machine, None when this machine cannot tell (another host, no worker recorded)."""
    host, _sep, rest = (worker or "").partition(":")
    pid_text, _sep, start = rest.partition(":")
    # The host as ``identity`` writes it here (cut to fit the column, see there).
    this_host = socket.gethostname()[: MAX_LENGTH - len(rest) - 1]
    if not worker or host != this_host or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    if start.isdigit():
        # A process of that pid started at that moment: the same process.
        return _start_ticks(pid) == start
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process now holds the pid
    return True


def stale_seconds() -> int:
    return int(current_app.config.get("IMPORTS_STALE_SECONDS", STALE_SECONDS))


def still_mine(job_id: int, worker: str) -> bool:
    """Inside the caller's transaction: the job is still this worker's and running (not
    given up for dead meanwhile). The row is then locked for the caller's transaction, so
    the recovery cannot change it before the caller commits."""
    result = db.session.execute(
        update(ImportJob)
        .where(
            ImportJob.id == job_id,
            ImportJob.worker == worker,
            ImportJob.status.in_(RUNNING_STATES),
        )
        .values(heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


@contextlib.contextmanager
def heartbeat(engine: Engine, job_id: int, worker: str, seconds: float) -> Iterator[None]:
    """Renew the job's heartbeat every ``seconds`` while the block runs."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(seconds):
            _beat(engine, job_id, worker)

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()


def _beat(engine: Engine, job_id: int, worker: str) -> None:
    sqlite = engine.dialect.name == "sqlite"
    beat = (
        update(ImportJob.__table__)
        .where(
            ImportJob.id == job_id,
            ImportJob.worker == worker,
            ImportJob.status.in_(RUNNING_STATES),
        )
        .values(heartbeat_at=utcnow())
    )
    try:
        with engine.connect() as connection:
            if sqlite:
                # The import's own transaction may hold the write lock for minutes: do not
                # queue behind it, the next beat tries again.
                connection.exec_driver_sql("PRAGMA busy_timeout = 100")
            try:
                connection.execute(beat)
                connection.commit()
            finally:
                connection.rollback()
                if sqlite:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
                    connection.commit()
    except DBAPIError:
        log.debug("heartbeat of import job %s skipped (database busy)", job_id)


@dataclass(frozen=True)
class Recovered:
    """A job ``recover`` marked failed: its id, kind, file and why its worker counts as gone."""

    job_id: int
    kind: str
    file_name: str
    reason: str


def recover(*, now: datetime | None = None, stale: int | None = None) -> list[Recovered]:
    """Mark failed every running job whose worker is gone (see the module's docstring), with
    the reason ``INTERRUPTED``; their files are removed. Flushes; the caller commits, then
    may remove the files (``service.remove_files``)."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=stale if stale is not None else stale_seconds())
    candidates = db.session.execute(
        select(
            ImportJob.id,
            ImportJob.kind,
            ImportJob.file_name,
            ImportJob.status,
            ImportJob.worker,
            ImportJob.heartbeat_at,
            ImportJob.created_at,
        ).where(ImportJob.status.in_(RUNNING_STATES))
    ).all()
    recovered = []
    for job_id, kind, file_name, status, worker, beat_at, created_at in candidates:
        here = alive_here(worker)
        last = beat_at or created_at
        # The update is conditional on the job as read: a worker that beat meanwhile (or a
        # job that ended, or was taken by another worker) is left alone.
        unchanged = [
            ImportJob.id == job_id,
            ImportJob.status.in_(RUNNING_STATES),
            ImportJob.worker.is_(None) if worker is None else ImportJob.worker == worker,
            ImportJob.heartbeat_at.is_(None)
            if beat_at is None
            else ImportJob.heartbeat_at == beat_at,
        ]
        if here is False:
            reason = f"process {worker} no longer runs"
        elif (here is None or status == "uploaded") and last < cutoff:
            # An upload is taken up by its process's thread at once: still waiting, it
            # never will be (the process lives on, the thread was never started).
            reason = f"no heartbeat since {last.isoformat(timespec='seconds')}"
        else:
            continue
        result = db.session.execute(
            update(ImportJob)
            .where(*unchanged)
            .values(status="failed", message=str(INTERRUPTED), finished_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            recovered.append(Recovered(job_id, kind, file_name, reason))
    db.session.flush()
    return recovered
