"""Task filing: tasks, coverage, funds and the submission workflow. Flushes, never commits."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from blinker import signal
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ..calendar.service import current_calendar
from ..core import access
from ..core.errors import DomainError
from ..core.models import Organisation, Role, User
from ..core.versions import require_version
from ..enterprises.models import Enterprise, ProductionStatus
from ..extensions import db
from ..industries.models import Industry
from ..organisations.service import province_of  # noqa: F401 -- callers use tasks.province_of
from ..plans.models import SupervisionPlan
from . import rules
from .models import (
    CoverageExemption,
    FilingEvent,
    FilingStatus,
    ReviewMethod,
    SupervisionTask,
    TaskFiling,
)

#: Sent when the ministry accepts a filing, inside that transaction: inspections opens the
#: filing's cases. blinker returns the same signal for the same name everywhere.
filing_accepted = signal("filing-accepted")

TASK_MESSAGES = {
    "not_alone": _l(
        "重点用能产品设备能效提升专项监察不单独申报任务，请附在同一企业的专项监察一或二任务之下。"
    ),
    "parent": _l("所附任务须为同一企业的专项监察一（高耗能行业）或二（阶梯电价）任务。"),
    "industry_missing": _l(
        "请选择该类别对应的行业：专项监察一选附件1行业，专项监察二选钢铁、水泥或电解铝。"
    ),
    "industry_kind": _l(
        "所选行业与监察类别不符：专项监察一选附件1行业，专项监察二选钢铁、水泥或电解铝。"
    ),
    "industry_unexpected": _l("该类别的任务不需要选择行业。"),
    "stopped_on_site": _l("该企业已停产：不组织实地监察，只能列入名单并注明（书面审查）。"),
    "month": _l("计划月份应为 1 到 12。"),
}

FUNDS_MESSAGES = {
    "negative": _l("资金金额不能为负数。"),
    "planned_exceeds_balance": _l("安排使用的结转结余资金不能超过结转结余总额。"),
    "balance_not_planned": _l(
        "存在结转结余资金的，应优先使用结转结余资金：请先将结转结余全部安排使用，再申请本年补助资金。"
    ),
}

TIMEZONE = ZoneInfo("Asia/Shanghai")


def _locked_error() -> DomainError:
    return DomainError(_l("任务申报已报送，锁定期间不能修改；如需修改，请等待部里退回。"))


# -- filings -------------------------------------------------------------------------------


def filing_for(plan: SupervisionPlan, province: Organisation) -> TaskFiling:
    """The province's filing for the plan, created (as a draft) on first use."""
    filing = db.session.scalar(
        select(TaskFiling).where(
            TaskFiling.plan_id == plan.id, TaskFiling.province_id == province.id
        )
    )
    if filing is None:
        filing = TaskFiling(plan=plan, province=province)
        db.session.add(filing)
        db.session.flush()
    return filing


def filings_of_plan(plan: SupervisionPlan) -> dict[int, TaskFiling]:
    """Every existing filing of the plan by province id."""
    rows = db.session.scalars(select(TaskFiling).where(TaskFiling.plan_id == plan.id))
    return {f.province_id: f for f in rows}


# -- tasks ---------------------------------------------------------------------------------


def tasks_of(filing: TaskFiling, user: User | None = None):
    """A select of the filing's tasks (limited to what ``user`` may see when given)."""
    stmt = (
        select(SupervisionTask)
        .where(SupervisionTask.filing_id == filing.id)
        .options(
            selectinload(SupervisionTask.enterprise),
            selectinload(SupervisionTask.industry),
            selectinload(SupervisionTask.agency),
            selectinload(SupervisionTask.inspectors),
        )
    )
    return access.scoped(stmt, user) if user is not None else stmt


