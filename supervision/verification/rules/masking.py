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
