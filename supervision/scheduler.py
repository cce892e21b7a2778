"""The job table and the scheduler process (started only by ``flask scheduler``).

One separate process runs the jobs: ``flask --app supervision scheduler`` (under systemd in
production, beside the web server in ``make run``). The application factory never starts a
scheduler, so gunicorn's web workers never run jobs.

Each job is a thin wrapper around a service function that takes ``now``; the same function is
a CLI command (``flask reminders send-due [--now ISO]``), so cron can replace this process and
tests can drive time. The wrapper:

- takes or renews the database lease ``"scheduler"`` first: a second scheduler started by
  mistake finds the lease held and sends nothing (it stands by and takes over once the first
  one's lease expires, and then sends at once: a restarted scheduler whose predecessor was
  killed catches up without waiting for its next interval);
- runs the service as the audit actor "scheduler", commits, and logs what it did;
- logs and rolls back any exception: a failing run never stops the scheduler, the next run
  retries.

Missed runs are caught up by the engine, not by APScheduler: the reminders job runs once at
start, and ``send_due`` sends everything due and not yet sent at that moment (the days the
scheduler was stopped included), each reminder once. Jobs live in memory (defined below), with
``coalesce`` (a backlog of runs collapses to one), ``max_instances=1`` and a misfire grace time.
"""

from __future__ import annotations

import dataclasses
import logging
import signal
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app

from .core import audit, leases
from .core.types import utcnow
from .extensions import db

log = logging.getLogger(__name__)

#: The lease every job of this process needs (one scheduler at a time does anything).
LEASE = "scheduler"
SCHEDULER_ACTOR = audit.Actor(None, "scheduler", source="scheduler")
#: A run delayed by up to an hour (busy pool, suspended machine) still runs; a later one is
#: dropped, and the next run catches up anyway.
MISFIRE_GRACE_SECONDS = 3600
JOB_OPTIONS: dict[str, Any] = {
    "coalesce": True,
    "max_instances": 1,
    "misfire_grace_time": MISFIRE_GRACE_SECONDS,
}


def _lease_ttl(config: Mapping) -> int:
    return int(config["SCHEDULER_LEASE_SECONDS"])


def _describe(result: object) -> str:
    """The counts a service returned, as ``key=value`` pairs for the log."""
    if result is None:
        return "done"
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        items = dataclasses.asdict(result).items()
    elif hasattr(result, "_asdict"):
        items = result._asdict().items()
    elif isinstance(result, Mapping):
        items = result.items()
    else:
        return str(result)
    return ", ".join(f"{key}={value}" for key, value in items)


def send_reminders_job(
    app: Flask,
    holder: str,
    *,
    now: datetime | None = None,
    send_due: Callable[..., object] | None = None,
) -> object | None:
    """Send every reminder due at ``now`` (default: the current time) if this process holds
    the lease. Returns what ``send_due`` returned, or None when it did not run or failed.

    ``send_due`` defaults to ``reminders.service.send_due`` (imported here, at run time);
    tests pass another function.
    """
    with app.app_context():
        try:
            # The lease is about real processes, so it runs on the wall clock even when a
            # caller drives the business time with ``now``.
            if not leases.acquire(LEASE, holder, now=utcnow(), ttl=_lease_ttl(app.config)):
                log.info("another scheduler holds the lease %r: not sending reminders", LEASE)
                return None
            if send_due is None:
                from .reminders.service import send_due
            at = now or utcnow()
            with audit.acting_as(SCHEDULER_ACTOR):
                result = send_due(now=at)
                db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("sending the due reminders failed (rolled back; the next run retries)")
            return None
    local = at.astimezone(ZoneInfo(app.config["TIMEZONE"]))
    log.info("reminders due at %s: %s", local.isoformat(timespec="seconds"), _describe(result))
    return result


def recover_imports_job(app: Flask, holder: str) -> list | None:
    """Fail the import jobs whose worker is gone (a web worker killed mid-import, the server
    restarted): ``imports.service.recover_interrupted``. Returns the jobs failed, or None
    when it did not run."""
    with app.app_context():
        try:
            if not leases.acquire(LEASE, holder, now=utcnow(), ttl=_lease_ttl(app.config)):
                return None
            from .imports.service import recover_interrupted

            recovered = recover_interrupted()
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("recovering interrupted imports failed (the next run retries)")
            return None
    for job in recovered:
        log.warning("import job %s (%s) marked failed: %s", job.job_id, job.file_name, job.reason)
    return recovered


