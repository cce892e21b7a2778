"""Rectification pages: the notices in scope, issuing one from a case, a notice with its
timeline, and the printed notice (HTML print view and .docx)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import attach_error
from ..core.tables import paginate
from ..core.types import utcnow
from ..extensions import db
from ..inspections.models import InspectionCase
from ..inspections.rules.findings import KIND_LABELS
from . import bp, documents, permissions, queries, results, rules, service
from .evidence import INLINE_TYPES, STAGES, max_bytes
from .forms import DecisionForm, ExtensionForm, FilesForm, IssueForm, ReinspectionForm, ReportForm
from .models import NOTICE_STATUS_LABELS, RectificationNotice


def notice_or_404(notice_id: int) -> RectificationNotice:
    return access.get_or_404(RectificationNotice, notice_id)


@bp.get("/")
@requires(Permission.VIEW_DOMAIN)
def index():
    """The notices in the user's scope: by status, overdue, year; sortable, paginated."""
    today = local_today()
    status = request.args.get("status", "")
    overdue = request.args.get("overdue", "") == "1"
    year = request.args.get("year", "")
    stmt = queries.notices_query(
        current_user,
        status=status,
        overdue=overdue,
        year=int(year) if year.isdigit() else None,
        today=today,
    )
    pagination, sort = paginate(
        stmt, queries.SORT_COLUMNS, "-served_on", tiebreak=RectificationNotice.id.desc()
    )
    return render_template(
        "rectification/index.html",
        pagination=pagination,
        sort=sort,
        status=status,
        overdue=overdue,
        year=year,
        years=queries.notice_years(current_user),
        statuses=NOTICE_STATUS_LABELS,
        today=today,
        is_overdue=queries.is_overdue,
    )


# -- issuing ------------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_RECTIFICATION)
def new(case_id: int):
    """Issue a notice for a case: choose its findings, the measures, the deadline, service."""
    case = access.get_or_404(InspectionCase, case_id)
    today = local_today()
    findings = service.available_findings(case)
    form = IssueForm(findings=findings)
    if request.method == "GET":
        form.finding_ids.data = [f.id for f in findings]
        form.served_on.data = today
    computed = None
    if request.method == "POST" and form.preview.data:
        # Only the deadline: nothing is saved, the rest of the form may still be empty.
        try:
            computed = service.compute_deadline(
                form.served_on.data,
                form.basis.data or "",
                days=form.days.data,
                on=form.deadline_on.data,
            )
        except DomainError as error:
            attach_error(form, error)
    elif form.validate_on_submit():
        notice = _issue(case, form)
        if notice is not None:
            flash(
                _(
                    "已下达限期整改通知书 %(n)s，整改期限 %(d)s。",
                    n=notice.number,
                    d=notice.deadline_on,
                ),
                "success",
            )
            warning = service.late_service(notice)
            if warning:
                flash(warning, "warning")
            return redirect(url_for(".detail", notice_id=notice.id))
        case = access.get_or_404(InspectionCase, case_id)
    failed = request.method == "POST" and (form.errors or form.form_errors)
    return (
        render_template(
            "rectification/new.html",
            case=case,
            form=form,
            computed=computed,
            sentence=rules.deadline_sentence(computed, form.basis.data or "", form.days.data)
            if computed
            else "",
            problem=service.issue_problem(case, today),
            allowed=permissions.may_issue(case, current_user),
            notices=queries.case_notices(case, current_user),
        ),
        422 if failed else 200,
    )


