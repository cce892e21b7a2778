"""Scores of an expert review (seed 003 第十条): each member's total kept to one decimal, the price
score and the final score to two, rounding half up (四舍五入), with ``Decimal`` only; the
ranking top-down within the funds (第十二条), ties sharing a rank.

Floats are refused (``TypeError``): ``round(2.675, 2)`` is 2.67 in binary floating point, while
四舍五入 of 2.675 is 2.68.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

ONE_DECIMAL = Decimal("0.1")
TWO_DECIMALS = Decimal("0.01")
#: Precision of intermediate sums and quotients (far beyond any review's figures).
PRECISION = 50

#: Problems of one item of a score sheet (the views word them).
MISSING = "missing"
NOT_A_NUMBER = "not_a_number"
NEGATIVE = "negative"
OVER_MAX = "over_max"
TOO_MANY_DECIMALS = "too_many_decimals"

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def as_decimal(value) -> Decimal:
    """``value`` (Decimal, int or its text) as a Decimal; floats are refused."""
    if isinstance(value, float):
        raise TypeError("scores are Decimal, never float")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("a score is a number, not a truth value")
    return Decimal(value if isinstance(value, int) else str(value).strip())


def one_decimal(value) -> Decimal:
    """保留小数点后一位，四舍五入: 85.25 → 85.3, 85.24 → 85.2."""
    return as_decimal(value).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def two_decimals(value) -> Decimal:
    """保留小数点后二位，四舍五入: 2.675 → 2.68."""
    return as_decimal(value).quantize(TWO_DECIMALS, rounding=ROUND_HALF_UP)


# -- scoring items and sheets ---------------------------------------------------------------


def scored_items(items: Iterable[Mapping]) -> list[Mapping]:
    """The items the experts score (every item but the price: that one is computed)."""
    return [item for item in items if not item.get("price")]


def price_item(items: Iterable[Mapping]) -> Mapping | None:
    """The review's price item (价格计分), if it has one."""
    return next((item for item in items if item.get("price")), None)


def points_problem(raw, max_points) -> str | None:
    """What is wrong with one item's points as entered (None: fine): filled, a number,
    0 ≤ points ≤ the item's maximum, at most one decimal."""
    if raw is None or str(raw).strip() == "":
        return MISSING
    if isinstance(raw, float):
        raise TypeError("scores are Decimal, never float")
    text = str(raw).strip()
    if not _NUMBER.match(text):
        return NOT_A_NUMBER
    value = Decimal(text)
    if value < 0:
        return NEGATIVE
    if value > as_decimal(max_points):
        return OVER_MAX
    if value != value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP):
        return TOO_MANY_DECIMALS
    return None


def sheet_problems(
    items: Iterable[Mapping], points: Mapping[str, object], *, complete: bool = True
) -> dict[str, str]:
    """{item key: problem} over the scored items; with ``complete`` False (a draft) items left
    empty are no problem, but what was entered must still be valid."""
    problems = {}
    for item in scored_items(items):
        problem = points_problem(points.get(item["key"]), item["max_points"])
        if problem == MISSING and not complete:
            continue
        if problem:
            problems[item["key"]] = problem
    return problems


def normalised_points(items: Iterable[Mapping], points: Mapping[str, object]) -> dict[str, str]:
    """The valid entered points as stored (text of the Decimal, "8.0" → "8.0", " 7 " → "7")."""
    kept = {}
    for item in scored_items(items):
        raw = points.get(item["key"])
        if points_problem(raw, item["max_points"]) is None:
            kept[item["key"]] = str(Decimal(str(raw).strip()))
    return kept


def max_total(items: Iterable[Mapping]) -> Decimal:
    """The most a member's sheet can total (the scored items' maxima)."""
    return sum((as_decimal(i["max_points"]) for i in scored_items(items)), Decimal(0))


# -- the formulas ---------------------------------------------------------------------------


def expert_total(points: Mapping[str, object] | Iterable) -> Decimal:
    """One member's total for a candidate: the sum of his points on the scored items (the price
    item is not among them), kept to one decimal, half up."""
    values = points.values() if isinstance(points, Mapping) else points
    with localcontext() as context:
        context.prec = PRECISION
        total = sum((as_decimal(v) for v in values), Decimal(0))
    return one_decimal(total)


