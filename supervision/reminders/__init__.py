"""Deadlines of every dated obligation, reminders by notification centre and e-mail, never silent."""

from flask import Blueprint

bp = Blueprint("reminders", __name__, url_prefix="/reminders")

from . import models, views  # noqa: E402,F401
