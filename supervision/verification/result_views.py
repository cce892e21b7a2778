"""Results to the ministry: the national progress (a province: its own units), the national
table, a unit's results with its report form, submit and the ministry's review, the unit's
results table (.xlsx) and its report (.docx)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..core import access
from ..core.access import Permission, can, requires
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import attach_error
from ..core.types import utcnow
from ..extensions import db
from . import bp, result_reports, results, results_book
from .models import VerificationReport
from .report_document import ReportText, report_docx, report_title, task_line
from .result_forms import ReportForm, ReviewForm, form_version
from .rules.results import Figures
from .units import campaign_or_404, record_personal_view, sees_personal_data, unit_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.get("/<int:campaign_id>/progress")
@requires(Permission.VIEW_DOMAIN)
def progress(campaign_id: int):
    """进度汇总: every unit's figures and report state (a province sees its own units)."""
    campaign = campaign_or_404(campaign_id)
    return render_template(
        "verification/results/progress.html",
        campaign=campaign,
        progress=results.progress(campaign, today=local_today()),
    )


@bp.get("/<int:campaign_id>/progress.xlsx")
@requires(Permission.VIEW_DOMAIN)
def national_table(campaign_id: int):
    """The progress table as the official workbook (the units the reader sees)."""
    campaign = campaign_or_404(campaign_id)
    data = results_book.national_workbook(
        results.progress(campaign, today=local_today()),
        organisation=current_user.organisation.name,
    )
    return send_file(
        data,
        mimetype=XLSX,
        as_attachment=True,
        download_name=results_book.national_file_name(campaign.name),
        max_age=0,
    )


def _report_form(report: VerificationReport | None) -> ReportForm:
    form = ReportForm(obj=report)
    form.version.data = str(report.version) if report is not None else ""
    return form


def _render(campaign, unit, *, form=None, review_form=None, status=200):
    report = result_reports.report_of(campaign, unit)
    may_write = result_reports.may_write_report(unit, current_user)
    if form is None and may_write:
        form = _report_form(report)
    if (
        review_form is None
        and report is not None
        and can(current_user, Permission.MANAGE_CAMPAIGNS)
    ):
        review_form = ReviewForm(version=str(report.version))
    return (
        render_template(
            "verification/results/results.html",
            campaign=campaign,
            unit=unit,
            figures=results.figures_of(campaign, unit),
            submitted=Figures.from_dict(report.figures) if report and report.figures else None,
            report=report,
            late=result_reports.is_late(report, campaign),
            submitted_on=results.local_date(report.submitted_at) if report else None,
            tasks=results.unit_tasks(campaign, unit),
            form=form,
            may_write=may_write,
            review_form=review_form,
            today=local_today(),
        ),
        status,
    )


@bp.get("/<int:campaign_id>/units/<int:unit_id>/results", endpoint="results")
@requires(Permission.VIEW_DOMAIN)
def results_page(campaign_id: int, unit_id: int):
    """核查结果: the unit's figures, its report (form, submit) and the ministry's review."""
    campaign = campaign_or_404(campaign_id)
    unit = unit_or_404(campaign, unit_id)
    return _render(campaign, unit)


def _commit(form) -> bool:
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        form.form_errors.append(str(result_reports.CHANGED_MEANWHILE))
        return False
    return True


@bp.post("/<int:campaign_id>/units/<int:unit_id>/results")
@requires(Permission.RUN_VERIFICATION)
def save_report(campaign_id: int, unit_id: int):
    """Save the report's text, or save and submit it to the ministry (figures frozen)."""
    campaign = campaign_or_404(campaign_id)
    unit = unit_or_404(campaign, unit_id)
    if not result_reports.may_write_report(unit, current_user):
        abort(403)
    form = ReportForm()
    if not form.validate_on_submit():
        return _render(campaign, unit, form=form, status=422)
    submit = bool(form.submit.data)
    try:
        report = result_reports.save_report(
            campaign,
            unit,
            summary=form.summary.data or "",
            problems=form.problems.data or "",
            suggestions=form.suggestions.data or "",
            actor=current_user,
            now=utcnow(),
            version=form_version(form),
            submit=submit,
        )
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render(campaign, unit, form=form, status=422)
    late = submit and bool(report.figures.get("late"))
    if not _commit(form):
        return _render(campaign, unit, form=form, status=409)
    if late:
        flash(_("核查结果已上报部里。上报时间晚于期限，已标记为逾期上报。"), "warning")
    elif submit:
        flash(_("核查结果已上报部里。"), "success")
    else:
        flash(_("已保存。"), "success")
    return redirect(url_for(".results", campaign_id=campaign.id, unit_id=unit.id))


