"""An import whose worker died: a real import process killed mid-way leaves nothing behind,
and the recovery marks its job failed with the reason (no more "importing" for ever)."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import select as selectors
import signal
import socket
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from conftest import credit_code, login
from supervision import scheduler
from supervision.core.types import utcnow
from supervision.enterprises.importing import COLUMNS
from supervision.enterprises.models import Enterprise
from supervision.extensions import db
from supervision.imports import service, workers
from supervision.imports.kinds import KINDS
from supervision.imports.models import ImportJob

PROJECT = Path(__file__).resolve().parents[2]
INTERRUPTED = "导入进程中断（服务器重启或进程被终止），未导入任何数据。请重新上传导入。"
ROWS = 5000


def registry_csv(rows: int = ROWS, prefix: str = "中断导入企业") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in COLUMNS])
    for n in range(rows):
        values = {
            "credit_code": credit_code(50_000 + n),
            "name": f"{prefix}{n:05d}",
            "division_code": "320102",
            "industry": "硫酸",
            "status": "生产",
            "key_energy_unit": "否",
        }
        writer.writerow([values.get(c.key, "") for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def named(prefix: str) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(Enterprise).where(Enterprise.name.like(f"{prefix}%"))
    )


def job(job_id: int) -> ImportJob:
    db.session.expire_all()
    return db.session.get(ImportJob, job_id)


#: The import, as ``flask enterprises import`` runs it, in a process of its own; after two
#: batches are written (in the import's open transaction) it says so and waits to be killed.
IMPORT_PROCESS = textwrap.dedent(
    """
    import dataclasses, sys, time

    import config
    from supervision import create_app

    settings = {k: getattr(config.TestConfig, k) for k in dir(config.TestConfig) if k.isupper()}
    settings["DATABASE_URL"] = sys.argv[1]
    app = create_app(settings)

    from supervision.core.models import Organisation
    from supervision.extensions import db
    from supervision.imports import service
    from supervision.imports.kinds import KINDS
    from supervision.imports.models import ImportJob

    kind = KINDS["enterprises"]
    batches = []

    def write_batch(values, context):
        kind.write_batch(values, context)
        batches.append(len(values))
        if len(batches) == 2:
            print("WRITING", sum(batches), flush=True)
            time.sleep(600)

    KINDS["enterprises"] = dataclasses.replace(kind, write_batch=write_batch)
    with app.app_context():
        province = db.session.get(Organisation, int(sys.argv[3]))
        with open(sys.argv[2], "rb") as fh:
            job = service.create_job(
                KINDS["enterprises"], fh, "名录.csv", province=province, user=None, source="cli"
            )
        db.session.commit()
        job_id = job.id
        print("JOB", job_id, flush=True)
        service.validate_job(app, job_id)
        db.session.expire_all()
        assert service.confirm(db.session.get(ImportJob, job_id))
        db.session.commit()
        service.import_job(app, job_id)
    """
)


def _read_line(process: subprocess.Popen, timeout: float) -> str:
    ready, _w, _x = selectors.select([process.stdout], [], [], timeout)
    if not ready:
        raise AssertionError("the import process said nothing in time")
    return process.stdout.readline().decode().strip()


def test_an_import_process_killed_mid_way_leaves_nothing_and_is_recovered(app, world, tmp_path):
    db.session.commit()
    upload = tmp_path / "名录.csv"
    upload.write_bytes(registry_csv())
    script = tmp_path / "run_import.py"
    script.write_text(IMPORT_PROCESS)
    process = subprocess.Popen(  # noqa: S603 -- our own script and arguments
        [
            sys.executable,
            str(script),
            app.config["SQLALCHEMY_DATABASE_URI"],
            str(upload),
            str(world.a_province.id),
        ],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        env={
            **os.environ,
            "SUPERVISION_INSTANCE_PATH": app.instance_path,
            "PYTHONPATH": str(PROJECT),
        },
    )
    try:
        first = _read_line(process, 120)
        assert first.startswith("JOB "), first
        job_id = int(first.split()[1])
        assert _read_line(process, 120) == "WRITING 2000"
        # The import is in the middle of its transaction: 2 000 rows written, 3 000 to go.
        assert job(job_id).status == "importing"
        assert job(job_id).worker.split(":")[1] == str(process.pid)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        process.stdout.close()

    killed = job(job_id)
    assert killed.status == "importing"  # what the bug left for ever
    assert named("中断导入企业") == 0  # the transaction died with its process
    recovered = service.recover_interrupted()
    db.session.commit()
    assert [(r.job_id, r.reason) for r in recovered] == [
        (job_id, f"process {killed.worker} no longer runs")
    ]
    failed = job(job_id)
    assert failed.status == "failed" and failed.message == INTERRUPTED
    assert failed.finished_at is not None
    assert named("中断导入企业") == 0
    assert not list((Path(app.instance_path) / "imports").glob(f"{job_id}-*"))
    assert not (Path(app.instance_path) / failed.stored_path).exists()
    assert service.recover_interrupted() == []  # once

    # The same file goes in again, in full.
    with upload.open("rb") as fh:
        again = service.create_job(
            KINDS["enterprises"], fh, "名录.csv", province=world.a_province, user=None
        )
    db.session.commit()
    service.validate_job(app, again.id)
    assert service.confirm(job(again.id))
    db.session.commit()
    service.import_job(app, again.id)
    assert job(again.id).status == "done" and named("中断导入企业") == ROWS


# -- which jobs are given up --------------------------------------------------------------------


def dead_worker() -> str:
    """The identity a finished process had on this machine."""
    finished = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        check=True,
        text=True,
    )
    return f"{socket.gethostname()}:{int(finished.stdout)}:r0000"


def add_job(world, status: str, *, worker: str | None, beat_ago: float | None, n: int) -> int:
    now = utcnow()
    row = ImportJob(
        kind="enterprises",
        province_id=world.a_province.id,
        file_name=f"{n}.csv",
        stored_path=f"imports/recovery-{n}.csv",
        file_sha256=f"{n:064d}",
        status=status,
        worker=worker,
        heartbeat_at=None if beat_ago is None else now - timedelta(seconds=beat_ago),
        created_at=now - timedelta(hours=1),
        params={},
        errors=[],
        summary={},
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def test_which_jobs_are_given_up(app, world):
    here = workers.identity()
    elsewhere = "web-2.example:4242:123456"
    jobs = {
        # gone: the process ended on this machine (however fresh its last beat)
        "dead process": add_job(world, "importing", worker=dead_worker(), beat_ago=1, n=1),
        # gone: another machine's worker, silent for ten minutes
        "silent elsewhere": add_job(world, "validating", worker=elsewhere, beat_ago=600, n=2),
        # gone: uploaded an hour ago, never taken up by any process
        "never started": add_job(world, "uploaded", worker=None, beat_ago=None, n=3),
        # gone: uploaded here an hour ago, never taken up by this process's thread
        "never taken up": add_job(world, "uploaded", worker=here, beat_ago=3600, n=13),
        # alive: another machine's worker that beat a minute ago
        "beating elsewhere": add_job(world, "importing", worker=elsewhere, beat_ago=60, n=4),
        # alive: this very process, whatever its heartbeat (SQLite's writer cannot beat)
        "this process": add_job(world, "importing", worker=here, beat_ago=3600, n=5),
        # over, or waiting for the user: never touched
        "valid": add_job(world, "valid", worker=dead_worker(), beat_ago=3600, n=6),
        "done": add_job(world, "done", worker=dead_worker(), beat_ago=3600, n=7),
    }
    upload = Path(app.instance_path) / "imports"
    upload.mkdir(exist_ok=True)
    (upload / "recovery-1.csv").write_text("x")
    (upload / f"{jobs['dead process']}-rows.csv").write_text("x")

    recovered = {r.job_id for r in service.recover_interrupted()}
    db.session.commit()

    gone = {"dead process", "silent elsewhere", "never started", "never taken up"}
    assert recovered == {jobs[name] for name in gone}
    for name, job_id in jobs.items():
        row = job(job_id)
        if name in gone:
            assert (row.status, row.message) == ("failed", INTERRUPTED), name
        else:
            assert row.status != "failed" and row.message == "", name
    assert not (upload / "recovery-1.csv").exists()
    assert not (upload / f"{jobs['dead process']}-rows.csv").exists()


def test_the_identity_of_a_process_survives_no_pid_reuse():
    here = workers.identity()
    host, pid, start = here.rsplit(":", 2)
    assert host == socket.gethostname() and pid == str(os.getpid())
    assert workers.alive_here(here) is True
    if start.isdigit():  # Linux: the start time tells a new process of the same pid apart
        assert workers.alive_here(f"{host}:{pid}:{int(start) + 1}") is False
    assert workers.alive_here(dead_worker()) is False
    assert workers.alive_here("another-host:1:1") is None
    assert workers.alive_here(None) is None


def test_a_worker_given_up_while_it_still_ran_imports_nothing(app, world, monkeypatch):
    """Recovery and a slow worker at once: the job was marked failed meanwhile, so the
    worker's rows are rolled back at the end and the job stays failed."""
    content = registry_csv(1500, prefix="迟到导入企业")
    job_row = service.create_job(
        KINDS["enterprises"], io.BytesIO(content), "名录.csv", province=world.a_province, user=None
    )
    db.session.commit()
    service.validate_job(app, job_row.id)
    assert service.confirm(job(job_row.id))
    db.session.commit()
    kind = KINDS["enterprises"]

    def given_up_meanwhile(context):
        kind.prepare(context)
        # Another process (the scheduler) gives the job up, on its own connection.
        with db.engine.begin() as connection:
            connection.execute(
                update(ImportJob.__table__)
                .where(ImportJob.id == context.job_id)
                .values(status="failed", message=INTERRUPTED)
            )

    monkeypatch.setitem(KINDS, "enterprises", dataclasses.replace(kind, prepare=given_up_meanwhile))
    service.import_job(app, job_row.id)
    after = job(job_row.id)
    assert (after.status, after.message) == ("failed", INTERRUPTED)
    assert named("迟到导入企业") == 0


