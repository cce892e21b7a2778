"""Province progress figures: one grouped query per figure, limited to the cases a user sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, func, or_, select

from ..core import access
from ..core.models import Organisation
from ..enterprises.models import Enterprise
from ..extensions import db
from ..industries.models import Industry
from ..tasks.models import SupervisionTask
from .models import (
    CASE_STATUS_LABELS,
    DAILY_CATEGORY,
    CaseStatus,
    Finding,
    InspectionCase,
    Verdict,
)
from .rules import Status
from .rules.findings import KIND_LABELS as FINDING_KIND_LABELS

#: PUE buckets, half-open [from, to); the last is open-ended.
PUE_BUCKETS: tuple[tuple[str, Decimal | None, Decimal | None], ...] = (
    ("<1.3", None, Decimal("1.3")),
    ("1.3–1.4", Decimal("1.3"), Decimal("1.4")),
    ("1.4–1.5", Decimal("1.4"), Decimal("1.5")),
    ("1.5–1.8", Decimal("1.5"), Decimal("1.8")),
    ("≥1.8", Decimal("1.8"), None),
)
PUE_DATA_ERROR = "error"
_DATA_ERRORS = (Status.MISSING_DATA.value, Status.ABNORMAL_DATA.value)


@dataclass(frozen=True)
class AgencyRow:
    agency: str
    counts: dict[CaseStatus, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class OverQuota:
    case_id: int
    enterprise: str
    product: str
    value: Decimal | None
    limit: Decimal | None
    unit: str
    over_percent: Decimal | None
    #: False: the limit (or a factor) is 待核实 and the verdict only provisional.
    verified: bool


@dataclass
class Progress:
    """Every figure of the dashboard; lists of (label, count) keep the display order."""

    total: int = 0
    by_status: list[tuple[Any, int]] = field(default_factory=list)
    by_category: list[tuple[int, int]] = field(default_factory=list)
    by_agency: list[AgencyRow] = field(default_factory=list)
    findings_by_industry: list[tuple[str, int]] = field(default_factory=list)
    findings_by_kind: list[tuple[Any, int]] = field(default_factory=list)
    over_quota: list[OverQuota] = field(default_factory=list)
    pue: list[tuple[str, int]] = field(default_factory=list)


def case_ids(user, province_id: int | None = None) -> Select:
    """Ids of the cases ``user`` may see, optionally of one province (a subquery)."""
    stmt = access.scoped(select(InspectionCase.id), user)
    if province_id is not None:
        stmt = stmt.where(InspectionCase.province_id == province_id)
    return stmt


def cases_by_status(ids: Select) -> list[tuple[Any, int]]:
    counts = dict(
        db.session.execute(
            select(InspectionCase.status, func.count())
            .where(InspectionCase.id.in_(ids))
            .group_by(InspectionCase.status)
        ).all()
    )
    return [(CASE_STATUS_LABELS[s], counts.get(s, 0)) for s in CaseStatus]


def cases_by_category(ids: Select) -> list[tuple[int, int]]:
    counts = dict(
        db.session.execute(
            select(InspectionCase.category, func.count())
            .where(InspectionCase.id.in_(ids))
            .group_by(InspectionCase.category)
        ).all()
    )
    rows = [(category, counts.get(category, 0)) for category in range(1, 6)]
    # Daily-supervision cases (日常节能监察) are listed after the five categories when any
    # exist, so the rows add up to the total.
    if counts.get(DAILY_CATEGORY):
        rows.append((DAILY_CATEGORY, counts[DAILY_CATEGORY]))
    return rows


def cases_by_agency(ids: Select) -> list[AgencyRow]:
    rows: dict[int, AgencyRow] = {}
    result = db.session.execute(
        select(Organisation.id, Organisation.name, InspectionCase.status, func.count())
        .join(Organisation, Organisation.id == InspectionCase.agency_id)
        .where(InspectionCase.id.in_(ids))
        .group_by(Organisation.id, Organisation.name, InspectionCase.status)
        .order_by(Organisation.name)
    )
    for agency_id, name, status, count in result:
        row = rows.setdefault(agency_id, AgencyRow(name, dict.fromkeys(CaseStatus, 0)))
        row.counts[status] = count
    return list(rows.values())


def findings_by_industry(ids: Select) -> list[tuple[str, int]]:
    """The task's industry (category 一/二), else the enterprise's; 未分类 when neither."""
    industry_id = func.coalesce(SupervisionTask.industry_id, Enterprise.industry_id)
    result = db.session.execute(
        select(Industry.name, func.count(Finding.id))
        .select_from(Finding)
        .join(InspectionCase, InspectionCase.id == Finding.case_id)
        # Outer: a daily-supervision case has no task (its enterprise's industry counts).
        .outerjoin(SupervisionTask, SupervisionTask.id == InspectionCase.task_id)
        .join(Enterprise, Enterprise.id == InspectionCase.enterprise_id)
        .outerjoin(Industry, Industry.id == industry_id)
        .where(Finding.case_id.in_(ids))
        .group_by(Industry.name)
        .order_by(func.count(Finding.id).desc(), Industry.name)
    )
    return [(name or str(_l("未分类")), count) for name, count in result]


def findings_by_kind(ids: Select) -> list[tuple[Any, int]]:
    result = db.session.execute(
        select(Finding.kind, func.count())
        .where(Finding.case_id.in_(ids))
        .group_by(Finding.kind)
        .order_by(func.count().desc(), Finding.kind)
    )
    return [(FINDING_KIND_LABELS.get(kind, kind), count) for kind, count in result]


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def over_quota(ids: Select) -> list[OverQuota]:
    """Quota verdicts over the limit, provisional ones (待核实) included, most over first."""
    over = Status.OVER_LIMIT.value
    result = db.session.execute(
        select(Verdict, Enterprise.name)
        .join(InspectionCase, InspectionCase.id == Verdict.case_id)
        .join(Enterprise, Enterprise.id == InspectionCase.enterprise_id)
        .where(
            Verdict.case_id.in_(ids),
            Verdict.rule == "quota",
            or_(Verdict.status == over, Verdict.provisional == over),
        )
    )
    rows = [
        OverQuota(
            case_id=verdict.case_id,
            enterprise=name,
            product=verdict.subject,
            value=verdict.value,
            limit=verdict.limit_value,
            unit=verdict.unit,
            over_percent=_decimal((verdict.numbers or {}).get("over_percent")),
            verified=verdict.verified and verdict.status == over,
        )
        for verdict, name in result
    ]
    # JSON numbers cannot be ordered portably in SQL: sort the (short) list here.
    rows.sort(key=lambda r: (r.over_percent is None, -(r.over_percent or 0), r.enterprise))
    return rows


def pue_distribution(ids: Select) -> list[tuple[str, int]]:
    """PUE verdicts by bucket, then those with missing or impossible data."""
    whens = [
        (or_(Verdict.status.in_(_DATA_ERRORS), Verdict.value.is_(None)), PUE_DATA_ERROR),
    ]
    for key, _low, high in PUE_BUCKETS:
        if high is not None:
            whens.append((Verdict.value < high, key))
    # Grouped over a subquery: PostgreSQL will not match a CASE with bound values in GROUP BY.
    bucketed = (
        select(case(*whens, else_=PUE_BUCKETS[-1][0]).label("bucket"))
        .where(Verdict.case_id.in_(ids), Verdict.rule == "pue")
        .subquery()
    )
    counts = dict(
        db.session.execute(
            select(bucketed.c.bucket, func.count()).group_by(bucketed.c.bucket)
        ).all()
    )
    rows = [(key, counts.get(key, 0)) for key, _low, _high in PUE_BUCKETS]
    return [*rows, (str(_l("数据不全/异常")), counts.get(PUE_DATA_ERROR, 0))]


def progress(user, province_id: int | None = None) -> Progress:
    """All the dashboard's figures for the cases ``user`` sees (of one province if given)."""
    ids = case_ids(user, province_id)
    by_status = cases_by_status(ids)
    return Progress(
        total=sum(n for _label, n in by_status),
        by_status=by_status,
        by_category=cases_by_category(ids),
        by_agency=cases_by_agency(ids),
        findings_by_industry=findings_by_industry(ids),
        findings_by_kind=findings_by_kind(ids),
        over_quota=over_quota(ids),
        pue=pue_distribution(ids),
    )
