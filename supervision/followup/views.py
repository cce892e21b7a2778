"""Result use of a case (结果运用): each finding's improvement suggestions and its referral to
energy diagnosis; a referral's page; the referrals list with savings totals."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..audit import service as audit_service
from ..core import access
from ..core.access import Permission, requires, requires_any
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import run_service
from ..core.tables import paginate
from ..core.types import utcnow
from ..extensions import db
from ..inspections.models import Finding, InspectionCase
from ..inspections.rules.findings import KIND_LABELS
from ..organisations.service import provinces
from . import bp, excellent, savings, service
from .forms import ReferralEditForm, ReferralForm, SuggestionForm
from .models import (
    DIAGNOSIS_STATUS_LABELS,
    DiagnosisReferral,
    DiagnosisStatus,
    ImprovementSuggestion,
)

audit_service.register_entity("improvement_suggestions", _l("改进建议"))
audit_service.register_entity("diagnosis_referrals", _l("节能诊断推荐"))

SORT_COLUMNS = {
    "referred_on": DiagnosisReferral.referred_on,
    "status": DiagnosisReferral.status,
    "estimated": DiagnosisReferral.estimated_savings_tce,
    "actual": DiagnosisReferral.actual_savings_tce,
}


@bp.app_template_global()
def followup_visible(case: InspectionCase) -> bool:
    """Whether the case's 结果运用 tab (and the findings' follow-up line) shows."""
    return service.may_see(case, current_user)


@bp.app_template_global()
def followup_marks(case: InspectionCase) -> dict:
    """finding id → (suggestions, referral status) for the findings page."""
    return service.finding_marks(case)


def case_or_404(case_id: int) -> InspectionCase:
    return access.get_or_404(InspectionCase, case_id)


def finding_or_404(case: InspectionCase, finding_id: int) -> Finding:
    found = db.session.get(Finding, finding_id)
    if found is None or found.case_id != case.id:
        abort(404)
    return found


def suggestion_form(finding_id: int, **kwargs) -> SuggestionForm:
    """One form per finding on the page: the prefix keeps their field names and ids apart."""
    return SuggestionForm(prefix=f"s{finding_id}", **kwargs)


def referral_form(finding_id: int, **kwargs) -> ReferralForm:
    return ReferralForm(prefix=f"r{finding_id}", **kwargs)


def _render_case(case: InspectionCase, *, failed=None, status: int = 200):
    """The case's page; ``failed`` is (finding id, form name, form) of a refused submission,
    shown again with its errors."""
    rows = service.case_follow_up(case)
    today = local_today()
    forms = {}
    for row in rows:
        fid = row.finding.id
        forms[fid, "suggestion"] = suggestion_form(fid, formdata=None)
        forms[fid, "referral"] = referral_form(fid, formdata=None, referred_on=today)
    if failed is not None:
        forms[failed[0], failed[1]] = failed[2]
    return (
        render_template(
            "followup/case.html",
            case=case,
            rows=rows,
            forms=forms,
            may_write=service.may_follow_up(case, current_user),
            nomination=excellent.nomination_of(case),
            see_nominations=access.can(current_user, Permission.FOLLOW_UP_RESULTS)
            or access.can(current_user, Permission.SELECT_EXCELLENT_CASES),
            kind_labels=KIND_LABELS,
        ),
        status,
    )


@bp.get("/cases/<int:case_id>")
@requires(Permission.VIEW_DOMAIN)
def case(case_id: int):
    """Every finding of the case with its suggestions and diagnosis referral. Officers
    following results up write; the case's inspectors (and the ministry) read."""
    return _render_case(case_or_404(case_id))


@bp.post("/cases/<int:case_id>/findings/<int:finding_id>/suggestions")
@requires(Permission.FOLLOW_UP_RESULTS)
def add_suggestion(case_id: int, finding_id: int):
    case = case_or_404(case_id)
    finding = finding_or_404(case, finding_id)
    form = suggestion_form(finding_id)
    if form.validate_on_submit():
        done = run_service(
            form,
            lambda: service.add_suggestion(
                case, finding, text=form.text.data or "", actor=current_user, now=utcnow()
            ),
        )
        if done:
            flash(_("改进建议已记录。"), "success")
            return redirect(url_for(".case", case_id=case_id, _anchor=f"finding-{finding_id}"))
        case = case_or_404(case_id)
    return _render_case(case, failed=(finding_id, "suggestion", form), status=422)


