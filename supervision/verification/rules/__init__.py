"""Pure rules of the verification campaigns (no Flask, SQLAlchemy, WTForms or openpyxl)."""

from .buyers import BULK_THRESHOLD, BulkBuyer, buyer_key, bulk_buyers, is_organisation_key
from .masking import mask_address, mask_id_number, mask_name, mask_phone

__all__ = [
    "BULK_THRESHOLD",
    "BulkBuyer",
    "buyer_key",
    "bulk_buyers",
    "is_organisation_key",
    "mask_address",
    "mask_id_number",
    "mask_name",
    "mask_phone",
]
