"""Annual summary pages of one province: the report assembled, edited, submitted, returned or
accepted, and its files (the live draft and each version as submitted)."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import attach_error
from ..core.models import Organisation, OrgKind
from ..core.types import utcnow
from ..core.workdays import CalendarNotAvailable
from ..extensions import db
from ..organisations import service as organisations
from ..plans import service as plans
from ..plans.models import SupervisionPlan
from ..tasks.models import FilingStatus
from . import bp, service
from .figures import SummaryFigures, assemble
from .forms import SECTION_HINTS, ButtonForm, CommentForm, SummaryForm
from .models import TEXT_SECTIONS, AnnualSummary, SummaryEvent

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows of the results list shown on the page (the whole list is in the .xlsx).
RESULTS_SHOWN = 50
EVENT_LABELS = {
    "submitted": _l("报送"),
    "resubmitted": _l("重新报送"),
    "returned": _l("退回"),
    "accepted": _l("接收"),
}


# -- lookups ---------------------------------------------------------------------------------


def plan_or_404(year: int) -> SupervisionPlan:
    return plans.plan_for_year(year) or abort(404)


def province_or_404(province_code: str) -> Organisation:
    """The provincial unit, if the user may see its summary (his own, or the ministry any)."""
    province = organisations.by_division_code(province_code, OrgKind.PROVINCE)
    if province is None:
        abort(404)
    if not access.sees_everything(current_user) and (
        current_user.organisation.province_org_id != province.id
    ):
        abort(404)
    return province


def _existing(plan: SupervisionPlan, province: Organisation) -> AnnualSummary | None:
    return db.session.scalar(
        access.scoped(AnnualSummary).where(
            AnnualSummary.plan_id == plan.id, AnnualSummary.province_id == province.id
        )
    )


def _shown(year: int, province_code: str):
    """Plan, province and the summary to show: the saved one, or an unsaved blank draft."""
    plan = plan_or_404(year)
    province = province_or_404(province_code)
    summary = _existing(plan, province) or service.blank_summary(plan, province)
    return plan, province, summary


def _event_or_404(summary_event_id: int) -> tuple[SummaryEvent, AnnualSummary]:
    event = db.get_or_404(SummaryEvent, summary_event_id)
    summary = access.get_or_404(AnnualSummary, event.summary_id)
    return event, summary


def may_edit(province: Organisation) -> bool:
    """Only the provincial body itself writes and submits its province's summary."""
    org = current_user.organisation
    return (
        access.can(current_user, Permission.FILE_TASKS)
        and org.kind == OrgKind.PROVINCE
        and org.id == province.id
    )


def _detail_url(summary: AnnualSummary) -> str:
    return url_for(".detail", year=summary.plan.year, province_code=summary.province.division_code)


# -- the page ----------------------------------------------------------------------------------


@bp.get("/")
@requires(Permission.VIEW_FILINGS)
def start():
    """Officers go to their province's summary of the current plan; the ministry to the
    overview of every province."""
    plan = plans.current_plan()
    if plan is None:
        flash(_("尚无监察计划。"), "warning")
        return redirect(url_for("home.index"))
    province = organisations.province_of(current_user)
    if province is None:
        return redirect(url_for(".index", year=plan.year))
    return redirect(url_for(".detail", year=plan.year, province_code=province.division_code))


def _figures_for(summary: AnnualSummary):
    """What the page shows: the figures as submitted while locked, else assembled now."""
    if summary.is_locked:
        submitted = [e for e in summary.events if e.action in service.SUBMITTED]
        if submitted and submitted[-1].figures:
            return SummaryFigures.from_json(submitted[-1].figures), submitted[-1]
    return assemble(summary.plan, summary.province), None


def _lateness(summary: AnnualSummary) -> int:
    """Working days late: at the submission once submitted, else as of today."""
    if summary.status != FilingStatus.DRAFT or summary.submitted_at is not None:
        return summary.late_workdays
    try:
        return service.late_workdays(summary.plan, local_today())
    except CalendarNotAvailable:
        return 0


def _render(summary: AnnualSummary, form: SummaryForm | None = None, status: int = 200):
    province = summary.province
    editable = may_edit(province) and not summary.is_locked
    if form is None and editable:
        form = SummaryForm(obj=summary, formdata=None)
        form.version.data = str(summary.version) if summary.id else ""
    figures, as_submitted = _figures_for(summary)
    results = list(figures.rows)
    returned = [e for e in summary.events if e.action == "returned"]
    page = render_template(
        "summaries/detail.html",
        summary=summary,
        plan=summary.plan,
        province=province,
        figures=figures,
        as_submitted=as_submitted,
        results=results[:RESULTS_SHOWN],
        result_count=len(results),
        sections=TEXT_SECTIONS,
        hints=SECTION_HINTS,
        form=form if editable else None,
        may_submit=may_edit(province)
        and summary.status in (FilingStatus.DRAFT, FilingStatus.RETURNED),
        may_review=access.can(current_user, Permission.REVIEW_SUBMISSIONS)
        and summary.status == FilingStatus.SUBMITTED,
        missing=service.missing_sections(summary),
        due_on=service.due_on(summary.plan),
        late=_lateness(summary),
        correction_due_on=service.correction_due_on(summary) if summary.id else None,
        last_return=returned[-1] if returned and summary.status == FilingStatus.RETURNED else None,
        event_labels=EVENT_LABELS,
        submitted_actions=service.SUBMITTED,
        button_form=ButtonForm(),
        comment_form=CommentForm(),
    )
    return page, status


