"""Reading the cells of the sales-record tables (pure rules)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from records_support import credit_of

from supervision.verification.rules import records
from supervision.verification.rules.buyers import organisation_code_check

PROVINCES = frozenset({"11", "32", "33", "66"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2013-01-05", date(2013, 1, 5)),
        ("2013/1/5", date(2013, 1, 5)),
        ("2013.1.5", date(2013, 1, 5)),
        ("2013年1月5日", date(2013, 1, 5)),
        ("2013 年 1 月 5 日", date(2013, 1, 5)),
        ("2013-01-05 10:30:00", date(2013, 1, 5)),  # a date-time cell
        ("2013/1/5 9:05", date(2013, 1, 5)),
        ("20130105", date(2013, 1, 5)),
        ("41279", date(2013, 1, 5)),  # Excel's serial number of 2013-01-05
        ("41279.5", date(2013, 1, 5)),
        ("2013-02-29", None),
        ("2013-13-01", None),
        ("2013/2/30", None),
        ("2013-1-5x", None),
        ("05/01/2013", None),  # day first is ambiguous: refused
        ("1234", None),
        ("12345", None),  # a serial before 1990 is no date here
        ("", None),
    ],
)
def test_parse_date(text, expected):
    assert records.parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2999", Decimal("2999.00")),
        ("2999.9", Decimal("2999.90")),
        ("2,999.00", Decimal("2999.00")),
        ("￥2999", Decimal("2999.00")),
        ("2999元", Decimal("2999.00")),
        ("0", Decimal("0.00")),
        ("2999.9000000000001", Decimal("2999.90")),  # a float's noise, not a third decimal
        ("3703.6800000000003", Decimal("3703.68")),
        ("9999999999.99", Decimal("9999999999.99")),
        ("10000000000", None),
        ("2999.999", None),
        ("-1", None),
        ("1e3", None),
        ("两千", None),
        ("", None),
    ],
)
def test_parse_money(text, expected):
    assert records.parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("50", 50),
        ("1000000", 1000000),
        ("0", None),
        ("1000001", None),
        ("2.5", None),
        ("-3", None),
        ("３", None),
        ("", None),
    ],
)
def test_parse_quantity(text, expected):
    assert records.parse_quantity(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12345678", "12345678"),
        ("3200121140 12345678", "320012114012345678"),  # code and number together
        ("1234-5678", "12345678"),
        ("１２３４５６７８", "12345678"),
        ("12345678901234567890", "12345678901234567890"),
        ("1234567", None),
        ("123456789012345678901", None),
        ("No.12345678", None),
        ("", None),
    ],
)
def test_invoice_numbers(text, expected):
    assert records.normalise_invoice_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HR0001", "HR0001"),
        ("ＨＲ０００１", "HR0001"),
        ("SN-2012/10#7", "SN-2012/10#7"),
        ("A" * 64, "A" * 64),
        ("A" * 65, None),
        ("HR 0001", None),
        ("HR\t0001", None),
        ("", None),
    ],
)
def test_product_codes(text, expected):
    assert records.normalise_product_code(text) == expected


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("320102", True),
        ("110105", True),
        ("660000", True),
        ("440103", False),
        ("32010", False),
        ("3201020", False),
        ("３２０１０２", False),
        ("32a102", False),
    ],
)
def test_division_codes(text, ok):
    assert records.division_code_ok(text, PROVINCES) is ok


def test_organisation_codes_and_credit_codes_name_one_organisation():
    code = credit_of("87654321")  # a credit code embeds the organisation code
    org = code[8:17]
    assert org.startswith("87654321")
    assert records.organisation_code(code) == f"{org[:8]}-{org[8]}"
    assert records.organisation_code(f"{org[:8]}-{org[8]}") == f"{org[:8]}-{org[8]}"
    assert records.organisation_code(org.lower()) == f"{org[:8]}-{org[8]}"
    wrong = "12345678" + ("0" if organisation_code_check("12345678") != "0" else "1")
    assert records.organisation_code(wrong) is None
    assert records.organisation_code(code[:-1] + ("0" if code[-1] != "0" else "1")) is None
    assert records.organisation_code("甲公司") is None


def test_identity_texts_are_kept_plain():
    assert records.identity_text("11010519491231002x") == "11010519491231002X"
    assert records.identity_text(" 110105 491231 002 ") == "110105491231002"
    assert records.identity_text("１２３４５６７８-８") == "12345678-8"
    assert records.identity_text("9" * 21) is None
    assert records.identity_text("  ") is None


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("13800000000", True),
        ("025-84818888", True),
        ("+86 138 0000 0000", True),
        ("8481888", True),
        ("848188", False),
        ("无", False),
    ],
)
def test_phones(text, ok):
    assert records.phone_ok(text) is ok
