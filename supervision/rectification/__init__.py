"""Rectification to closure: notices, the enterprise's report, extension, 回头看, handling (category 五)."""

from flask import Blueprint

bp = Blueprint("rectification", __name__, url_prefix="/rectification")

from . import history_views, models, result_views, views  # noqa: E402,F401
