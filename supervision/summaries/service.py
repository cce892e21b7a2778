"""The annual summary's workflow: draft, edit, submit (files built and kept), return, accept.
Modelled on the task filing; flushes, never commits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, undefer

from ..calendar.service import current_calendar
from ..core.clock import local_date
from ..core.errors import DomainError
from ..core.models import Organisation, User
from ..core.versions import require_version
from ..core.workdays import CalendarNotAvailable
from ..extensions import db
from ..plans.models import SupervisionPlan
from ..tasks import rules as task_rules
from ..tasks.models import FilingStatus
from .models import TEXT_SECTIONS, AnnualSummary, SummaryEvent

#: The plan deliverable the summary answers (due 30 September in 2020).
DELIVERABLE_KEY = "annual_summary"
#: Event actions that hand the report to the ministry.
SUBMITTED = ("submitted", "resubmitted")
#: Free-text sections without which a report is not worth sending.
REQUIRED_TEXTS = ("special_text", "daily_text")
TEXT_FIELDS = tuple(name for name, _heading in TEXT_SECTIONS)
EDITABLE_FIELDS = ("funds_used", "funds_text", *TEXT_FIELDS)
MAX_TEXT = 20_000
#: Numeric(12, 2): ten digits before the point.
MAX_FUNDS = Decimal("9999999999.99")
TWO_PLACES = Decimal("0.01")

HEADINGS = dict(TEXT_SECTIONS) | {"funds_text": _l("经费使用情况")}


def _locked_error() -> DomainError:
    return DomainError(_l("年度工作总结已报送，锁定期间不能修改；如需修改，请等待部里退回。"))


# -- finding and opening ------------------------------------------------------------------


def find_summary(plan: SupervisionPlan, province: Organisation) -> AnnualSummary | None:
    return db.session.scalar(
        select(AnnualSummary).where(
            AnnualSummary.plan_id == plan.id, AnnualSummary.province_id == province.id
        )
    )


def blank_summary(plan: SupervisionPlan, province: Organisation) -> AnnualSummary:
    """An unsaved draft to show (and build the files of) before the province opens its own:
    reading a page never writes a row."""
    blank = AnnualSummary(
        plan=plan,
        province=province,
        status=FilingStatus.DRAFT,
        funds_used=None,
        funds_text="",
        late_workdays=0,
        version=0,
    )
    for name in TEXT_FIELDS:
        setattr(blank, name, "")
    return blank


def summary_for(plan: SupervisionPlan, province: Organisation) -> AnnualSummary:
    """The province's summary for the plan, created (as a draft) on first use."""
    summary = find_summary(plan, province)
    if summary is None:
        summary = AnnualSummary(plan=plan, province=province)
        db.session.add(summary)
        db.session.flush()
    return summary


def summaries_of_plan(plan: SupervisionPlan) -> dict[int, AnnualSummary]:
    """Every existing summary of the plan by province id."""
    rows = db.session.scalars(select(AnnualSummary).where(AnnualSummary.plan_id == plan.id))
    return {s.province_id: s for s in rows}


# -- editing --------------------------------------------------------------------------------


