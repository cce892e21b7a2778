"""Pure rules of task filing: what may be filed, full coverage, funds, lateness."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..core.workdays import WorkdayCalendar

#: Which industry kind each category needs (None: the task names no industry).
CATEGORY_INDUSTRY_KIND = {1: "quota", 2: "ladder", 3: None, 4: None, 5: None}


def task_problem(
    *,
    category: int,
    filed_alone: bool,
    industry_kind: str | None,
    parent_category: int | None,
    parent_same_enterprise: bool,
    enterprise_stopped: bool,
    on_site: bool,
    planned_month: int | None,
) -> str | None:
    """Why a task may not be filed (a code), or None.

    ``not_alone``: a category that is never filed alone (三) needs a parent task;
    ``parent``: the parent must be a category 一 or 二 task of the same enterprise;
    ``industry_missing`` / ``industry_kind``: 一 needs an Annex-1 industry, 二 a ladder sector;
    ``industry_unexpected``: other categories name no industry;
    ``stopped_on_site``: a stopped enterprise gets no on-site supervision;
    ``month``: the planned month is 1–12.
    """
    if not filed_alone:
        if parent_category is None:
            return "not_alone"
        if parent_category not in (1, 2) or not parent_same_enterprise:
            return "parent"
    elif parent_category is not None:
        return "parent"
    wanted = CATEGORY_INDUSTRY_KIND.get(category)
    if category == 3:
        wanted = None
    if wanted is None and industry_kind is not None:
        return "industry_unexpected"
    if wanted is not None and industry_kind is None:
        return "industry_missing"
    if wanted is not None and industry_kind != wanted:
        return "industry_kind"
    if enterprise_stopped and on_site:
        return "stopped_on_site"
    if planned_month is not None and not 1 <= planned_month <= 12:
        return "month"
    return None


@dataclass(frozen=True)
class RegistryEntry:
    enterprise_id: int
    industry_id: int | None
    operating: bool


@dataclass(frozen=True)
class FiledTask:
    task_id: int
    enterprise_id: int
    category: int
    industry_id: int | None


@dataclass
class CoverageReport:
    #: Operating enterprises of a full-coverage industry neither tasked nor exempted (漏报).
    missing: list[int] = field(default_factory=list)
    #: Category-一 tasks whose industry differs from the registry's industry (错报).
    mismatched: list[int] = field(default_factory=list)
    #: Stopped enterprises of full-coverage industries (listed and marked 已停产).
    stopped: list[int] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.mismatched


def covers(category: int, industry_id: int | None, enterprise_industry_id: int | None) -> bool:
    """Whether a task counts for full coverage: category 一 for the enterprise's own industry
    (the test ``coverage`` applies)."""
    return category == 1 and industry_id is not None and industry_id == enterprise_industry_id


def coverage(
    registry: Iterable[RegistryEntry],
    tasks: Iterable[FiledTask],
    exempt: set[int],
    full_coverage_industries: set[int],
) -> CoverageReport:
    """不漏报、不错报: every operating enterprise of a full-coverage industry is tasked under
    category 一 for that industry, or carries a written reason; tasked industries match."""
    registry = list(registry)
    industry_of = {e.enterprise_id: e.industry_id for e in registry}
    tasked = {
        t.enterprise_id
        for t in tasks
        if covers(t.category, t.industry_id, industry_of.get(t.enterprise_id))
    }
    report = CoverageReport()
    for entry in registry:
        if entry.industry_id not in full_coverage_industries:
            continue
        if not entry.operating:
            report.stopped.append(entry.enterprise_id)
            continue
        if entry.enterprise_id not in tasked and entry.enterprise_id not in exempt:
            report.missing.append(entry.enterprise_id)
    for task in tasks:
        if task.category == 1 and industry_of.get(task.enterprise_id) != task.industry_id:
            report.mismatched.append(task.task_id)
    return report


def funds_problem(
    *,
    balance: Decimal | None,
    planned: Decimal | None,
    requested: Decimal | None,
) -> str | None:
    """结转结余资金优先使用: new funds only once the carried-over balance is planned in full.

    ``negative``: amounts are never negative; ``planned_exceeds_balance``: cannot plan more of
    the balance than there is; ``balance_not_planned``: this year's funds are requested while
    part of the balance is still unplanned.
    """
    values = [v for v in (balance, planned, requested) if v is not None]
    if any(v < 0 for v in values):
        return "negative"
    balance = balance or Decimal(0)
    planned = planned or Decimal(0)
    if planned > balance:
        return "planned_exceeds_balance"
    if (requested or Decimal(0)) > 0 and planned < balance:
        return "balance_not_planned"
    return None


def late_workdays(due_on: date, submitted_on: date, calendar: WorkdayCalendar) -> int:
    """Working days a submission is late (0 when on or before the due date)."""
    if submitted_on <= due_on:
        return 0
    return calendar.workdays_between(due_on, submitted_on)


def correction_due_on(returned_on: date, calendar: WorkdayCalendar, workdays: int) -> date:
    """By when a returned submission is to be corrected and resubmitted: the ``workdays``-th
    working day after the day it was returned (the return day itself not counted)."""
    return calendar.add_workdays(returned_on, workdays)