def _issue(case: InspectionCase, form: IssueForm) -> RectificationNotice | None:
    try:
        notice = service.issue_notice(
            case,
            actor=current_user,
            now=utcnow(),
            finding_ids=form.finding_ids.data or [],
            measures=form.measures.data or "",
            basis=form.basis.data or "",
            days=form.days.data,
            on=form.deadline_on.data,
            served_on=form.served_on.data,
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return None
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        form.form_errors.append(_("本案件已被他人修改，请刷新后重试。"))
        return None
    return notice


# -- a notice ----------------------------------------------------------------------------------


def step_forms(notice: RectificationNotice, given: dict | None = None) -> dict:
    """The forms of the steps the user may record next (``given``: a submitted one)."""
    if not permissions.may_manage(notice, current_user):
        return {}
    extended = notice.extended_deadline_on is not None
    makers = {
        rules.REPORT: ReportForm,
        rules.EXTENSION: ExtensionForm,
        rules.REINSPECTION: lambda **kw: ReinspectionForm(
            cases=permissions.review_cases(notice, current_user), **kw
        ),
        rules.DECISION: DecisionForm,
    }
    forms = {}
    for step, make in makers.items():
        if rules.step_problem(notice.status.value, step, extended=extended) is None:
            forms[step] = (given or {}).get(step) or make(
                formdata=None, version=str(notice.version)
            )
    if notice.reports or notice.reinspection is not None:
        forms["files"] = (given or {}).get("files") or FilesForm(
            formdata=None, version=str(notice.version)
        )
    return forms


def render_detail(notice: RectificationNotice, given: dict | None = None, status: int = 200):
    today = local_today()
    files: dict[str, list] = {stage: [] for stage in STAGES}
    for item in notice.attachments:
        files.setdefault(item.stage, []).append(item)
    return (
        render_template(
            "rectification/detail.html",
            notice=notice,
            today=today,
            overdue=queries.is_overdue(notice, today),
            days_left=rules.days_left(notice.current_deadline_on, today),
            open=notice.status.value in rules.OPEN,
            reinspection_due=queries.reinspection_due(notice),
            late=service.late_service(notice),
            events=queries.timeline(notice, today),
            forms=step_forms(notice, given),
            extension_refused=rules.step_problem(
                notice.status.value,
                rules.EXTENSION,
                extended=notice.extended_deadline_on is not None,
            )
            == "extended_once",
            may_manage=permissions.may_manage(notice, current_user),
            kind_labels=KIND_LABELS,
            files=files,
            stages=STAGES,
            inline_types=INLINE_TYPES,
            max_mb=max_bytes() / (1024 * 1024),
        ),
        status,
    )


@bp.get("/<int:notice_id>")
@requires(Permission.VIEW_DOMAIN)
def detail(notice_id: int):
    """A notice: what it requires, its deadlines, its timeline and the next steps' forms."""
    return render_detail(notice_or_404(notice_id))


@bp.get("/<int:notice_id>/print")
@requires(Permission.VIEW_DOMAIN)
def print_view(notice_id: int):
    """The notice on A4, to print from the browser."""
    notice = notice_or_404(notice_id)
    return render_template(
        "rectification/print.html", notice=notice, text=documents.notice_text(notice)
    )


@bp.get("/<int:notice_id>/notice.docx")
@requires(Permission.VIEW_DOMAIN)
def docx(notice_id: int):
    """The notice as a Word document, to edit, print and seal."""
    notice = notice_or_404(notice_id)
    buffer = documents.notice_docx(documents.notice_text(notice))
    return send_file(
        buffer,
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=f"限期整改通知书{notice.number}.docx",
        max_age=0,
    )


# -- on the case page (templates/inspections/detail.html) ------------------------------------


@bp.app_template_global()
def rectification_notices(case: InspectionCase) -> list[RectificationNotice]:
    """The case's notices the current user may see."""
    return queries.case_notices(case, current_user)


@bp.app_template_global()
def rectification_under_review(case: InspectionCase) -> list[RectificationNotice]:
    """For a category-五 case: last year's notices its 回头看 checks."""
    return results.notices_under_review(case, current_user)


@bp.app_template_global()
def rectification_may_issue(case: InspectionCase) -> bool:
    """Whether the current user may issue a notice for ``case`` now (findings left, status)."""
    return (
        permissions.may_issue(case, current_user)
        and service.issue_problem(case, local_today()) is None
    )


from . import step_views  # noqa: E402,F401  (the step forms' routes)
