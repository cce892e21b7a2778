"""Yearly supervision plans: categories and the deliverables owed to the ministry."""

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plans")

from . import models, views  # noqa: E402,F401