@bp.get("/<int:year>/<province_code>")
@requires(Permission.VIEW_FILINGS)
def detail(year: int, province_code: str):
    """The province's annual summary: figures, texts, status, history and files."""
    _plan, _province, summary = _shown(year, province_code)
    return _render(summary)


@bp.post("/<int:year>/<province_code>/edit")
@requires(Permission.FILE_TASKS)
def edit(year: int, province_code: str):
    """Save the funds and free-text sections (the province, while not locked)."""
    plan = plan_or_404(year)
    province = province_or_404(province_code)
    if not may_edit(province):
        abort(403)
    existing = _existing(plan, province)
    form = SummaryForm()
    if form.validate_on_submit():
        try:
            summary = existing or service.summary_for(plan, province)
            service.update_summary(
                summary,
                actor=current_user,
                # A summary opened by this very save has no earlier version to compare.
                version=form.version_number() if existing is not None else None,
                values=form.values(),
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("年度工作总结已保存。"), "success")
            return redirect(_detail_url(summary))
    shown = _existing(plan, province) or service.blank_summary(plan, province)
    if shown.is_locked:  # no form on the page to show the refusal beside
        for message in form.form_errors:
            flash(message, "danger")
        return redirect(_detail_url(shown))
    return _render(shown, form)


@bp.post("/<int:year>/<province_code>/submit")
@requires(Permission.FILE_TASKS)
def submit(year: int, province_code: str):
    """Submit (or resubmit) the summary to the ministry: the files are built and kept."""
    plan = plan_or_404(year)
    province = province_or_404(province_code)
    if not may_edit(province):
        abort(403)
    if ButtonForm().validate_on_submit():
        try:
            summary = _existing(plan, province) or service.summary_for(plan, province)
            event = service.submit_summary(summary, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            if event.late_workdays:
                flash(
                    _(
                        "年度工作总结已报送工业和信息化部（逾期 %(n)s 个工作日）。",
                        n=event.late_workdays,
                    ),
                    "warning",
                )
            else:
                flash(_("年度工作总结已报送工业和信息化部。"), "success")
    return redirect(url_for(".detail", year=year, province_code=province_code))


def _workflow_step(year: int, province_code: str, step, done_message):
    """Run one of the ministry's steps (return, accept) from the comment form."""
    plan = plan_or_404(year)
    province = province_or_404(province_code)
    summary = _existing(plan, province)
    if summary is None:
        abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            step(summary, actor=current_user, now=utcnow(), comment=form.comment.data or "")
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(done_message(province), "success")
    return redirect(url_for(".detail", year=year, province_code=province_code))


@bp.post("/<int:year>/<province_code>/return")
@requires(Permission.REVIEW_SUBMISSIONS)
def return_summary(year: int, province_code: str):
    """Send the submitted summary back with what to correct (a comment is required)."""
    return _workflow_step(
        year,
        province_code,
        service.return_summary,
        lambda p: _("已退回%(p)s的年度工作总结，并附修改意见。", p=p.name),
    )


@bp.post("/<int:year>/<province_code>/accept")
@requires(Permission.REVIEW_SUBMISSIONS)
def accept(year: int, province_code: str):
    """Accept the submitted summary."""
    return _workflow_step(
        year,
        province_code,
        service.accept_summary,
        lambda p: _("已接收%(p)s的年度工作总结。", p=p.name),
    )


# -- files -------------------------------------------------------------------------------------


def send(data: bytes, mimetype: str, name: str):
    """The file as an attachment; the UTF-8 name goes in ``filename*`` (RFC 5987)."""
    return send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0
    )


def file_name(summary: AnnualSummary, what: str, suffix: str, event: SummaryEvent | None = None):
    stamp = f"-{event.id}" if event is not None else f"-{_('草稿')}"
    return f"{summary.province.name}{summary.plan.year}年{what}{stamp}.{suffix}"


REPORT = _l("节能监察工作总结报告")
RESULTS = _l("实际监察企业名单和监察结果")


@bp.get("/<int:year>/<province_code>/report.docx")
@requires(Permission.VIEW_FILINGS)
def report_docx(year: int, province_code: str):
    """The report as it would be submitted now (the live draft)."""
    _plan, _province, summary = _shown(year, province_code)
    _figures, report, _results = service.build_files(summary)
    return send(report, DOCX, file_name(summary, REPORT, "docx"))


@bp.get("/<int:year>/<province_code>/results.xlsx")
@requires(Permission.VIEW_FILINGS)
def results_xlsx(year: int, province_code: str):
    """The list of enterprises supervised and their results, as it stands now."""
    _plan, _province, summary = _shown(year, province_code)
    _figures, _report, results = service.build_files(summary)
    return send(results, XLSX, file_name(summary, RESULTS, "xlsx"))


@bp.get("/events/<int:summary_event_id>/report.docx")
@requires(Permission.VIEW_FILINGS)
def event_docx(summary_event_id: int):
    """The report exactly as submitted with this event."""
    event, summary = _event_or_404(summary_event_id)
    if not event.report_docx:
        abort(404)
    return send(event.report_docx, DOCX, file_name(summary, REPORT, "docx", event))


@bp.get("/events/<int:summary_event_id>/results.xlsx")
@requires(Permission.VIEW_FILINGS)
def event_xlsx(summary_event_id: int):
    """The results list exactly as submitted with this event."""
    event, summary = _event_or_404(summary_event_id)
    if not event.results_xlsx:
        abort(404)
    return send(event.results_xlsx, XLSX, file_name(summary, RESULTS, "xlsx", event))
