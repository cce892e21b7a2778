"""Versioned reference tables (ladder tiers, coal factors, equipment standards, PUE targets …)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import Audited, label
from ..core.types import UTCDateTime, utcnow
from ..extensions import db


class ReferenceTable(Audited, db.Model):
    """One revision of one reference table; the highest revision of a kind is in use.

    Revisions are never changed: a correction saves a new revision, so a verdict that names
    "ladder r2" can always be redone with the rows it used.
    """

    __tablename__ = "reference_tables"
    __table_args__ = (UniqueConstraint("kind", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: coal_factors, ladder_schedules, equipment_standards, elimination_catalogue,
    #: pue_targets, legal_bases.
    kind: Mapped[str] = mapped_column(String(32), index=True, info=label(_l("参考数据")))
    revision: Mapped[int] = mapped_column(info=label(_l("版本")))
    #: The rows, as produced by ``reference.codec.dump``.
    rows: Mapped[list] = mapped_column(JSON, info=label(_l("数据")))
    note: Mapped[str] = mapped_column(Text, default="", info=label(_l("修订说明")))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_name: Mapped[str] = mapped_column(String(160), default="")

    @property
    def code(self) -> str:
        return f"{self.kind} r{self.revision}"

    @property
    def audit_label(self) -> str:
        return self.code
