"""The unified social credit code (GB 32100-2015) and the other pure registry rules."""

import pytest

from supervision.enterprises import rules


def _with_check(first17: str) -> str:
    return first17 + rules.credit_code_check_character(first17)


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("91350100M000100Y43", None),
        ("91310000132200821H", None),
        (_with_check("12100000400000624"), None),  # a public institution (事业单位)
        ("", "length"),
        ("91350100M000100Y4", "length"),  # 17 characters
        ("91350100M000100Y430", "length"),  # 19 characters
        ("91350100m000100Y43", "characters"),  # lower case
        ("91350100M000100y43", "characters"),
        ("91350100I000100Y43", "characters"),  # I, O, S, V, Z are never used
        ("91350100O000100Y43", "characters"),
        ("91350100S000100Y43", "characters"),
        ("91350100V000100Y43", "characters"),
        ("91350100Z000100Y43", "characters"),
        ("91350100M000100Y4I", "characters"),
        ("9135010 M000100Y43", "characters"),
        ("９1350100M000100Y43", "characters"),  # a full-width digit
        ("91350100M000100Y44", "check"),
        ("91310000132200821J", "check"),
        ("91310000132200812H", "check"),  # two digits swapped
    ],
)
def test_credit_code_problem(code, problem):
    assert rules.credit_code_problem(code) == problem
    assert rules.is_valid_credit_code(code) is (problem is None)


def test_is_valid_credit_code_takes_anything():
    assert rules.is_valid_credit_code(None) is False  # type: ignore[arg-type]
    assert rules.is_valid_credit_code(913501) is False  # type: ignore[arg-type]


def test_every_check_character_is_in_the_alphabet_and_unique_per_prefix():
    first17 = "91350100M000100Y4"
    valid = [c for c in rules.CREDIT_CODE_ALPHABET if rules.is_valid_credit_code(first17 + c)]
    assert valid == ["3"]


def test_normalise_credit_code_drops_spaces_and_upper_cases():
    assert rules.normalise_credit_code(" 9135 0100m000100y43\u3000") == "91350100M000100Y43"
    assert rules.normalise_credit_code("") == ""


@pytest.mark.parametrize(
    ("division", "province", "inside"),
    [
        ("320102", "320000", True),
        ("330102", "320000", False),
        ("650102", "660000", True),  # the Corps' units lie in Xinjiang's divisions too
        ("660100", "660000", True),
        ("650102", "650000", True),
        ("660100", "650000", False),
    ],
)
def test_province_prefix_matches(division, province, inside):
    assert rules.province_prefix_matches(division, province) is inside