#: The last lease state each holder saw, so the log shows changes, not every renewal.
_lease_seen: dict[str, bool] = {}


#: What a scheduler does when it takes the lease over from a stopped one, by holder
#: (``build_scheduler``: run the reminders at once).
_on_take_over: dict[str, Callable[[], object]] = {}


def renew_lease_job(app: Flask, holder: str) -> bool:
    """Keep the lease while alive (a standby takes it once the holder's lease expires).

    A standby that has just taken the lease over (its holder stopped or died) runs the
    reminders at once rather than at its next interval, so that what the previous holder left
    unsent goes out now.
    """
    with app.app_context():
        try:
            held = leases.acquire(LEASE, holder, now=utcnow(), ttl=_lease_ttl(app.config))
        except Exception:
            log.exception("could not renew the scheduler lease")
            return False
    seen = _lease_seen.get(holder)
    if seen != held:
        _lease_seen[holder] = held
        if held:
            log.info("this scheduler (%s) holds the lease %r", holder, LEASE)
            if seen is False and holder in _on_take_over:
                log.info("took the lease over from a stopped scheduler: sending what is due now")
                _on_take_over[holder]()
        else:
            log.warning(
                "another scheduler holds the lease %r: this one (%s) stands by", LEASE, holder
            )
    return held


@dataclasses.dataclass(frozen=True)
class JobSpec:
    id: str
    func: Callable[..., object]
    #: How often it runs, from the configuration.
    interval: Callable[[Mapping], timedelta]
    description: str


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        "send_reminders",
        send_reminders_job,
        lambda config: timedelta(minutes=int(config["SCHEDULER_REMINDER_MINUTES"])),
        "send the reminders due now (catches up missed runs)",
    ),
    JobSpec(
        "recover_imports",
        recover_imports_job,
        lambda config: timedelta(seconds=int(config["SCHEDULER_IMPORT_RECOVERY_SECONDS"])),
        "fail the imports whose worker is gone",
    ),
    JobSpec(
        "renew_lease",
        renew_lease_job,
        lambda config: timedelta(seconds=max(1, _lease_ttl(config) // 3)),
        "renew this scheduler's lease",
    ),
)


def build_scheduler(
    app: Flask,
    *,
    holder: str | None = None,
    scheduler_class: type[BaseScheduler] = BlockingScheduler,
) -> BaseScheduler:
    """The scheduler with every job of ``JOBS``, each first run at once (not started)."""
    holder = holder or leases.new_holder()
    zone = ZoneInfo(app.config["TIMEZONE"])
    scheduler = scheduler_class(timezone=zone, job_defaults=dict(JOB_OPTIONS))
    start = datetime.now(zone)
    for spec in JOBS:
        scheduler.add_job(
            spec.func,
            IntervalTrigger(seconds=int(spec.interval(app.config).total_seconds()), timezone=zone),
            id=spec.id,
            name=spec.description,
            kwargs={"app": app, "holder": holder},
            next_run_time=start,
            replace_existing=True,
            **JOB_OPTIONS,
        )

    def run_reminders_now() -> None:
        scheduler.modify_job("send_reminders", next_run_time=datetime.now(zone))

    _on_take_over[holder] = run_reminders_now
    return scheduler


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # "Running job …" twice a minute for the lease is noise; misses and errors still show.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduler in the foreground (one process; web workers never run jobs)."""
    app = current_app._get_current_object()
    _configure_logging()
    holder = leases.new_holder()
    scheduler = build_scheduler(app, holder=holder)
    # systemd and `make run` stop it with SIGTERM: shut down like on Ctrl-C.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    for job in scheduler.get_jobs():
        log.info("job %s: %s, every %s", job.id, job.name, job.trigger.interval)
    log.info("scheduler %s starting (Ctrl-C or SIGTERM stops it)", holder)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler %s stopping", holder)
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)  # let a reminder run in progress finish
        try:
            if leases.release(LEASE, holder):
                log.info("lease %r released", LEASE)
        except Exception:
            log.exception("could not release the lease %r (it expires by itself)", LEASE)
