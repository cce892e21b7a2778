"""Spreadsheet imports: upload, validation report, preview, confirmation and progress."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")

from . import models, views  # noqa: E402,F401
