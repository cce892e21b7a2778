"""Daily supervision by random selection (双随机一公开, seed 004 §二): a province draws at random
the enterprises to inspect and the inspector pairs who go, opens a daily-supervision case for
each, and publishes the results."""

from flask import Blueprint

bp = Blueprint("daily", __name__, url_prefix="/daily")

from . import models, public_views, relation_views, views  # noqa: E402,F401
