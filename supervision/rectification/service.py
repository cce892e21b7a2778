"""Rectification notices: issuing one from a case's findings, the enterprise's report, the
extension, the 回头看 and the handling decision. Every change takes the actor and the time,
flushes and never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..calendar.service import current_calendar
from ..core.clock import local_date
from ..core.errors import DomainError
from ..core.models import User
from ..core.versions import require_version
from ..core.workdays import CalendarNotAvailable
from ..extensions import db
from ..inspections import service as case_service
from ..inspections.models import CaseStatus, Finding, InspectionCase
from ..inspections.rules import cases as case_rules
from . import rules
from .evidence import Upload, store_files
from .messages import (
    CHANGED_MEANWHILE,
    DATE_PROBLEMS,
    DEADLINE_PROBLEMS,
    DECISION_PROBLEMS,
    EXTENSION_PROBLEMS,
    NOT_ALLOWED,
    SERVED_PROBLEMS,
    STEP_PROBLEMS,
)
from .models import (
    DeadlineBasis,
    HandlingDecision,
    NoticeItem,
    NoticeStatus,
    RectificationNotice,
    RectificationReport,
    Reinspection,
    ReinspectionResult,
)
from .numbering import next_notice_sequence
from .permissions import may_issue, may_manage


def _require(notice: RectificationNotice, user: User, version: int | None, **kw) -> None:
    if not may_manage(notice, user, **kw):
        raise DomainError(NOT_ALLOWED)
    require_version(notice, version, CHANGED_MEANWHILE)


def _step(notice: RectificationNotice, step: str) -> None:
    problem = rules.step_problem(
        notice.status.value, step, extended=notice.extended_deadline_on is not None
    )
    if problem:
        raise DomainError(STEP_PROBLEMS[problem])


def _check_date(on: date | None, field: str, *, not_before: date, today: date) -> date:
    problem = rules.record_date_problem(on, not_before=not_before, today=today)
    if problem:
        raise DomainError(
            DATE_PROBLEMS[problem] % {"d": rules.chinese_date(not_before)}
            if problem == "too_early"
            else DATE_PROBLEMS[problem],
            field=field,
        )
    return on  # type: ignore[return-value]  -- checked above


# -- issuing ------------------------------------------------------------------------------------


def available_findings(case: InspectionCase) -> list[Finding]:
    """The case's findings not yet on one of its notices."""
    # Asked per finding (an index lookup each), not as NOT IN the list of every finding on
    # any notice in the country.
    listed = select(NoticeItem.id).where(NoticeItem.finding_id == Finding.id).exists()
    return list(
        db.session.scalars(
            select(Finding).where(Finding.case_id == case.id, ~listed).order_by(Finding.id)
        )
    )


def issue_problem(case: InspectionCase, today: date) -> str | None:
    """Why no notice can be issued for ``case`` now (a message), or None."""
    if case.status == CaseStatus.RECTIFICATION:
        return None if available_findings(case) else str(_l("本案件的问题均已列入整改通知书。"))
    if case.status != CaseStatus.FINDINGS:
        return str(_l("请先记录发现的问题并将案件转为「已记录问题」，再下达整改通知书。"))
    facts = case_service.case_facts(case)
    return case_rules.transition_problem(facts, CaseStatus.RECTIFICATION.value, today)


def compute_deadline(
    served_on: date | None, basis: str, *, days: int | None, on: date | None
) -> date:
    """The deadline a notice served on ``served_on`` would state (DomainError if it cannot)."""
    if served_on is None:
        raise DomainError(_l("请填写送达日期。"), field="served_on")
    problem = rules.deadline_input_problem(served_on, basis, days=days, on=on)
    if problem:
        key, field = problem
        raise DomainError(DEADLINE_PROBLEMS[key], field=field)
    try:
        return rules.notice_deadline(served_on, basis, current_calendar(), days=days, on=on)
    except CalendarNotAvailable as error:
        raise DomainError(
            _l(
                "尚无 %(year)s 年的法定节假日安排，无法按工作日计算期限；请改用指定日期，或请部级业务人员在“工作日历”中导入该年度安排。",
                year=error.year,
            ),
            field="days",
        ) from None


