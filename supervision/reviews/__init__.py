"""Expert reviews (专家评审): the expert pool, committees drawn at random with recusal and a
witness, independent scoring by name, ranking within the funds, the signed review report."""

from flask import Blueprint

bp = Blueprint("reviews", __name__, url_prefix="/reviews")

from . import (  # noqa: E402,F401
    draw_views,
    models,
    pool_views,
    report_views,
    review_views,
    score_views,
)
