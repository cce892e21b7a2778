"""The JSON API (/api/v1) for provincial systems: bearer tokens, the pages' access rules."""

from flask import Blueprint

from . import converters

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.record_once(converters.register)  # recorded before the views' rules, which use it

from . import auth, calc_views, case_views, models, views  # noqa: E402,F401

bp.record_once(auth.install)