def price_score(quote, quotes: Iterable, max_points) -> Decimal | None:
    """低价优先: the lowest valid quote ÷ this quote × the item's points, to two decimals, half
    up. A quote that is missing or not positive gets no price score (None); the lowest is taken
    over the valid quotes only. 10 × 38 000 / 40 000 = 9.50."""
    if quote is None or as_decimal(quote) <= 0:
        return None
    # The quote itself is among the quotes, whether or not the caller listed it.
    valid = [as_decimal(q) for q in (*quotes, quote) if q is not None and as_decimal(q) > 0]
    with localcontext() as context:
        context.prec = PRECISION
        score = as_decimal(max_points) * min(valid) / as_decimal(quote)
    return two_decimals(score)


def mean_score(expert_totals: Sequence) -> Decimal:
    """The arithmetic mean of the members' totals (each kept to one decimal first), to two
    decimals, half up: mean(85.3, 86.1, 84.7, 85.0, 85.9) = 85.40."""
    totals = [one_decimal(t) for t in expert_totals]
    if not totals:
        raise ValueError("no member's total to average")
    with localcontext() as context:
        context.prec = PRECISION
        mean = sum(totals, Decimal(0)) / len(totals)
    return two_decimals(mean)


def final_score(expert_totals: Sequence, price=None) -> Decimal:
    """各申请单位的最后得分: the mean of the members' one-decimal totals plus the price score
    (if any), kept to two decimals, half up."""
    mean = mean_score(expert_totals)
    if price is None:
        return mean
    return two_decimals(mean + two_decimals(price))


# -- ranking within the funds ---------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """One candidate's place: ``rank`` shared by ties (1, 2, 2, 4); ``within_cap`` while the
    requests down to it fit the funds and the number chosen fits the call's limit;
    ``tie_at_cap`` when it ties with others and the funds or the limit cut through the tie
    (the convener decides among them); ``cumulative_wan`` the requests down to it when within."""

    key: object
    final: Decimal
    rank: int
    within_cap: bool
    tie_at_cap: bool
    cumulative_wan: Decimal | None


def _fits(spent: Decimal, count: int, extra: Decimal, n: int, cap, max_selected) -> bool:
    if cap is not None and spent + extra > as_decimal(cap):
        return False
    return max_selected is None or count + n <= max_selected


def rank_within_cap(
    finals: Mapping[object, object],
    requests: Mapping[object, object],
    cap_wan=None,
    max_selected: int | None = None,
) -> list[Ranked]:
    """Rank ``finals`` ({key: final score}) top-down; candidates are within the cap while the
    cumulative requests ({key: 万元, None = nothing asked}) fit ``cap_wan`` and their number
    fits ``max_selected`` (None: no limit). Top-down means the first candidate that does not
    fit ends the list: nobody below it is taken in its place (自上而下确定). A tie group that
    fits only in part is flagged ``tie_at_cap`` for the convener and ends the list too.
    Ties keep the order of ``finals``."""
    order = {key: n for n, key in enumerate(finals)}
    ranked_keys = sorted(finals, key=lambda k: (-as_decimal(finals[k]), order[k]))
    groups: list[list] = []
    for key in ranked_keys:
        if groups and as_decimal(finals[groups[-1][0]]) == as_decimal(finals[key]):
            groups[-1].append(key)
        else:
            groups.append([key])

    def asked(key) -> Decimal:
        value = requests.get(key)
        return Decimal(0) if value is None else as_decimal(value)

    result: list[Ranked] = []
    spent, count, open_ = Decimal(0), 0, True
    rank = 1
    for group in groups:
        whole = sum((asked(k) for k in group), Decimal(0))
        within = open_ and _fits(spent, count, whole, len(group), cap_wan, max_selected)
        tie_at_cap = (
            open_
            and not within
            and len(group) > 1
            and any(_fits(spent, count, asked(k), 1, cap_wan, max_selected) for k in group)
        )
        for key in group:
            if within:
                spent += asked(key)
                count += 1
            result.append(
                Ranked(
                    key=key,
                    final=as_decimal(finals[key]),
                    rank=rank,
                    within_cap=within,
                    tie_at_cap=tie_at_cap,
                    cumulative_wan=spent if within else None,
                )
            )
        if not within:
            open_ = False
        rank += len(group)
    return result
