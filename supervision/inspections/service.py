"""Inspection cases: opening them from accepted filings, the case's steps, verdicts, drafts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import case as sql_case
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core import access
from ..core.errors import DomainError
from ..core.models import Role, User
from ..core.types import utcnow
from ..core.versions import require_version
from ..extensions import db
from ..plans.models import SupervisionPlan
from ..tasks.models import (
    ReviewMethod,
    SupervisionTask,
    TaskCategory,
    TaskFiling,
    task_inspectors,
)
from ..tasks.service import filing_accepted
from .models import CaseStatus, Finding, FormDraft, InspectionCase, Verdict, case_inspectors
from .rules import Status, text_of
from .rules import cases as case_rules

#: Which plan deliverable a category's results are due with.
DUE_WITH = {TaskCategory.RECTIFICATION_REVIEW: "category_five_results"}
DEFAULT_DUE_WITH = "annual_summary"

#: Verdict statuses that mean "not judged yet": a case with them cannot be closed.
OPEN_STATUSES = frozenset({Status.MISSING_DATA.value, Status.ABNORMAL_DATA.value})


def _due_on(plan: SupervisionPlan, category: int) -> date | None:
    key = DUE_WITH.get(TaskCategory(category), DEFAULT_DUE_WITH)
    return next((d.due_on for d in plan.deliverables if d.key == key), None)


def open_cases(filing: TaskFiling) -> int:
    """One case per task of the filing that has none yet; idempotent. Returns how many."""
    have = set(
        db.session.scalars(
            select(InspectionCase.task_id)
            .join(SupervisionTask, SupervisionTask.id == InspectionCase.task_id)
            .where(SupervisionTask.filing_id == filing.id)
        )
    )
    created = 0
    for task in filing.tasks:
        if task.id in have:
            continue
        db.session.add(
            InspectionCase(
                task_id=task.id,
                province_id=task.province_id,
                agency_id=task.agency_id,
                enterprise_id=task.enterprise_id,
                category=task.category,
                method=task.method,
                assessed_year=filing.plan.year - 1,
                due_on=_due_on(filing.plan, task.category),
            )
        )
        created += 1
    db.session.flush()
    return created


@filing_accepted.connect
def _on_filing_accepted(filing: TaskFiling, **_: Any) -> None:
    open_cases(filing)


# -- reading ------------------------------------------------------------------------------


def cases_query(user: User, *, mine_first: bool = True, inspectors: bool = True):
    """The cases ``user`` may see: open ones first, by due date (none last). Their inspectors
    are loaded with them unless ``inspectors`` is False (a list that needs only their names
    asks ``inspector_names``)."""
    options = [selectinload(InspectionCase.enterprise), selectinload(InspectionCase.agency)]
    if inspectors:
        options += [
            selectinload(InspectionCase.task).selectinload(SupervisionTask.inspectors),
            selectinload(InspectionCase.daily_inspectors),
        ]
    stmt = access.scoped(InspectionCase, user).options(*options)
    done = sql_case(
        (InspectionCase.status.in_([CaseStatus.CLOSED, CaseStatus.RECTIFICATION]), 1), else_=0
    )
    return stmt.order_by(
        done, InspectionCase.due_on.is_(None), InspectionCase.due_on, InspectionCase.id
    )


def inspector_names(case_ids: list[int]) -> dict[int, list[str]]:
    """Each case's inspectors' full names, in the order of ``InspectionCase.inspectors`` (the
    task's inspectors, or a daily case's), by username: one query for a whole page of cases
    instead of loading their tasks and users."""
    names: dict[int, list[str]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return names
    of_tasks = (
        select(InspectionCase.id, User.username, User.full_name)
        .join(task_inspectors, task_inspectors.c.task_id == InspectionCase.task_id)
        .join(User, User.id == task_inspectors.c.user_id)
        .where(InspectionCase.id.in_(case_ids))
    )
    of_daily_cases = (
        select(InspectionCase.id, User.username, User.full_name)
        .join(case_inspectors, case_inspectors.c.case_id == InspectionCase.id)
        .join(User, User.id == case_inspectors.c.user_id)
        .where(InspectionCase.id.in_(case_ids), InspectionCase.task_id.is_(None))
    )
    rows = db.session.execute(of_tasks.union_all(of_daily_cases)).all()
    for case_id, _username, full_name in sorted(rows, key=lambda r: (r[0], r[1])):
        names[case_id].append(full_name)
    return names


def is_assigned(case: InspectionCase, user: User) -> bool:
    return any(i.id == user.id for i in case.inspectors)


def may_record(case: InspectionCase, user: User) -> bool:
    """Only an inspector assigned to the case enters results (officers follow, not write)."""
    return (
        getattr(user, "is_authenticated", False)
        and Role.INSPECTOR in user.roles
        and is_assigned(case, user)
        and case.status not in (CaseStatus.CLOSED, CaseStatus.RECTIFICATION)
    )


def require_recorder(case: InspectionCase, user: User) -> None:
    if not may_record(case, user):
        if case.status in (CaseStatus.CLOSED, CaseStatus.RECTIFICATION):
            raise DomainError(_l("案件已办结或已转入整改，不能再修改；如需补充请先重新打开。"))
        raise DomainError(_l("只有承办本案件的监察人员可以录入。"))


# -- the case's steps ---------------------------------------------------------------------


def update_visit(
    case: InspectionCase,
    *,
    actor: User,
    version: int,
    method: str,
    visit_on: date | None,
    participants: str,
    representative: str,
    summary: str,
    today: date,
) -> None:
    require_recorder(case, actor)
    require_version(case, version, _l("本案件已被他人修改，请刷新后重新填写。"))
    if visit_on is not None and visit_on > today:
        raise DomainError(_l("监察日期不能晚于今天。"), field="visit_on")
    case.method = ReviewMethod(method)
    case.visit_on = visit_on
    case.participants = participants.strip()
    case.representative = representative.strip()
    case.summary = summary.strip()
    if case.status == CaseStatus.PLANNED and visit_on is not None:
        _move(case, CaseStatus.IN_PROGRESS, actor=actor, today=today)
    db.session.flush()


def case_facts(case: InspectionCase) -> case_rules.CaseFacts:
    findings = db.session.scalar(select(func.count(Finding.id)).where(Finding.case_id == case.id))
    open_verdicts = db.session.scalar(
        select(func.count(Verdict.id)).where(
            Verdict.case_id == case.id, Verdict.status.in_(OPEN_STATUSES)
        )
    )
    return case_rules.CaseFacts(
        status=case.status.value,
        on_site=case.method.value == "on_site",
        visit_on=case.visit_on,
        inspectors=len(case.inspectors),
        findings=findings or 0,
        open_verdicts=open_verdicts or 0,
    )


def _move(case: InspectionCase, target: CaseStatus, *, actor: User, today: date) -> None:
    problem = case_rules.transition_problem(case_facts(case), target.value, today)
    if problem:
        raise DomainError(problem)
    case.status = target
    case.closed_at = utcnow() if target in (CaseStatus.CLOSED, CaseStatus.RECTIFICATION) else None


def change_status(
    case: InspectionCase, target: str, *, actor: User, version: int, today: date
) -> None:
    """Move the case on; reopening a closed case is for its inspectors too."""
    if not (Role.INSPECTOR in actor.roles and is_assigned(case, actor)):
        raise DomainError(_l("只有承办本案件的监察人员可以办理。"))
    require_version(case, version, _l("本案件已被他人修改，请刷新后重试。"))
    try:
        wanted = CaseStatus(target)
    except ValueError:
        raise DomainError(_l("未知的案件状态。")) from None
    _move(case, wanted, actor=actor, today=today)
    db.session.flush()


# -- verdicts -----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return text_of(value)


def store_verdict(
    case: InspectionCase,
    *,
    rule: str,
    subject: str,
    status: Status,
    reason: str,
    actor: User | None,
    formula: str = "",
    reference_version: str = "",
    value: Decimal | None = None,
    limit_value: Decimal | None = None,
    unit: str = "",
    numbers: Mapping[str, Any] | None = None,
    entered: Mapping[str, Any] | None = None,
    inputs: Mapping[str, Any] | None = None,
    verified: bool = True,
    provisional: Status | None = None,
    now: datetime | None = None,
) -> Verdict:
    """Create or replace the case's verdict for (rule, subject)."""
    verdict = db.session.scalar(
        select(Verdict).where(
            Verdict.case_id == case.id, Verdict.rule == rule, Verdict.subject == subject
        )
    )
    if verdict is None:
        verdict = Verdict(case=case, rule=rule, subject=subject)
        db.session.add(verdict)
    verdict.status = status.value
    verdict.reason = reason
    verdict.formula = formula
    verdict.reference_version = reference_version[:255]
    verdict.value = value
    verdict.limit_value = limit_value
    verdict.unit = unit
    verdict.numbers = _plain(numbers or {})
    verdict.entered = _plain(entered or {})
    verdict.inputs = _plain(inputs or {})
    verdict.verified = verified
    verdict.provisional = provisional.value if provisional else None
    verdict.calculated_at = now or utcnow()
    verdict.calculated_by_id = actor.id if actor else None
    if case.status == CaseStatus.PLANNED:
        case.status = CaseStatus.IN_PROGRESS
    db.session.flush()
    return verdict


