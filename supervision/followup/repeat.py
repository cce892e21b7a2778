"""Repeat offenders (屡查屡犯): enterprises found in violation in two or more different years.

A *violation* is a finding of a case, or a rectification notice without a case (the notices
imported for earlier years, which carry their violation themselves; a notice issued from a
case is not counted again beside its findings).

Both come from ``rectification.history.violations_select``, which the enterprise's history
page counts too. The *year* of a violation is the supervision year: for a finding, the year
of its case's plan — ``assessed_year + 1``, the same for special-supervision cases (the task
filing's plan year) and daily ones; for a notice without a case, its own year. The day a
finding was typed in does not move it to another year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from ..core import access
from ..core.models import User
from ..enterprises.models import Enterprise
from ..extensions import db
from ..inspections.models import InspectionCase
from ..rectification.history import REPEAT_YEARS, violations_select
from ..rectification.models import RectificationNotice


@dataclass(frozen=True)
class RepeatOffender:
    """An enterprise with violations in ``len(years)`` ≥ 2 years; ``counts`` per year."""

    enterprise_id: int
    name: str
    credit_code: str
    counts: dict[int, int]

    @property
    def years(self) -> list[int]:
        return sorted(self.counts)

    @property
    def violations(self) -> int:
        return sum(self.counts.values())


def _violations(user: User, province_id: int | None):
    """(enterprise_id, year) of every violation ``user`` may see: one row each."""
    cases = [c for c in (access.scope_clause(InspectionCase, user),) if c is not None]
    notices = [c for c in (access.scope_clause(RectificationNotice, user),) if c is not None]
    if province_id is not None:
        cases.append(InspectionCase.province_id == province_id)
        notices.append(RectificationNotice.province_id == province_id)
    return violations_select(case_where=cases, notice_where=notices).subquery("violations")


def repeat_offenders(
    user: User,
    *,
    years: Iterable[int] | None = None,
    province_id: int | None = None,
    min_years: int = REPEAT_YEARS,
) -> list[RepeatOffender]:
    """Enterprises with violations (that ``user`` may see) in at least ``min_years`` different
    years — only ``years`` counted when given, of one province if given — most years first,
    then most violations, then by name. One grouped query, the violations read once: the
    number of years per enterprise is a window over the per-year counts."""
    v = _violations(user, province_id)
    per_year = select(v.c.enterprise_id, v.c.year, func.count().label("n")).group_by(
        v.c.enterprise_id, v.c.year
    )
    if years is not None:
        per_year = per_year.where(v.c.year.in_(list(years)))
    per_year = per_year.subquery("per_year")
    counted = select(
        per_year,
        func.count().over(partition_by=per_year.c.enterprise_id).label("years"),
    ).subquery("counted")
    rows = db.session.execute(
        select(
            counted.c.enterprise_id,
            counted.c.year,
            counted.c.n,
            Enterprise.name,
            Enterprise.credit_code,
        )
        .join(Enterprise, Enterprise.id == counted.c.enterprise_id)
        .where(counted.c.years >= min_years)
    )
    found: dict[int, RepeatOffender] = {}
    for enterprise_id, year, n, name, code in rows:
        offender = found.setdefault(enterprise_id, RepeatOffender(enterprise_id, name, code, {}))
        offender.counts[year] = n
    return sorted(
        found.values(), key=lambda o: (-len(o.counts), -o.violations, o.name, o.enterprise_id)
    )
