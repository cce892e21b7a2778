"""Shared pieces of the inspection rules: Decimal parsing, rounding, display, version picking."""

import ast
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from supervision.inspections import rules
from supervision.inspections.rules import (
    BadReference,
    ImpossibleInput,
    MissingInput,
    Status,
    approx,
    decimal_of,
    fmt,
    is_in_force,
    money,
    one_in_force,
    round2,
    text_of,
)

D = Decimal
PACKAGE = Path(rules.__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("1.5"), D("1.5")),
        (7, D(7)),
        ("1 234 567.8", D("1234567.8")),
        ("1,234", D("1234")),
        (" -115 ", D("-115")),
        ("\u00a012\u2009345", D("12345")),  # no-break and thin spaces from spreadsheets
        ("1e3", D("1000")),
        ("0", D("0")),
        ("-0.005", D("-0.005")),
    ],
)
def test_decimal_of_accepts(value, expected):
    assert decimal_of(value, "x") == expected


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (None, MissingInput),
        ("", MissingInput),
        ("   ", MissingInput),
        ("abc", ImpossibleInput),
        ("1.2.3", ImpossibleInput),
        ("NaN", ImpossibleInput),
        ("Infinity", ImpossibleInput),
        (D("NaN"), ImpossibleInput),
        (D("-Infinity"), ImpossibleInput),
        (1.5, TypeError),  # floats carry binary rounding errors into verdicts
        (True, TypeError),
        ([1], TypeError),
    ],
)
def test_decimal_of_refuses(value, error):
    with pytest.raises(error):
        decimal_of(value, "产量")


def test_input_problems_carry_a_status_and_a_chinese_reason():
    with pytest.raises(MissingInput) as missing:
        decimal_of(None, "产量")
    assert missing.value.reason == "缺少产量"
    assert missing.value.status is Status.MISSING_DATA
    with pytest.raises(ImpossibleInput) as impossible:
        decimal_of("x1", "产量")
    assert impossible.value.reason == "产量不是数字：x1"
    assert impossible.value.status is Status.ABNORMAL_DATA
    assert isinstance(impossible.value, ValueError)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("0.025", "0.03"),  # half up, not banker's rounding (which gives 0.02)
        ("2.675", "2.68"),
        ("-0.005", "-0.01"),  # half away from zero
        ("28000000", "28000000.00"),
    ],
)
def test_money_and_round2_round_half_up(value, expected):
    assert money(D(value)) == D(expected)
    assert str(money(D(value))) == expected
    assert round2(D(value)) == D(expected)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (D("1234567"), None, "1 234 567"),
        (D("1234567.125"), None, "1 234 567.125"),
        (D("-115"), None, "-115"),
        (D("-1234.5"), None, "-1 234.5"),
        (D("999"), None, "999"),
        (1000, None, "1 000"),
        (D("1E+3"), None, "1 000"),
        (D("43.0"), None, "43.0"),  # the standard's own precision is kept
        (D("0"), None, "0"),
        (D("123.455"), 2, "123.46"),
        (D("28000000"), 2, "28 000 000.00"),
    ],
)
def test_fmt_groups_digits_by_three(value, places, expected):
    assert fmt(value, places) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("123.4567"), "≈ 123.46"),
        (D("123.40"), "= 123.4"),
        (D("13750.000"), "= 13 750"),
        (D("0.125"), "≈ 0.13"),
    ],
)
def test_approx(value, expected):
    assert approx(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), (D("1.50"), "1.50"), (D("1E+3"), "1000"), (date(2019, 12, 31), "2019-12-31")],
)
def test_text_of(value, expected):
    assert text_of(value) == expected


@dataclass(frozen=True)
class Row:
    name: str
    effective_from: date | None
    effective_to: date | None


@pytest.mark.parametrize(
    ("row", "on", "expected"),
    [
        (Row("a", date(2020, 5, 1), None), date(2020, 4, 30), False),
        (Row("a", date(2020, 5, 1), None), date(2020, 5, 1), True),
        (Row("a", None, date(2021, 6, 1)), date(2021, 5, 31), True),
        (Row("a", None, date(2021, 6, 1)), date(2021, 6, 1), False),  # effective_to is exclusive
        (Row("a", None, None), date(1990, 1, 1), True),
    ],
)
def test_is_in_force(row, on, expected):
    assert is_in_force(row, on) is expected


def test_one_in_force_picks_the_edition_of_the_day():
    old = Row("2012", None, date(2021, 6, 1))
    new = Row("2020", date(2021, 6, 1), None)
    assert one_in_force([old, new], date(2021, 5, 31), "x") is old
    assert one_in_force([old, new], date(2021, 6, 1), "x") is new
    assert one_in_force([], date(2021, 6, 1), "x") is None


def test_one_in_force_refuses_overlapping_versions():
    rows = [Row("a", None, None), Row("b", date(2020, 1, 1), None)]
    with pytest.raises(BadReference, match="同时有 2 个"):
        one_in_force(rows, date(2020, 1, 1), "标准")


def test_every_status_has_a_chinese_label():
    assert {s.label for s in Status} and all(s.label for s in Status)
    assert Status.MISSING_DATA.label == "数据不全"
    assert Status.ABNORMAL_DATA.label == "数据异常"
    assert Status("over_limit") is Status.OVER_LIMIT


ALLOWED_STDLIB = {
    "__future__",
    "collections",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "fnmatch",
    "functools",
    "math",
    "re",
    "types",
    "typing",
    "unicodedata",
}


PURE_FILES = sorted(
    [
        *(PACKAGE / "rules").rglob("*.py"),
        PACKAGE / "reference.py",
        PACKAGE.parent / "industries" / "reference.py",
        PACKAGE.parent / "reference" / "codec.py",
    ]
)


@pytest.mark.parametrize("path", PURE_FILES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_inspection_calculations_use_the_standard_library_only(path):
    """Stricter than test_architecture: the rules, their seed data and the codec, stdlib only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [(node.module or "").split(".")[0]]
        else:
            continue
        for name in names:
            assert name in ALLOWED_STDLIB and name in sys.stdlib_module_names, f"{path}: {name}"
