"""Import jobs: upload, the validation and import passes run in the background, confirm and
cancel. The passes run in a thread (or a CLI command) and own their transactions; the other
services only flush, like every service.

Features register what they import with ``register_kind`` (re-exported from ``kinds``).
"""

from __future__ import annotations

import contextlib
import enum
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..core import audit
from ..core.errors import DomainError
from ..core.types import utcnow
from ..extensions import db
from . import passes, readers, workers
from .kinds import KINDS, Column, ImportContext, ImportKind, kind_of, register_kind
from .models import ACTIVE_STATES, ImportJob
from .uploads import MAX_UPLOAD_BYTES, DuplicateUpload, create_job, upload_folder, upload_limit

__all__ = [
    "KINDS",
    "MAX_UPLOAD_BYTES",
    "Column",
    "DuplicateUpload",
    "ImportContext",
    "ImportKind",
    "create_job",
    "kind_of",
    "register_kind",
    "upload_folder",
    "upload_limit",
]


class Status(enum.StrEnum):
    UPLOADED = "uploaded"
    VALIDATING = "validating"
    INVALID = "invalid"
    VALID = "valid"
    IMPORTING = "importing"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    #: Imported, then its rows deleted so that a corrected file can replace it.
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.UPLOADED: _l("已上传"),
    Status.VALIDATING: _l("校验中"),
    Status.INVALID: _l("有错误"),
    Status.VALID: _l("待确认"),
    Status.IMPORTING: _l("导入中"),
    Status.DONE: _l("已导入"),
    Status.FAILED: _l("失败"),
    Status.CANCELLED: _l("已取消"),
    Status.WITHDRAWN: _l("已撤销"),
}
#: A thread is (or should be) working on jobs in these states.
RUNNING = frozenset({Status.UPLOADED, Status.VALIDATING, Status.IMPORTING})
#: The same file may not be uploaded again while a job for it is in one of these (a unique
#: index holds it: ``models.ACTIVE_STATES``).
ACTIVE = RUNNING | {Status.VALID}
assert {s.value for s in ACTIVE} == set(ACTIVE_STATES)  # noqa: S101 -- one list of states
assert {s.value for s in RUNNING} == set(workers.RUNNING_STATES)  # noqa: S101


def _path(name: str) -> Path:
    return upload_folder() / name


def start(app, job_id: int, phase: str) -> None:
    """Run ``phase`` ("validate" or "import") of a job: in a daemon thread with its own app
    context, or right here when ``IMPORTS_INLINE`` is set (tests). The caller commits first."""
    work = validate_job if phase == "validate" else import_job
    if app.config.get("IMPORTS_INLINE"):
        work(app, job_id)
        return
    threading.Thread(
        target=work, args=(app, job_id), name=f"import-{job_id}-{phase}", daemon=True
    ).start()


def confirm(job: ImportJob) -> bool:
    """valid → importing, once (a second click or a second tab changes nothing)."""
    result = db.session.execute(
        update(ImportJob)
        .where(ImportJob.id == job.id, ImportJob.status == Status.VALID.value)
        # This process starts the import (``start``).
        .values(
            status=Status.IMPORTING.value,
            processed_rows=0,
            worker=workers.identity(),
            heartbeat_at=utcnow(),
        )
    )
    db.session.expire(job)
    return result.rowcount == 1


def cancel(job: ImportJob) -> bool:
    """Drop a job waiting for confirmation (or a refused one): its files are deleted."""
    if job.status not in (Status.VALID, Status.INVALID):
        return False
    keep_report = job.status == Status.INVALID
    job.status = Status.CANCELLED.value
    job.finished_at = job.finished_at or utcnow()
    _remove_files(job, keep_report=keep_report)
    db.session.flush()
    return True


# -- the two phases ----------------------------------------------------------------------------

#: Rows imported so far by jobs of this process, for the status page while the import's
#: transaction is open (SQLite allows no second writer meanwhile, so there the count cannot
#: be committed until the end).
LIVE_PROGRESS: dict[int, int] = {}
#: Seconds between two progress writes of an import on PostgreSQL.
PROGRESS_SECONDS = 5
#: Seconds between two progress writes of a validation.
VALIDATION_PROGRESS_SECONDS = 1


def validate_job(app, job_id: int) -> None:
    """Validation pass: read every row once, collect every error; nothing is imported."""
    _run(app, job_id, Status.UPLOADED, Status.VALIDATING, _validate)


def import_job(app, job_id: int) -> None:
    """Import pass of a confirmed job: all rows in one transaction, or none."""
    _run(app, job_id, Status.IMPORTING, Status.IMPORTING, _import)


