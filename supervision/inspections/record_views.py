"""Case record pages: the daily-supervision checklist, evidence files and findings."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.access import Permission, requires
from ..core.errors import DomainError
from ..core.forms import attach_error, run_service
from ..core.versions import sent, stamp
from ..extensions import db
from . import bp, service
from . import evidence as evidence_service
from . import findings as finding_service
from .models import SEVERITY_LABELS, Evidence, Finding, InspectionCase
from .record_forms import AdoptForm, ChecklistForm, EvidenceForm, FindingForm
from .rules import checklist as checks
from .rules import findings as finding_rules
from .views import case_or_404, discard_form_draft

# -- daily checklist ----------------------------------------------------------------------


@bp.route("/<int:case_id>/checklist", methods=["GET", "POST"])
@requires(Permission.VIEW_DOMAIN)
def checklist(case_id: int):
    """The six daily-supervision checks: result, note and supporting files for each."""
    case = case_or_404(case_id)
    if request.method == "POST":
        form = ChecklistForm()
    else:
        entries = finding_service.checklist_of(case)
        initial = {}
        for check in checks.CHECKS:
            entry = entries.get(check.key)
            initial[f"result_{check.key}"] = entry.result.value if entry and entry.result else None
            initial[f"note_{check.key}"] = entry.note if entry else ""
        initial["version"] = stamp(entries.values())
        form = ChecklistForm(data=initial)
    if form.validate_on_submit():

        def save() -> bool:
            finding_service.save_checklist(
                case, form.answers(), actor=current_user, version=sent(form.version)
            )
            discard_form_draft(case, "checklist")
            return True

        if run_service(form, save):
            flash(_("日常监察检查表已保存。"), "success")
            return redirect(url_for(".checklist", case_id=case_id))
        case = case_or_404(case_id)
    return (
        render_template(
            "inspections/checklist.html",
            case=case,
            form=form,
            checks=checks.CHECKS,
            entries=finding_service.checklist_of(case),
            files=evidence_service.evidence_by_item(case),
            may_record=service.may_record(case, current_user),
        ),
        422 if request.method == "POST" else 200,
    )


# -- evidence -----------------------------------------------------------------------------


def _evidence_or_404(case: InspectionCase, evidence_id: int) -> Evidence:
    found = db.session.get(Evidence, evidence_id)
    if found is None or found.case_id != case.id:
        abort(404)
    return found


def _render_evidence(case: InspectionCase, form: EvidenceForm, status: int = 200):
    return (
        render_template(
            "inspections/evidence.html",
            case=case,
            form=form,
            titles={c.key: c.title for c in checks.CHECKS},
            inline_types=evidence_service.INLINE_TYPES,
            max_mb=evidence_service.max_bytes() / (1024 * 1024),
            may_record=service.may_record(case, current_user),
        ),
        status,
    )


@bp.route("/<int:case_id>/evidence", methods=["GET", "POST"])
@requires(Permission.VIEW_DOMAIN)
def evidence(case_id: int):
    """The case's files (photos, scans, PDFs), and the upload form."""
    case = case_or_404(case_id)
    form = EvidenceForm()
    if request.method == "GET" and request.args.get("check_item") in checks.BY_KEY:
        form.check_item.data = request.args["check_item"]
    if form.validate_on_submit():
        upload = form.file.data
        try:
            item = evidence_service.store_evidence(
                case,
                upload.stream,
                upload.filename or "",
                actor=current_user,
                description=form.description.data or "",
                check_item=form.check_item.data or "",
            )
            discard_form_draft(case, "evidence")
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            stored = item.stored_name
            try:
                db.session.commit()
            except Exception:
                db.session.rollback()
                evidence_service.remove_file(stored)
                raise
            flash(_("文件已上传。"), "success")
            return redirect(url_for(".evidence", case_id=case_id))
        case = case_or_404(case_id)
    return _render_evidence(case, form, 422 if request.method == "POST" else 200)


