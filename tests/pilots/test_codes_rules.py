"""The product code rule (seed 003 编码规则): parsing, every refusal with its reason, and the
check of a code against the call and pilot it is registered for."""

from __future__ import annotations

import pytest

from supervision.pilots.rules.codes import (
    InvalidProductCode,
    ProductCode,
    check_code_for,
    parse_product_code,
)

CLASSES = [
    {"letter": "F", "correction": 0, "name": "发动机"},
    {"letter": "B", "correction": 0, "name": "变速箱"},
    {"letter": "F", "correction": 1, "name": "发电机"},
]


def test_the_seeds_example_is_the_2687th_engine_of_enterprise_01_in_2014():
    code = parse_product_code("F0140102687")
    assert code == ProductCode(letter="F", correction=0, year=2014, enterprise=1, serial=2687)
    assert code.prefix == "F0"
    assert code.text == "F0140102687"


def test_surrounding_spaces_are_dropped_and_nothing_else_changes():
    assert parse_product_code("  B1150300001\t").text == "B1150300001"
    code = parse_product_code("B1150300001")
    assert (code.correction, code.year, code.enterprise, code.serial) == (1, 2015, 3, 1)


def test_boundaries_serial_00001_and_99999_enterprise_01_and_99():
    assert parse_product_code("F0140100001").serial == 1
    assert parse_product_code("F0149999999").serial == 99999
    assert parse_product_code("F0149999999").enterprise == 99


@pytest.mark.parametrize(
    ("code", "problem", "reason"),
    [
        (
            "F014010268",
            "length",
            "产品编码应为 11 位（1 位大写字母加 10 位数字），“F014010268”为 10 位。",
        ),
        (
            "F01401026870",
            "length",
            "产品编码应为 11 位（1 位大写字母加 10 位数字），“F01401026870”为 12 位。",
        ),
        ("f0140102687", "lower_case", "产品编码首位应为大写字母：“f”是小写，应为“F”。"),
        (
            "00140102687",
            "no_letter",
            "产品编码首位应为产品类别汉语拼音首字母的大写形式（A–Z），而不是“0”。",
        ),
        (
            "发0140102687",
            "no_letter",
            "产品编码首位应为产品类别汉语拼音首字母的大写形式（A–Z），而不是“发”。",
        ),
        (
            "F01401026A7",
            "not_digits",
            "产品编码字母后的 10 位应全为数字：第 10 位（数字第 9 位）“A”不是数字。",
        ),
        (
            "FO14O102687",
            "not_digits",
            "产品编码字母后的 10 位应全为数字：第 2 位（数字第 1 位）“O”、"
            "第 5 位（数字第 4 位）“O”不是数字。",
        ),
        (
            "F0140100000",
            "serial_zero",
            "产品编码的产品代码（数字第 6–10 位）不能为 00000：产品代码自 00001 开始。",
        ),
        (
            "F0140002687",
            "enterprise_zero",
            "产品编码的生产企业代码（数字第 4–5 位）不能为 00：企业代码按国家公告的顺序自 01 开始。",
        ),
        ("", "empty", "未填写以旧换再识别码（产品编码）。"),
        ("   ", "empty", "未填写以旧换再识别码（产品编码）。"),
    ],
)
def test_invalid_codes_are_refused_with_the_precise_reason(code, problem, reason):
    with pytest.raises(InvalidProductCode) as refused:
        parse_product_code(code)
    assert refused.value.problem == problem
    assert refused.value.reason == reason
    assert str(refused.value) == reason


def test_full_width_digits_are_not_digits():
    with pytest.raises(InvalidProductCode) as refused:
        parse_product_code("F０140102687")
    assert refused.value.problem == "not_digits"
    assert refused.value.details["positions"] == [2]


def test_none_is_an_empty_code():
    with pytest.raises(InvalidProductCode) as refused:
        parse_product_code(None)
    assert refused.value.problem == "empty"


# -- against the call and the pilot -------------------------------------------------------------


def test_a_code_of_the_pilot_in_the_calls_year_and_class_passes():
    code = check_code_for(
        "F0140102687", year=2014, enterprise=1, classes=CLASSES, product_class="发动机"
    )
    assert code.serial == 2687
    # The correction digit tells the two F classes apart.
    assert (
        check_code_for(
            "F1140100001", year=2014, enterprise=1, classes=CLASSES, product_class="发电机"
        ).prefix
        == "F1"
    )


@pytest.mark.parametrize(
    ("code", "kwargs", "problem", "reason"),
    [
        (
            "F0150102687",
            {},
            "year",
            "产品编码的推广年度代码（数字第 2–3 位）为 15（2015 年），本次试点为 2014 年，应为 14。",
        ),
        (
            "F0140202687",
            {},
            "enterprise",
            "产品编码的生产企业代码（数字第 4–5 位）为 02，本试点企业的代码为 01。",
        ),
        (
            "X0140102687",
            {},
            "product_class",
            "产品编码前两位“X0”不是本次试点的推广产品类别（F0 发动机、B0 变速箱、F1 发电机）。",
        ),
        (
            "B2140102687",
            {},
            "product_class",
            "产品编码前两位“B2”不是本次试点的推广产品类别（F0 发动机、B0 变速箱、F1 发电机）。",
        ),
        (
            "B0140102687",
            {"product_class": "发动机"},
            "class_name",
            "产品编码“B0”为变速箱，与填写的产品品类“发动机”不符。",
        ),
    ],
)
def test_a_code_of_another_year_pilot_or_class_is_refused(code, kwargs, problem, reason):
    with pytest.raises(InvalidProductCode) as refused:
        check_code_for(code, year=2014, enterprise=1, classes=CLASSES, **kwargs)
    assert (refused.value.problem, refused.value.reason) == (problem, reason)


def test_the_shape_is_checked_before_the_pilot():
    with pytest.raises(InvalidProductCode) as refused:
        check_code_for("f0150202687", year=2014, enterprise=1, classes=CLASSES)
    assert refused.value.problem == "lower_case"
