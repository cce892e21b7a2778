"""The ministry's side of the annual summaries: every province's status and figures, the
national roll-up, and every report in one download."""

from __future__ import annotations

import io
import zipfile

from flask import abort, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.workdays import CalendarNotAvailable
from ..organisations import service as organisations
from ..tasks.models import FilingStatus
from . import bp, service
from .figures import SummaryFigures, national_rollup
from .views import REPORT, RESULTS, XLSX, plan_or_404

ZIP = "application/zip"


@bp.get("/<int:year>")
@requires(Permission.VIEW_FILINGS)
def index(year: int):
    """Every province's summary of the year: status, submission, lateness, key figures, and
    the national roll-up of what was submitted. A province's officer goes to his own."""
    plan = plan_or_404(year)
    if not access.can(current_user, Permission.VIEW_NATIONAL):
        province = organisations.province_of(current_user)
        if province is None:
            abort(403)
        return redirect(url_for(".detail", year=year, province_code=province.division_code))
    summaries = service.summaries_of_plan(plan)
    latest = service.latest_submissions(plan)
    rows = [
        service.ProvinceRow(p, summaries.get(p.id), latest.get(p.id))
        for p in organisations.provinces()
    ]
    figures = {
        row.province.id: SummaryFigures.from_json(row.latest.figures)
        for row in rows
        if row.latest is not None and row.latest.figures
    }
    rollup = national_rollup(
        [(r.province.name, figures[r.province.id]) for r in rows if r.province.id in figures],
        year=plan.year,
    )
    due = service.due_on(plan)
    try:
        late_today = service.late_workdays(plan, local_today())
    except CalendarNotAvailable:
        late_today = 0
    counts = {
        status: sum(1 for r in rows if r.summary is not None and r.summary.status == status)
        for status in FilingStatus
    }
    counts_none = sum(1 for r in rows if r.summary is None)
    return render_template(
        "summaries/index.html",
        plan=plan,
        rows=rows,
        figures=figures,
        rollup=rollup,
        due_on=due,
        late_today=late_today,
        counts=counts,
        counts_none=counts_none,
    )


@bp.get("/<int:year>/national.xlsx")
@requires(Permission.VIEW_NATIONAL)
def national_xlsx(year: int):
    """The national workbook: the roll-up and each province's figures as submitted."""
    # Imported here: xlsxwriter loads only when the workbook is made.
    from .results_book import build_national

    plan = plan_or_404(year)
    latest = service.latest_submissions(plan)
    items = [
        (p.name, SummaryFigures.from_json(latest[p.id].figures))
        for p in organisations.provinces()
        if p.id in latest and latest[p.id].figures
    ]
    data = build_national(year, items)
    return send_file(
        io.BytesIO(data),
        mimetype=XLSX,
        as_attachment=True,
        download_name=_("%(year)s年节能监察工作总结全国汇总.xlsx", year=year),
        max_age=0,
    )


@bp.get("/<int:year>/reports.zip")
@requires(Permission.VIEW_NATIONAL)
def download_all(year: int):
    """Every province's latest submitted report (.docx) and results list (.xlsx), named by
    province, in one archive (32 provinces: built in memory)."""
    plan = plan_or_404(year)
    latest = service.latest_submissions(plan, with_files=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for province in organisations.provinces():
            event = latest.get(province.id)
            if event is None:
                continue
            stem = f"{province.division_code}{province.name}{year}年"
            if event.report_docx:
                archive.writestr(f"{stem}{REPORT}.docx", event.report_docx)
            if event.results_xlsx:
                archive.writestr(f"{stem}{RESULTS}.xlsx", event.results_xlsx)
    return send_file(
        io.BytesIO(buffer.getvalue()),
        mimetype=ZIP,
        as_attachment=True,
        download_name=_(
            "%(year)s年节能监察工作总结报告（%(day)s）.zip",
            year=year,
            day=local_today().isoformat(),
        ),
        max_age=0,
    )
