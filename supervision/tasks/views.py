"""Task filing pages: a province files its tasks and submits; the ministry accepts or returns."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core import access
from ..core.access import Permission, requires
from ..core.errors import DomainError
from ..core.forms import as_choices, run_service
from ..core.models import Organisation, OrgKind, Role, User, UserRole
from ..core.tables import paginate
from ..core.types import utcnow
from ..core.versions import sent_number
from ..enterprises import rules as enterprise_rules
from ..enterprises.models import Enterprise
from ..extensions import db
from ..industries import service as industries
from ..plans import service as plans
from ..plans.reference import CATEGORY_NUMERALS
from . import bp, importing, service  # noqa: F401 -- importing registers the Annex 2 kind
from .forms import ButtonForm, CommentForm, ExemptionForm, FundsForm, TaskForm
from .models import FilingEvent, ReviewMethod, SupervisionTask, TaskFiling

SORT_COLUMNS = {
    "category": SupervisionTask.category,
    "enterprise": Enterprise.name,
    "month": SupervisionTask.planned_month,
    "created": SupervisionTask.created_at,
}


def _filing_or_404(year: int, province_code: str) -> TaskFiling:
    stmt = (
        access.scoped(TaskFiling)
        .join(TaskFiling.plan)
        .join(TaskFiling.province)
        .where(plans.SupervisionPlan.year == year, Organisation.division_code == province_code)
    )
    filing = db.session.scalar(stmt)
    if filing is None:
        abort(404)
    return filing


def _may_file(filing: TaskFiling) -> bool:
    """Only the provincial body itself files its province's tasks (agencies carry them out)."""
    org = current_user.organisation
    return (
        access.can(current_user, Permission.FILE_TASKS)
        and org.kind == OrgKind.PROVINCE
        and org.id == filing.province_id
    )


def _require_filer(filing: TaskFiling) -> None:
    if not _may_file(filing):
        abort(403)


@bp.get("/")
@requires(Permission.VIEW_FILINGS)
def index():
    """Officers go to their province's filing of the current plan; the ministry to the overview."""
    plan = plans.current_plan()
    if plan is None:
        flash(_("尚无监察计划。"), "warning")
        return redirect(url_for("home.index"))
    province = service.province_of(current_user)
    if province is None:
        return redirect(url_for(".overview", year=plan.year))
    return redirect(url_for(".filing", year=plan.year, province_code=province.division_code))


@bp.get("/<int:year>")
@requires(Permission.VIEW_NATIONAL)
def overview(year: int):
    """Every province's filing of the plan: status, lateness and counts."""
    plan = plans.plan_for_year(year) or abort(404)
    filings = list(
        db.session.scalars(
            select(TaskFiling)
            .join(TaskFiling.province)
            .where(TaskFiling.plan_id == plan.id)
            .order_by(Organisation.division_code)
        )
    )
    counts = service.filing_counts([f.id for f in filings])
    totals: dict[int, int] = {}
    for figures in counts.values():
        for number, n in figures.by_category.items():
            totals[number] = totals.get(number, 0) + n
    return render_template(
        "tasks/overview.html",
        plan=plan,
        filings=filings,
        counts=counts,
        totals=totals,
        numerals=CATEGORY_NUMERALS,
    )


@bp.get("/<int:year>/<province_code>")
@requires(Permission.VIEW_FILINGS)
def filing(year: int, province_code: str):
    filing = _filing_or_404(year, province_code)
    stmt = service.tasks_of(filing, current_user).join(SupervisionTask.enterprise)
    category = request.args.get("category", type=int)
    if category:
        stmt = stmt.where(SupervisionTask.category == category)
    pagination, sort = paginate(stmt, SORT_COLUMNS, "category", tiebreak=SupervisionTask.id)
    counts = service.filing_counts([filing.id])[filing.id]
    return render_template(
        "tasks/filing.html",
        filing=filing,
        pagination=pagination,
        sort=sort,
        counts=counts,
        numerals=CATEGORY_NUMERALS,
        category=category,
        may_file=_may_file(filing),
        comment_form=CommentForm(version=str(filing.version)),
        button_form=ButtonForm(),
        deliverable=filing.plan.deliverable("task_filing"),
    )


