"""Personal data as lists and exports show it to everyone but the people doing the checks."""

from __future__ import annotations

import unicodedata


def mask_phone(phone: str | None) -> str:
    """138****5678: the first three and last four digits of a number of seven or more."""
    digits = "".join(c for c in unicodedata.normalize("NFKC", phone or "") if c.isdigit())
    if not digits:
        return ""
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_id_number(number: str | None) -> str:
    """320102********1234: the birth date and sequence hidden; short codes keep two each end."""
    text = "".join((number or "").split())
    if not text:
        return ""
    if len(text) >= 15:
        return f"{text[:6]}{'*' * (len(text) - 10)}{text[-4:]}"
    if len(text) <= 4:
        return "*" * len(text)
    return f"{text[:2]}{'*' * (len(text) - 4)}{text[-2:]}"


def mask_name(name: str | None) -> str:
    """张*, 欧阳**: a person's family name only."""
    text = (name or "").strip()
    if len(text) <= 1:
        return text
    return text[0] + "*" * (len(text) - 1)


def mask_address(address: str | None, keep: int = 6) -> str:
    """The first characters (province, city, district) and the rest hidden."""
    text = (address or "").strip()
    if len(text) <= keep:
        return text
    return text[:keep] + "****"


def is_organisation_buyer(*, buyer_key: str = "", contact: str = "") -> bool:
    """An organisation bought it: its code made the buyer key, or the row names a 联系人 (seed 002
    附表3-6 note 1: an organisation names its purchaser there; a private buyer leaves it empty)."""
    return (buyer_key or "").startswith("ORG:") or bool((contact or "").strip())


def shown_buyer_name(name: str, *, buyer_key: str = "", contact: str = "", clear: bool) -> str:
    """The buyer's name as a list shows it: an organisation's is not personal data."""
    if clear or is_organisation_buyer(buyer_key=buyer_key, contact=contact):
        return name
    return mask_name(name)


def masked_sale(
    *,
    consumer_name: str,
    contact: str,
    phone: str,
    id_number: str,
    address: str,
    buyer_key: str = "",
) -> dict[str, str]:
    """A consumer sale's personal fields masked, for everyone but the people doing the checks.
    An organisation's name and code stay as written; a person's are masked."""
    organisation = is_organisation_buyer(buyer_key=buyer_key, contact=contact)
    return {
        "consumer_name": consumer_name if organisation else mask_name(consumer_name),
        "contact": mask_name(contact),
        "phone": mask_phone(phone),
        "id_number": id_number if organisation else mask_id_number(id_number),
        "address": mask_address(address),
    }
