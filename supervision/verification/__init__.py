"""Verification campaigns for energy-saving product subsidies (节能产品惠民工程推广信息核查):
tasks to provincial units, sales records at national scale, reconciliation, bulk buyers,
reproducible sampling for phone and home checks, subsidy claim checks, results to the ministry."""

from flask import Blueprint

bp = Blueprint("verification", __name__, url_prefix="/verification")

from . import (  # noqa: E402,F401
    campaign_views,
    check_views,
    claim_views,
    importing,
    models,
    record_views,
    result_views,
    sample_views,
    training_views,
    unit_views,
)