def _run(app, job_id: int, expected: Status, running: Status, work) -> None:
    with app.app_context():
        if not _claim(job_id, expected, running):
            return
        job = db.session.get(ImportJob, job_id)
        kind = KINDS[job.kind]
        beat = app.config.get("IMPORTS_HEARTBEAT_SECONDS", workers.HEARTBEAT_SECONDS)
        with (
            _as_uploader(app, job),
            workers.heartbeat(db.engine, job_id, workers.identity(), beat),
        ):
            try:
                work(job, kind)
            except IntegrityError:
                db.session.rollback()
                _finish_invalid(
                    db.session.get(ImportJob, job_id),
                    None,
                    _(
                        "导入时与同时写入的数据发生冲突（如重复的代码），未导入任何数据。请重新上传。"
                    ),
                )
            except (readers.UnreadableFile, DomainError) as exc:
                # A file that cannot be read, or a business rule refusing the whole import
                # (e.g. the filing was submitted meanwhile): nothing imported, say why.
                db.session.rollback()
                _finish_invalid(db.session.get(ImportJob, job_id), None, str(exc))
            except Exception:
                app.logger.exception("import job %s failed", job_id)
                db.session.rollback()
                if _still_mine(job_id):
                    job = db.session.get(ImportJob, job_id)
                    job.status = Status.FAILED.value
                    job.message = _(
                        "导入过程中出现系统错误，未导入任何数据。请稍后重试或联系管理员。"
                    )
                    job.finished_at = utcnow()
                    _remove_files(job)
                    db.session.commit()
            finally:
                LIVE_PROGRESS.pop(job_id, None)


