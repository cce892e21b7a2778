"""The category-五 results page (30 June report): table, workbook, 报送部里; and the blank
file for importing 2019's violators."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.access import Permission, can, requires
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind
from ..core.types import utcnow
from ..extensions import db
from ..imports.forms import ButtonForm
from ..organisations import service as organisations
from ..plans import service as plans
from . import (
    bp,
    results_book,
    violator_table,
    violators,  # noqa: F401 -- registers the import kind
)
from . import results as category_five

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_or_404(year: int):
    return plans.plan_for_year(year) or abort(404)


def _province() -> Organisation | None:
    """The province shown: one's own; the ministry's choice (``?province=<id>``), or None for
    the national view."""
    own = organisations.province_of(current_user)
    chosen = request.args.get("province", type=int)
    if own is not None:
        if chosen and chosen != own.id:
            abort(404)
        return own
    if not chosen:
        return None
    province = db.session.get(Organisation, chosen)
    if province is None or province.kind != OrgKind.PROVINCE:
        abort(404)
    return province


def _may_report(province: Organisation | None) -> bool:
    """Only the provincial body itself reports its results (as it files its tasks)."""
    org = current_user.organisation
    return (
        province is not None
        and can(current_user, Permission.FILE_TASKS)
        and org.kind == OrgKind.PROVINCE
        and org.id == province.id
    )


@bp.get("/results/<int:year>")
@requires(Permission.VIEW_FILINGS)
def results(year: int):
    """专项监察结果：一年违规企业整改落实情况 — a province's table, or every province's figures."""
    plan = _plan_or_404(year)
    province = _province()
    deliverable = plan.deliverable(category_five.DELIVERABLE_KEY)
    if province is None:
        grouped = category_five.by_province(category_five.result_rows(year, user=current_user))
        reports = category_five.reports_of(plan)
        lines = [
            (p, category_five.summarise(grouped.get(p.id, [])), reports.get(p.id))
            for p in organisations.provinces()
        ]
        return render_template(
            "rectification/results.html",
            plan=plan,
            province=None,
            lines=lines,
            total=category_five.summarise(r for rows in grouped.values() for r in rows),
            deliverable=deliverable,
            violation_year=category_five.violation_year(year),
            local_day=category_five.local_day,
        )
    rows = category_five.result_rows(year, province_id=province.id, user=current_user)
    may_report = _may_report(province)
    return render_template(
        "rectification/results.html",
        plan=plan,
        province=province,
        rows=rows,
        summary=category_five.summarise(rows),
        report=category_five.report_of(plan, province),
        deliverable=deliverable,
        violation_year=category_five.violation_year(year),
        may_report=may_report,
        may_import=may_report and year == violator_table.PLAN_YEAR,
        import_kind=violator_table.NAME,
        local_day=category_five.local_day,
    )


@bp.get("/results/<int:year>/export.xlsx")
@requires(Permission.VIEW_FILINGS)
def results_export(year: int):
    """The result table as the official workbook: a province's, or the national one."""
    plan = _plan_or_404(year)
    province = _province()
    if province is None:
        grouped = category_five.by_province(category_five.result_rows(year, user=current_user))
        reports = category_five.reports_of(plan)
        data = results_book.national_workbook(
            year,
            [(p.id, p.name) for p in organisations.provinces()],
            grouped,
            {pid: category_five.local_day(r.reported_at) for pid, r in reports.items()},
            today=local_today(),
        )
        name = results_book.file_name(year)
    else:
        report = category_five.report_of(plan, province)
        data = results_book.province_workbook(
            year,
            province.name,
            category_five.result_rows(year, province_id=province.id, user=current_user),
            reported_on=category_five.local_day(report.reported_at) if report else None,
        )
        name = results_book.file_name(year, province.name)
    return send_file(data, mimetype=XLSX, as_attachment=True, download_name=name, max_age=0)


@bp.post("/results/<int:year>/report")
@requires(Permission.FILE_TASKS)
def report_results(year: int):
    """报送部里: record that the province sent its results (again, after corrections)."""
    plan = _plan_or_404(year)
    province = organisations.province_of(current_user)
    if not _may_report(province):
        abort(403)
    if ButtonForm().validate_on_submit():
        try:
            category_five.report_results(plan, province, actor=current_user, now=utcnow())
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            db.session.commit()
            flash(_("已记录向部里报送专项监察结果。"), "success")
    return redirect(url_for(".results", year=year))


@bp.get("/violators/template.xlsx")
@requires(Permission.FILE_TASKS)
def violators_template():
    """The blank file for importing last year's violators and their notices."""
    return send_file(
        violator_table.template_workbook(),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"{violator_table.VIOLATION_YEAR}年违规企业及整改通知书（导入模板）.xlsx",
        max_age=0,
    )
