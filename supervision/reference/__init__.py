"""Reference data the rules judge by: versioned tables, seeded flagged, corrected by the ministry."""

from flask import Blueprint

bp = Blueprint("reference", __name__, url_prefix="/reference")

# The row types live in inspections.rules, and inspections' pages read reference.service:
# loading inspections first keeps ``import supervision.reference`` free of an import cycle.
from .. import inspections  # noqa: E402,F401
from . import models, views  # noqa: E402,F401
