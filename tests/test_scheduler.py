"""The scheduler process: the lease that keeps a second scheduler from sending twice, the thin
job wrappers, and the job table (built here, never started as a blocking loop)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import select

from supervision import scheduler
from supervision.core import audit, leases
from supervision.core.models import JobLease
from supervision.extensions import db

T0 = datetime(2020, 2, 17, 1, 0, tzinfo=UTC)
TTL = timedelta(seconds=120)
PROJECT = Path(__file__).resolve().parent.parent


def lease_row(name: str = "scheduler") -> JobLease | None:
    db.session.expire_all()
    return db.session.get(JobLease, name)


# --- leases -------------------------------------------------------------------------------


def test_holder_names_host_pid_and_a_random_part():
    assert leases.new_holder(host="web1", pid=4242, token="ab12cd34") == "web1:4242:ab12cd34"
    first, second = leases.new_holder(), leases.new_holder()
    assert first != second  # same host and pid, told apart by the random part
    assert re.fullmatch(rf".+:{os.getpid()}:[0-9a-f]{{8}}", first)
    # A very long host name is cut so the whole id fits the column.
    long = leases.new_holder(host="h" * 300, pid=1, token="ffffffff")
    assert len(long) == leases.HOLDER_MAX_LENGTH and long.endswith(":1:ffffffff")


def test_a_free_lease_is_taken_and_renewed_by_its_holder(database):
    assert leases.acquire("scheduler", "A", now=T0, ttl=TTL)
    row = lease_row()
    assert (row.holder, row.acquired_at, row.expires_at) == ("A", T0, T0 + TTL)

    later = T0 + timedelta(seconds=40)
    assert leases.acquire("scheduler", "A", now=later, ttl=TTL)
    row = lease_row()
    assert (row.holder, row.acquired_at, row.expires_at) == ("A", later, later + TTL)
    assert db.session.scalars(select(JobLease)).all() == [row]


def test_another_holder_waits_until_the_lease_has_expired(database):
    assert leases.acquire("scheduler", "A", now=T0, ttl=TTL)
    expires = T0 + TTL
    assert not leases.acquire("scheduler", "B", now=T0 + timedelta(seconds=1), ttl=TTL)
    # Up to and including the expiry instant the lease is still A's.
    assert not leases.acquire("scheduler", "B", now=expires, ttl=TTL)
    assert lease_row().holder == "A"
    assert leases.current("scheduler").is_live(expires)

    stolen_at = expires + timedelta(microseconds=1)
    assert not leases.current("scheduler").is_live(stolen_at)
    assert leases.acquire("scheduler", "B", now=stolen_at, ttl=TTL)
    row = lease_row()
    assert (row.holder, row.acquired_at, row.expires_at) == ("B", stolen_at, stolen_at + TTL)
    # A, back from a pause, finds it gone and does not take it back while B renews.
    assert not leases.acquire("scheduler", "A", now=stolen_at + timedelta(seconds=5), ttl=TTL)
    assert lease_row().holder == "B"


def test_leases_are_independent_by_name(database):
    assert leases.acquire("scheduler", "A", now=T0, ttl=TTL)
    assert leases.acquire("imports", "B", now=T0, ttl=60)  # ttl in seconds works too
    assert lease_row("imports").expires_at == T0 + timedelta(seconds=60)
    assert leases.current("nothing") is None


def test_only_the_holder_releases_and_then_anyone_may_take_it(database):
    assert leases.acquire("scheduler", "A", now=T0, ttl=TTL)
    assert not leases.release("scheduler", "B")
    assert lease_row().holder == "A"
    assert leases.release("scheduler", "A")
    assert lease_row() is None
    assert not leases.release("scheduler", "A")  # nothing left to release
    assert leases.acquire("scheduler", "B", now=T0 + timedelta(seconds=1), ttl=TTL)


def test_a_lease_is_committed_at_once_whatever_the_session_does(database):
    """Another process must see the lease immediately; the caller's session neither commits
    nor rolls it back."""
    assert leases.acquire("scheduler", "A", now=T0, ttl=TTL)
    db.session.add(JobLease(name="pending", holder="X", acquired_at=T0, expires_at=T0))
    db.session.flush()
    db.session.rollback()
    assert leases.current("scheduler").holder == "A"
    assert lease_row("pending") is None


def racing(app, holders: list[str], now: datetime) -> list[str]:
    """Each holder reaches for the lease at the same moment from its own thread (and so its
    own connection, like separate processes); the holders that got it."""
    barrier = threading.Barrier(len(holders))
    winners: list[str] = []
    errors: list[BaseException] = []

    def reach(holder: str) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                if leases.acquire("scheduler", holder, now=now, ttl=TTL):
                    winners.append(holder)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=reach, args=(h,)) for h in holders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return winners


def test_racing_holders_get_exactly_one_lease(app, database):
    """Eight processes reach for a lease nobody holds, then for the expired lease: one wins
    each time."""
    holders = [f"host:{i}:race" for i in range(8)]
    db.session.commit()
    first = racing(app, holders, T0)
    assert len(first) == 1 and lease_row().holder == first[0]
    second = racing(app, holders, T0 + TTL + timedelta(seconds=1))
    assert len(second) == 1 and lease_row().holder == second[0]


def test_jobs_of_one_scheduler_starting_together_all_hold_its_lease(app, database):
    """The reminders job and the renewal job of one process run at once at start: each must
    see that its process holds the brand-new lease (the loser of the INSERT asks again)."""
    db.session.commit()
    same = ["vm:1:same"] * 6
    for attempt in range(5):
        assert leases.release("scheduler", "vm:1:same") == (attempt > 0)
        assert racing(app, same, T0) == same, f"attempt {attempt}"
    assert lease_row().holder == "vm:1:same"


# --- the job wrappers ---------------------------------------------------------------------


class FakeEngine:
    """Stands in for reminders.service.send_due: records each call and who made it."""

    def __init__(self, result=None, error: Exception | None = None):
        self.calls: list[tuple[datetime, audit.Actor]] = []
        self.result = result if result is not None else {"sent": 2, "failed": 0, "skipped": 1}
        self.error = error

    def __call__(self, *, now: datetime, mailer=None):
        self.calls.append((now, audit.current_actor()))
        if self.error is not None:
            raise self.error
        return self.result


@pytest.fixture
def engine(monkeypatch):
    """A fake ``send_due`` reached the way the job reaches the real one: by importing
    ``supervision.reminders.service`` when it runs."""
    fake = FakeEngine()
    try:
        from supervision.reminders import service
    except ImportError:
        service = types.ModuleType("supervision.reminders.service")
        monkeypatch.setitem(sys.modules, service.__name__, service)
    monkeypatch.setattr(service, "send_due", fake, raising=False)
    return fake


def test_the_reminders_job_sends_what_is_due_as_the_scheduler_and_commits(
    app, database, engine, caplog
):
    caplog.set_level("INFO", logger="supervision.scheduler")
    now = datetime(2020, 2, 17, 1, 0, tzinfo=UTC)

    def send_due(*, now, mailer=None):
        engine(now=now)
        db.session.add(
            JobLease(name="written-by-the-engine", holder="-", acquired_at=now, expires_at=now)
        )
        return {"sent": 3, "failed": 1}

    assert scheduler.send_reminders_job(app, "A", now=now, send_due=send_due) == {
        "sent": 3,
        "failed": 1,
    }
    assert engine.calls == [(now, scheduler.SCHEDULER_ACTOR)]
    assert lease_row("written-by-the-engine") is not None  # the job committed
    assert lease_row().holder == "A"
    assert "reminders due at 2020-02-17T09:00:00+08:00: sent=3, failed=1" in caplog.text


def test_the_job_imports_the_engine_when_it_runs_and_uses_the_current_time(app, database, engine):
    before = datetime.now(UTC)
    assert scheduler.send_reminders_job(app, "A") == engine.result
    [(now, actor)] = engine.calls
    assert before <= now <= datetime.now(UTC)
    assert actor == audit.Actor(None, "scheduler", source="scheduler")


def test_a_second_scheduler_does_not_send_again(app, database, engine, caplog):
    caplog.set_level("INFO", logger="supervision.scheduler")
    assert scheduler.send_reminders_job(app, "host-1:100:aaaa") == engine.result
    assert scheduler.send_reminders_job(app, "host-2:200:bbbb") is None
    assert len(engine.calls) == 1
    assert "another scheduler holds the lease 'scheduler'" in caplog.text
    # The holder itself runs again on its next turn.
    assert scheduler.send_reminders_job(app, "host-1:100:aaaa") == engine.result
    assert len(engine.calls) == 2


def test_the_standby_takes_over_once_the_holders_lease_expires(app, database, engine):
    ttl = app.config["SCHEDULER_LEASE_SECONDS"]
    long_ago = datetime.now(UTC) - timedelta(seconds=ttl + 1)
    assert leases.acquire("scheduler", "crashed", now=long_ago, ttl=ttl)
    assert scheduler.send_reminders_job(app, "standby") == engine.result
    assert lease_row().holder == "standby"


def test_a_failing_run_is_logged_and_rolled_back_and_the_next_run_retries(app, database, caplog):
    def broken(*, now, mailer=None):
        db.session.add(JobLease(name="half-done", holder="-", acquired_at=now, expires_at=now))
        db.session.flush()
        raise RuntimeError("SMTP server on fire")

    assert scheduler.send_reminders_job(app, "A", send_due=broken) is None
    assert lease_row("half-done") is None  # rolled back
    assert "sending the due reminders failed" in caplog.text
    assert "RuntimeError: SMTP server on fire" in caplog.text  # with the traceback
    assert lease_row().holder == "A"  # the lease survives the failed run

    retry = FakeEngine()
    assert scheduler.send_reminders_job(app, "A", send_due=retry) == retry.result
    assert len(retry.calls) == 1


def test_a_missing_database_is_logged_not_raised(app, database, caplog, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(leases, "acquire", unreachable)
    engine = FakeEngine()
    assert scheduler.send_reminders_job(app, "A", send_due=engine) is None
    assert not scheduler.renew_lease_job(app, "A")
    assert engine.calls == []
    assert [r.getMessage() for r in caplog.records] == [
        "sending the due reminders failed (rolled back; the next run retries)",
        "could not renew the scheduler lease",
    ]
    assert all(r.exc_info[0] is ConnectionError for r in caplog.records)


def test_the_renewal_job_keeps_the_lease_and_logs_only_changes(app, database, caplog):
    caplog.set_level("INFO", logger="supervision.scheduler")
    assert scheduler.renew_lease_job(app, "keeper:1:aa")
    first = lease_row().expires_at
    time.sleep(0.01)
    assert scheduler.renew_lease_job(app, "keeper:1:aa")
    assert lease_row().expires_at > first
    assert caplog.text.count("this scheduler (keeper:1:aa) holds the lease") == 1

    assert not scheduler.renew_lease_job(app, "other:2:bb")
    assert not scheduler.renew_lease_job(app, "other:2:bb")
    assert caplog.text.count("this one (other:2:bb) stands by") == 1


# --- the job table and the process --------------------------------------------------------


def test_the_scheduler_runs_every_job_at_once_then_on_its_interval(app):
    before = datetime.now(UTC)
    built = scheduler.build_scheduler(app, holder="h:1:x")
    assert isinstance(built, BlockingScheduler) and not built.running
    assert str(built.timezone) == "Asia/Shanghai"
    jobs = {job.id: job for job in built.get_jobs()}
    assert (
        set(jobs)
        == {spec.id for spec in scheduler.JOBS}
        == {"send_reminders", "recover_imports", "renew_lease"}
    )
    for job in jobs.values():
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time == 3600
        assert job.kwargs == {"app": app, "holder": "h:1:x"}
        # The first run is now: runs missed while the scheduler was stopped are caught up.
        assert before <= job.next_run_time <= datetime.now(UTC)
    assert jobs["send_reminders"].func is scheduler.send_reminders_job
    assert jobs["send_reminders"].trigger.interval == timedelta(minutes=15)
    assert jobs["recover_imports"].func is scheduler.recover_imports_job
    assert jobs["recover_imports"].trigger.interval == timedelta(minutes=1)
    assert jobs["renew_lease"].func is scheduler.renew_lease_job
    assert jobs["renew_lease"].trigger.interval == timedelta(seconds=40)  # a third of 120 s
    assert built._job_defaults == scheduler.JOB_OPTIONS


def test_started_the_scheduler_sends_once_at_once(app, database, engine):
    """Stopped for two days and started again, it sends what fell due meanwhile in its first
    run (the engine picks up everything due and unsent at that moment)."""
    db.session.commit()
    running = scheduler.build_scheduler(app, holder="bg:1:x", scheduler_class=BackgroundScheduler)
    running.start()
    try:
        deadline = time.monotonic() + 20
        while not engine.calls and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
    finally:
        running.shutdown(wait=True)
    assert len(engine.calls) == 1
    assert leases.current("scheduler").holder == "bg:1:x"


def test_the_scheduler_command_is_registered(app):
    assert app.cli.commands["scheduler"] is scheduler.scheduler_command
    result = app.test_cli_runner().invoke(args=["scheduler", "--help"])
    assert result.exit_code == 0
    assert "web workers never run jobs" in result.output


def test_the_command_releases_the_lease_when_stopped(app, database, monkeypatch):
    """Ctrl-C (or SIGTERM, turned into the same) stops it; a standby can take over at once."""
    seen = {}
    real_build = scheduler.build_scheduler

    def build(app, *, holder):
        built = real_build(app, holder=holder)

        def start():
            assert scheduler.renew_lease_job(app, holder)
            seen["holder"] = leases.current("scheduler").holder
            raise KeyboardInterrupt

        built.start = start
        return built

    monkeypatch.setattr(scheduler, "build_scheduler", build)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        result = app.test_cli_runner().invoke(args=["scheduler"])
        assert result.exit_code == 0, (result.output, result.exception)
        assert signal.getsignal(signal.SIGTERM) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert re.fullmatch(rf".+:{os.getpid()}:[0-9a-f]{{8}}", seen["holder"])
    assert leases.current("scheduler") is None


def _wait_for(path: Path, pattern: str, process: subprocess.Popen, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(pattern, text):
            return text
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"{pattern!r} not logged; log so far:\n{path.read_text()}")


def test_two_scheduler_processes_one_runs_the_jobs(app, database, tmp_path):
    """The real thing: two ``flask scheduler`` processes started together on one database.
    One holds the lease and runs the jobs, the other stands by; SIGTERM stops each cleanly and
    the holder releases its lease."""
    db.session.commit()
    env = {
        **os.environ,
        "SUPERVISION_DATABASE_URL": app.config["DATABASE_URL"],
        "SUPERVISION_INSTANCE_PATH": app.instance_path,
        "SUPERVISION_SECRET_KEY": "test-only",
        "SUPERVISION_SCHEDULER_LEASE_SECONDS": "60",  # no takeover while the test runs
        "PYTHONWARNINGS": "ignore",
    }
    env.pop("SUPERVISION_SMTP_HOST", None)
    flask = [sys.executable, "-m", "flask", "--app", "supervision", "scheduler"]
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    processes: list[subprocess.Popen] = []
    try:
        for log in logs:
            with log.open("w") as out:
                processes.append(
                    subprocess.Popen(flask, cwd=PROJECT, env=env, stdout=out, stderr=out)
                )
        for log, process in zip(logs, processes, strict=True):
            _wait_for(log, r"this scheduler \(\S+\) holds the lease|stands by", process)
        holder = leases.current("scheduler").holder
        [winner] = [p for p in processes if holder.split(":")[1] == str(p.pid)]
        [standby] = [p for p in processes if p is not winner]
        standby_log = logs[processes.index(standby)]
        _wait_for(
            standby_log, r"another scheduler holds the lease 'scheduler': not sending", standby
        )

        for process in (standby, winner):
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    winner_log = logs[processes.index(winner)].read_text()
    standby_log = standby_log.read_text()
    assert f"this scheduler ({holder}) holds the lease" in winner_log
    assert "stands by" not in winner_log and "not sending" not in winner_log
    assert "lease 'scheduler' released" in winner_log
    assert "stands by" in standby_log and "released" not in standby_log
    assert "this scheduler (" not in standby_log
    assert leases.current("scheduler") is None
