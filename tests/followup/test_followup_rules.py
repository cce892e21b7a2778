"""The pure rules of result use: savings figures, a referral's status and dates, nominations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from supervision.followup import rules
from supervision.followup.rules import ReferralFacts

TODAY = date(2020, 12, 1)


# -- savings --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (None, None),
        (Decimal("0"), None),  # nothing saved is a figure too
        (Decimal("0.00"), None),
        (Decimal("0.01"), None),
        (Decimal("-0.01"), "negative"),
        (Decimal("148.5"), None),
        (Decimal("148.50"), None),
        (Decimal("148.500"), None),  # trailing zeros are the same number
        (Decimal("148.505"), "precision"),
        (Decimal("1E-3"), "precision"),
        (Decimal("999999999999.99"), None),  # the column's largest value
        (Decimal("1000000000000.00"), "too_large"),
        (Decimal("1E+40"), "too_large"),
        (Decimal("NaN"), "invalid"),
        (Decimal("Infinity"), "invalid"),
    ],
)
def test_savings_figures(value, problem):
    assert rules.savings_problem(value) == problem


def test_savings_are_stored_with_two_decimals():
    assert rules.savings(Decimal("148.5")) == Decimal("148.50")
    assert str(rules.savings(Decimal("148.500"))) == "148.50"
    assert rules.savings(None) is None


def test_totals_of_savings_leave_missing_figures_out():
    # 12.34 + 0.66 + (none) + 100 = 113.00
    assert rules.total_savings([Decimal("12.34"), Decimal("0.66"), None, Decimal("100")]) == (
        Decimal("113.00")
    )
    assert str(rules.total_savings([])) == "0.00"
    assert str(rules.total_savings([None, None])) == "0.00"
    # Exact decimals, never binary floats: ten times 0.10 is exactly 1.00.
    assert rules.total_savings([Decimal("0.10")] * 10) == Decimal("1.00")


# -- a referral's status ----------------------------------------------------------------------------

REFERRED = ReferralFacts(referred_on=date(2020, 10, 9))
DIAGNOSED = ReferralFacts(
    referred_on=date(2020, 10, 9),
    diagnosis_start_on=date(2020, 10, 12),
    diagnosis_end_on=date(2020, 10, 30),
    measures="空压站集中控制；余热回收",
    estimated_savings=Decimal("148.00"),
)
RETROFITTED = ReferralFacts(
    referred_on=date(2020, 10, 9),
    diagnosis_start_on=date(2020, 10, 12),
    diagnosis_end_on=date(2020, 10, 30),
    measures="空压站集中控制；余热回收",
    estimated_savings=Decimal("148.00"),
    retrofit_text="完成空压站集中控制改造",
    retrofit_done_on=date(2020, 11, 30),
    actual_savings=Decimal("152.25"),
)


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        (REFERRED, rules.REFERRED),
        # Estimated savings and measures alone do not finish a diagnosis: its end date does.
        (ReferralFacts(date(2020, 10, 9), measures="x", estimated_savings=Decimal(1)), "referred"),
        (ReferralFacts(date(2020, 10, 9), diagnosis_start_on=date(2020, 10, 12)), "referred"),
        (DIAGNOSED, rules.DIAGNOSED),
        (RETROFITTED, rules.RETROFITTED),
    ],
)
def test_the_status_follows_the_filled_fields(facts, status):
    assert rules.referral_status(facts) == status
    assert rules.referral_problem(facts, TODAY) is None


def test_clearing_the_retrofit_date_moves_the_status_back():
    corrected = ReferralFacts(**{**RETROFITTED.__dict__, "retrofit_done_on": None})
    assert rules.referral_status(corrected) == rules.DIAGNOSED


def _with(base: ReferralFacts, **changes) -> ReferralFacts:
    return ReferralFacts(**{**base.__dict__, **changes})


@pytest.mark.parametrize(
    ("facts", "problem"),
    [
        (ReferralFacts(referred_on=None), ("referred_missing", "referred_on")),
        (ReferralFacts(date(2020, 12, 2)), ("future", "referred_on")),
        (ReferralFacts(TODAY), None),  # today itself is fine
        # start ≥ referred (same day allowed)
        (_with(REFERRED, diagnosis_start_on=date(2020, 10, 8)), ("start_before_referral", "diagnosis_start_on")),
        (_with(REFERRED, diagnosis_start_on=date(2020, 10, 9)), None),
        # end needs a start, ≥ start (same day allowed), and the measures
        (_with(DIAGNOSED, diagnosis_start_on=None), ("start_missing", "diagnosis_start_on")),
        (_with(DIAGNOSED, diagnosis_end_on=date(2020, 10, 11)), ("end_before_start", "diagnosis_end_on")),
        (_with(DIAGNOSED, diagnosis_end_on=date(2020, 10, 12)), None),
        (_with(DIAGNOSED, measures="  "), ("measures_missing", "measures")),
        (_with(DIAGNOSED, diagnosis_end_on=date(2020, 12, 2)), ("future", "diagnosis_end_on")),
        # retrofit ≥ end (same day allowed), only after a diagnosis, and says what was done
        (_with(RETROFITTED, retrofit_done_on=date(2020, 10, 29)), ("retrofit_before_end", "retrofit_done_on")),
        (_with(RETROFITTED, retrofit_done_on=date(2020, 10, 30)), None),
        (_with(RETROFITTED, retrofit_done_on=TODAY), None),
        (_with(RETROFITTED, retrofit_done_on=date(2020, 12, 2)), ("future", "retrofit_done_on")),
        (
            _with(RETROFITTED, diagnosis_start_on=None, diagnosis_end_on=None),
            ("retrofit_before_diagnosis", "retrofit_done_on"),
        ),
        (_with(RETROFITTED, retrofit_text=""), ("retrofit_text_missing", "retrofit_text")),
        (_with(RETROFITTED, retrofit_done_on=None), ("retrofit_date_missing", "retrofit_done_on")),
        (_with(DIAGNOSED, actual_savings=Decimal("1")), ("retrofit_date_missing", "retrofit_done_on")),
        # savings
        (_with(DIAGNOSED, estimated_savings=Decimal("-1")), ("savings_negative", "estimated_savings_tce")),
        (_with(RETROFITTED, actual_savings=Decimal("1.001")), ("savings_precision", "actual_savings_tce")),
        (_with(RETROFITTED, actual_savings=Decimal("0")), None),
    ],
)  # fmt: skip
def test_referral_problems_with_their_boundaries(facts, problem):
    assert rules.referral_problem(facts, TODAY) == problem


# -- excellent cases --------------------------------------------------------------------------------


def test_the_write_up_counts_characters_without_white_space():
    assert rules.write_up_length("节能 监察\n案例 ") == 6
    assert rules.write_up_length("") == 0


@pytest.mark.parametrize(
    ("case_status", "title", "write_up", "savings", "problem"),
    [
        ("rectification", "标题", "字" * 200, None, None),
        ("closed", "标题", "字" * 200, Decimal("148.00"), None),
        ("findings", "标题", "字" * 200, None, ("case_open", None)),
        ("in_progress", "标题", "字" * 200, None, ("case_open", None)),
        ("closed", "  ", "字" * 200, None, ("title_missing", "title")),
        ("closed", "题" * 160, "字" * 200, None, None),
        ("closed", "题" * 161, "字" * 200, None, ("title_long", "title")),
        ("closed", "标题", "字" * 199, None, ("write_up_short", "write_up")),
        # 199 characters padded with white space are still 199
        ("closed", "标题", "字 " * 199 + "\n\n", None, ("write_up_short", "write_up")),
        ("closed", "标题", "字" * 200, Decimal("-0.01"), ("savings_negative", "savings_tce")),
    ],
)
def test_nomination_problems(case_status, title, write_up, savings, problem):
    assert rules.nomination_problem(case_status, title, write_up, savings) == problem


def test_the_steps_of_an_excellent_case():
    # The province edits until the ministry selects; a declined case may be nominated again.
    assert [
        rules.nomination_editable(s) for s in ("nominated", "declined", "selected", "published")
    ] == [
        True,
        True,
        False,
        False,
    ]
    assert rules.decided_status(True) == rules.SELECTED
    assert rules.decided_status(False) == rules.DECLINED
    assert rules.decision_problem("nominated", True, "") is None
    assert rules.decision_problem("nominated", False, "") == ("note_missing", "note")
    assert rules.decision_problem("nominated", False, "材料不充分") is None
    assert rules.decision_problem("selected", False, "重新评议") is None  # not yet published
    assert rules.decision_problem("published", True, "") == ("published", None)
    assert rules.publish_problem("selected") is None
    assert rules.publish_problem("nominated") == "not_selected"
    assert rules.publish_problem("declined") == "not_selected"
    assert rules.publish_problem("published") == "already_published"
    assert [rules.is_public(s) for s in ("nominated", "selected", "published", "declined")] == [
        False,
        False,
        True,
        False,
    ]
