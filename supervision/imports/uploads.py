"""Uploads of import jobs: the file kept under ``instance/imports/``, checked before any
reader opens it, and its job opened, once per file on its way in."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.errors import DomainError
from ..core.models import Organisation, User
from ..core.types import utcnow
from ..extensions import db
from . import readers, workers
from .kinds import ImportKind
from .models import ACTIVE_STATES, ImportJob

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class DuplicateUpload(DomainError):
    """The same file is already on its way in; ``job`` is that import."""

    def __init__(self, job: ImportJob):
        super().__init__(_l("同一文件已在导入中（导入任务 #%(id)s），请勿重复上传。", id=job.id))
        self.job = job


def upload_folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def create_job(
    kind: ImportKind,
    stream: BinaryIO,
    file_name: str,
    *,
    province: Organisation | None,
    user: User | None,
    source: str = "web",
    params: dict | None = None,
) -> ImportJob:
    """Keep the uploaded file under ``instance/imports/`` and open a job for it (status
    uploaded, to be validated by this process). Refuses a wrong extension, a content that
    does not match it (a zip bomb, a sheet thousands of columns wide: ``readers.sniff``), an
    empty or too large file, and a file already on its way in for the same province — also
    when both uploads come at the same moment (a unique index)."""
    fmt = readers.file_format(file_name)
    stored = f"{uuid.uuid4().hex}.{fmt}"
    path = upload_folder() / stored
    limit = upload_limit(kind)
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("wb") as out:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise readers.UnreadableFile(
                        _l("文件超过 %(mb)s MB，请拆分后分批导入。", mb=limit // (1024 * 1024))
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise readers.UnreadableFile(_l("文件是空的。"))
        reading = readers.sniff(path, fmt)
        sha = digest.hexdigest()
        province_id = province.id if province else None
        existing = _active_job(kind, sha, province_id)
        if existing is not None:
            raise DuplicateUpload(existing)
        job = ImportJob(
            kind=kind.name,
            province_id=province_id,
            user_id=user.id if user else None,
            file_name=_display_name(file_name),
            stored_path=f"imports/{stored}",
            file_sha256=sha,
            status="uploaded",
            params={**(params or {}), **reading, "source": source},
            errors=[],
            summary={},
            # This process starts the validation (``start``).
            worker=workers.identity(),
            heartbeat_at=utcnow(),
        )
        try:
            with db.session.begin_nested():
                db.session.add(job)
        except IntegrityError:
            # The same file uploaded at the same moment by someone else: both looked above
            # and found nothing; the unique index let the first one in (the database waited
            # for its transaction), this one goes to it.
            existing = _active_job(kind, sha, province_id)
            if existing is None:
                raise
            raise DuplicateUpload(existing) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return job


def _active_job(kind: ImportKind, sha: str, province_id: int | None) -> ImportJob | None:
    """The job on its way in for the same file and province, if there is one."""
    return db.session.scalar(
        select(ImportJob).where(
            ImportJob.kind == kind.name,
            ImportJob.file_sha256 == sha,
            ImportJob.province_id == province_id,
            ImportJob.status.in_(ACTIVE_STATES),
        )
    )


def upload_limit(kind: ImportKind) -> int:
    """The largest file accepted for ``kind``, in bytes."""
    return kind.max_bytes or current_app.config.get("IMPORTS_MAX_BYTES", MAX_UPLOAD_BYTES)


def _display_name(file_name: str) -> str:
    name = Path(str(file_name).replace("\\", "/")).name
    return "".join(c for c in name if ord(c) >= 32)[:255] or "upload"