def test_a_validation_given_up_meanwhile_stays_failed(app, world, monkeypatch):
    kind = KINDS["enterprises"]
    job_row = service.create_job(
        kind,
        io.BytesIO(registry_csv(10, "迟到校验")),
        "名录.csv",
        province=world.a_province,
        user=None,
    )
    db.session.commit()

    def given_up_meanwhile(context):
        kind.prepare(context)
        with db.engine.begin() as connection:
            connection.execute(
                update(ImportJob.__table__)
                .where(ImportJob.id == context.job_id)
                .values(status="failed", message=INTERRUPTED)
            )

    monkeypatch.setitem(KINDS, "enterprises", dataclasses.replace(kind, prepare=given_up_meanwhile))
    service.validate_job(app, job_row.id)
    assert (job(job_row.id).status, job(job_row.id).message) == ("failed", INTERRUPTED)


def test_a_running_job_beats(app, world):
    job_id = add_job(world, "importing", worker=workers.identity(), beat_ago=3600, n=8)
    before = job(job_id).heartbeat_at
    with workers.heartbeat(db.engine, job_id, workers.identity(), 0.05):
        deadline = time.monotonic() + 10
        while job(job_id).heartbeat_at == before and time.monotonic() < deadline:
            time.sleep(0.05)
    assert job(job_id).heartbeat_at > before
    assert utcnow() - job(job_id).heartbeat_at < timedelta(seconds=10)


