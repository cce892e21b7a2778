"""The steps after a notice is served: the enterprise's report, the extension, the 回头看,
the handling decision, and the files kept with them."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..core import access, versions
from ..core.access import Permission, requires
from ..core.errors import DomainError
from ..core.forms import attach_error
from ..core.types import utcnow
from ..extensions import db
from ..inspections.models import InspectionCase
from . import bp, permissions, rules, service
from .evidence import INLINE_TYPES, Upload, path_of, remove_file
from .forms import DecisionForm, ExtensionForm, FilesForm, ReinspectionForm, ReportForm
from .messages import CHANGED_MEANWHILE
from .models import RectificationEvidence, RectificationNotice
from .views import notice_or_404, render_detail


def _version(form) -> int | None:
    return versions.parse(form.version.data)


def _uploads(form) -> list[Upload]:
    """The files chosen in the form (an empty file input sends one nameless part)."""
    return [Upload(f.stream, f.filename) for f in (form.files.data or []) if f and f.filename]


def _save(form, notice: RectificationNotice, action: Callable[[], object]) -> bool:
    """Run a step's service and commit; on refusal show why beside the field. Files written
    for a transaction that does not commit are removed."""
    before = {a.stored_name for a in notice.attachments}
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return False
    written = [a.stored_name for a in notice.attachments if a.stored_name not in before]
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        for name in written:
            remove_file(name)
        form.form_errors.append(str(CHANGED_MEANWHILE))
        return False
    except Exception:
        db.session.rollback()
        for name in written:
            remove_file(name)
        raise
    return True


def _step(notice_id: int, key: str, form, action: Callable[[RectificationNotice], object], done):
    notice = notice_or_404(notice_id)
    if form.validate_on_submit() and _save(form, notice, lambda: action(notice)):
        flash(done, "success")
        return redirect(url_for(".detail", notice_id=notice_id))
    return render_detail(notice_or_404(notice_id), {key: form}, 422)


@bp.post("/<int:notice_id>/report")
@requires(Permission.MANAGE_RECTIFICATION)
def report(notice_id: int):
    """Record the enterprise's rectification report, with its files."""
    form = ReportForm()
    return _step(
        notice_id,
        rules.REPORT,
        form,
        lambda notice: service.record_report(
            notice,
            received_on=form.received_on.data,
            measures_taken=form.measures_taken.data or "",
            actor=current_user,
            now=utcnow(),
            files=_uploads(form),
            version=_version(form),
        ),
        _("整改报告已登记。"),
    )


@bp.post("/<int:notice_id>/extension")
@requires(Permission.MANAGE_RECTIFICATION)
def extension(notice_id: int):
    """Record the request for more time and its grant (once)."""
    form = ExtensionForm()
    return _step(
        notice_id,
        rules.EXTENSION,
        form,
        lambda notice: service.grant_extension(
            notice,
            requested_on=form.requested_on.data,
            reason=form.reason.data or "",
            granted_on=form.granted_on.data,
            extended_deadline_on=form.extended_deadline_on.data,
            actor=current_user,
            now=utcnow(),
            version=_version(form),
        ),
        _("已批准延期。"),
    )


def _review_case(form: ReinspectionForm) -> InspectionCase | None:
    raw = form.case_id.data or ""
    return access.get_or_404(InspectionCase, int(raw)) if raw.isdigit() else None


@bp.post("/<int:notice_id>/reinspection")
@requires(Permission.MANAGE_RECTIFICATION)
def reinspection(notice_id: int):
    """Record the 回头看's result, with its evidence."""
    notice = notice_or_404(notice_id)
    form = ReinspectionForm(cases=permissions.review_cases(notice, current_user))
    return _step(
        notice_id,
        rules.REINSPECTION,
        form,
        lambda notice: service.record_reinspection(
            notice,
            inspected_on=form.inspected_on.data,
            result=form.result.data or "",
            notes=form.notes.data or "",
            actor=current_user,
            now=utcnow(),
            case=_review_case(form),
            files=_uploads(form),
            version=_version(form),
        ),
        _("复查结论已登记。"),
    )


@bp.post("/<int:notice_id>/decision")
@requires(Permission.MANAGE_RECTIFICATION)
def decision(notice_id: int):
    """Record how a notice not (fully) carried out was handled."""
    form = DecisionForm()
    return _step(
        notice_id,
        rules.DECISION,
        form,
        lambda notice: service.record_decision(
            notice,
            decided_on=form.decided_on.data,
            penalty_number=form.penalty_number.data or "",
            penalty_amount=form.penalty_amount.data,
            ladder_price_applied=bool(form.ladder_price_applied.data),
            referral=form.referral.data or "",
            notes=form.notes.data or "",
            actor=current_user,
            now=utcnow(),
            version=_version(form),
        ),
        _("处理结果已登记。"),
    )


@bp.post("/<int:notice_id>/files")
@requires(Permission.MANAGE_RECTIFICATION)
def add_files(notice_id: int):
    """More files for the report or the 回头看."""
    form = FilesForm()
    return _step(
        notice_id,
        "files",
        form,
        lambda notice: service.add_files(
            notice,
            _uploads(form),
            stage=form.stage.data or "",
            actor=current_user,
            version=_version(form),
        ),
        _("文件已上传。"),
    )


@bp.get("/<int:notice_id>/files/<int:attachment_id>")
@requires(Permission.VIEW_DOMAIN)
def attachment(notice_id: int, attachment_id: int):
    """A file of the notice: photos shown in the browser, PDFs and scans downloaded."""
    notice = notice_or_404(notice_id)
    item = db.session.get(RectificationEvidence, attachment_id)
    if item is None or item.notice_id != notice.id:
        abort(404)
    path = path_of(item)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=item.content_type not in INLINE_TYPES,
        download_name=item.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
