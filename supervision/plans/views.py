"""Plan pages: the plans, their categories and deliverables; copying a plan to a new year."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..core.access import Permission, requires
from ..core.forms import run_service
from ..extensions import db
from . import bp, service
from .forms import CopyPlanForm, DeliverableForm
from .models import PlanDeliverable
from .reference import CATEGORY_NUMERALS


@bp.get("/")
@requires(Permission.VIEW_DOMAIN)
def index():
    return render_template("plans/index.html", plans=service.all_plans())


def _plan_or_404(year: int):
    plan = service.plan_for_year(year)
    if plan is None:
        abort(404)
    return plan


@bp.get("/<int:year>")
@requires(Permission.VIEW_DOMAIN)
def detail(year: int):
    plan = _plan_or_404(year)
    copy_form = CopyPlanForm(
        year=plan.year + 1, title=plan.title.replace(str(plan.year), str(plan.year + 1))
    )
    return render_template(
        "plans/detail.html", plan=plan, numerals=CATEGORY_NUMERALS, copy_form=copy_form
    )


@bp.route("/deliverables/<int:deliverable_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_REFERENCE_DATA)
def edit_deliverable(deliverable_id: int):
    deliverable = db.get_or_404(PlanDeliverable, deliverable_id)
    form = DeliverableForm(obj=deliverable)
    if form.validate_on_submit():
        saved = run_service(
            form,
            lambda: service.update_deliverable(
                deliverable, name=form.name.data, due_on=form.due_on.data
            ),
        )
        if saved is not None:
            flash(_("已保存。"), "success")
            return redirect(url_for(".detail", year=deliverable.plan.year))
    return render_template("plans/deliverable.html", form=form, deliverable=deliverable)


@bp.post("/<int:year>/copy")
@requires(Permission.MANAGE_REFERENCE_DATA)
def copy(year: int):
    """Create next year's plan from this one (categories and deliverables), then edit it."""
    plan = _plan_or_404(year)
    form = CopyPlanForm()
    if form.validate_on_submit():
        new_plan = run_service(
            form,
            lambda: service.copy_plan(
                plan,
                year=form.year.data,
                document_number=form.document_number.data,
                title=form.title.data,
            ),
        )
        if new_plan is not None:
            flash(
                _("已创建 %(year)s 年计划，请核对各报送事项的截止日期。", year=new_plan.year),
                "success",
            )
            return redirect(url_for(".detail", year=new_plan.year))
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}：{message}", "danger")
    for message in form.form_errors:
        flash(message, "danger")
    return redirect(url_for(".detail", year=year))
