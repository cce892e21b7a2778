"""Pure rules of the verification campaigns (no Flask, SQLAlchemy, WTForms or openpyxl)."""

from .buyers import BULK_THRESHOLD, BulkBuyer, bulk_buyers, buyer_key, is_organisation_key
from .categories import (
    CATEGORY_NAMES,
    FRIDGE_KINDS,
    PRODUCT_CATEGORIES,
    RULED_CATEGORIES,
    TARGETS,
    category_name,
)
from .claim_check import Difference, check_claim
from .masking import mask_address, mask_id_number, mask_name, mask_phone
from .reconciliation import LineStatus, attribute_purchases, makers_by_model, reconcile
from .subsidies import (
    Eligibility,
    EligibilityStatus,
    annual_settlement_due,
    desktop_eligibility,
    fridge_eligibility,
    fridge_subsidy,
    monthly_report_due,
    product_eligibility,
)

__all__ = [
    "BULK_THRESHOLD",
    "CATEGORY_NAMES",
    "FRIDGE_KINDS",
    "PRODUCT_CATEGORIES",
    "RULED_CATEGORIES",
    "TARGETS",
    "BulkBuyer",
    "Difference",
    "Eligibility",
    "EligibilityStatus",
    "LineStatus",
    "annual_settlement_due",
    "attribute_purchases",
    "buyer_key",
    "bulk_buyers",
    "category_name",
    "check_claim",
    "desktop_eligibility",
    "fridge_eligibility",
    "fridge_subsidy",
    "is_organisation_key",
    "makers_by_model",
    "mask_address",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "monthly_report_due",
    "product_eligibility",
    "reconcile",
]
