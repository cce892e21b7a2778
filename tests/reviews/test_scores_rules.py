"""The scoring rules of seed 003 第十条 and 第十二条, with worked examples: a member's total to one
decimal, the price score and the final score to two, half up; ranking within the funds."""

from decimal import Decimal as D

import pytest

from supervision.reviews.rules import scores
from supervision.reviews.rules.scores import (
    expert_total,
    final_score,
    mean_score,
    price_score,
    rank_within_cap,
)

ITEMS = [
    {"key": "overview", "name": "公司综合概况", "max_points": "15", "price": False},
    {"key": "scale", "name": "管理规模与收益", "max_points": "25", "price": False},
    {"key": "price", "name": "价格", "max_points": "10", "price": True},
]


# -- a member's total ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "total"),
    [
        (["40.25", "45"], D("85.3")),  # 85.25 → 85.3: the 5 rounds up
        (["40.24", "45"], D("85.2")),  # 85.24 → 85.2
        (["40.15", "45"], D("85.2")),  # 85.15 → 85.2 (banker's rounding would give 85.2 too)
        (["40.05", "45.2"], D("85.3")),  # 85.25 again, from other items
        (["0.05"], D("0.1")),
        (["0.04"], D("0.0")),
        (["12.5", "24", "18.5", "28"], D("83.0")),
        ([], D("0.0")),
    ],
)
def test_expert_total_keeps_one_decimal_rounding_half_up(points, total):
    assert expert_total(points) == total
    assert str(expert_total(points)) == str(total)


def test_expert_total_reads_a_sheet_mapping_and_decimals():
    assert expert_total({"overview": "12.5", "scale": D("22.75")}) == D("35.3")


def test_expert_total_refuses_floats():
    # 2.675 as a float is 2.67499999…: it must never be accepted silently.
    with pytest.raises(TypeError):
        expert_total([2.675])


# -- the price score ----------------------------------------------------------------------------


def test_price_score_lowest_quote_over_this_quote_times_the_points():
    quotes = [D("38000"), D("40000"), D("45000")]
    assert price_score(D("40000"), quotes, "10") == D("9.50")
    assert str(price_score(D("40000"), quotes, "10")) == "9.50"
    assert price_score(D("38000"), quotes, "10") == D("10.00")  # the lowest gets full points
    # 10 × 38000 / 45000 = 8.4444… → 8.44
    assert price_score(D("45000"), quotes, "10") == D("8.44")


def test_price_score_rounds_an_exact_half_up_where_a_float_would_not():
    # 10 × 26750 / 100000 = 2.675 exactly → 2.68 (round(2.675, 2) with floats gives 2.67).
    assert round(2.675, 2) == 2.67
    assert price_score(D("100000"), [D("26750"), D("100000")], "10") == D("2.68")
    # 10 × 26 / 48 = 5.41666… → 5.42; 10 × 30 / 48 = 6.25 stays 6.25
    assert price_score(D("48"), [D("26"), D("48")], D("10")) == D("5.42")
    assert price_score(D("48"), [D("30"), D("48")], D("10")) == D("6.25")


def test_price_score_without_a_valid_quote():
    quotes = [None, D("0"), D("40000"), D("50000")]
    assert price_score(None, quotes, "10") is None
    assert price_score(D("0"), quotes, "10") is None
    # Missing and zero quotes do not count as the lowest.
    assert price_score(D("50000"), quotes, "10") == D("8.00")
    assert price_score(D("40000"), [None], "10") == D("10.00")


# -- the final score ----------------------------------------------------------------------------


def test_final_score_is_the_mean_of_one_decimal_totals_to_two_decimals():
    totals = [D("85.3"), D("86.1"), D("84.7"), D("85.0"), D("85.9")]
    assert final_score(totals) == D("85.40")
    assert str(final_score(totals)) == "85.40"


@pytest.mark.parametrize(
    ("totals", "final"),
    [
        # 426.3 / 5 = 85.26
        ([D("85.3"), D("85.2"), D("85.3"), D("85.2"), D("85.3")], D("85.26")),
        # 341.1 / 4 = 85.275 → 85.28 (a .xx5 mean rounds up)
        ([D("85.3"), D("85.2"), D("85.3"), D("85.3")], D("85.28")),
        # 10.7 / 4 = 2.675 → 2.68, where round(2.675, 2) on floats is 2.67
        ([D("2.6"), D("2.7"), D("2.7"), D("2.7")], D("2.68")),
        # 256.1 / 3 = 85.3666… → 85.37
        ([D("85.3"), D("85.4"), D("85.4")], D("85.37")),
        # 255.8 / 3 = 85.2666… → 85.27
        ([D("85.2"), D("85.3"), D("85.3")], D("85.27")),
        ([D("90")], D("90.00")),
    ],
)
def test_final_score_rounds_half_up(totals, final):
    assert final_score(totals) == final
    assert str(final_score(totals)) == str(final)


def test_each_total_is_kept_to_one_decimal_before_the_mean():
    # 85.25 is a total to one decimal of 85.3: the mean is of 85.3 and 85.0, not 85.25 and 85.0.
    assert final_score(["85.25", "85.0"]) == D("85.15")
    assert final_score(["85.24", "85.0"]) == D("85.10")


def test_final_score_adds_the_price_score():
    totals = [D("75.3"), D("76.1"), D("74.7"), D("75.0"), D("75.9")]  # mean 75.40
    assert final_score(totals, D("9.50")) == D("84.90")
    # mean 85.275 → with a price of 2.68 = 87.955 → 87.96
    assert final_score([D("85.3"), D("85.2"), D("85.3"), D("85.3")], D("2.68")) == D("87.96")
    assert final_score(totals, None) == mean_score(totals) == D("75.40")


