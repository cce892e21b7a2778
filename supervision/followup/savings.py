"""The referrals list and its savings totals (tce a year): one grouped query per figure, so
the province's page and the ministry's national line add up the same way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from ..core import access
from ..core.models import Organisation, User
from ..extensions import db
from ..inspections.models import InspectionCase
from . import rules
from .models import DiagnosisReferral, DiagnosisStatus


def referrals_query(
    user: User, *, province_id: int | None = None, status: str = "", year: int | None = None
) -> Select:
    """The referrals ``user`` may see (of one province, status, referral year if given), their
    case and enterprise loaded; unordered."""
    stmt = access.scoped(DiagnosisReferral, user).options(
        selectinload(DiagnosisReferral.case).selectinload(InspectionCase.enterprise)
    )
    return _filtered(stmt, province_id=province_id, status=status, year=year)


def _filtered(stmt, *, province_id: int | None, status: str, year: int | None):
    if province_id is not None:
        stmt = stmt.where(DiagnosisReferral.province_id == province_id)
    if status in DiagnosisStatus._value2member_map_:
        stmt = stmt.where(DiagnosisReferral.status == DiagnosisStatus(status))
    if year is not None:
        stmt = stmt.where(
            DiagnosisReferral.referred_on >= date(year, 1, 1),
            DiagnosisReferral.referred_on < date(year + 1, 1, 1),
        )
    return stmt


@dataclass(frozen=True)
class SavingsRow:
    """A province's referrals: how many, how far they got, and the savings (tce a year)."""

    province_id: int | None
    province: str
    referrals: int
    diagnosed: int
    retrofitted: int
    estimated: Decimal
    actual: Decimal


def savings_by_province(
    user: User, *, province_id: int | None = None, status: str = "", year: int | None = None
) -> list[SavingsRow]:
    """One grouped query: per province, the referrals ``user`` may see and their estimated
    and actual savings (missing figures count as nothing). ``diagnosed`` counts those whose
    diagnosis is done (retrofitted ones included)."""
    done = DiagnosisReferral.status.in_([DiagnosisStatus.DIAGNOSED, DiagnosisStatus.RETROFITTED])
    stmt = access.scoped(
        select(
            DiagnosisReferral.province_id,
            Organisation.name,
            func.count(DiagnosisReferral.id),
            func.sum(case((done, 1), else_=0)),
            func.sum(case((DiagnosisReferral.status == DiagnosisStatus.RETROFITTED, 1), else_=0)),
            func.sum(DiagnosisReferral.estimated_savings_tce),
            func.sum(DiagnosisReferral.actual_savings_tce),
        ).join(Organisation, Organisation.id == DiagnosisReferral.province_id),
        user,
    )
    stmt = _filtered(stmt, province_id=province_id, status=status, year=year)
    result = db.session.execute(
        stmt.group_by(
            DiagnosisReferral.province_id, Organisation.name, Organisation.division_code
        ).order_by(Organisation.division_code)
    )
    return [
        SavingsRow(
            province_id=pid,
            province=name,
            referrals=n,
            diagnosed=int(diagnosed or 0),
            retrofitted=int(retrofitted or 0),
            estimated=rules.total_savings([_decimal(estimated)]),
            actual=rules.total_savings([_decimal(actual)]),
        )
        for pid, name, n, diagnosed, retrofitted, estimated, actual in result
    ]


def _decimal(value) -> Decimal | None:
    """A SUM as Decimal (SQLite may hand back a float for a NUMERIC sum)."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def total_row(rows: list[SavingsRow]) -> SavingsRow:
    """The rows added up (the national line of the ministry's list)."""
    return SavingsRow(
        province_id=None,
        province=str(_l("合计")),
        referrals=sum(r.referrals for r in rows),
        diagnosed=sum(r.diagnosed for r in rows),
        retrofitted=sum(r.retrofitted for r in rows),
        estimated=rules.total_savings(r.estimated for r in rows),
        actual=rules.total_savings(r.actual for r in rows),
    )
