"""Cells of the sales-record tables (seed 002 附表3-1 … 3-6) read as values: dates, money,
quantities, invoice numbers, product codes, division and organisation codes.

Each reader takes the cell's text (as the import machinery gives it: stripped, Excel numbers
and dates already turned into text) and returns the value, or None when the text is not one.
They run once per cell of files of a million rows: precompiled patterns, no exceptions on
the common path.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from .buyers import normalise_organisation_code

#: 2013-01-05, 2013/1/5, 2013.1.5, 2013年1月5日, each optionally followed by a time of day
#: (a date-time cell reads "2013-01-05 10:30:00"); 20130105.
_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
#: Day 0 of Excel's serial dates (1900 system, after its 1900-02-29 that never was).
_EXCEL_EPOCH = date(1899, 12, 30)
#: Serial numbers read as dates: 1990-01-01 … 2099-12-31 (a bare number outside is no date).
_SERIALS = range(32874, 73051)
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")

_MONEY = re.compile(r"\d+(?:\.\d+)?")
_MONEY_NOISE = str.maketrans("", "", ",，¥￥元 ")
_CENT = Decimal("0.01")
#: Numeric(12, 2): up to 9 999 999 999.99.
MAX_PRICE = Decimal("9999999999.99")
#: A float's rounding noise (2999.9000000000001) is not a third decimal someone typed.
_NOISE = Decimal("0.000001")

_INVOICE = re.compile(r"\d{8,20}")
_INVOICE_SPACES = re.compile(r"[\s\-]")
#: A product code: printable, no spaces (a barcode, a serial number).
_CODE_BAD = re.compile(r"[\s\x00-\x1f\x7f]")
MAX_CODE = 64
_DIVISION = re.compile(r"\d{6}")
_DIGITS = re.compile(r"\d")

#: Up to this many units in one row of 附表3-5 (a typing error beyond).
MAX_QUANTITY = 1_000_000


def parse_date(text: str) -> date | None:
    """A date as people type it or Excel writes it, or None."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        try:  # the common case, as Excel dates and ISO text read: 2013-01-05
            return date.fromisoformat(text)
        except ValueError:
            return None
    match = _DATE.fullmatch(text)
    if match is None:
        match = _COMPACT_DATE.fullmatch(text)
    if match is not None:
        year, month, day = (int(g) for g in match.groups()[:3])
        if 1 <= month <= 12 and 1 <= day <= 31:
            try:
                return date(year, month, day)
            except ValueError:
                return None
        return None
    if _SERIAL.fullmatch(text):
        # A date cell Excel kept as its serial number (a General-formatted column).
        serial = int(text.split(".")[0])
        if serial in _SERIALS:
            return _EXCEL_EPOCH + timedelta(days=serial)
    return None


def parse_money(text: str) -> Decimal | None:
    """An amount in yuan ≥ 0 with at most two decimals ("2,999.00", "￥2999", "2999元")."""
    plain = text.translate(_MONEY_NOISE)
    if not _MONEY.fullmatch(plain):
        return None
    try:
        value = Decimal(plain)
        # Inside the try: quantize refuses a result of more digits than the context's 28
        # (a 27-digit amount with its two decimals), which is no price either.
        rounded = value.quantize(_CENT)
    except InvalidOperation:
        return None
    if rounded != value and abs(rounded - value) >= _NOISE:
        return None
    return rounded if rounded <= MAX_PRICE else None


def parse_quantity(text: str) -> int | None:
    """A whole number of units, 1 or more."""
    if not text.isdigit() or not text.isascii():
        return None
    value = int(text)
    return value if 1 <= value <= MAX_QUANTITY else None


def normalise_invoice_number(text: str) -> str | None:
    """An invoice number: 8 to 20 digits (a VAT invoice's 8-digit number, with its 10- or
    12-digit code in front when given together, or a 20-digit electronic invoice); spaces
    and hyphens between groups are dropped."""
    if text.isascii() and text.isdigit():
        return text if 8 <= len(text) <= 20 else None
    plain = _INVOICE_SPACES.sub("", unicodedata.normalize("NFKC", text))
    return plain if _INVOICE.fullmatch(plain) else None


def normalise_product_code(text: str) -> str | None:
    """A product's unique code (产品唯一编码) as compared: full-width letters and digits made
    ASCII; no spaces or control characters inside; at most 64 characters."""
    code = text if text.isascii() else unicodedata.normalize("NFKC", text).strip()
    if not code or len(code) > MAX_CODE or _CODE_BAD.search(code):
        return None
    return code


def division_code_ok(text: str, province_prefixes: frozenset[str]) -> bool:
    """A 6-digit administrative division code (GB/T 2260) in one of the provinces."""
    return (
        _DIVISION.fullmatch(text) is not None and text.isascii() and text[:2] in province_prefixes
    )


@functools.lru_cache(maxsize=4096)
def organisation_code(text: str) -> str | None:
    """An organisation code or unified social credit code, as the organisation code it names
    (``12345678-9``): so one dealer is one code whichever of the two a file gives. Cached: a
    file names the same few dealers on every row."""
    code = normalise_organisation_code(text)
    return None if code is None else f"{code[:8]}-{code[8]}"


def identity_text(text: str) -> str | None:
    """The 证件号码 column as kept: capitals, full-width made ASCII, no spaces; None beyond 20
    characters. Whether it is a valid ID number or organisation code is for ``buyer_key`` to
    say (it normalises it once, for the key)."""
    plain = "".join((text if text.isascii() else unicodedata.normalize("NFKC", text)).split())
    return plain.upper() if 0 < len(plain) <= 20 else None


def phone_ok(text: str) -> bool:
    """At least 7 digits: a local number without its area code is the shortest there is."""
    if text.isdigit():
        return len(text) >= 7
    return len(_DIGITS.findall(text)) >= 7
