"""The industry catalogue: seeding, lookups, corrections by ministry officers. Flushes only."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from . import reference
from .models import Industry, QuotaLimit, QuotaStandard


def seed_catalogue() -> int:
    """Create the catalogue's industries, standards and limits if missing; idempotent."""
    created = 0
    for order, (code, name, sector, kind, full, standards) in enumerate(reference.INDUSTRIES):
        if db.session.scalar(select(Industry).where(Industry.code == code)) is not None:
            continue
        industry = Industry(
            code=code, name=name, sector=sector, kind=kind, full_coverage=full, sort_order=order
        )
        for std_code, title, start, end, source, verified, method, limits in standards:
            standard = QuotaStandard(
                code=std_code,
                title=title,
                effective_from=start,
                effective_to=end,
                source=source,
                verified=verified,
                electricity_method=method,
            )
            standard.limits = [
                QuotaLimit(
                    product=p,
                    indicator=i,
                    unit=u,
                    limit_value=Decimal(v) if v is not None else None,
                    verified=ok,
                )
                for p, i, u, v, ok in limits
            ]
            industry.standards.append(standard)
        db.session.add(industry)
        created += 1
    db.session.flush()
    return created


def catalogue(kind: str | None = None) -> list[Industry]:
    stmt = (
        select(Industry)
        .options(selectinload(Industry.standards).selectinload(QuotaStandard.limits))
        .order_by(Industry.sort_order, Industry.id)
    )
    if kind:
        stmt = stmt.where(Industry.kind == kind)
    return list(db.session.scalars(stmt))


def by_code(code: str) -> Industry | None:
    return db.session.scalar(select(Industry).where(Industry.code == code))


def by_name_or_code(text: str) -> Industry | None:
    text = (text or "").strip()
    return db.session.scalar(
        select(Industry).where((Industry.name == text) | (Industry.code == text))
    )


def full_coverage_industries() -> list[Industry]:
    return [i for i in catalogue("quota") if i.full_coverage]


def update_limit(
    limit: QuotaLimit, *, limit_value: Decimal | None, verified: bool, note: str
) -> QuotaLimit:
    """A ministry officer's correction of a limit (audited like every change)."""
    limit.limit_value = limit_value
    limit.verified = verified and limit_value is not None
    limit.note = note
    db.session.flush()
    return limit
