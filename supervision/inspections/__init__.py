"""On-site supervision: inspection cases, metrics and verdicts, equipment, checklist, findings."""

from flask import Blueprint

bp = Blueprint("inspections", __name__, url_prefix="/cases")

from . import (  # noqa: E402,F401
    calculation_views,
    equipment_views,
    models,
    progress_views,
    pue_views,
    record_views,
    views,
)
