"""Annex downloads: a province's 附件1/附件2, its fill-in template, the national workbook."""

from __future__ import annotations

import io

from flask import abort, render_template, request, send_file
from flask_login import current_user

from ..core.access import Permission, requires
from ..core.models import OrgKind
from ..core.types import utcnow
from ..organisations import service as organisations
from ..plans import service as plans
from . import bp, service

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_or_404(year: int):
    return plans.plan_for_year(year) or abort(404)


def _province_and_filing_or_404(plan_year: int, province_code: str):
    plan = _plan_or_404(plan_year)
    province = organisations.by_division_code(province_code, OrgKind.PROVINCE) or abort(404)
    try:
        filing = service.filing_for_user(plan, province, current_user)
    except service.NotVisible:
        abort(404)
    return plan, province, filing


def _send(data: bytes, name: str):
    """The file as an attachment; the UTF-8 name goes in ``filename*`` (RFC 5987)."""
    return send_file(
        io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name, max_age=0
    )


@bp.get("/<int:plan_year>/")
@requires(Permission.VIEW_FILINGS)
def index(plan_year: int):
    """The annexes one may download for the plan: one's province, or every province."""
    plan = _plan_or_404(plan_year)
    filings = service.visible_filings(plan, current_user)
    return render_template("annexes/index.html", plan=plan, filings=filings)


@bp.get("/<int:plan_year>/national.xlsx")
@requires(Permission.VIEW_NATIONAL)
def national(plan_year: int):
    """全国汇总 and every province's annexes in one workbook. Rows stream through temporary
    files while it is built; only the finished, compressed file (≈2.3 MB for 40 000 tasks) is
    held to send it. ``flask annexes export`` writes the same file for scheduled use."""
    plan = _plan_or_404(plan_year)
    out = io.BytesIO()
    service.write_national_workbook(plan, out, now=utcnow())
    return _send(out.getvalue(), service.file_name("national", plan))


@bp.get("/<int:plan_year>/<province_code>.xlsx")
@requires(Permission.VIEW_FILINGS)
def province(plan_year: int, province_code: str):
    """The province's 附件1 and 附件2 as filed so far (empty tables if nothing is filed)."""
    plan, province, filing = _province_and_filing_or_404(plan_year, province_code)
    out = io.BytesIO()
    service.write_province_annexes(plan, province, filing, out)
    return _send(out.getvalue(), service.file_name("province", plan, province))


@bp.get("/<int:plan_year>/<province_code>/annex2-template.xlsx")
@requires(Permission.VIEW_FILINGS)
def template(plan_year: int, province_code: str):
    """附件2 to fill in offline: empty, or with the filed tasks (``?filled=1``)."""
    plan, province, filing = _province_and_filing_or_404(plan_year, province_code)
    filled = request.args.get("filled") in ("1", "true", "yes")
    data = service.build_annex2_template(filing if filled else None, plan, province)
    return _send(data, service.file_name("template", plan, province))