def verdict_of(case: InspectionCase, rule: str, subject: str) -> Verdict | None:
    return db.session.scalar(
        select(Verdict).where(
            Verdict.case_id == case.id, Verdict.rule == rule, Verdict.subject == subject
        )
    )


# -- drafts -------------------------------------------------------------------------------

MAX_DRAFT_FIELDS = 400
MAX_DRAFT_VALUE = 10_000


def save_draft(user: User, key: str, data: Any) -> FormDraft:
    """Keep what was typed (field name → text) for ``user`` under ``key``."""
    if not isinstance(data, dict) or len(data) > MAX_DRAFT_FIELDS:
        raise DomainError(_l("草稿格式不正确。"))
    clean = {}
    for name, value in data.items():
        if name == "csrf_token":
            continue
        if not isinstance(name, str) or not isinstance(value, str | list):
            raise DomainError(_l("草稿格式不正确。"))
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise DomainError(_l("草稿格式不正确。"))
        if sum(len(v) for v in (value if isinstance(value, list) else [value])) > MAX_DRAFT_VALUE:
            raise DomainError(_l("草稿内容过长。"))
        clean[name[:100]] = value
    draft = db.session.scalar(
        select(FormDraft).where(FormDraft.user_id == user.id, FormDraft.key == key)
    )
    if draft is None:
        draft = FormDraft(user_id=user.id, key=key)
        db.session.add(draft)
    draft.data = clean
    draft.updated_at = utcnow()
    db.session.flush()
    return draft


def draft_of(user: User, key: str) -> FormDraft | None:
    return db.session.scalar(
        select(FormDraft).where(FormDraft.user_id == user.id, FormDraft.key == key)
    )


def discard_draft(user: User, key: str) -> None:
    draft = draft_of(user, key)
    if draft is not None:
        db.session.delete(draft)
        db.session.flush()
