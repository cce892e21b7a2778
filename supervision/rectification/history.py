"""An enterprise's record over the years: cases and their findings, notices and what became
of them; and the years it was found in violation (屡查屡犯 when two or more)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core import access
from ..core.models import User
from ..enterprises.models import Enterprise
from ..extensions import db
from ..inspections.models import Finding, InspectionCase
from .models import RectificationNotice

#: Found in violation in at least this many different years: a repeat offender.
REPEAT_YEARS = 2


def supervision_year(case: InspectionCase) -> int:
    """The year a case's supervision took place: the plan year (it assesses the year before)."""
    return case.assessed_year + 1


@dataclass
class YearRecord:
    """What happened to the enterprise in one supervision year."""

    year: int
    cases: list[InspectionCase] = field(default_factory=list)
    notices: list[RectificationNotice] = field(default_factory=list)

    @property
    def violated(self) -> bool:
        return bool(self.notices) or any(c.findings for c in self.cases)


def violation_years_by_enterprise(enterprise_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each enterprise, the supervision years with a finding or a rectification notice
    (two queries, whatever the number of enterprises). Not limited by who asks: it is a fact
    about the enterprise, shown wherever the enterprise is."""
    ids = set(enterprise_ids)
    years: dict[int, set[int]] = {i: set() for i in ids}
    if not ids:
        return years
    found = db.session.execute(
        select(InspectionCase.enterprise_id, InspectionCase.assessed_year)
        .join(Finding, Finding.case_id == InspectionCase.id)
        .where(InspectionCase.enterprise_id.in_(ids))
        .distinct()
    )
    for enterprise_id, assessed in found:
        years[enterprise_id].add(assessed + 1)
    noticed = db.session.execute(
        select(RectificationNotice.enterprise_id, RectificationNotice.year)
        .where(
            RectificationNotice.enterprise_id.in_(ids),
            # A notice issued from a case counts in its case's year (the finding above).
            RectificationNotice.case_id.is_(None),
        )
        .distinct()
    )
    for enterprise_id, year in noticed:
        years[enterprise_id].add(year)
    return years


def violation_years(enterprise_id: int) -> set[int]:
    return violation_years_by_enterprise([enterprise_id])[enterprise_id]


def is_repeat_offender(years: set[int]) -> bool:
    return len(years) >= REPEAT_YEARS


def enterprise_history(enterprise: Enterprise, user: User) -> list[YearRecord]:
    """Every year's cases (with findings) and notices (with report, 回头看 and handling) of the
    enterprise that ``user`` may see, latest year first."""
    cases = db.session.scalars(
        access.scoped(InspectionCase, user)
        .where(InspectionCase.enterprise_id == enterprise.id)
        .options(
            selectinload(InspectionCase.findings),
            selectinload(InspectionCase.agency),
        )
        .order_by(InspectionCase.assessed_year, InspectionCase.category, InspectionCase.id)
    )
    notices = db.session.scalars(
        access.scoped(RectificationNotice, user)
        .where(RectificationNotice.enterprise_id == enterprise.id)
        .options(
            selectinload(RectificationNotice.agency),
            selectinload(RectificationNotice.items),
            selectinload(RectificationNotice.reports),
            selectinload(RectificationNotice.reinspection),
            selectinload(RectificationNotice.decision),
        )
        .order_by(RectificationNotice.served_on, RectificationNotice.id)
    )
    records: dict[int, YearRecord] = {}
    for case in cases:
        year = supervision_year(case)
        records.setdefault(year, YearRecord(year)).cases.append(case)
    for notice in notices:
        records.setdefault(notice.year, YearRecord(notice.year)).notices.append(notice)
    return [records[year] for year in sorted(records, reverse=True)]
