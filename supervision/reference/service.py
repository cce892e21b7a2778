"""Reading and revising reference tables; the rules get typed rows, verdicts the revision code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core.errors import DomainError
from ..extensions import db
from ..industries.models import Industry, QuotaLimit, QuotaStandard
from ..inspections.rules.quota import QuotaLimit as QuotaRule
from ..inspections.rules.quota import catalogue_limit
from . import codec
from .kinds import KINDS
from .models import ReferenceTable


@dataclass(frozen=True)
class Current:
    """The rows in use of one kind, and the code verdicts record ("ladder_schedules r2")."""

    kind: str
    revision: int
    rows: tuple

    @property
    def code(self) -> str:
        return f"{self.kind} r{self.revision}"


def seed_reference_tables() -> int:
    """Revision 1 of every kind not yet in the database; idempotent."""
    created = 0
    for kind in KINDS.values():
        if db.session.scalar(select(ReferenceTable.id).where(ReferenceTable.kind == kind.key)):
            continue
        db.session.add(
            ReferenceTable(
                kind=kind.key,
                revision=1,
                rows=codec.dump(kind.seed),
                note=str(_l("初始数据（DOMAIN.md 第 6 节），未核实的值已标注")),
                created_by_name="system",
            )
        )
        created += 1
    db.session.flush()
    return created


def latest(kind: str) -> ReferenceTable | None:
    return db.session.scalar(
        select(ReferenceTable)
        .where(ReferenceTable.kind == kind)
        .order_by(ReferenceTable.revision.desc())
        .limit(1)
    )


def current(kind: str) -> Current:
    """The latest revision's rows; the seed (as "r0") on a database not yet initialised."""
    spec = KINDS[kind]
    row = latest(kind)
    if row is None:
        return Current(kind, 0, spec.seed)
    return Current(kind, row.revision, codec.load_rows(spec.row_type, row.rows))


def revisions(kind: str) -> list[ReferenceTable]:
    return list(
        db.session.scalars(
            select(ReferenceTable)
            .where(ReferenceTable.kind == kind)
            .order_by(ReferenceTable.revision.desc())
        )
    )


def save_revision(kind: str, rows: Any, *, note: str, actor_name: str) -> ReferenceTable:
    """Check ``rows`` (JSON-ready list) and store them as the next revision.

    DomainError (field ``rows``) names the first row that does not fit or is inconsistent.
    """
    spec = KINDS[kind]
    try:
        typed = codec.load_rows(spec.row_type, rows)
    except codec.CodecError as error:
        raise DomainError(str(error), field="rows") from None
    for number, row in enumerate(typed, start=1):
        problems = spec.check(row)
        if problems:
            raise DomainError(f"第 {number} 行：{'；'.join(problems)}", field="rows")
    if not note.strip():
        raise DomainError(_l("请填写修订说明（依据的文件或核实情况）。"), field="note")
    revision = (
        db.session.scalar(
            select(func.max(ReferenceTable.revision)).where(ReferenceTable.kind == kind)
        )
        or 0
    ) + 1
    table = ReferenceTable(
        kind=kind,
        revision=revision,
        rows=codec.dump(typed),
        note=note.strip(),
        created_by_name=actor_name,
    )
    db.session.add(table)
    db.session.flush()
    return table


def revision(kind: str, number: int) -> ReferenceTable | None:
    """One stored revision of ``kind`` (None if there is no such revision)."""
    return db.session.scalar(
        select(ReferenceTable).where(ReferenceTable.kind == kind, ReferenceTable.revision == number)
    )


def unverified_count(rows: Any) -> int:
    """How many stored rows (JSON form) are 待核实, themselves or in one of their sub-rows."""

    def doubtful(value: Any) -> bool:
        if isinstance(value, dict):
            return value.get("verified") is False or any(doubtful(v) for v in value.values())
        if isinstance(value, list):
            return any(doubtful(v) for v in value)
        return False

    return sum(1 for row in rows or [] if doubtful(row))


@dataclass(frozen=True)
class KindSummary:
    """A line of the reference-data index: the kind and its revision in use."""

    key: str
    title: Any
    latest: ReferenceTable | None

    @property
    def revision(self) -> int:
        return self.latest.revision if self.latest else 0

    @property
    def row_count(self) -> int:
        return len(self.latest.rows) if self.latest else 0

    @property
    def unverified(self) -> int:
        return unverified_count(self.latest.rows) if self.latest else 0


def overview() -> list[KindSummary]:
    """Every kind with its latest revision (one query)."""
    newest = (
        select(ReferenceTable.kind, func.max(ReferenceTable.revision).label("revision"))
        .group_by(ReferenceTable.kind)
        .subquery()
    )
    latest_rows = {
        table.kind: table
        for table in db.session.scalars(
            select(ReferenceTable).join(
                newest,
                (ReferenceTable.kind == newest.c.kind)
                & (ReferenceTable.revision == newest.c.revision),
            )
        )
    }
    return [KindSummary(key, spec.title, latest_rows.get(key)) for key, spec in KINDS.items()]


# -- quota limits live in the industry catalogue ------------------------------------------


def quota_limits(industry_id: int | None = None) -> tuple[QuotaRule, ...]:
    """Rule rows of the catalogue's limits (one industry's, or all)."""
    stmt = select(QuotaLimit, QuotaStandard, Industry).join(QuotaLimit.standard)
    stmt = stmt.join(QuotaStandard.industry)
    if industry_id is not None:
        stmt = stmt.where(Industry.id == industry_id)
    return tuple(
        catalogue_limit(
            standard_code=standard.code,
            industry=industry.name,
            product=limit.product,
            indicator=limit.indicator,
            unit=limit.unit,
            limit=limit.limit_value,
            verified=standard.verified and limit.verified,
            effective_from=standard.effective_from,
            effective_to=standard.effective_to,
            method=standard.electricity_method,
            source=standard.source,
            note=limit.note,
        )
        for limit, standard, industry in db.session.execute(stmt.order_by(QuotaLimit.id))
    )
