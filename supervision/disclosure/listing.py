"""What the public list shows: published entries only, each through ``rules.public_record``.

The page, the JSON feed and the CSV feed all filter with ``public_query`` and shape rows with
``public_row`` / ``public_records``, so the three never disagree on what is public.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Select, String, Text, cast, or_, select
from sqlalchemy.orm import contains_eager

from ..core.models import AuditEntry, Organisation, OrgKind
from ..core.tables import contains_pattern
from ..extensions import db
from . import rules
from .models import Publication, PublicationStatus

#: Rows fetched per round trip when a feed streams.
STREAM_BATCH = 500

#: Sortable columns of the public page.
SORT_COLUMNS = {
    "published_on": Publication.published_on,
    "province": Organisation.division_code,
    "enterprise_name": Publication.enterprise_name,
}


def _publishes(field: str):
    """SQL: the entry chose ``field`` for publication (the JSON list, read as text, which
    works alike on SQLite and PostgreSQL)."""
    return cast(Publication.published_fields, Text).contains(f'"{field}"', autoescape=True)


def _day_start_utc(day: date, tz: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def public_query(filters: rules.Filters, *, tz: str = "Asia/Shanghai") -> Select:
    """Published entries (their province loaded) matching the public search, unordered.

    A credit code only finds an entry that publishes its credit code: a search must not
    confirm a code the officer chose to keep off the list.
    """
    stmt = (
        select(Publication)
        .join(Organisation, Organisation.id == Publication.province_id)
        .options(contains_eager(Publication.province))
        .where(Publication.status == PublicationStatus.PUBLISHED)
    )
    if filters.q:
        stmt = stmt.where(
            or_(
                Publication.enterprise_name.ilike(contains_pattern(filters.q), escape="\\"),
                (
                    Publication.credit_code.ilike(
                        contains_pattern(filters.q.replace(" ", "").upper()), escape="\\"
                    )
                    & _publishes("credit_code")
                ),
            )
        )
    if filters.province_code:
        stmt = stmt.where(Organisation.division_code == filters.province_code)
    if filters.year is not None:
        stmt = stmt.where(
            Publication.published_on >= date(filters.year, 1, 1),
            Publication.published_on < date(filters.year + 1, 1, 1),
        )
    if filters.since is not None:
        # "Published or changed since": the publication date, the 已整改 date, or any
        # recorded change of the entry (a later annotation, a corrected date).
        changed = select(AuditEntry.entity_id).where(
            AuditEntry.entity == Publication.__tablename__,
            AuditEntry.at >= _day_start_utc(filters.since, tz),
        )
        stmt = stmt.where(
            or_(
                Publication.published_on >= filters.since,
                Publication.rectified_on >= filters.since,
                cast(Publication.id, String).in_(changed),
            )
        )
    return stmt


def _entry_fields(entry: Publication) -> dict:
    province = entry.province
    return {
        "province": province.name,
        "province_code": province.division_code,
        "enterprise_name": entry.enterprise_name,
        "credit_code": entry.credit_code,
        "violation": entry.violation,
        "decision": entry.decision,
        "published_on": entry.published_on,
        "rectified_on": entry.rectified_on,
    }


def public_row(entry: Publication) -> dict:
    """One entry as the public sees it (only the chosen fields; never a person)."""
    return rules.public_record(_entry_fields(entry), entry.published_fields or [])


def public_records(
    filters: rules.Filters, *, tz: str = "Asia/Shanghai", batch: int = STREAM_BATCH
) -> Iterator[dict]:
    """Every matching entry as a public record, newest first, fetched ``batch`` at a time."""
    stmt = public_query(filters, tz=tz).order_by(
        Publication.published_on.desc(), Publication.id.desc()
    )
    result = db.session.scalars(stmt, execution_options={"yield_per": batch})
    for entry in result:
        # The session holds unchanged rows weakly: those written out are freed as we go.
        yield public_row(entry)


def public_years() -> list[int]:
    """Years in which something now on the list was published, latest first."""
    dates = db.session.scalars(
        select(Publication.published_on)
        .where(Publication.status == PublicationStatus.PUBLISHED)
        .distinct()
    )
    return sorted({d.year for d in dates if d is not None}, reverse=True)


def public_provinces() -> list[Organisation]:
    """The provincial units a visitor may filter by (all of them, in code order)."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.PROVINCE, Organisation.is_active.is_(True))
            .order_by(Organisation.division_code)
        )
    )
