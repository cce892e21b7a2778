"""On-site supervision: inspection cases, metrics and verdicts, equipment, checklist, findings."""

from flask import Blueprint

bp = Blueprint("inspections", __name__, url_prefix="/cases")

from . import models, views  # noqa: E402,F401