def _task_form(filing: TaskFiling) -> TaskForm:
    form = TaskForm()
    plan = filing.plan
    form.category.choices = as_choices(
        (c.number, f"{CATEGORY_NUMERALS[c.number]}、{c.name}") for c in plan.categories
    )
    form.industry_id.choices = as_choices(
        [(0, "—")] + [(i.id, f"{i.sector} · {i.name}") for i in industries.catalogue()]
    )
    riders = db.session.scalars(
        service.tasks_of(filing).where(SupervisionTask.category.in_([1, 2]))
    )
    form.parent_task_id.choices = as_choices(
        [(0, "—")]
        + [(t.id, f"{t.enterprise.name} · {CATEGORY_NUMERALS[t.category]}") for t in riders]
    )
    agencies = db.session.scalars(
        select(Organisation)
        .where(
            (Organisation.id == filing.province_id)
            | (Organisation.province_id == filing.province_id)
        )
        .where(Organisation.is_active.is_(True))
        .order_by(Organisation.path, Organisation.division_code)
    )
    form.agency_id.choices = as_choices((o.id, o.name) for o in agencies)
    inspectors = db.session.scalars(
        select(User)
        .join(User.organisation)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.INSPECTOR))
        .where(User.active.is_(True))
        .where(
            (Organisation.id == filing.province_id)
            | (Organisation.province_id == filing.province_id)
        )
        .order_by(Organisation.division_code, User.full_name)
    )
    form.inspector_ids.choices = as_choices(
        (u.id, f"{u.full_name}（{u.organisation.name}）") for u in inspectors
    )
    return form


def _find_enterprise(filing: TaskFiling, text: str) -> Enterprise | None:
    code = enterprise_rules.normalise_credit_code(text.split(" ")[0])
    stmt = select(Enterprise).where(Enterprise.province_id == filing.province_id)
    found = db.session.scalar(stmt.where(Enterprise.credit_code == code))
    if found is None:
        found = db.session.scalars(stmt.where(Enterprise.name == text.strip())).first()
    return found


@bp.route("/<int:year>/<province_code>/new", methods=["GET", "POST"])
@requires(Permission.FILE_TASKS)
def new_task(year: int, province_code: str):
    filing = _filing_or_404(year, province_code)
    _require_filer(filing)
    form = _task_form(filing)
    if request.method == "GET" and request.args.get("enterprise"):
        form.credit_code.data = request.args["enterprise"]
        form.category.data = request.args.get("category", type=int) or 1
        form.industry_id.data = request.args.get("industry", type=int) or 0
    if form.validate_on_submit():
        enterprise = _find_enterprise(filing, form.credit_code.data)
        if enterprise is None:
            form.credit_code.errors.append(_("本省企业名录中没有该企业，请先在企业名录中登记。"))
        else:
            task = run_service(
                form,
                lambda: service.add_task(
                    filing,
                    enterprise=enterprise,
                    category=form.category.data,
                    industry=db.session.get(industries.Industry, form.industry_id.data)
                    if form.industry_id.data
                    else None,
                    agency=db.session.get(Organisation, form.agency_id.data),
                    inspectors=[db.session.get(User, i) for i in form.inspector_ids.data],
                    planned_month=form.planned_month.data,
                    method=ReviewMethod(form.method.data),
                    remarks=form.remarks.data or "",
                    parent_task=db.session.get(SupervisionTask, form.parent_task_id.data)
                    if form.parent_task_id.data
                    else None,
                ),
            )
            if task is not None:
                flash(_("已添加：%(name)s。", name=enterprise.name), "success")
                if request.form.get("again"):
                    return redirect(url_for(".new_task", year=year, province_code=province_code))
                return redirect(url_for(".filing", year=year, province_code=province_code))
    enterprises = db.session.execute(
        select(Enterprise.credit_code, Enterprise.name)
        .where(Enterprise.province_id == filing.province_id)
        .order_by(Enterprise.name)
    ).all()
    return render_template(
        "tasks/task_form.html", form=form, filing=filing, enterprises=enterprises
    )


@bp.post("/<int:task_id>/remove")
@requires(Permission.FILE_TASKS)
def remove_task(task_id: int):
    task = access.get_or_404(SupervisionTask, task_id)
    filing = task.filing
    _require_filer(filing)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            service.remove_task(task)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("已撤回该任务。"), "success")
    return redirect(
        url_for(".filing", year=filing.plan.year, province_code=filing.province.division_code)
    )


@bp.get("/<int:year>/<province_code>/coverage")
@requires(Permission.VIEW_FILINGS)
def coverage(year: int, province_code: str):
    """不漏报、不错报: the full-coverage check against the province's registry."""
    filing = _filing_or_404(year, province_code)
    result = service.coverage_check(filing)
    exemptions = {e.enterprise_id: e for e in service.exemptions_of(filing)}
    return render_template(
        "tasks/coverage.html",
        filing=filing,
        result=result,
        exemptions=exemptions,
        may_file=_may_file(filing),
        exemption_form=ExemptionForm(),
    )


