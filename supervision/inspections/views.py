"""Case pages: my cases, a case, its visit record and steps, and server-side form drafts."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import run_service
from ..core.models import Role
from ..extensions import db
from ..plans.reference import CATEGORY_NUMERALS
from . import bp, service
from .forms import StatusForm, VisitForm
from .models import CASE_STATUS_LABELS, CaseStatus, InspectionCase
from .rules import Status
from .rules import cases as case_rules


def case_or_404(case_id: int) -> InspectionCase:
    return access.get_or_404(InspectionCase, case_id)


@bp.app_template_global()
def verdict_label(status: str) -> str:
    try:
        return Status(status).label
    except ValueError:
        return status


@bp.app_template_global()
def category_numeral(category: int) -> str:
    return CATEGORY_NUMERALS.get(category, str(category))


@bp.route("/")
@requires(Permission.VIEW_DOMAIN)
def index():
    """My cases first (an inspector's own), open before done, by due date."""
    stmt = service.cases_query(current_user, inspectors=False)
    status = request.args.get("status", "")
    if status in CaseStatus._value2member_map_:
        stmt = stmt.where(InspectionCase.status == CaseStatus(status))
    category = request.args.get("category", "")
    if category.isdigit():
        stmt = stmt.where(InspectionCase.category == int(category))
    pagination = db.paginate(stmt, per_page=50, max_per_page=200, error_out=False)
    return render_template(
        "inspections/index.html",
        pagination=pagination,
        inspector_names=service.inspector_names([case.id for case in pagination.items]),
        status=status,
        category=category,
        statuses=CASE_STATUS_LABELS,
        today=local_today(),
        days_left=case_rules.days_left,
        inspector=Role.INSPECTOR in current_user.roles,
    )


def _visit_form(case: InspectionCase) -> VisitForm:
    form = VisitForm(obj=case if request.method == "GET" else None)
    if request.method == "GET":
        form.method.data = case.method.value
        form.version.data = str(case.version)
    return form


@bp.route("/<int:case_id>")
@requires(Permission.VIEW_DOMAIN)
def detail(case_id: int):
    case = case_or_404(case_id)
    return _render_detail(case, _visit_form(case))


def _render_detail(case: InspectionCase, form: VisitForm, status: int = 200):
    facts = service.case_facts(case)
    today = local_today()
    steps = [
        (target, case_rules.transition_problem(facts, target, today))
        for target in case_rules.NEXT.get(case.status.value, ())
    ]
    return (
        render_template(
            "inspections/detail.html",
            case=case,
            form=form,
            status_form=StatusForm(version=str(case.version)),
            steps=steps,
            may_record=service.may_record(case, current_user),
            assigned=service.is_assigned(case, current_user),
            days_left=case_rules.days_left(case.due_on, today),
            statuses=CASE_STATUS_LABELS,
        ),
        status,
    )


@bp.route("/<int:case_id>/visit", methods=["POST"])
@requires(Permission.VIEW_DOMAIN)
def visit(case_id: int):
    case = case_or_404(case_id)
    form = _visit_form(case)
    if form.validate_on_submit():
        done = run_service(
            form,
            lambda: (
                service.update_visit(
                    case,
                    actor=current_user,
                    version=int(form.version.data) if (form.version.data or "").isdigit() else 0,
                    method=form.method.data,
                    visit_on=form.visit_on.data,
                    participants=form.participants.data or "",
                    representative=form.representative.data or "",
                    summary=form.summary.data or "",
                    today=local_today(),
                )
                or True
            ),
        )
        if done:
            discard_form_draft(case, "visit")
            db.session.commit()
            flash(_("监察情况已保存。"), "success")
            return redirect(url_for(".detail", case_id=case.id))
    return _render_detail(case_or_404(case_id), form, 422)


@bp.route("/<int:case_id>/status", methods=["POST"])
@requires(Permission.VIEW_DOMAIN)
def change_status(case_id: int):
    case = case_or_404(case_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.change_status(
            case,
            form.target.data or "",
            actor=current_user,
            version=int(form.version.data or 0) if (form.version.data or "").isdigit() else 0,
            today=local_today(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("案件状态已更新为「%(s)s」。", s=case.status.label), "success")
    return redirect(url_for(".detail", case_id=case_id))


# -- drafts: what was typed is kept on the server until the form is saved --------------------


def _draft_key(case_id: int, form_name: str) -> str:
    if not form_name.replace("-", "").replace("_", "").isalnum() or len(form_name) > 40:
        abort(404)
    return url_for(".detail", case_id=case_id) + "/" + form_name


@bp.route("/<int:case_id>/drafts/<form_name>", methods=["GET", "PUT", "DELETE"])
@requires(Permission.VIEW_DOMAIN)
def draft(case_id: int, form_name: str):
    case = case_or_404(case_id)
    key = _draft_key(case.id, form_name)
    if request.method == "GET":
        found = service.draft_of(current_user, key)
        if found is None:
            return jsonify(draft=None)
        return jsonify(draft=found.data, saved_at=found.updated_at.isoformat())
    if request.method == "DELETE":
        service.discard_draft(current_user, key)
        db.session.commit()
        return jsonify(ok=True)
    if not service.may_record(case, current_user):
        return jsonify(error=_("只有承办本案件的监察人员可以录入。")), 403
    try:
        saved = service.save_draft(current_user, key, request.get_json(silent=True))
    except DomainError as error:
        db.session.rollback()
        return jsonify(error=str(error)), 400
    db.session.commit()
    return jsonify(ok=True, saved_at=saved.updated_at.isoformat())


def discard_form_draft(case: InspectionCase, form_name: str) -> None:
    """Forget the draft of ``form_name`` once its form is saved (caller commits)."""
    service.discard_draft(current_user, _draft_key(case.id, form_name))


def existing_draft(case: InspectionCase, form_name: str):
    return service.draft_of(current_user, _draft_key(case.id, form_name))
