"""Bulk buyers (大宗用户, seed 000 §二(四)): who bought five or more units, in one purchase or
cumulatively, with the buyer recognised however the outlet wrote him down."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

#: Units in one purchase or in all that make a bulk buyer (单次或累计购买五台以上).
BULK_THRESHOLD = 5

#: ISO 7064 MOD 11-2 weights and check characters of the 18-digit ID number (GB 11643-1999).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
#: Organisation code (GB 11714-1997): weights of the first 8 characters, check is 11 − sum % 11.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Unified social credit code alphabet and weights (GB 32100-2015).
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@dataclass(frozen=True)
class BulkBuyer:
    key: str
    #: Units bought in all, number of purchases, and the largest single purchase.
    units: int
    purchases: int
    largest_purchase: int

    @property
    def in_one_purchase(self) -> bool:
        """Bulk already by one purchase (as opposed to only cumulatively)."""
        return self.largest_purchase >= BULK_THRESHOLD


def bulk_buyers(
    purchases: Iterable[tuple[str, int]], threshold: int = BULK_THRESHOLD
) -> list[BulkBuyer]:
    """Buyers with ``threshold`` or more units in one purchase or cumulatively.

    ``purchases`` are ``(buyer key, quantity)`` pairs, one per purchase (an invoice). A
    purchase of ``threshold`` units makes a bulk buyer by itself; so does any number of smaller
    purchases adding up to it. Largest buyers first, then by key.
    """
    totals: dict[str, list[int]] = {}
    for key, quantity in purchases:
        if not key or quantity <= 0:
            continue
        entry = totals.setdefault(key, [0, 0, 0])
        entry[0] += quantity
        entry[1] += 1
        entry[2] = max(entry[2], quantity)
    found = [
        BulkBuyer(key, units, count, largest)
        for key, (units, count, largest) in totals.items()
        if units >= threshold or largest >= threshold
    ]
    return sorted(found, key=lambda b: (-b.units, b.key))


# -- recognising the buyer ----------------------------------------------------------------------


def _plain(text: str | None) -> str:
    """Full-width letters and digits as ASCII, no spaces anywhere, capitals."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def id_number_check(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _birth_date_ok(digits8: str) -> bool:
    try:
        date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return False
    return True


def normalise_id_number(text: str | None) -> str | None:
    """A resident ID number as its 18-digit form, or None if it is not one.

    Accepts lower-case x, spaces and full-width digits; a 15-digit (first-generation) number
    is converted to 18 digits (century 19 inserted, check digit computed), so the same
    person's two numbers give one key. The check digit of an 18-digit number must match.
    """
    code = _plain(text)
    if len(code) == 15 and code.isdigit():
        first17 = code[:6] + "19" + code[6:]
        if not _birth_date_ok(first17[6:14]):
            return None
        return first17 + id_number_check(first17)
    if len(code) != 18 or not code[:17].isdigit() or code[17] not in "0123456789X":
        return None
    if not _birth_date_ok(code[6:14]) or id_number_check(code[:17]) != code[17]:
        return None
    return code


def organisation_code_check(first8: str) -> str:
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalise_organisation_code(text: str | None) -> str | None:
    """An organisation code (组织机构代码, GB 11714) as 9 characters, or None.

    Accepts ``12345678-9`` and ``123456789``; a unified social credit code (18 characters)
    yields the organisation code it embeds (characters 9–17), so an organisation written down
    once by credit code and once by organisation code is one buyer.
    """
    code = _plain(text).replace("-", "").replace("－", "")
    if len(code) == 18 and all(c in _CREDIT_ALPHABET for c in code):
        total = sum(
            _CREDIT_ALPHABET.index(c) * w for c, w in zip(code, _CREDIT_WEIGHTS, strict=False)
        )
        if _CREDIT_ALPHABET[(31 - total % 31) % 31] != code[17]:
            return None
        code = code[8:17]
    if len(code) != 9 or any(c not in _ORG_ALPHABET for c in code[:8]):
        return None
    return code if organisation_code_check(code[:8]) == code[8] else None


def normalise_phone(text: str | None) -> str:
    """Digits only, without a +86 / 0086 country prefix: 138 1234 5678, +86-138-1234-5678 and
    (025)8481-8888 read as 13812345678 and 02584818888."""
    digits = "".join(c for c in unicodedata.normalize("NFKC", text or "") if c.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) in (10, 11):
            return digits[len(prefix) :]
    return digits


def normalise_name(text: str | None) -> str:
    return _plain(text)


def _digest(kind: str, text: str) -> str:
    # Keys are hashed: they group records, and never carry an ID number or a phone in clear.
    return f"{kind}:{hashlib.sha256(f'{kind}:{text}'.encode()).hexdigest()[:40]}"


def buyer_key(
    *, id_number: str | None = None, name: str | None = None, phone: str | None = None
) -> str:
    """The key that recognises one buyer across records.

    ``id_number`` is the 证件号码 column: a resident ID number (15 or 18 digits) or an
    organisation's code (organisation code or credit code). Failing a valid one, the buyer is
    his name and phone together. Returns "" when there is nothing to recognise him by.
    """
    person = normalise_id_number(id_number)
    if person is not None:
        return _digest("ID", person)
    organisation = normalise_organisation_code(id_number)
    if organisation is not None:
        return _digest("ORG", organisation)
    plain_name, plain_phone = normalise_name(name), normalise_phone(phone)
    if not plain_name and not plain_phone:
        return ""
    return _digest("NP", f"{plain_name}|{plain_phone}")


def is_organisation_key(key: str) -> bool:
    return key.startswith("ORG:")