def test_a_job_started_here_carries_this_process_and_its_heartbeat(app, client, world):
    login(client, world.a_officer.username)
    client.post(
        "/imports/new/enterprises",
        data={"file": (io.BytesIO(registry_csv(3, "心跳企业")), "名录.csv")},
        content_type="multipart/form-data",
    )
    row = db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()
    assert row.status == "valid" and row.worker == workers.identity()
    assert utcnow() - row.heartbeat_at < timedelta(minutes=1)


# -- where the recovery runs ----------------------------------------------------------------------


def test_flask_imports_recover(app, world):
    job_id = add_job(world, "importing", worker=dead_worker(), beat_ago=1, n=9)
    result = app.test_cli_runner().invoke(args=["imports", "recover"])
    assert result.exit_code == 0, result.output
    assert f"import job #{job_id} (enterprises, 9.csv): failed, process" in result.output
    assert "1 interrupted import(s) marked failed." in result.output
    assert job(job_id).status == "failed"
    again = app.test_cli_runner().invoke(args=["imports", "recover"])
    assert "0 interrupted import(s) marked failed." in again.output


def test_the_scheduler_recovers_every_minute_while_it_holds_the_lease(app, world):
    job_id = add_job(world, "validating", worker="web-2.example:1:1", beat_ago=400, n=10)
    assert scheduler.recover_imports_job(app, "other:2:bb") is not None  # takes the free lease
    assert job(job_id).status == "failed"
    fresh = add_job(world, "validating", worker="web-2.example:1:1", beat_ago=400, n=11)
    assert scheduler.recover_imports_job(app, "standby:3:cc") is None  # the lease is held
    assert job(fresh).status == "validating"


@pytest.mark.parametrize("stale", [0, 10_000])
def test_the_stale_delay_is_a_setting(app, world, stale):
    job_id = add_job(world, "importing", worker="web-2.example:1:1", beat_ago=400, n=12)
    app.config["IMPORTS_STALE_SECONDS"] = stale
    try:
        service.recover_interrupted()
        db.session.commit()
    finally:
        app.config["IMPORTS_STALE_SECONDS"] = workers.STALE_SECONDS
    assert job(job_id).status == ("failed" if stale < 400 else "importing")
