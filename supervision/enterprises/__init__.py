"""The enterprise registry: each province's enterprises, import, transfer."""

from flask import Blueprint

bp = Blueprint("enterprises", __name__, url_prefix="/enterprises")

from . import models, views  # noqa: E402,F401