def add_task(
    filing: TaskFiling,
    *,
    enterprise: Enterprise,
    category: int,
    industry: Industry | None,
    agency: Organisation,
    inspectors: list[User],
    planned_month: int | None,
    method: ReviewMethod,
    remarks: str = "",
    parent_task: SupervisionTask | None = None,
) -> SupervisionTask:
    """File one task; every refusal says why."""
    if filing.is_locked:
        raise _locked_error()
    if enterprise.province_id != filing.province_id:
        raise DomainError(_l("该企业不在本省名录中。"), field="enterprise_id")
    plan_category = filing.plan.category(category)
    if plan_category is None:
        raise DomainError(_l("本年度计划没有该监察类别。"), field="category")
    if parent_task is not None and parent_task.filing_id != filing.id:
        raise DomainError(TASK_MESSAGES["parent"], field="parent_task_id")
    problem = rules.task_problem(
        category=category,
        filed_alone=plan_category.filed_alone,
        industry_kind=industry.kind if industry else None,
        parent_category=parent_task.category if parent_task else None,
        parent_same_enterprise=parent_task is not None
        and parent_task.enterprise_id == enterprise.id,
        enterprise_stopped=enterprise.status == ProductionStatus.STOPPED,
        on_site=method == ReviewMethod.ON_SITE,
        planned_month=planned_month,
    )
    if problem:
        field = {
            "not_alone": "parent_task_id",
            "parent": "parent_task_id",
            "month": "planned_month",
            "stopped_on_site": "method",
        }.get(problem, "industry_id")
        raise DomainError(TASK_MESSAGES[problem], field=field)
    _check_agency(filing, agency)
    _check_inspectors(agency, inspectors)
    duplicate = db.session.scalar(
        select(SupervisionTask).where(
            SupervisionTask.filing_id == filing.id,
            SupervisionTask.enterprise_id == enterprise.id,
            SupervisionTask.category == category,
            SupervisionTask.industry_id == (industry.id if industry else None)
            if industry
            else SupervisionTask.industry_id.is_(None),
        )
    )
    if duplicate is not None:
        raise DomainError(_l("该企业的同一类别任务已经申报。"), field="enterprise_id")
    if enterprise.status == ProductionStatus.STOPPED and "已停产" not in remarks:
        remarks = ("已停产；" + remarks).rstrip("；")
    task = SupervisionTask(
        filing=filing,
        province_id=filing.province_id,
        enterprise=enterprise,
        category=category,
        industry=industry,
        agency=agency,
        planned_month=planned_month,
        method=method,
        remarks=remarks,
        parent_task=parent_task,
    )
    task.inspectors = list(inspectors)
    db.session.add(task)
    if rules.covers(category, industry.id if industry else None, enterprise.industry_id):
        # Tasked for its full-coverage industry after all: the written reason why it was
        # not no longer applies (the coverage page would list it as "not tasked").
        exemption = db.session.scalar(
            select(CoverageExemption).where(
                CoverageExemption.filing_id == filing.id,
                CoverageExemption.enterprise_id == enterprise.id,
            )
        )
        if exemption is not None:
            db.session.delete(exemption)
    db.session.flush()
    return task


def _check_agency(filing: TaskFiling, agency: Organisation) -> None:
    if agency.id != filing.province_id and agency.province_id != filing.province_id:
        raise DomainError(_l("承担机构须为本省的监察机构。"), field="agency_id")


def _check_inspectors(agency: Organisation, inspectors: list[User]) -> None:
    for inspector in inspectors:
        if Role.INSPECTOR not in inspector.roles or not inspector.active:
            raise DomainError(
                _l("%(name)s 不是在岗的监察人员。", name=inspector.full_name), field="inspector_ids"
            )
        org = inspector.organisation
        if not (org.id == agency.id or org.path.startswith(agency.subtree_prefix)):
            raise DomainError(
                _l("%(name)s 不属于承担机构。", name=inspector.full_name), field="inspector_ids"
            )


def remove_task(task: SupervisionTask) -> None:
    """Withdraw a task while the filing is editable (its category-三 riders go with it)."""
    if task.filing.is_locked:
        raise _locked_error()
    for rider in db.session.scalars(
        select(SupervisionTask).where(SupervisionTask.parent_task_id == task.id)
    ):
        db.session.delete(rider)
    db.session.delete(task)
    db.session.flush()


# -- coverage ------------------------------------------------------------------------------


@dataclass
class Coverage:
    report: rules.CoverageReport
    enterprises: dict[int, Enterprise]
    tasks: dict[int, SupervisionTask]

    @property
    def complete(self) -> bool:
        return self.report.complete


def coverage_check(filing: TaskFiling) -> Coverage:
    """不漏报、不错报 for the filing, against the province's registry."""
    full = {
        i.id for i in db.session.scalars(select(Industry).where(Industry.full_coverage.is_(True)))
    }
    enterprises = {
        e.id: e
        for e in db.session.scalars(
            select(Enterprise).where(Enterprise.province_id == filing.province_id)
        )
    }
    tasks = {
        t.id: t
        for t in db.session.scalars(
            select(SupervisionTask).where(SupervisionTask.filing_id == filing.id)
        )
    }
    exempt = set(
        db.session.scalars(
            select(CoverageExemption.enterprise_id).where(CoverageExemption.filing_id == filing.id)
        )
    )
    report = rules.coverage(
        [
            rules.RegistryEntry(e.id, e.industry_id, e.status == ProductionStatus.OPERATING)
            for e in enterprises.values()
        ],
        [rules.FiledTask(t.id, t.enterprise_id, t.category, t.industry_id) for t in tasks.values()],
        exempt,
        full,
    )
    return Coverage(report, enterprises, tasks)