@bp.post("/reports/<int:report_id>/review")
@requires(Permission.MANAGE_CAMPAIGNS)
def review_report(report_id: int):
    """The ministry accepts a unit's submitted results, or returns them with a comment."""
    report = access.get_or_404(VerificationReport, report_id)
    campaign = campaign_or_404(report.campaign_id)
    unit = unit_or_404(campaign, report.unit_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _render(campaign, unit, review_form=form, status=422)
    accept = form.decision.data == "accept"
    try:
        result_reports.review_report(
            report,
            accept=accept,
            comment=form.comment.data or "",
            actor=current_user,
            now=utcnow(),
            version=form_version(form),
        )
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render(campaign, unit, review_form=form, status=422)
    if not _commit(form):
        return _render(campaign, unit, review_form=form, status=409)
    flash(_("已接收核查结果。") if accept else _("已退回，单位修改后可重新上报。"), "success")
    return redirect(url_for(".results", campaign_id=campaign.id, unit_id=unit.id))


def _task_states(tasks) -> dict[str, str]:
    return {t.target.value: results_book.TASK_STATUS[t.status.value] for t in tasks}


def _shown_figures(campaign, unit, report) -> tuple[Figures, bool]:
    """The figures as handed in once submitted or accepted; the live ones otherwise."""
    if report is not None and report.status.value in results.rules.HANDED_IN:
        return Figures.from_dict(report.figures), True
    return results.figures_of(campaign, unit), False


@bp.get("/<int:campaign_id>/units/<int:unit_id>/results.xlsx")
@requires(Permission.VIEW_DOMAIN)
def results_table(campaign_id: int, unit_id: int):
    """The unit's results table: figures per target and the sampled records with their
    outcomes (personal data in clear only for the people doing the checks, audited)."""
    campaign = campaign_or_404(campaign_id)
    unit = unit_or_404(campaign, unit_id)
    report = result_reports.report_of(campaign, unit)
    figures, handed_in = _shown_figures(campaign, unit, report)
    clear = sees_personal_data(campaign.id, unit.id)
    data, rows = results_book.unit_workbook(
        campaign_name=campaign.name,
        unit_name=unit.name,
        figures=figures,
        tasks=_task_states(results.unit_tasks(campaign, unit)),
        records=results.sampled_records(campaign, unit),
        clear=clear,
        reported_on=results.local_date(report.submitted_at) if handed_in else None,
    )
    if clear and rows:
        record_personal_view(
            what="results_table",
            entity="verification_campaigns",
            entity_id=campaign.id,
            label=f"{campaign.name} · {unit.name}",
            province_id=unit.province_org_id,
            rows=rows,
        )
        db.session.commit()
    return send_file(
        data,
        mimetype=XLSX,
        as_attachment=True,
        download_name=results_book.unit_file_name(unit.name, campaign.name),
        max_age=0,
    )


@bp.get("/<int:campaign_id>/units/<int:unit_id>/report.docx")
@requires(Permission.VIEW_DOMAIN)
def report_document(campaign_id: int, unit_id: int):
    """核查报告 (.docx): the report's text with the figures in tables."""
    campaign = campaign_or_404(campaign_id)
    unit = unit_or_404(campaign, unit_id)
    report = result_reports.report_of(campaign, unit)
    figures, handed_in = _shown_figures(campaign, unit, report)
    text = ReportText(
        unit=unit.name,
        campaign=campaign.name,
        notice_number=campaign.notice_number,
        sales_from=campaign.sales_from,
        sales_to=campaign.sales_to,
        summary=report.summary if report else "",
        problems=report.problems if report else "",
        suggestions=report.suggestions if report else "",
        figures=figures,
        tasks=[task_line(t) for t in results.unit_tasks(campaign, unit)],
        submitted=handed_in,
        dated=results.local_date(report.submitted_at) if handed_in else local_today(),
    )
    return send_file(
        report_docx(text),
        mimetype=DOCX,
        as_attachment=True,
        download_name=f"{report_title(unit.name)}.docx",
        max_age=0,
    )
