"""Pure rules of result use (结果运用): a diagnosis referral's status and the order of its
dates, savings figures (tce a year, 2 decimals), and the steps of an excellent case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

# -- diagnosis referrals ------------------------------------------------------------------------

REFERRED = "referred"
DIAGNOSED = "diagnosed"
RETROFITTED = "retrofitted"

#: Savings are kept in tonnes of standard coal a year with two decimals (Numeric(14, 2)).
SAVINGS_QUANTUM = Decimal("0.01")
MAX_SAVINGS = Decimal("999999999999.99")


def savings_problem(value: Decimal | None) -> str | None:
    """Why ``value`` is not a savings figure, or None (no figure is fine: they are optional).

    ``invalid`` (not a finite number), ``negative``, ``precision`` (more than two decimals
    that are not zeros: 1.234 is refused, 1.230 is 1.23), ``too_large``.
    """
    if value is None:
        return None
    if not value.is_finite():
        return "invalid"
    if value < 0:
        return "negative"
    if value > MAX_SAVINGS:
        return "too_large"
    try:
        if value != value.quantize(SAVINGS_QUANTUM):
            return "precision"
    except InvalidOperation:  # more digits than the context holds: surely too precise
        return "precision"
    return None


def savings(value: Decimal | None) -> Decimal | None:
    """The figure as stored: two decimals (check ``savings_problem`` first)."""
    return None if value is None else value.quantize(SAVINGS_QUANTUM)


def total_savings(values: Iterable[Decimal | None]) -> Decimal:
    """Sum of the figures given, missing ones left out; 0.00 when there are none."""
    return sum((v for v in values if v is not None), Decimal("0")).quantize(SAVINGS_QUANTUM)


@dataclass(frozen=True)
class ReferralFacts:
    """What a referral records, as entered."""

    referred_on: date | None
    diagnosis_start_on: date | None = None
    diagnosis_end_on: date | None = None
    measures: str = ""
    estimated_savings: Decimal | None = None
    retrofit_text: str = ""
    retrofit_done_on: date | None = None
    actual_savings: Decimal | None = None


def referral_status(facts: ReferralFacts) -> str:
    """The status the filled fields mean: retrofitted once the retrofit has a completion
    date, diagnosed once the diagnosis has an end date, else referred. Clearing a field (a
    correction) moves the status back."""
    if facts.retrofit_done_on is not None:
        return RETROFITTED
    if facts.diagnosis_end_on is not None:
        return DIAGNOSED
    return REFERRED


def referral_problem(facts: ReferralFacts, today: date) -> tuple[str, str] | None:
    """The first thing wrong with the referral's fields, as (problem, field), or None.

    Dates run referred ≤ diagnosis start ≤ diagnosis end ≤ retrofit done ≤ today (equal days
    allowed). A finished diagnosis states its measures; a retrofit needs a finished diagnosis
    and says what was done; retrofit text or actual savings need the retrofit date.
    """
    if facts.referred_on is None:
        return "referred_missing", "referred_on"
    for value, name in (
        (facts.estimated_savings, "estimated_savings_tce"),
        (facts.actual_savings, "actual_savings_tce"),
    ):
        problem = savings_problem(value)
        if problem:
            return f"savings_{problem}", name
    dates = (
        (facts.referred_on, "referred_on"),
        (facts.diagnosis_start_on, "diagnosis_start_on"),
        (facts.diagnosis_end_on, "diagnosis_end_on"),
        (facts.retrofit_done_on, "retrofit_done_on"),
    )
    for value, name in dates:
        if value is not None and value > today:
            return "future", name
    if facts.diagnosis_start_on is not None and facts.diagnosis_start_on < facts.referred_on:
        return "start_before_referral", "diagnosis_start_on"
    if facts.diagnosis_end_on is not None:
        if facts.diagnosis_start_on is None:
            return "start_missing", "diagnosis_start_on"
        if facts.diagnosis_end_on < facts.diagnosis_start_on:
            return "end_before_start", "diagnosis_end_on"
        if not facts.measures.strip():
            return "measures_missing", "measures"
    if facts.retrofit_done_on is not None:
        if facts.diagnosis_end_on is None:
            return "retrofit_before_diagnosis", "retrofit_done_on"
        if facts.retrofit_done_on < facts.diagnosis_end_on:
            return "retrofit_before_end", "retrofit_done_on"
        if not facts.retrofit_text.strip():
            return "retrofit_text_missing", "retrofit_text"
    elif facts.retrofit_text.strip() or facts.actual_savings is not None:
        return "retrofit_date_missing", "retrofit_done_on"
    return None


# -- excellent cases ----------------------------------------------------------------------------

NOMINATED = "nominated"
SELECTED = "selected"
PUBLISHED = "published"
DECLINED = "declined"

#: A nomination's write-up needs at least this many characters (white space not counted).
MIN_WRITE_UP = 200
MAX_TITLE = 160
MAX_WRITE_UP = 20000
#: Case statuses from which a case may be nominated: its supervision is over.
NOMINABLE_CASE_STATUSES = frozenset({"closed", "rectification"})


def write_up_length(text: str) -> int:
    """Characters of the write-up, white space left out (padding does not count)."""
    return sum(1 for ch in text or "" if not ch.isspace())


def nomination_problem(
    case_status: str, title: str, write_up: str, savings_value: Decimal | None
) -> tuple[str, str | None] | None:
    """Why the case may not be nominated with these texts, as (problem, field), or None."""
    if case_status not in NOMINABLE_CASE_STATUSES:
        return "case_open", None
    title = (title or "").strip()
    if not title:
        return "title_missing", "title"
    if len(title) > MAX_TITLE:
        return "title_long", "title"
    length = write_up_length(write_up)
    if length < MIN_WRITE_UP:
        return "write_up_short", "write_up"
    if len(write_up or "") > MAX_WRITE_UP:
        return "write_up_long", "write_up"
    problem = savings_problem(savings_value)
    if problem:
        return f"savings_{problem}", "savings_tce"
    return None


def nomination_editable(status: str) -> bool:
    """The province may change its nomination until the ministry selects it; changing a
    declined one nominates it again."""
    return status in (NOMINATED, DECLINED)


def decision_problem(status: str, select: bool, note: str) -> tuple[str, str | None] | None:
    """Why the ministry may not decide so now, or None. A published case is final; declining
    says why."""
    if status == PUBLISHED:
        return "published", None
    if not select and not (note or "").strip():
        return "note_missing", "note"
    return None


def decided_status(select: bool) -> str:
    return SELECTED if select else DECLINED


def publish_problem(status: str) -> str | None:
    """Only a selected case is published (once)."""
    if status == PUBLISHED:
        return "already_published"
    if status != SELECTED:
        return "not_selected"
    return None


def is_public(status: str) -> bool:
    return status == PUBLISHED