def issue_notice(
    case: InspectionCase,
    *,
    actor: User,
    now: datetime,
    finding_ids: Sequence[int],
    measures: str,
    basis: str,
    days: int | None = None,
    on: date | None = None,
    served_on: date | None,
) -> RectificationNotice:
    """Issue a 限期整改通知书 for the chosen findings of ``case``; the case moves to 责令整改."""
    today = local_date(now)
    if not may_issue(case, actor):
        raise DomainError(NOT_ALLOWED)
    problem = issue_problem(case, today)
    if problem:
        raise DomainError(problem)
    wanted = set(finding_ids or ())
    chosen = [f for f in available_findings(case) if f.id in wanted]
    if not wanted:
        raise DomainError(_l("请至少选择一个问题。"), field="finding_ids")
    if len(chosen) != len(wanted):
        raise DomainError(
            _l("所选问题不属于本案件或已列入其他通知书，请刷新后重新选择。"), field="finding_ids"
        )
    measures = (measures or "").strip()
    if not measures:
        raise DomainError(_l("请填写整改要求。"), field="measures")
    deadline = compute_deadline(served_on, basis, days=days, on=on)
    served_on = served_on or deadline  # compute_deadline refused a missing date
    served = rules.served_problem(case.visit_on, served_on, today)
    if served:
        raise DomainError(SERVED_PROBLEMS[served], field="served_on")

    year = served_on.year
    sequence = next_notice_sequence(case.agency_id, year)
    notice = RectificationNotice(
        case=case,
        province_id=case.province_id,
        agency_id=case.agency_id,
        enterprise_id=case.enterprise_id,
        year=year,
        sequence=sequence,
        number=rules.notice_number(case.agency.name, year, sequence),
        measures=measures,
        served_on=served_on,
        deadline_basis=DeadlineBasis(basis),
        deadline_days=None if basis == rules.DATE else days,
        deadline_on=deadline,
        status=NoticeStatus.ISSUED,
        issued_by_id=actor.id,
        created_at=now,
    )
    for position, finding in enumerate(chosen, 1):
        notice.items.append(
            NoticeItem(
                position=position,
                finding_id=finding.id,
                kind=finding.kind,
                description=finding.description,
                basis_text=finding.basis_text,
            )
        )
    db.session.add(notice)
    if case.status != CaseStatus.RECTIFICATION:
        case.status = CaseStatus.RECTIFICATION
        case.closed_at = now
    db.session.flush()
    return notice


def late_service(notice: RectificationNotice) -> str | None:
    """A warning when the notice was served later than the setting allows after the visit."""
    days = int(current_app.config["NOTICE_SERVICE_DAYS"])
    visit_on = notice.case.visit_on if notice.case else None
    if not rules.service_late(visit_on, notice.served_on, days):
        return None
    return str(
        _l(
            "送达日期距监察日期（%(visit)s）已超过 %(n)s 日：限期整改通知书一般应在监察结束后 %(n)s 日内送达。",
            visit=visit_on,
            n=days,
        )
    )


# -- the enterprise's report --------------------------------------------------------------------


def record_report(
    notice: RectificationNotice,
    *,
    received_on: date | None,
    measures_taken: str,
    actor: User,
    now: datetime,
    files: Iterable[Upload] = (),
    version: int | None = None,
) -> RectificationReport:
    """Record the enterprise's rectification report (整改报告) and its files."""
    _require(notice, actor, version)
    _step(notice, rules.REPORT)
    received = _check_date(
        received_on, "received_on", not_before=notice.served_on, today=local_date(now)
    )
    measures_taken = (measures_taken or "").strip()
    if not measures_taken:
        raise DomainError(_l("请填写企业已采取的整改措施。"), field="measures_taken")
    report = RectificationReport(
        notice=notice,
        received_on=received,
        measures_taken=measures_taken,
        recorded_by_id=actor.id,
        created_at=now,
    )
    db.session.add(report)
    notice.status = NoticeStatus(rules.status_after(notice.status.value, rules.REPORT))
    store_files(notice, files, stage="report", actor=actor)
    db.session.flush()
    return report


# -- extension ----------------------------------------------------------------------------------


def grant_extension(
    notice: RectificationNotice,
    *,
    requested_on: date | None,
    reason: str,
    granted_on: date | None,
    extended_deadline_on: date | None,
    actor: User,
    now: datetime,
    version: int | None = None,
) -> RectificationNotice:
    """Record the enterprise's request for more time and its grant, in one step (once)."""
    _require(notice, actor, version)
    _step(notice, rules.EXTENSION)
    problem = rules.extension_problem(
        served_on=notice.served_on,
        current_deadline=notice.current_deadline_on,
        requested_on=requested_on,
        granted_on=granted_on,
        new_deadline=extended_deadline_on,
        reason=reason or "",
        today=local_date(now),
    )
    if problem:
        key, field = problem
        raise DomainError(EXTENSION_PROBLEMS[key], field=field)
    notice.extension_requested_on = requested_on
    notice.extension_reason = reason.strip()
    notice.extension_granted_on = granted_on
    notice.extension_granted_by_id = actor.id
    notice.extended_deadline_on = extended_deadline_on
    db.session.flush()
    return notice


