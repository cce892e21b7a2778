"""The working-day calendar: official years, administrator-maintained years and corrections."""

from flask import Blueprint

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

from . import models, views  # noqa: E402,F401
