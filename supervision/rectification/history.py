"""An enterprise's record over the years: cases and their findings, notices and what became
of them; and the years it was found in violation (屡查屡犯 when two or more)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import CompoundSelect, select, union_all
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


def violations_select(
    *,
    enterprise_ids=None,
    case_ids=None,
    notice_ids=None,
    case_where: Iterable = (),
    notice_where: Iterable = (),
) -> CompoundSelect:
    """(enterprise_id, year) of every violation, one row each: a finding of a case, in its
    supervision year; a rectification notice without a case (imported for earlier years), in
    its own year — a notice issued from a case is not counted again beside its findings.
    ``enterprise_ids`` / ``case_ids`` / ``notice_ids`` (collections or selects) limit it, and
    so do ``case_where`` / ``notice_where`` (clauses on the case and on the notice, applied
    to those rows directly: no list of ids is built)."""
    findings = (
        select(
            InspectionCase.enterprise_id.label("enterprise_id"),
            (InspectionCase.assessed_year + 1).label("year"),
        )
        .select_from(Finding)
        .join(InspectionCase, InspectionCase.id == Finding.case_id)
    )
    caseless = select(
        RectificationNotice.enterprise_id.label("enterprise_id"),
        RectificationNotice.year.label("year"),
    ).where(RectificationNotice.case_id.is_(None))
    if enterprise_ids is not None:
        findings = findings.where(InspectionCase.enterprise_id.in_(enterprise_ids))
        caseless = caseless.where(RectificationNotice.enterprise_id.in_(enterprise_ids))
    if case_ids is not None:
        findings = findings.where(Finding.case_id.in_(case_ids))
    if notice_ids is not None:
        caseless = caseless.where(RectificationNotice.id.in_(notice_ids))
    return union_all(findings.where(*case_where), caseless.where(*notice_where))


def violation_years_by_enterprise(enterprise_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each enterprise, the supervision years with a violation (one query, whatever the
    number of enterprises). Not limited by who asks: it is a fact about the enterprise, shown
    wherever the enterprise is."""
    ids = set(enterprise_ids)
    years: dict[int, set[int]] = {i: set() for i in ids}
    if not ids:
        return years
    found = violations_select(enterprise_ids=ids).subquery()
    for enterprise_id, year in db.session.execute(
        select(found.c.enterprise_id, found.c.year).distinct()
    ):
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
