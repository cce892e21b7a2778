"""The industry catalogue: standards and limits with their verification status."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..core.access import Permission, requires
from ..core.forms import run_service
from ..extensions import db
from . import bp, service
from .forms import LimitForm
from .models import QuotaLimit


@bp.get("/")
@requires(Permission.VIEW_DOMAIN)
def index():
    """Every industry, its quota standards by edition, and each limit (待核实 where unverified)."""
    return render_template("industries/index.html", industries=service.catalogue())


@bp.route("/limits/<int:limit_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE_DATA)
def edit_limit(limit_id: int):
    limit = db.get_or_404(QuotaLimit, limit_id)
    form = LimitForm(obj=limit)
    if form.validate_on_submit():
        saved = run_service(
            form,
            lambda: service.update_limit(
                limit,
                limit_value=form.limit_value.data,
                verified=form.verified.data,
                note=form.note.data or "",
            ),
        )
        if saved is not None:
            flash(_("已保存“%(p)s”的限定值。", p=limit.product), "success")
            return redirect(url_for(".index", _anchor=f"industry-{limit.standard.industry_id}"))
    return render_template("industries/limit.html", form=form, limit=limit)