def _funds(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(_l("经费金额应为数字（万元）。"), field="funds_used") from None
    if not amount.is_finite():
        raise DomainError(_l("经费金额应为数字（万元）。"), field="funds_used")
    if amount < 0:
        raise DomainError(_l("经费金额不能为负数。"), field="funds_used")
    if amount != amount.quantize(TWO_PLACES):
        raise DomainError(_l("经费金额最多保留两位小数（万元）。"), field="funds_used")
    if amount > MAX_FUNDS:
        raise DomainError(_l("经费金额过大，请以万元为单位填写。"), field="funds_used")
    return amount.quantize(TWO_PLACES)


def update_summary(
    summary: AnnualSummary, *, actor: User | None, version: int | None, values: Mapping
) -> AnnualSummary:
    """Save the funds and the free-text sections (only the keys given) of an editable summary."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if summary.is_locked:
        raise _locked_error()
    require_version(summary, version)
    changes: dict = {}
    if "funds_used" in values:
        changes["funds_used"] = _funds(values["funds_used"])
    for name in ("funds_text", *TEXT_FIELDS):
        if name not in values:
            continue
        text = (values[name] or "").strip()
        if len(text) > MAX_TEXT:
            raise DomainError(
                _l("“%(part)s”不能超过 %(n)s 字。", part=HEADINGS[name], n=f"{MAX_TEXT:,}"),
                field=name,
            )
        changes[name] = text
    for name, value in changes.items():
        setattr(summary, name, value)
    db.session.flush()
    return summary


# -- lateness -------------------------------------------------------------------------------


def due_on(plan: SupervisionPlan) -> date | None:
    deliverable = plan.deliverable(DELIVERABLE_KEY)
    return deliverable.due_on if deliverable else None


def late_workdays(plan: SupervisionPlan, day: date) -> int:
    """Working days after the summary's due date that ``day`` is (0 on or before it)."""
    due = due_on(plan)
    return task_rules.late_workdays(due, day, current_calendar()) if due else 0


def correction_due_on(summary: AnnualSummary) -> date | None:
    """While returned: by when the corrected summary is owed again (the same rule as the
    ``summary_correction`` deadline)."""
    if summary.status != FilingStatus.RETURNED:
        return None
    returned = [e for e in summary.events if e.action == "returned"]
    if not returned:
        return None
    workdays = int(current_app.config["FILING_CORRECTION_WORKDAYS"])
    try:
        return task_rules.correction_due_on(
            local_date(returned[-1].at), current_calendar(), workdays
        )
    except CalendarNotAvailable:
        return None


# -- submission workflow ----------------------------------------------------------------------


def _record(
    summary: AnnualSummary,
    action: str,
    actor: User | None,
    *,
    now: datetime,
    comment: str = "",
    figures: dict | None = None,
    report_docx: bytes | None = None,
    results_xlsx: bytes | None = None,
) -> SummaryEvent:
    event = SummaryEvent(
        summary=summary,
        action=action,
        at=now,
        actor_id=actor.id if actor else None,
        actor_name=actor.audit_label if actor else "system",
        comment=comment,
        late_workdays=summary.late_workdays,
        figures=figures or {},
        report_docx=report_docx,
        results_xlsx=results_xlsx,
    )
    db.session.add(event)
    return event


def missing_sections(summary: AnnualSummary) -> list[str]:
    """Headings of the required free-text sections still empty."""
    return [
        str(HEADINGS[name]) for name in REQUIRED_TEXTS if not (getattr(summary, name) or "").strip()
    ]


def build_files(summary: AnnualSummary):
    """The figures assembled now from the cases, and both files built from them."""
    # Imported here: the builders (python-docx, xlsxwriter) load only when a file is made.
    from .figures import assemble
    from .report_document import build_report
    from .results_book import build_results

    figures = assemble(summary.plan, summary.province)
    return figures, build_report(summary, figures), build_results(summary, figures)


def submit_summary(summary: AnnualSummary, *, actor: User | None, now: datetime) -> SummaryEvent:
    """Submit (or resubmit) to the ministry: locks the summary and keeps the figures and both
    files exactly as sent."""
    if summary.status not in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        raise DomainError(_l("年度工作总结已报送，不能重复报送。"))
    missing = missing_sections(summary)
    if missing:
        raise DomainError(
            _l("请先填写以下部分再报送：%(parts)s。", parts="、".join(missing)),
            field=REQUIRED_TEXTS[0] if len(missing) == len(REQUIRED_TEXTS) else None,
        )
    summary.late_workdays = late_workdays(summary.plan, local_date(now))
    action = "resubmitted" if summary.status == FilingStatus.RETURNED else "submitted"
    summary.status = FilingStatus.SUBMITTED
    summary.submitted_at = now
    db.session.flush()
    figures, report, results = build_files(summary)
    event = _record(
        summary,
        action,
        actor,
        now=now,
        figures=figures.to_json(),
        report_docx=report,
        results_xlsx=results,
    )
    db.session.flush()
    return event


def return_summary(
    summary: AnnualSummary, *, actor: User, now: datetime, comment: str
) -> SummaryEvent:
    """The ministry sends a submitted summary back, saying what to correct."""
    if summary.status != FilingStatus.SUBMITTED:
        raise DomainError(_l("只有已报送的年度工作总结可以退回。"))
    if not (comment or "").strip():
        raise DomainError(_l("退回时请填写修改意见。"), field="comment")
    summary.status = FilingStatus.RETURNED
    event = _record(summary, "returned", actor, now=now, comment=comment.strip())
    db.session.flush()
    return event


def accept_summary(
    summary: AnnualSummary, *, actor: User, now: datetime, comment: str = ""
) -> SummaryEvent:
    if summary.status != FilingStatus.SUBMITTED:
        raise DomainError(_l("只有已报送的年度工作总结可以接收。"))
    summary.status = FilingStatus.ACCEPTED
    event = _record(summary, "accepted", actor, now=now, comment=(comment or "").strip())
    db.session.flush()
    return event


# -- what was submitted -------------------------------------------------------------------------


def latest_submissions(
    plan: SupervisionPlan, *, with_files: bool = False
) -> dict[int, SummaryEvent]:
    """Each province's latest submitted event of the plan, by province id (the roll-up and the
    download of all reports read these, never the live cases)."""
    latest = (
        select(func.max(SummaryEvent.id))
        .join(AnnualSummary, AnnualSummary.id == SummaryEvent.summary_id)
        .where(AnnualSummary.plan_id == plan.id, SummaryEvent.action.in_(SUBMITTED))
        .group_by(SummaryEvent.summary_id)
    )
    stmt = (
        select(SummaryEvent)
        .where(SummaryEvent.id.in_(latest))
        .options(selectinload(SummaryEvent.summary).selectinload(AnnualSummary.province))
    )
    if with_files:
        stmt = stmt.options(undefer(SummaryEvent.report_docx), undefer(SummaryEvent.results_xlsx))
    return {e.summary.province_id: e for e in db.session.scalars(stmt)}


def first_submissions(plan_id: int) -> dict[int, datetime]:
    """When each province first submitted the plan's summary (the deliverable is met then)."""
    return dict(
        db.session.execute(
            select(AnnualSummary.province_id, func.min(SummaryEvent.at))
            .join(SummaryEvent, SummaryEvent.summary_id == AnnualSummary.id)
            .where(AnnualSummary.plan_id == plan_id, SummaryEvent.action.in_(SUBMITTED))
            .group_by(AnnualSummary.province_id)
        ).all()
    )


@dataclass(frozen=True)
class ProvinceRow:
    """One line of the ministry's overview: the province, its summary (None: not started) and
    its latest submission (None: nothing submitted yet)."""

    province: Organisation
    summary: AnnualSummary | None
    latest: SummaryEvent | None
