"""The review report: the page (text, results, signatures), generating it, each member's
signature, submitting it to the convener, the .docx, and the convener's decision."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from ..core.access import Permission, requires, requires_any
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import attach_error
from ..core.types import utcnow
from ..extensions import db
from . import bp, reporting, scoring
from .models import ReviewStatus
from .report_document import ReportDocument, SignatureLine, report_title
from .report_document import report_docx as build_docx
from .score_forms import (
    ActionForm,
    ReportTextForm,
    SignForm,
    decision_form,
    form_version,
)
from .score_views import commit_or_conflict, review_or_404

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _may_read(review) -> bool:
    return scoring.member_of(review, current_user) is not None or scoring.is_organiser(current_user)


def _render(review, *, text_form=None, decide_form=None, status=200):
    report = reporting.report_of(review)
    member = scoring.member_of(review, current_user)
    organiser = scoring.is_organiser(current_user)
    if organiser and text_form is None and review.status == ReviewStatus.SCORED:
        text_form = ReportTextForm(
            version=str(report.version) if report else "",
            formal_summary=report.formal_summary
            if report
            else reporting.default_formal_summary(review, current_user),
            recommendation=report.recommendation if report else "",
        )
    if organiser and decide_form is None and review.status == ReviewStatus.REPORTED:
        decide_form = decision_form(
            report.content["ranking"],
            version=str(review.version),
            selected=reporting.recommended_ids(report),
        )
    signatures = {s.member_id: s for s in report.signatures} if report else {}
    return (
        render_template(
            "reviews/report/report.html",
            review=review,
            report=report,
            content=report.content if report else None,
            member=member,
            organiser=organiser,
            members=scoring.active_members(review),
            signatures=signatures,
            unsigned=reporting.unsigned(review, report),
            text_form=text_form,
            decide_form=decide_form,
            sign_form=SignForm(version=str(report.version)) if report else None,
            action_form=ActionForm(version=str(report.version) if report else ""),
            selected=[c for c in review.candidates if c.selected],
        ),
        status,
    )


@bp.get("/<int:review_id>/report")
@requires_any(Permission.MANAGE_REVIEWS, Permission.SCORE_REVIEWS)
def report(review_id: int):
    """评审报告: the organiser writes and generates it, every member reads and signs it, the
    organiser submits it and records the convener's decision."""
    review = review_or_404(review_id)
    if not _may_read(review):
        abort(403)
    return _render(review)


@bp.post("/<int:review_id>/report")
@requires(Permission.MANAGE_REVIEWS)
def generate_report(review_id: int):
    """(Re)generate the report from the results with the organiser's texts; signatures given
    before are cleared."""
    review = review_or_404(review_id)
    form = ReportTextForm()
    if not form.validate_on_submit():
        return _render(review, text_form=form, status=422)
    try:
        reporting.generate_report(
            review,
            formal_summary=form.formal_summary.data or "",
            recommendation=form.recommendation.data or "",
            actor=current_user,
            now=utcnow(),
            today=local_today(),
            version=form_version(form),
        )
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render(review, text_form=form, status=422)
    if not commit_or_conflict(form):
        return _render(review, text_form=form, status=409)
    flash(_("评审报告已生成，请全体评审委员阅读后签名。"), "success")
    return redirect(url_for(".report", review_id=review.id))


@bp.post("/<int:review_id>/report/sign")
@requires(Permission.SCORE_REVIEWS)
def sign_report(review_id: int):
    """A sitting member signs the report he read."""
    review = review_or_404(review_id)
    form = SignForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        reporting.sign_report(review, actor=current_user, now=utcnow(), version=form_version(form))
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for(".report", review_id=review.id))
    if not commit_or_conflict(form):
        flash(form.form_errors[-1], "danger")
        return redirect(url_for(".report", review_id=review.id))
    flash(_("您已在评审报告上签名。"), "success")
    return redirect(url_for(".report", review_id=review.id))


@bp.post("/<int:review_id>/report/submit")
@requires(Permission.MANAGE_REVIEWS)
def submit_report(review_id: int):
    """Submit the report to the convener once every sitting member has signed it."""
    review = review_or_404(review_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        reporting.submit_report(
            review,
            actor=current_user,
            now=utcnow(),
            today=local_today(),
            version=form_version(form),
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for(".report", review_id=review.id))
    if not commit_or_conflict(form):
        flash(form.form_errors[-1], "danger")
        return redirect(url_for(".report", review_id=review.id))
    flash(_("评审报告已提交征集人。征集人应在 10 个工作日内确定结果。"), "success")
    return redirect(url_for(".report", review_id=review.id))


@bp.post("/<int:review_id>/decide")
@requires(Permission.MANAGE_REVIEWS)
def decide(review_id: int):
    """征集人确定: the chosen candidates (by default those the report recommends)."""
    review = review_or_404(review_id)
    report = reporting.report_of(review)
    if report is None:
        abort(404)
    form = decision_form(report.content["ranking"])
    if not form.validate_on_submit():
        return _render(review, decide_form=form, status=422)
    try:
        reporting.decide(
            review,
            selected=list(form.selected.data or []),
            note=form.note.data or "",
            actor=current_user,
            today=local_today(),
            version=form_version(form),
        )
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render(review, decide_form=form, status=422)
    if not commit_or_conflict(form):
        return _render(review, decide_form=form, status=409)
    flash(_("已记录确定结果。"), "success")
    return redirect(url_for(".report", review_id=review.id))


def _signature_lines(review, report) -> list[SignatureLine]:
    signatures = {s.member_id: s for s in report.signatures}
    lines = []
    for m in scoring.active_members(review):
        signed = signatures.get(m.id)
        lines.append(
            SignatureLine(
                name=m.expert.name,
                title=m.expert.title,
                employer=m.expert.employer,
                role="主任" if m.is_chair else "委员",
                signed_at=format_datetime(signed.signed_at, "yyyy-MM-dd HH:mm") if signed else "",
            )
        )
    return lines


@bp.get("/<int:review_id>/report.docx", endpoint="report_docx")
@requires_any(Permission.MANAGE_REVIEWS, Permission.SCORE_REVIEWS)
def report_docx_view(review_id: int):
    """评审报告 (.docx) with the signature table."""
    review = review_or_404(review_id)
    if not _may_read(review):
        abort(403)
    report = reporting.report_of(review)
    if report is None:
        flash(_("尚未生成评审报告。"), "warning")
        return redirect(url_for(".report", review_id=review.id))
    document = ReportDocument(
        content=report.content,
        formal_summary=report.formal_summary,
        recommendation=report.recommendation,
        signatures=_signature_lines(review, report),
        submitted=report.submitted_at is not None,
        dated=review.reported_on,
    )
    return send_file(
        build_docx(document),
        mimetype=DOCX,
        as_attachment=True,
        download_name=f"{report_title(review.title)}.docx",
        max_age=0,
    )
