"""The industry catalogue: Annex-1 industries, ladder sectors, quota standards and limits."""

from flask import Blueprint

bp = Blueprint("industries", __name__, url_prefix="/industries")

from . import models, views  # noqa: E402,F401