def exemptions_of(filing: TaskFiling) -> list[CoverageExemption]:
    return list(
        db.session.scalars(
            select(CoverageExemption).where(CoverageExemption.filing_id == filing.id)
        )
    )


def exempt_enterprise(filing: TaskFiling, enterprise: Enterprise, reason: str) -> CoverageExemption:
    if filing.is_locked:
        raise _locked_error()
    if enterprise.province_id != filing.province_id:
        raise DomainError(_l("该企业不在本省名录中。"))
    if not reason.strip():
        raise DomainError(_l("请填写未列入任务的原因。"), field="reason")
    exemption = db.session.scalar(
        select(CoverageExemption).where(
            CoverageExemption.filing_id == filing.id,
            CoverageExemption.enterprise_id == enterprise.id,
        )
    )
    if exemption is None:
        exemption = CoverageExemption(
            filing_id=filing.id,
            province_id=filing.province_id,
            enterprise=enterprise,
            reason=reason.strip(),
        )
        db.session.add(exemption)
    else:
        exemption.reason = reason.strip()
    db.session.flush()
    return exemption


# -- funds ---------------------------------------------------------------------------------


def update_funds(
    filing: TaskFiling,
    *,
    earlier_funds_received: Decimal | None,
    earlier_funds_used: Decimal | None,
    carried_over_balance: Decimal | None,
    carried_over_planned: Decimal | None,
    funds_requested: Decimal | None,
    funds_report: str,
    version: int | None = None,
) -> TaskFiling:
    """Save the funds figures; ``version``: the filing's when the form was opened."""
    if filing.is_locked:
        raise _locked_error()
    require_version(filing, version)
    problem = rules.funds_problem(
        balance=carried_over_balance, planned=carried_over_planned, requested=funds_requested
    )
    if problem:
        field = {"balance_not_planned": "funds_requested"}.get(problem, "carried_over_planned")
        raise DomainError(FUNDS_MESSAGES[problem], field=field)
    filing.earlier_funds_received = earlier_funds_received
    filing.earlier_funds_used = earlier_funds_used
    filing.carried_over_balance = carried_over_balance
    filing.carried_over_planned = carried_over_planned
    filing.funds_requested = funds_requested
    filing.funds_report = funds_report
    db.session.flush()
    return filing


# -- counts (one query per figure: the pages, the dashboard and the annexes all use these) ---


@dataclass(frozen=True)
class FilingCounts:
    #: Distinct enterprises tasked.
    enterprises: int
    #: Tasks by category number.
    by_category: dict[int, int]
    #: Tasks by industry id (categories 一 and 二).
    by_industry: dict[int, int]
    #: Distinct stopped enterprises among the tasked.
    stopped: int
    tasks: int


def filing_counts(filing_ids: list[int]) -> dict[int, FilingCounts]:
    """The figures of each filing, from the database (never from a page's own arithmetic).

    Counted by the database (two grouped queries whatever the number of filings), so a
    filing of thousands of tasks is never read row by row."""
    if not filing_ids:
        return {}
    grouped = db.session.execute(
        select(
            SupervisionTask.filing_id,
            SupervisionTask.category,
            SupervisionTask.industry_id,
            func.count(),
        )
        .where(SupervisionTask.filing_id.in_(filing_ids))
        .group_by(SupervisionTask.filing_id, SupervisionTask.category, SupervisionTask.industry_id)
        .order_by(SupervisionTask.filing_id, SupervisionTask.category, SupervisionTask.industry_id)
    ).all()
    stopped = case((Enterprise.status == ProductionStatus.STOPPED, SupervisionTask.enterprise_id))
    distinct = {
        filing_id: (enterprises, stopped_enterprises)
        for filing_id, enterprises, stopped_enterprises in db.session.execute(
            select(
                SupervisionTask.filing_id,
                func.count(SupervisionTask.enterprise_id.distinct()),
                func.count(stopped.distinct()),
            )
            .join(Enterprise, Enterprise.id == SupervisionTask.enterprise_id)
            .where(SupervisionTask.filing_id.in_(filing_ids))
            .group_by(SupervisionTask.filing_id)
        )
    }
    by_category: dict[int, Counter[int]] = defaultdict(Counter)
    by_industry: dict[int, Counter[int]] = defaultdict(Counter)
    for filing_id, category, industry_id, n in grouped:
        by_category[filing_id][category] += n
        if industry_id is not None:
            by_industry[filing_id][industry_id] += n
    result = {}
    for filing_id in filing_ids:
        enterprises, stopped_enterprises = distinct.get(filing_id, (0, 0))
        result[filing_id] = FilingCounts(
            enterprises=enterprises,
            by_category=dict(by_category[filing_id]),
            by_industry=dict(by_industry[filing_id]),
            stopped=stopped_enterprises,
            tasks=sum(by_category[filing_id].values()),
        )
    return result


