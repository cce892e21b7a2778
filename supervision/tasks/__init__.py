"""Special-supervision task filing: tasks, full-coverage check, funds, submission."""

from flask import Blueprint

bp = Blueprint("tasks", __name__, url_prefix="/tasks")

from . import models, views  # noqa: E402,F401
