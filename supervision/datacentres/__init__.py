"""Data centres of enterprises: metering points, monthly readings, PUE (category 四)."""

from flask import Blueprint

bp = Blueprint("datacentres", __name__, url_prefix="/data-centres")

from . import models, views  # noqa: E402,F401
