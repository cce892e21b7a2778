"""The province's progress dashboard: cases, findings, over-quota enterprises, PUE, repeat
offenders."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..core.access import Permission, requires, sees_everything
from ..followup.repeat import repeat_offenders
from ..organisations.service import provinces
from ..plans.reference import CATEGORY_NUMERALS
from . import bp
from .models import CASE_STATUS_LABELS, DAILY_CATEGORY, CaseStatus
from .progress import Progress, progress


def _chart(kind: str, labels, series: dict[str, list], **options: Any) -> dict[str, Any]:
    """What static/js/charts.js draws: plain JSON, read from a data-chart attribute."""
    return {
        "type": kind,
        "labels": [str(label) for label in labels],
        "series": [{"name": str(name), "values": values} for name, values in series.items()],
        **options,
    }


def category_label(category: int) -> str:
    """第一类 … 第五类, or 日常监察 for the daily-supervision cases."""
    if category == DAILY_CATEGORY:
        return _("日常监察")
    return _("第%(n)s类", n=CATEGORY_NUMERALS.get(category, category))


def _charts(figures: Progress) -> dict[str, dict[str, Any]]:
    return {
        "status": _chart(
            "bar",
            [label for label, _n in figures.by_status],
            {_("案件数"): [n for _label, n in figures.by_status]},
        ),
        "category": _chart(
            "bar",
            [category_label(c) for c, _n in figures.by_category],
            {_("案件数"): [n for _c, n in figures.by_category]},
        ),
        "agency": _chart(
            "bar",
            [row.agency for row in figures.by_agency],
            {
                CASE_STATUS_LABELS[status]: [row.counts[status] for row in figures.by_agency]
                for status in CaseStatus
            },
            stacked=True,
            horizontal=True,
        ),
        "industry": _chart(
            "bar",
            [name for name, _n in figures.findings_by_industry],
            {_("问题数"): [n for _name, n in figures.findings_by_industry]},
            horizontal=True,
        ),
        "kind": _chart(
            "pie",
            [label for label, _n in figures.findings_by_kind],
            {_("问题数"): [n for _label, n in figures.findings_by_kind]},
        ),
        "over_quota": _chart(
            "bar",
            [f"{row.enterprise}·{row.product}" for row in figures.over_quota[:20]],
            {
                _("超出限额 %"): [
                    float(row.over_percent) if row.over_percent is not None else 0
                    for row in figures.over_quota[:20]
                ]
            },
            horizontal=True,
        ),
        "pue": _chart(
            "bar",
            [label for label, _n in figures.pue],
            {_("数据中心数"): [n for _label, n in figures.pue]},
        ),
    }


@bp.get("/progress", endpoint="progress")
@requires(Permission.VIEW_FILINGS)
def progress_page():
    """Cases by status, category and agency; findings; over-quota enterprises; PUE spread;
    enterprises found in violation in two or more years (多年重复违规).

    The ministry sees every province and may pick one (?province=<division code>); a
    province's officers see their own cases only (the case scope decides).
    """
    national = sees_everything(current_user)
    choices = provinces() if national else []
    code = request.args.get("province", "").strip()
    province = None
    if national and code:
        province = next((p for p in choices if p.division_code == code), None)
        if province is None:
            abort(404)
    figures = progress(current_user, province.id if province else None)
    return render_template(
        "inspections/progress.html",
        figures=figures,
        repeat=repeat_offenders(current_user, province_id=province.id if province else None),
        category_label=category_label,
        charts=_charts(figures),
        provinces=choices,
        province=province,
        statuses=list(CaseStatus),
        status_labels=CASE_STATUS_LABELS,
        numerals=CATEGORY_NUMERALS,
    )
