"""Province progress figures: one grouped query per figure, limited to the cases a user sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, or_, select

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


def case_filter(user, province_id: int | None = None) -> list:
    """WHERE clauses on ``InspectionCase`` limiting it to the cases ``user`` may see (the
    scope of ``core.access``), optionally of one province; empty when nothing is limited.

    Applied to the case rows themselves rather than as ``id IN (subquery)``: the ministry's
    national figures then read the cases once, through an index, instead of building a list
    of every case id first."""
    clauses = []
    scope = access.scope_clause(InspectionCase, user)
    if scope is not None:
        clauses.append(scope)
    if province_id is not None:
        clauses.append(InspectionCase.province_id == province_id)
    return clauses


def case_ids(user, province_id: int | None = None) -> Select:
    """Ids of the cases ``user`` may see, optionally of one province (a subquery)."""
    return select(InspectionCase.id).where(*case_filter(user, province_id))


def _of_cases(stmt: Select, case_id, cases: list) -> Select:
    """``stmt`` (over a table whose ``case_id`` names a case) limited by ``cases``: joined to
    the case only when there is something to limit by."""
    if not cases:
        return stmt
    return stmt.join(InspectionCase, InspectionCase.id == case_id).where(*cases)


def cases_by_status(cases: list) -> list[tuple[Any, int]]:
    counts = dict(
        db.session.execute(
            select(InspectionCase.status, func.count())
            .where(*cases)
            .group_by(InspectionCase.status)
        ).all()
    )
    return [(CASE_STATUS_LABELS[s], counts.get(s, 0)) for s in CaseStatus]


def cases_by_category(cases: list) -> list[tuple[int, int]]:
    counts = dict(
        db.session.execute(
            select(InspectionCase.category, func.count())
            .where(*cases)
            .group_by(InspectionCase.category)
        ).all()
    )
    rows = [(category, counts.get(category, 0)) for category in range(1, 6)]
    # Daily-supervision cases (日常节能监察) are listed after the five categories when any
    # exist, so the rows add up to the total.
    if counts.get(DAILY_CATEGORY):
        rows.append((DAILY_CATEGORY, counts[DAILY_CATEGORY]))
    return rows


def cases_by_agency(cases: list) -> list[AgencyRow]:
    # Counted per agency id first, then named: the grouping reads the cases' index alone.
    counted = (
        select(
            InspectionCase.agency_id.label("agency_id"),
            InspectionCase.status.label("status"),
            func.count().label("n"),
        )
        .where(*cases)
        .group_by(InspectionCase.agency_id, InspectionCase.status)
        .subquery()
    )
    result = db.session.execute(
        select(Organisation.id, Organisation.name, counted.c.status, counted.c.n)
        .join(counted, counted.c.agency_id == Organisation.id)
        .order_by(Organisation.name, Organisation.id)
    )
    rows: dict[int, AgencyRow] = {}
    for agency_id, name, status, count in result:
        row = rows.setdefault(agency_id, AgencyRow(name, dict.fromkeys(CaseStatus, 0)))
        row.counts[CaseStatus(status)] = count
    return list(rows.values())


def findings_by_industry(cases: list) -> list[tuple[str, int]]:
    """The task's industry (category 一/二), else the enterprise's; 未分类 when neither."""
    # Counted per (task industry, enterprise industry) first, then named: the catalogue is
    # joined once per pair, not once per finding; the enterprise is read only for a finding
    # whose task names no industry (categories 三 to 五, daily cases).
    counted = (
        select(
            SupervisionTask.industry_id.label("task_industry"),
            Enterprise.industry_id.label("enterprise_industry"),
            func.count(Finding.id).label("n"),
        )
        .select_from(Finding)
        .join(InspectionCase, InspectionCase.id == Finding.case_id)
        # Outer: a daily-supervision case has no task (its enterprise's industry counts).
        .outerjoin(SupervisionTask, SupervisionTask.id == InspectionCase.task_id)
        .outerjoin(
            Enterprise,
            and_(
                Enterprise.id == InspectionCase.enterprise_id,
                SupervisionTask.industry_id.is_(None),
            ),
        )
        .where(*cases)
        .group_by(SupervisionTask.industry_id, Enterprise.industry_id)
        .subquery()
    )
    industry_id = func.coalesce(counted.c.task_industry, counted.c.enterprise_industry)
    total = func.sum(counted.c.n)
    result = db.session.execute(
        select(Industry.name, total)
        .select_from(counted)
        .outerjoin(Industry, Industry.id == industry_id)
        .group_by(Industry.name)
        .order_by(total.desc(), Industry.name)
    )
    return [(name or str(_l("未分类")), int(count)) for name, count in result]


def findings_by_kind(cases: list) -> list[tuple[Any, int]]:
    stmt = _of_cases(select(Finding.kind, func.count()), Finding.case_id, cases)
    result = db.session.execute(
        stmt.group_by(Finding.kind).order_by(func.count().desc(), Finding.kind)
    )
    return [(FINDING_KIND_LABELS.get(kind, kind), count) for kind, count in result]


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except InvalidOperation:
        return None


def over_quota(cases: list) -> list[OverQuota]:
    """Quota verdicts over the limit, provisional ones (待核实) included, most over first."""
    over = Status.OVER_LIMIT.value
    result = db.session.execute(
        select(Verdict, Enterprise.name)
        .join(InspectionCase, InspectionCase.id == Verdict.case_id)
        .join(Enterprise, Enterprise.id == InspectionCase.enterprise_id)
        .where(
            *cases,
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


def pue_distribution(cases: list) -> list[tuple[str, int]]:
    """PUE verdicts by bucket, then those with missing or impossible data."""
    whens = [
        (or_(Verdict.status.in_(_DATA_ERRORS), Verdict.value.is_(None)), PUE_DATA_ERROR),
    ]
    for key, _low, high in PUE_BUCKETS:
        if high is not None:
            whens.append((Verdict.value < high, key))
    # Grouped over a subquery: PostgreSQL will not match a CASE with bound values in GROUP BY.
    bucketed = (
        _of_cases(
            select(case(*whens, else_=PUE_BUCKETS[-1][0]).label("bucket")),
            Verdict.case_id,
            cases,
        )
        .where(Verdict.rule == "pue")
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
    cases = case_filter(user, province_id)
    by_status = cases_by_status(cases)
    return Progress(
        total=sum(n for _label, n in by_status),
        by_status=by_status,
        by_category=cases_by_category(cases),
        by_agency=cases_by_agency(cases),
        findings_by_industry=findings_by_industry(cases),
        findings_by_kind=findings_by_kind(cases),
        over_quota=over_quota(cases),
        pue=pue_distribution(cases),
    )