# -- 回头看 and handling --------------------------------------------------------------------------


def record_reinspection(
    notice: RectificationNotice,
    *,
    inspected_on: date | None,
    result: str,
    notes: str,
    actor: User,
    now: datetime,
    case: InspectionCase | None = None,
    files: Iterable[Upload] = (),
    version: int | None = None,
) -> Reinspection:
    """Record the 回头看: rectified, partly or not; the notice's status follows the result."""
    if case is not None and case.enterprise_id != notice.enterprise_id:
        raise DomainError(_l("所选回头看案件不是本企业的案件。"), field="case_id")
    _require(notice, actor, version, case=case)
    _step(notice, rules.REINSPECTION)
    inspected = _check_date(
        inspected_on, "inspected_on", not_before=notice.served_on, today=local_date(now)
    )
    try:
        outcome = ReinspectionResult(result)
    except ValueError:
        raise DomainError(_l("请选择复查结论。"), field="result") from None
    notes = (notes or "").strip()
    if outcome != ReinspectionResult.RECTIFIED and not notes:
        raise DomainError(_l("未整改或整改不到位的，请写明复查情况。"), field="notes")
    reinspection = Reinspection(
        notice=notice,
        case_id=case.id if case is not None else None,
        inspected_on=inspected,
        result=outcome,
        notes=notes,
        recorded_by_id=actor.id,
        created_at=now,
    )
    db.session.add(reinspection)
    notice.status = NoticeStatus(
        rules.status_after(notice.status.value, rules.REINSPECTION, outcome.value)
    )
    store_files(notice, files, stage="reinspection", actor=actor)
    db.session.flush()
    return reinspection


def record_decision(
    notice: RectificationNotice,
    *,
    decided_on: date | None,
    penalty_number: str,
    penalty_amount: Decimal | None,
    ladder_price_applied: bool,
    referral: str,
    notes: str,
    actor: User,
    now: datetime,
    version: int | None = None,
) -> HandlingDecision:
    """Record how a notice not (fully) carried out was handled: penalty, ladder price,
    referral. Refused for a rectified notice and before the 回头看."""
    _require(notice, actor, version)
    _step(notice, rules.DECISION)  # only after a 回头看 that found it not rectified
    inspected_on = notice.reinspection.inspected_on if notice.reinspection else notice.served_on
    decided = _check_date(decided_on, "decided_on", not_before=inspected_on, today=local_date(now))
    penalty_number = (penalty_number or "").strip()
    referral = (referral or "").strip()
    notes = (notes or "").strip()
    problem = rules.decision_problem(
        penalty_number=penalty_number,
        penalty_amount=penalty_amount,
        ladder_price_applied=bool(ladder_price_applied),
        referral=referral,
        notes=notes,
    )
    if problem:
        key, field = problem
        raise DomainError(DECISION_PROBLEMS[key], field=field)
    decision = HandlingDecision(
        notice=notice,
        decided_on=decided,
        penalty_number=penalty_number,
        penalty_amount=None if penalty_amount is None else penalty_amount.quantize(Decimal("0.01")),
        ladder_price_applied=bool(ladder_price_applied),
        referral=referral,
        notes=notes,
        recorded_by_id=actor.id,
        created_at=now,
    )
    db.session.add(decision)
    notice.status = NoticeStatus(rules.status_after(notice.status.value, rules.DECISION))
    db.session.flush()
    return decision


def add_files(
    notice: RectificationNotice,
    files: Iterable[Upload],
    *,
    stage: str,
    actor: User,
    version: int | None = None,
):
    """More files for a stage already recorded (a late scan of the report …)."""
    _require(notice, actor, version)
    if stage == "report" and not notice.reports:
        raise DomainError(_l("尚未登记整改报告。"), field="stage")
    if stage == "reinspection" and notice.reinspection is None:
        raise DomainError(_l("尚未登记复查结论。"), field="stage")
    files = list(files)
    if not files:
        raise DomainError(_l("请选择要上传的文件。"), field="files")
    return store_files(notice, files, stage=stage, actor=actor)
