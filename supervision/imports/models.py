"""Background imports of spreadsheets: their progress and their row-by-row error report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Organisation, User
from ..core.types import UTCDateTime, utcnow
from ..extensions import db

#: The states of a job still on its way in (``service.ACTIVE``): the unique index's condition.
ACTIVE_STATES = ("uploaded", "validating", "valid", "importing")
ACTIVE_CLAUSE = text("status IN ('uploaded', 'validating', 'valid', 'importing')")


class ImportJob(db.Model):
    """One uploaded file on its way in: validated in full first, imported all or nothing.

    status: uploaded → validating → invalid (errors, nothing imported) | valid (preview,
    waiting for confirmation) → importing → done | failed; a done job of a kind that allows it
    may later be withdrawn (its rows deleted, see verification.withdrawal).
    """

    __tablename__ = "import_jobs"
    __table_args__ = (
        # The same file on its way in twice for one province: the database keeps one, however
        # close together the two uploads come (the service looks first, this closes the race).
        Index(
            "uq_import_jobs_active_file",
            "kind",
            "province_id",
            "file_sha256",
            unique=True,
            sqlite_where=ACTIVE_CLAUSE,
            postgresql_where=ACTIVE_CLAUSE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the file holds: "enterprises", "annex2_tasks" …
    kind: Mapped[str] = mapped_column(String(32))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    file_name: Mapped[str] = mapped_column(String(255))
    #: Where the upload is kept under the instance folder while the job lives.
    stored_path: Mapped[str] = mapped_column(String(500))
    #: SHA-256 of the file: the same file imported twice at once is imported once.
    file_sha256: Mapped[str] = mapped_column(String(64), index=True, default="")
    status: Mapped[str] = mapped_column(String(16), default="uploaded")
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    #: The first errors, [{"row": n, "column": "...", "message": "..."}]; the full report is a file.
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: Kind-specific parameters (e.g. the plan year) and results (rows imported …).
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The process working on the job ("host:pid:random", see ``workers``), while it runs.
    worker: Mapped[str | None] = mapped_column(String(120))
    #: Renewed by that process every few seconds while it works: a job whose worker stopped
    #: beating is marked failed by ``workers.recover`` (nothing of it was imported).
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    province: Mapped[Organisation | None] = relationship()
    user: Mapped[User | None] = relationship()


# A job belongs to the province whose data it brings in; the ministry sees every job.
access.register_scope(ImportJob, lambda user: access.province_clause(user, ImportJob.province_id))