def task_total(filing: TaskFiling) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(SupervisionTask)
        .where(SupervisionTask.filing_id == filing.id)
    )


# -- submission workflow ---------------------------------------------------------------------


def _record(
    filing: TaskFiling,
    action: str,
    actor: User | None,
    *,
    now: datetime,
    comment: str = "",
    snapshot: bytes | None = None,
) -> FilingEvent:
    event = FilingEvent(
        filing=filing,
        action=action,
        at=now,
        actor_id=actor.id if actor else None,
        actor_name=actor.audit_label if actor else "system",
        comment=comment,
        late_workdays=filing.late_workdays,
        task_count=task_total(filing),
        snapshot=snapshot,
    )
    db.session.add(event)
    return event


def submit_filing(filing: TaskFiling, *, actor: User | None, now: datetime) -> FilingEvent:
    """Submit (or resubmit) to the ministry: locks the filing and keeps the annexes as sent."""
    # Imported here: the annexes read this module's counts.
    from ..annexes.service import build_province_annexes

    if filing.status not in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        raise DomainError(_l("任务申报已报送，不能重复报送。"))
    if task_total(filing) == 0:
        raise DomainError(_l("尚未申报任何任务。"))
    coverage = coverage_check(filing)
    if not coverage.complete:
        raise DomainError(
            _l(
                "全覆盖核对未通过：%(missing)s 家企业漏报、%(wrong)s 项任务行业不符。请处理后再报送。",
                missing=len(coverage.report.missing),
                wrong=len(coverage.report.mismatched),
            )
        )
    problem = rules.funds_problem(
        balance=filing.carried_over_balance,
        planned=filing.carried_over_planned,
        requested=filing.funds_requested,
    )
    if problem:
        raise DomainError(FUNDS_MESSAGES[problem])
    if (filing.funds_requested or 0) > 0 and not filing.funds_report.strip():
        raise DomainError(_l("申请补助资金的，须同时提交前期资金使用报告。"))
    deliverable = filing.plan.deliverable("task_filing")
    local_day = now.astimezone(TIMEZONE).date()
    filing.late_workdays = (
        rules.late_workdays(deliverable.due_on, local_day, current_calendar()) if deliverable else 0
    )
    action = "resubmitted" if filing.status == FilingStatus.RETURNED else "submitted"
    filing.status = FilingStatus.SUBMITTED
    filing.submitted_at = now
    db.session.flush()
    event = _record(filing, action, actor, now=now, snapshot=build_province_annexes(filing))
    db.session.flush()
    return event


def return_filing(
    filing: TaskFiling, *, actor: User, now: datetime, comment: str, version: int | None = None
) -> FilingEvent:
    """The ministry sends a submission back for correction, saying what to correct."""
    if filing.status != FilingStatus.SUBMITTED:
        raise DomainError(_l("只有已报送的任务申报可以退回。"))
    require_version(filing, version)
    if not comment.strip():
        raise DomainError(_l("退回时请填写修改意见。"), field="comment")
    filing.status = FilingStatus.RETURNED
    event = _record(filing, "returned", actor, now=now, comment=comment.strip())
    db.session.flush()
    return event


def accept_filing(
    filing: TaskFiling, *, actor: User, now: datetime, comment: str = "", version: int | None = None
) -> FilingEvent:
    """The ministry accepts a submission as shown to it (``version``: the filing's then)."""
    if filing.status != FilingStatus.SUBMITTED:
        raise DomainError(_l("只有已报送的任务申报可以接收。"))
    require_version(filing, version)
    filing.status = FilingStatus.ACCEPTED
    event = _record(filing, "accepted", actor, now=now, comment=comment.strip())
    db.session.flush()
    filing_accepted.send(filing)  # inspections opens a case per task
    return event
