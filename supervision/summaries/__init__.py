"""The annual summary report to the ministry (年度工作总结报告, due 30 September, seed 004
§四(三)): assembled from the year's cases, edited, submitted, returned or accepted."""

from flask import Blueprint

bp = Blueprint("summaries", __name__, url_prefix="/summaries")

from . import ministry_views, models, views  # noqa: E402,F401