@bp.post("/suggestions/<int:suggestion_id>/delete")
@requires(Permission.FOLLOW_UP_RESULTS)
def delete_suggestion(suggestion_id: int):
    suggestion = access.get_or_404(ImprovementSuggestion, suggestion_id)
    case_id, finding_id = suggestion.case_id, suggestion.finding_id
    try:
        service.delete_suggestion(suggestion, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("改进建议已删除。"), "success")
    return redirect(url_for(".case", case_id=case_id, _anchor=f"finding-{finding_id}"))


@bp.post("/cases/<int:case_id>/findings/<int:finding_id>/referral")
@requires(Permission.FOLLOW_UP_RESULTS)
def refer(case_id: int, finding_id: int):
    """Refer the enterprise to energy diagnosis (节能诊断) for the finding."""
    case = case_or_404(case_id)
    finding = finding_or_404(case, finding_id)
    form = referral_form(finding_id)
    if form.validate_on_submit():
        referral = run_service(
            form,
            lambda: service.refer(
                case,
                finding,
                provider=form.provider.data or "",
                referred_on=form.referred_on.data,
                measures=form.measures.data or "",
                estimated_savings=form.estimated_savings_tce.data,
                actor=current_user,
                now=utcnow(),
                today=local_today(),
            ),
        )
        if referral:
            flash(_("已推荐节能诊断。"), "success")
            return redirect(url_for(".referral", referral_id=referral.id))
        case = case_or_404(case_id)
    return _render_case(case, failed=(finding_id, "referral", form), status=422)


# -- a referral ---------------------------------------------------------------------------------


def _edit_form(referral: DiagnosisReferral) -> ReferralEditForm:
    if request.method == "POST":
        return ReferralEditForm()
    form = ReferralEditForm(obj=referral)
    form.version.data = str(referral.version)
    return form


@bp.route("/referrals/<int:referral_id>", methods=["GET", "POST"])
@requires(Permission.VIEW_DOMAIN)
def referral(referral_id: int):
    """A referral: the diagnosis (dates, measures, estimated savings), then the retrofit
    actually done (text, date, actual savings). Officers edit; the case's inspectors read."""
    item = access.get_or_404(DiagnosisReferral, referral_id)
    may_write = service.may_follow_up(item.case, current_user)
    form = _edit_form(item)
    if request.method == "POST":
        if not access.can(current_user, Permission.FOLLOW_UP_RESULTS):
            abort(403)
        if form.validate_on_submit() and run_service(
            form,
            lambda: service.update_referral(
                item,
                version=form.version_number(),
                provider=form.provider.data or "",
                referred_on=form.referred_on.data,
                diagnosis_start_on=form.diagnosis_start_on.data,
                diagnosis_end_on=form.diagnosis_end_on.data,
                measures=form.measures.data or "",
                estimated_savings=form.estimated_savings_tce.data,
                retrofit_text=form.retrofit_text.data or "",
                retrofit_done_on=form.retrofit_done_on.data,
                actual_savings=form.actual_savings_tce.data,
                actor=current_user,
                today=local_today(),
            ),
        ):
            flash(_("节能诊断情况已保存。"), "success")
            return redirect(url_for(".referral", referral_id=referral_id))
        item = access.get_or_404(DiagnosisReferral, referral_id)
    return (
        render_template(
            "followup/referral.html",
            referral=item,
            case=item.case,
            finding=item.finding,
            form=form,
            may_write=may_write,
            kind_labels=KIND_LABELS,
        ),
        422 if request.method == "POST" else 200,
    )


@bp.get("/referrals")
@requires_any(Permission.FOLLOW_UP_RESULTS, Permission.VIEW_NATIONAL)
def referrals():
    """The province's referrals (the ministry: every province's) with the estimated and
    actual savings, in total and per province."""
    national = access.sees_everything(current_user)
    choices = provinces() if national else []
    code = request.args.get("province", "").strip()
    province = next((p for p in choices if p.division_code == code), None) if code else None
    if code and national and province is None:
        abort(404)
    status = request.args.get("status", "")
    raw_year = request.args.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    filters = {"province_id": province.id if province else None, "status": status, "year": year}
    pagination, sort = paginate(
        savings.referrals_query(current_user, **filters),
        SORT_COLUMNS,
        "-referred_on",
        tiebreak=DiagnosisReferral.id.desc(),
    )
    totals = savings.savings_by_province(current_user, **filters)
    return render_template(
        "followup/referrals.html",
        pagination=pagination,
        sort=sort,
        totals=totals,
        grand_total=savings.total_row(totals),
        national=national,
        provinces=choices,
        province=province,
        province_names={p.id: p.name for p in choices},
        status=status,
        year=year,
        statuses=DIAGNOSIS_STATUS_LABELS,
        DiagnosisStatus=DiagnosisStatus,
    )