@bp.post("/<int:year>/<province_code>/exempt")
@requires(Permission.FILE_TASKS)
def exempt(year: int, province_code: str):
    filing = _filing_or_404(year, province_code)
    _require_filer(filing)
    form = ExemptionForm()
    enterprise = db.session.get(Enterprise, request.form.get("enterprise_id", type=int) or 0)
    if enterprise is None or enterprise.province_id != filing.province_id:
        abort(404)
    if form.validate_on_submit():
        if run_service(
            form, lambda: service.exempt_enterprise(filing, enterprise, form.reason.data)
        ):
            flash(_("已记录“%(name)s”未列入任务的原因。", name=enterprise.name), "success")
    for message in form.reason.errors + form.form_errors:
        flash(message, "danger")
    return redirect(url_for(".coverage", year=year, province_code=province_code))


@bp.route("/<int:year>/<province_code>/funds", methods=["GET", "POST"])
@requires(Permission.VIEW_FILINGS)
def funds(year: int, province_code: str):
    """Earlier subsidy funds, the carried-over balance and this year's request (附件1)."""
    filing = _filing_or_404(year, province_code)
    form = FundsForm(obj=filing)
    may_file = _may_file(filing) and not filing.is_locked
    if request.method == "POST":
        _require_filer(filing)
        if form.validate_on_submit():
            saved = run_service(
                form,
                lambda: service.update_funds(
                    filing,
                    earlier_funds_received=form.earlier_funds_received.data,
                    earlier_funds_used=form.earlier_funds_used.data,
                    carried_over_balance=form.carried_over_balance.data,
                    carried_over_planned=form.carried_over_planned.data,
                    funds_requested=form.funds_requested.data,
                    funds_report=form.funds_report.data or "",
                    version=sent_number(form.version),
                ),
            )
            if saved is not None:
                flash(_("资金情况已保存。"), "success")
                return redirect(url_for(".filing", year=year, province_code=province_code))
    return render_template("tasks/funds.html", form=form, filing=filing, may_file=may_file)


@bp.post("/<int:year>/<province_code>/submit")
@requires(Permission.FILE_TASKS)
def submit(year: int, province_code: str):
    filing = _filing_or_404(year, province_code)
    _require_filer(filing)
    if ButtonForm().validate_on_submit():
        try:
            event = service.submit_filing(filing, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            if event.late_workdays:
                flash(
                    _("已报送工业和信息化部（逾期 %(n)s 个工作日）。", n=event.late_workdays),
                    "warning",
                )
            else:
                flash(_("已报送工业和信息化部。"), "success")
    return redirect(url_for(".filing", year=year, province_code=province_code))


def _workflow_step(year: int, province_code: str, step, done_message):
    """Run one workflow step (return, accept) from a comment form; report the outcome."""
    filing = _filing_or_404(year, province_code)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            step(
                filing,
                actor=current_user,
                now=utcnow(),
                comment=form.comment.data or "",
                version=sent_number(form.version),
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(done_message(filing), "success")
    return redirect(url_for(".filing", year=year, province_code=province_code))


@bp.post("/<int:year>/<province_code>/return")
@requires(Permission.REVIEW_SUBMISSIONS)
def return_filing(year: int, province_code: str):
    """Send a submission back with the comments on what to correct."""
    return _workflow_step(
        year,
        province_code,
        service.return_filing,
        lambda f: _("已退回%(p)s，并附修改意见。", p=f.province.name),
    )


@bp.post("/<int:year>/<province_code>/accept")
@requires(Permission.REVIEW_SUBMISSIONS)
def accept(year: int, province_code: str):
    return _workflow_step(
        year,
        province_code,
        service.accept_filing,
        lambda f: _("已接收%(p)s的任务申报。", p=f.province.name),
    )


@bp.get("/events/<int:event_id>/snapshot.xlsx")
@requires(Permission.VIEW_FILINGS)
def snapshot(event_id: int):
    """The annexes exactly as they were submitted with this event."""
    event = db.get_or_404(FilingEvent, event_id)
    filing = access.get_or_404(TaskFiling, event.filing_id)
    if not event.snapshot:
        abort(404)
    name = f"{filing.plan.year}-{filing.province.division_code}-{event.action}-{event.id}.xlsx"
    return Response(
        event.snapshot,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )
