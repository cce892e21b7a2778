"""The case's data-centre PUE tab (category 四): annual PUE, metering checklist, verdict."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, requires
from ..core.errors import DomainError
from ..datacentres import service as datacentres
from ..datacentres.forms import PueVerdictForm
from ..datacentres.models import DataCentre
from ..extensions import db
from . import bp, service
from .models import InspectionCase
from .views import case_or_404, verdict_label

CATEGORY = 4


def _pue_case(case_id: int) -> InspectionCase:
    case = case_or_404(case_id)
    if case.category != CATEGORY:
        abort(404)
    return case


def _render(case: InspectionCase, status: int = 200):
    rows = []
    for dc in datacentres.data_centres_of(case.enterprise, current_user):
        found = datacentres.assess(dc, case.assessed_year)
        rows.append(
            {
                "dc": dc,
                "found": found,
                "series": datacentres.monthly_series(dc, case.assessed_year),
                "verdict": service.verdict_of(case, "pue", f"dc:{dc.id}"),
            }
        )
    return (
        render_template(
            "inspections/pue.html",
            case=case,
            rows=rows,
            form=PueVerdictForm(),
            may_record=service.may_record(case, current_user),
            may_register=datacentres.may_write(case.enterprise, current_user),
        ),
        status,
    )


@bp.route("/<int:case_id>/pue", methods=["GET", "POST"])
@requires(Permission.VIEW_DOMAIN)
def pue(case_id: int):
    """Each data centre's annual PUE for the assessed year against the target; POST stores
    the verdict of one data centre (an assigned inspector)."""
    case = _pue_case(case_id)
    form = PueVerdictForm()
    if form.is_submitted():
        if not form.validate():
            abort(400)
        dc = access.get_or_404(DataCentre, form.data_centre.data)
        try:
            verdict = datacentres.record_pue_verdict(case, dc, actor=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
            return _render(_pue_case(case_id), 422)
        db.session.commit()
        flash(
            _(
                "已保存“%(dc)s”的 PUE 核算结论：%(s)s。",
                dc=dc.name,
                s=verdict_label(verdict.status),
            ),
            "success",
        )
        return redirect(url_for(".pue", case_id=case_id) + f"#dc-{dc.id}")
    return _render(case)
