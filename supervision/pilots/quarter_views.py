"""Quarterly reports: the cities' reports in the user's scope and the quarters still owed,
starting a quarter's report, the report page with refreshing its figures, sending it to the
province and the province's re-check."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ..calendar.service import current_calendar
from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.models import Organisation
from ..core.tables import paginate
from ..extensions import db
from . import bp, quarters
from .daily_forms import NewQuarterForm, RecheckForm, VersionedForm
from .daily_models import PACK_STATUS_LABELS, PackStatus, QuarterlyReport, QuarterStatus
from .models import PilotCall
from .pack_views import commit_step

SORTS = {
    "quarter": (QuarterlyReport.year * 10 + QuarterlyReport.quarter),
    "due": QuarterlyReport.due_on,
    "status": QuarterlyReport.status,
}
#: Owed quarters listed on the page (the latest first).
OWED_SHOWN = 12


@bp.get("/quarters", endpoint="quarters")
@requires(Permission.VIEW_DOMAIN)
def quarters_index():
    """The cities' quarterly reports the user may see, and the ended quarters not yet
    reported (with the button to start one, for the city's officers)."""
    stmt = access.scoped(QuarterlyReport).options(selectinload(QuarterlyReport.city))
    status = request.args.get("status", "")
    if status in QuarterStatus._value2member_map_:
        stmt = stmt.where(QuarterlyReport.status == QuarterStatus(status))
    pagination, sort = paginate(stmt, SORTS, "-quarter", tiebreak=QuarterlyReport.id.desc())
    today = local_today()
    owed = [
        (item, report, quarters.may_report(current_user, item.city.province_org_id, item.city.id))
        for item, report in quarters.owed_unreported(today, current_user)
    ]
    return render_template(
        "pilots/quarters/index.html",
        pagination=pagination,
        sort=sort,
        status=status,
        statuses=list(QuarterStatus),
        owed=owed[:OWED_SHOWN],
        owed_more=max(0, len(owed) - OWED_SHOWN),
        today=today,
        form=NewQuarterForm(formdata=None),
    )


@bp.post("/quarters/new")
@requires(Permission.RUN_PILOTS)
def new_quarter():
    """Start a city's report of an ended quarter (or open the one already started)."""
    form = NewQuarterForm()
    if not form.validate_on_submit():
        flash(_("请选择要填报的地市和季度。"), "danger")
        return redirect(url_for(".quarters"))
    call = db.session.get(PilotCall, form.call_id.data) or abort(404)
    city = db.session.scalar(
        access.scoped(Organisation).where(Organisation.id == form.city_id.data)
    )
    if city is None:
        abort(404)
    made: list[QuarterlyReport] = []
    if commit_step(
        lambda: made.append(
            quarters.open_quarter(
                call,
                city,
                form.year.data,
                form.quarter.data,
                actor=current_user,
                today=local_today(),
            )
        )
    ):
        return redirect(url_for(".quarter", quarter_id=made[0].id))
    return redirect(url_for(".quarters"))


@bp.get("/quarters/<int:quarter_id>")
@requires(Permission.VIEW_DOMAIN)
def quarter(quarter_id: int):
    """The report: per pilot the records and subsidies of the packs the finance passed, each
    month's pack status, and the step due next."""
    found = access.get_or_404(QuarterlyReport, quarter_id)
    may_report = quarters.may_report(current_user, found.province_id, found.city_id)
    editable = found.status in quarters.EDITABLE
    figures = found.figures or {}
    return render_template(
        "pilots/quarters/detail.html",
        report=found,
        call=db.session.get(PilotCall, found.call_id),
        figures=figures,
        subsidy=Decimal(figures.get("subsidy_yuan") or "0"),
        unpaid=quarters.unpaid_months(figures),
        step_form=VersionedForm(formdata=None, version=str(found.version))
        if editable and may_report
        else None,
        recheck_form=RecheckForm(formdata=None, version=str(found.version))
        if found.status == QuarterStatus.SUBMITTED and quarters.may_recheck(current_user, found)
        else None,
        pack_labels={s.value: str(PACK_STATUS_LABELS[s]) for s in PackStatus},
        PackStatus=PackStatus,
        QuarterStatus=QuarterStatus,
        Decimal=Decimal,
        late=found.submitted_on is not None and found.submitted_on > found.due_on,
        overdue=found.submitted_on is None and local_today() > found.due_on,
        recheck_late=found.recheck_due_on is not None
        and (found.rechecked_on or local_today()) > found.recheck_due_on,
    )


@bp.post("/quarters/<int:quarter_id>/refresh")
@requires(Permission.RUN_PILOTS)
def refresh_quarter(quarter_id: int):
    """Recompute the figures from the packs as they are now."""
    found = access.get_or_404(QuarterlyReport, quarter_id)
    form = VersionedForm()
    form.validate_on_submit()
    if commit_step(
        lambda: quarters.refresh_figures(found, actor=current_user, version=form.version_number)
    ):
        flash(_("已按最新的月度材料审核情况更新季度数据。"), "success")
    return redirect(url_for(".quarter", quarter_id=quarter_id))


@bp.post("/quarters/<int:quarter_id>/submit")
@requires(Permission.RUN_PILOTS)
def submit_quarter(quarter_id: int):
    """报送省级: the province's re-check falls due 10 working days later."""
    found = access.get_or_404(QuarterlyReport, quarter_id)
    form = VersionedForm()
    form.validate_on_submit()
    if commit_step(
        lambda: quarters.submit_quarter(
            found,
            actor=current_user,
            today=local_today(),
            calendar=current_calendar(),
            version=form.version_number,
        )
    ):
        flash(
            _("已报送省级；省级应于 %(d)s 前完成复核。", d=found.recheck_due_on.isoformat()),
            "success",
        )
    return redirect(url_for(".quarter", quarter_id=quarter_id))


@bp.post("/quarters/<int:quarter_id>/recheck")
@requires(Permission.RUN_PILOTS)
def recheck_quarter(quarter_id: int):
    """省级复核: passed, or returned to the city with the reason."""
    found = access.get_or_404(QuarterlyReport, quarter_id)
    form = RecheckForm()
    if not form.validate_on_submit():
        flash(_("请选择复核结论。"), "danger")
        return redirect(url_for(".quarter", quarter_id=quarter_id))
    passed = form.decision.data == "pass"
    if commit_step(
        lambda: quarters.recheck_quarter(
            found,
            passed=passed,
            note=form.note.data or "",
            actor=current_user,
            today=local_today(),
            version=form.version_number,
        )
    ):
        flash(_("省级复核通过。") if passed else _("已退回地市。"), "success")
    return redirect(url_for(".quarter", quarter_id=quarter_id))
