"""Reference data the rules judge by: versioned tables, seeded flagged, corrected by the ministry."""

from flask import Blueprint

bp = Blueprint("reference", __name__, url_prefix="/reference")

from . import models, views  # noqa: E402,F401