@bp.route("/<int:case_id>/evidence/<int:evidence_id>")
@requires(Permission.VIEW_DOMAIN)
def evidence_file(case_id: int, evidence_id: int):
    """The file itself: photos shown in the browser, PDFs and scans downloaded."""
    case = case_or_404(case_id)
    item = _evidence_or_404(case, evidence_id)
    path = evidence_service.path_of(item)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=item.content_type not in evidence_service.INLINE_TYPES,
        download_name=item.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/<int:case_id>/evidence/<int:evidence_id>/delete", methods=["POST"])
@requires(Permission.VIEW_DOMAIN)
def delete_evidence(case_id: int, evidence_id: int):
    case = case_or_404(case_id)
    item = _evidence_or_404(case, evidence_id)
    try:
        stored = evidence_service.delete_evidence(case, item, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        evidence_service.remove_file(stored)
        flash(_("文件已删除。"), "success")
    return redirect(url_for(".evidence", case_id=case_id))


# -- findings -----------------------------------------------------------------------------


def _render_findings(
    case: InspectionCase,
    form: FindingForm,
    status: int = 200,
    adopt_errors: dict[str, str] | None = None,
):
    bases = finding_service.bases_by_key()
    return (
        render_template(
            "inspections/findings.html",
            case=case,
            form=form,
            findings=case.findings,
            proposals=finding_service.proposals(case),
            adopt_form=AdoptForm(),
            adopt_errors=adopt_errors or {},
            bases=bases,
            kind_labels=finding_rules.KIND_LABELS,
            number_labels=finding_rules.NUMBER_LABELS,
            severities=SEVERITY_LABELS,
            may_record=service.may_record(case, current_user),
        ),
        status,
    )


@bp.route("/<int:case_id>/findings", methods=["GET", "POST"])
@requires(Permission.VIEW_DOMAIN)
def findings(case_id: int):
    """The case's findings, the proposals from its verdicts, and a form to add one by hand."""
    case = case_or_404(case_id)
    form = FindingForm(bases=finding_service.legal_bases())
    if form.validate_on_submit():

        def add():
            found = finding_service.add_finding(
                case,
                kind=form.kind.data or "",
                basis_key=form.basis_key.data or "",
                severity=form.severity.data or "",
                description=form.description.data or "",
                actor=current_user,
            )
            discard_form_draft(case, "finding")
            return found

        if run_service(form, add):
            flash(_("问题已记录。"), "success")
            return redirect(url_for(".findings", case_id=case_id))
        case = case_or_404(case_id)
    return _render_findings(case, form, 422 if request.method == "POST" else 200)


@bp.route("/<int:case_id>/findings/adopt", methods=["POST"])
@requires(Permission.VIEW_DOMAIN)
def adopt_finding(case_id: int):
    """Record a proposed finding, with its numbers and the verdict or equipment row behind it."""
    case = case_or_404(case_id)
    form = AdoptForm()
    if not form.validate_on_submit():
        abort(400)
    key = form.key.data or ""
    try:
        finding_service.adopt(case, key, current_user, confirmed=bool(form.confirmed.data))
    except DomainError as error:
        db.session.rollback()
        return _render_findings(
            case_or_404(case_id),
            FindingForm(formdata=None, bases=finding_service.legal_bases()),
            422,
            adopt_errors={key: str(error)},
        )
    db.session.commit()
    flash(_("问题已记录。"), "success")
    return redirect(url_for(".findings", case_id=case_id))


@bp.route("/<int:case_id>/findings/<int:finding_id>/delete", methods=["POST"])
@requires(Permission.VIEW_DOMAIN)
def delete_finding(case_id: int, finding_id: int):
    case = case_or_404(case_id)
    found = db.session.get(Finding, finding_id)
    if found is None or found.case_id != case.id:
        abort(404)
    try:
        finding_service.delete_finding(case, found, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("问题已删除。"), "success")
    return redirect(url_for(".findings", case_id=case_id))
