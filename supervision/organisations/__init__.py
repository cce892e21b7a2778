"""The organisation tree: ministry, provincial units, city and county supervision agencies."""

from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/organisations")

from . import views  # noqa: E402,F401
