"""Using the results (结果运用, seed 004 §三(二)(三)): improvement suggestions, energy-diagnosis
referrals and the retrofits that followed, excellent cases nominated and published."""

from flask import Blueprint

bp = Blueprint("followup", __name__, url_prefix="/followup")

from . import excellent_views, models, views  # noqa: E402,F401