def test_final_score_needs_at_least_one_total_and_no_floats():
    with pytest.raises(ValueError):
        final_score([])
    with pytest.raises(TypeError):
        final_score([85.3, 86.1])


# -- the sheet ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("0", None),
        ("15", None),  # the maximum itself
        ("14.5", None),
        (" 7 ", None),
        ("15.0", None),
        ("15.1", scores.OVER_MAX),
        ("16", scores.OVER_MAX),
        ("-0.1", scores.NEGATIVE),
        ("7.25", scores.TOO_MANY_DECIMALS),
        ("7.50", None),  # 7.50 is 7.5: one decimal in value
        ("", scores.MISSING),
        (None, scores.MISSING),
        ("abc", scores.NOT_A_NUMBER),
        ("1e1", scores.NOT_A_NUMBER),
        ("NaN", scores.NOT_A_NUMBER),
        ("7,5", scores.NOT_A_NUMBER),
    ],
)
def test_points_problem(raw, problem):
    assert scores.points_problem(raw, "15") == problem


def test_a_sheet_is_checked_on_the_scored_items_only():
    assert scores.sheet_problems(ITEMS, {"overview": "15", "scale": "25"}) == {}
    assert scores.sheet_problems(ITEMS, {"overview": "15"}) == {"scale": scores.MISSING}
    # A draft may leave items empty, but not hold a wrong one.
    assert scores.sheet_problems(ITEMS, {"overview": "15"}, complete=False) == {}
    assert scores.sheet_problems(ITEMS, {"overview": "16"}, complete=False) == {
        "overview": scores.OVER_MAX
    }
    assert scores.normalised_points(ITEMS, {"overview": " 7.0 ", "scale": "x"}) == {
        "overview": "7.0"
    }
    assert scores.max_total(ITEMS) == D("40")
    assert scores.price_item(ITEMS)["key"] == "price"
    assert [i["key"] for i in scores.scored_items(ITEMS)] == ["overview", "scale"]


# -- ranking within the funds -------------------------------------------------------------------


def _places(ranked):
    return [(r.key, r.rank, r.within_cap, r.tie_at_cap) for r in ranked]


def test_ties_share_a_rank_and_the_next_rank_skips():
    finals = {"a": D("85.40"), "b": D("88.10"), "c": D("85.40"), "d": D("80.00")}
    ranked = rank_within_cap(finals, {})
    assert [(r.key, r.rank) for r in ranked] == [("b", 1), ("a", 2), ("c", 2), ("d", 4)]
    assert all(r.within_cap and not r.tie_at_cap for r in ranked)  # no cap: everyone fits


def test_top_down_within_the_funds_stops_at_the_first_that_does_not_fit():
    finals = {"a": D("90"), "b": D("88"), "c": D("86"), "d": D("84")}
    requests = {"a": D("800"), "b": D("700"), "c": D("600"), "d": D("400")}
    ranked = rank_within_cap(finals, requests, cap_wan=D("2000"))
    # 800 + 700 = 1500 fits; + 600 = 2100 does not; d (400) would fit the rest but is below c.
    assert _places(ranked) == [
        ("a", 1, True, False),
        ("b", 2, True, False),
        ("c", 3, False, False),
        ("d", 4, False, False),
    ]
    assert [r.cumulative_wan for r in ranked] == [D("800"), D("1500"), None, None]


def test_the_cap_is_inclusive():
    finals = {"a": D("90"), "b": D("88")}
    ranked = rank_within_cap(finals, {"a": D("1200"), "b": D("800")}, cap_wan=D("2000"))
    assert [r.within_cap for r in ranked] == [True, True]


def test_the_calls_limit_on_the_number_chosen():
    finals = {"a": D("90"), "b": D("88"), "c": D("86")}
    ranked = rank_within_cap(finals, {}, cap_wan=None, max_selected=2)
    assert [r.within_cap for r in ranked] == [True, True, False]


def test_a_tie_straddling_the_cap_is_flagged_for_the_convener():
    finals = {"a": D("90"), "b": D("85.40"), "c": D("85.40"), "d": D("80")}
    requests = {"a": D("800"), "b": D("700"), "c": D("700"), "d": D("100")}
    ranked = rank_within_cap(finals, requests, cap_wan=D("2000"))
    # 800 + 700 fits, 800 + 700 + 700 does not: b and c tie across the cut.
    assert _places(ranked) == [
        ("a", 1, True, False),
        ("b", 2, False, True),
        ("c", 2, False, True),
        ("d", 4, False, False),
    ]


def test_a_tie_at_the_limit_on_the_number_is_flagged_too():
    finals = {"a": D("90"), "b": D("85"), "c": D("85")}
    ranked = rank_within_cap(finals, {}, max_selected=2)
    assert _places(ranked) == [("a", 1, True, False), ("b", 2, False, True), ("c", 2, False, True)]


def test_a_tie_that_fits_whole_is_within_and_one_that_cannot_fit_at_all_is_not_flagged():
    finals = {"a": D("90"), "b": D("85"), "c": D("85"), "d": D("80"), "e": D("80")}
    requests = {"a": D("500"), "b": D("500"), "c": D("500"), "d": D("600"), "e": D("700")}
    ranked = rank_within_cap(finals, requests, cap_wan=D("2000"))
    assert _places(ranked) == [
        ("a", 1, True, False),
        ("b", 2, True, False),
        ("c", 2, True, False),
        ("d", 4, False, False),  # 1500 + 600 > 2000: neither of the tied fits
        ("e", 4, False, False),
    ]


def test_a_missing_request_asks_for_nothing():
    finals = {"a": D("90"), "b": D("88")}
    ranked = rank_within_cap(finals, {"a": D("2000"), "b": None}, cap_wan=D("2000"))
    assert [r.within_cap for r in ranked] == [True, True]