def _claim(job_id: int, expected: Status, running: Status) -> bool:
    """Take up a job this process was given (by ``create_job`` or ``confirm``), once."""
    claimed = db.session.execute(
        update(ImportJob)
        .where(
            ImportJob.id == job_id,
            ImportJob.status == expected.value,
            ImportJob.worker == workers.identity(),
        )
        .values(status=running.value, heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claimed.rowcount == 1


def _still_mine(job_id: int) -> bool:
    """Before a running job's outcome is committed: it was not given up for dead meanwhile
    (``workers.recover``). If it was, whatever this pass did is rolled back: the job stays
    failed and nothing of it is imported."""
    if workers.still_mine(job_id, workers.identity()):
        return True
    db.session.rollback()
    current_app.logger.warning("import job %s was given up meanwhile: its work is dropped", job_id)
    return False


@contextlib.contextmanager
def _as_uploader(app, job: ImportJob) -> Iterator[None]:
    """Attribute the job's changes to whoever uploaded it, in his language."""
    user = job.user
    params = job.params or {}
    source = params.get("source", "web")
    actor = (
        audit.Actor.for_user(user, ip=params.get("ip"), source=source)
        if user is not None
        else audit.Actor(None, "command line", source=source)
    )
    locale = user.locale if user is not None and user.locale in app.config["LANGUAGES"] else None
    with audit.acting_as(actor), force_locale(locale or app.config["BABEL_DEFAULT_LOCALE"]):
        yield


def _context(job: ImportJob) -> ImportContext:
    return ImportContext(job.id, job.province, job.user, dict(job.params or {}))


def _validate(job: ImportJob, kind: ImportKind) -> None:
    job.processed_rows = job.error_count = 0
    db.session.commit()
    context = _context(job)
    kind.prepare(context)
    errors = passes.ErrorReport(kind, _path(f"{job.id}-errors.csv"))
    spool = f"{job.id}-rows.{'sqlite' if kind.trusts_spool else 'csv'}"  # see _remove_files

    def started(estimate: int | None) -> None:
        job.total_rows = estimate or 0
        db.session.commit()

    shown_at = [time.monotonic()]

    def progress(rows: int) -> None:
        # Not a commit per batch (a thousand for a million rows): the page polls every few
        # seconds, the count is written once a second.
        if time.monotonic() - shown_at[0] >= VALIDATION_PROGRESS_SECONDS:
            shown_at[0] = time.monotonic()
            job.processed_rows = rows
            db.session.commit()

    try:
        rows, preview, problem = passes.validate_rows(
            Path(current_app.instance_path) / job.stored_path,
            job.params,
            kind,
            context,
            errors,
            _path(spool),
            on_start=started,
            progress=progress,
        )
    finally:
        errors.close()
    if problem is None and errors.count:
        problem = _("文件中有 %(n)s 处错误，未导入任何数据。", n=errors.count)
    if problem is not None:
        return _finish_invalid(job, errors, problem)
    if not _still_mine(job.id):
        return
    job.status = Status.VALID.value
    job.total_rows = job.processed_rows = rows
    job.params = {**job.params, "spool": spool}
    job.summary = {"rows": rows, "headers": [c.header for c in kind.columns], "preview": preview}
    job.message = ""
    db.session.commit()


def _import(job: ImportJob, kind: ImportKind) -> None:
    """Re-read the validated rows, re-check them (duplicates against the database inside this
    transaction: someone may have added one since), write them in batches, commit once."""
    job_id, province_id, file_name = job.id, job.province_id, job.file_name
    context = _context(job)
    kind.prepare(context)
    errors = passes.ErrorReport(kind, _path(f"{job_id}-errors.csv"))
    sqlite = db.engine.dialect.name == "sqlite"
    written_at = [0.0]

    def progress(rows: int) -> None:
        LIVE_PROGRESS[job_id] = rows
        # PostgreSQL takes a second writer beside the open transaction, but not after every
        # batch: each update leaves a row version that the import's own transaction keeps
        # from being pruned, and every row the import writes checks its foreign key to this
        # job through that growing chain (a million rows: 1000 versions, twice the time).
        if not sqlite and time.monotonic() - written_at[0] >= PROGRESS_SECONDS:
            written_at[0] = time.monotonic()
            with db.engine.begin() as connection:
                table = ImportJob.__table__
                connection.execute(
                    update(table).where(table.c.id == job_id).values(processed_rows=rows)
                )

    spool = _path(job.params["spool"])
    try:
        written = passes.import_rows(spool, kind, context, errors, progress=progress)
    except IntegrityError:
        if not kind.trusts_spool:
            raise
        # The database refused a row (a unique key someone took since the validation):
        # nothing is written; the kept rows are checked again to say which and why.
        db.session.rollback()
        if not passes.check_spool(spool, kind, context, errors):
            raise
    finally:
        errors.close()
    if errors.count:
        db.session.rollback()
        return _finish_invalid(
            db.session.get(ImportJob, job_id),
            errors,
            _(
                "确认导入时重新检查发现 %(n)s 处错误（数据可能已被他人修改），未导入任何数据。",
                n=errors.count,
            ),
        )
    if not _still_mine(job_id):
        return
    audit.record(
        db.session,
        action="import",
        # The job is the record: an import's entry never mixes into one enterprise's history.
        entity="import_jobs",
        entity_id=str(job_id),
        label=file_name,
        scope_org_id=province_id,
        changes={"kind": (None, kind.name), "rows": (None, written)},
    )
    job.status = Status.DONE.value
    job.processed_rows = written
    job.summary = {**(job.summary or {}), "imported": written}
    job.finished_at = utcnow()
    db.session.commit()
    _remove_files(job, keep_report=False)


def _finish_invalid(job: ImportJob, errors: passes.ErrorReport | None, message: str) -> None:
    if errors is not None:
        errors.close()
    if not _still_mine(job.id):
        return
    job.status = Status.INVALID.value
    job.message = str(message)[:500]
    if errors is not None:
        job.errors = errors.first
        job.error_count = errors.count
    job.finished_at = utcnow()
    db.session.commit()
    _remove_files(job, keep_report=errors is not None and errors.count > 0)


def _remove_files(job: ImportJob, *, keep_report: bool = False) -> None:
    """The upload and the validated rows are not kept once a job is over; the error report is
    kept while it has something to say."""
    folder = upload_folder()
    names = [f"{job.id}-rows.csv", f"{job.id}-rows.sqlite"]
    if job.stored_path:
        names.append(Path(job.stored_path).name)
    if not keep_report:
        names.append(f"{job.id}-errors.csv")
    for name in names:
        (folder / name).unlink(missing_ok=True)


def recover_interrupted(
    *, now: datetime | None = None, stale: int | None = None
) -> list[workers.Recovered]:
    """Mark failed the running jobs whose worker is gone (``workers.recover``) and remove
    their files. Flushes; the caller commits."""
    recovered = workers.recover(now=now, stale=stale)
    if recovered:
        ids = [r.job_id for r in recovered]
        for job in db.session.scalars(select(ImportJob).where(ImportJob.id.in_(ids))):
            _remove_files(job)
    return recovered


def error_report_path(job: ImportJob) -> Path | None:
    path = _path(f"{job.id}-errors.csv")
    return path if path.exists() else None


def live_progress(job: ImportJob) -> int:
    return max(job.processed_rows or 0, LIVE_PROGRESS.get(job.id, 0))
