"""Excellent cases (节能监察优秀案例): nominating a case, the nominations, the ministry's
decision and publication, and the public pages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..audit import service as audit_service
from ..core import access
from ..core.access import Permission, public, requires, requires_any
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import run_service
from ..core.tables import paginate
from ..core.types import utcnow
from ..extensions import db
from ..inspections.models import InspectionCase
from ..organisations.service import provinces
from . import bp, excellent, rules
from .forms import DecisionForm, NominationForm, PublishForm
from .models import EXCELLENT_STATUS_LABELS, ExcellentCase, ExcellentStatus
from .service import may_follow_up

audit_service.register_entity("excellent_cases", _l("节能监察优秀案例"))

SORT_COLUMNS = {
    "year": ExcellentCase.year,
    "nominated_at": ExcellentCase.nominated_at,
    "status": ExcellentCase.status,
    "title": ExcellentCase.title,
}


def _year_arg() -> int | None:
    raw = request.args.get("year", "").strip()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else None


def excellent_or_404(excellent_id: int) -> ExcellentCase:
    return access.get_or_404(ExcellentCase, excellent_id)


@bp.route("/cases/<int:case_id>/nominate", methods=["GET", "POST"])
@requires(Permission.FOLLOW_UP_RESULTS)
def nominate(case_id: int):
    """Nominate a closed (or rectification) case as an excellent case, once; the nomination
    may be changed until the ministry selects it."""
    case = access.get_or_404(InspectionCase, case_id)
    item = excellent.nomination_of(case)
    if item is not None and not rules.nomination_editable(item.status.value):
        return redirect(url_for(".excellent_detail", excellent_id=item.id))
    if request.method == "POST":
        form = NominationForm()
    else:
        form = NominationForm(obj=item)
        form.version.data = str(item.version) if item else ""
    if form.validate_on_submit():

        def save() -> ExcellentCase:
            values = {
                "title": form.title.data or "",
                "write_up": form.write_up.data or "",
                "savings_tce": form.savings_tce.data,
                "actor": current_user,
                "now": utcnow(),
            }
            if item is None:
                return excellent.nominate(case, **values)
            return excellent.update_nomination(item, version=form.version_number(), **values)

        saved = run_service(form, save)
        if saved:
            flash(_("已推荐为优秀案例，等待工业和信息化部评选。"), "success")
            return redirect(url_for(".excellent_detail", excellent_id=saved.id))
        case = access.get_or_404(InspectionCase, case_id)
        item = excellent.nomination_of(case)
    return (
        render_template(
            "followup/nominate.html",
            case=case,
            item=item,
            form=form,
            closed=case.status.value in rules.NOMINABLE_CASE_STATUSES,
            may_write=may_follow_up(case, current_user),
            min_length=rules.MIN_WRITE_UP,
        ),
        422 if request.method == "POST" else 200,
    )


@bp.get("/excellent", endpoint="excellent")
@requires_any(Permission.FOLLOW_UP_RESULTS, Permission.SELECT_EXCELLENT_CASES)
def excellent_index():
    """A province's nominations; the ministry's: all of them, by year and status."""
    national = access.sees_everything(current_user)
    choices = provinces() if national else []
    code = request.args.get("province", "").strip()
    province = next((p for p in choices if p.division_code == code), None) if code else None
    year = _year_arg()
    status = request.args.get("status", "")
    pagination, sort = paginate(
        excellent.nominations_query(
            current_user, year=year, status=status, province_id=province.id if province else None
        ),
        SORT_COLUMNS,
        "-nominated_at",
        tiebreak=ExcellentCase.id.desc(),
    )
    return render_template(
        "followup/excellent.html",
        pagination=pagination,
        sort=sort,
        national=national,
        provinces=choices,
        province=province,
        year=year,
        years=excellent.nomination_years(current_user),
        status=status,
        statuses=EXCELLENT_STATUS_LABELS,
    )


@bp.get("/excellent/<int:excellent_id>")
@requires_any(Permission.FOLLOW_UP_RESULTS, Permission.SELECT_EXCELLENT_CASES)
def excellent_detail(excellent_id: int):
    """A nomination: its write-up, the decision, and the ministry's steps."""
    item = excellent_or_404(excellent_id)
    version = str(item.version)
    return render_template(
        "followup/excellent_detail.html",
        item=item,
        case=item.case,
        decision_form=DecisionForm(formdata=None, version=version),
        publish_form=PublishForm(formdata=None, version=version),
        may_decide=excellent.may_decide(current_user) and item.status != ExcellentStatus.PUBLISHED,
        may_edit=may_follow_up(item.case, current_user)
        and rules.nomination_editable(item.status.value),
        ExcellentStatus=ExcellentStatus,
    )


def _step(excellent_id: int, form, action, done_message: str):
    item = excellent_or_404(excellent_id)
    if not form.validate_on_submit():
        flash(
            _("请选择评选结果。") if isinstance(form, DecisionForm) else _("请求无效。"), "danger"
        )
        return redirect(url_for(".excellent_detail", excellent_id=excellent_id))
    try:
        action(item)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(done_message, "success")
    return redirect(url_for(".excellent_detail", excellent_id=excellent_id))


@bp.post("/excellent/<int:excellent_id>/decide")
@requires(Permission.SELECT_EXCELLENT_CASES)
def decide(excellent_id: int):
    """The ministry selects the case (入选) or declines it with a note."""
    form = DecisionForm()
    return _step(
        excellent_id,
        form,
        lambda item: excellent.decide(
            item,
            select_it=form.decision.data == "select",
            note=form.note.data or "",
            version=form.version_number(),
            actor=current_user,
            now=utcnow(),
        ),
        _("评选结果已保存。"),
    )


@bp.post("/excellent/<int:excellent_id>/publish")
@requires(Permission.SELECT_EXCELLENT_CASES)
def publish_excellent(excellent_id: int):
    """Publish a selected case on the public pages, dated today."""
    form = PublishForm()
    return _step(
        excellent_id,
        form,
        lambda item: excellent.publish(
            item, version=form.version_number(), actor=current_user, today=local_today()
        ),
        _("优秀案例已发布。"),
    )


# -- public pages -----------------------------------------------------------------------------


@bp.get("/public/excellent-cases")
@public
def public_excellent():
    """节能监察优秀案例 (public): the published cases, newest first, by year."""
    year = _year_arg()
    pagination = db.paginate(
        excellent.public_query(year=year), per_page=25, max_per_page=100, error_out=False
    )
    return render_template(
        "followup/public_list.html",
        pagination=pagination,
        year=year,
        years=excellent.public_years(),
    )


@bp.get("/public/excellent-cases/<int:excellent_id>")
@public
def public_excellent_detail(excellent_id: int):
    """A published case: title, province, year, write-up, savings; nothing personal."""
    item = excellent.published_or_none(excellent_id)
    if item is None:
        abort(404)
    return render_template("followup/public_detail.html", item=item)
