"""An enterprise's violations and rectification over the years (repeat offenders)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..core import access
from ..core.access import Permission, requires
from ..enterprises.models import Enterprise
from ..inspections.rules.findings import KIND_LABELS
from . import bp, history


@bp.get("/enterprises/<int:enterprise_id>")
@requires(Permission.VIEW_DOMAIN)
def enterprise_history(enterprise_id: int):
    """Every year's cases with their findings, notices with deadlines, 回头看 and handling."""
    enterprise = access.get_or_404(Enterprise, enterprise_id)
    years = history.violation_years(enterprise.id)
    return render_template(
        "rectification/history.html",
        e=enterprise,
        records=history.enterprise_history(enterprise, current_user),
        violation_years=sorted(years),
        repeat=history.is_repeat_offender(years),
        kind_labels=KIND_LABELS,
    )
