"""Remanufactured-product trade-in pilots (再制造产品“以旧换再”推广试点, seed 003): calls and
applications with their formal review, the pilots chosen, and their daily management."""

from flask import Blueprint

bp = Blueprint("pilots", __name__, url_prefix="/pilots")

from . import (  # noqa: E402,F401
    application_views,
    call_views,
    check_views,
    complaint_views,
    daily_models,
    importing,
    models,
    pack_views,
    pilot_views,
    quarter_views,
    trade_in_views,
)
