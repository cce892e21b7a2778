"""Who a daily-supervision draw may not draw, and why: stopped enterprises never; those
inspected within the months the draw sets; those in the year's special supervision."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

#: Why an enterprise is left out of the population (stored with the run, so they stay as drawn).
REASON_STOPPED = "已停产（停产企业不列入抽查）"
REASON_INSPECTED = "近{months}个月内已检查（检查日期 {on}）"
REASON_SPECIAL = "已列入{year}年度专项监察任务"


def months_before(day: date, months: int) -> date:
    """The same day ``months`` months earlier, the month's last day where it has fewer days
    (31 May − 3 months = 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def inspected_within(visit_on: date | None, draw_day: date, months: int | None) -> bool:
    """Whether a visit on ``visit_on`` falls within ``months`` months before ``draw_day``.

    The window includes its first day: with 6 months, a draw on 15 August 2026 leaves out an
    enterprise visited on 15 February 2026 (exactly six months before) and draws one visited
    on 14 February. No months (None or 0): nobody is left out.
    """
    if not months or visit_on is None:
        return False
    return visit_on >= months_before(draw_day, months)


@dataclass(frozen=True)
class Candidate:
    """What the exclusions need to know of one enterprise matching the draw's filters."""

    id: int
    name: str
    stratum: str = ""
    stopped: bool = False
    #: The latest visit on any inspection case of the enterprise.
    last_visit_on: date | None = None
    #: Whether it has a task of the draw year's special supervision.
    in_special_task: bool = False


def exclusion_reasons(
    candidate: Candidate,
    *,
    draw_day: date,
    year: int,
    inspected_months: int | None = None,
    exclude_special: bool = False,
) -> tuple[str, ...]:
    """Why ``candidate`` may not be drawn (empty: it may). A stopped enterprise never is (seed
    004 §四: no on-site supervision of 停产 enterprises); the others as the draw says."""
    reasons = []
    if candidate.stopped:
        reasons.append(REASON_STOPPED)
    if inspected_within(candidate.last_visit_on, draw_day, inspected_months):
        reasons.append(
            REASON_INSPECTED.format(months=inspected_months, on=candidate.last_visit_on.isoformat())
        )
    if exclude_special and candidate.in_special_task:
        reasons.append(REASON_SPECIAL.format(year=year))
    return tuple(reasons)


@dataclass(frozen=True)
class Screened:
    """The candidates split: ``eligible`` as (id, stratum) to draw from, ``excluded`` with
    their reasons (in id order)."""

    eligible: list[tuple[int, str]]
    excluded: list[tuple[Candidate, tuple[str, ...]]]


def screen(
    candidates: Iterable[Candidate],
    *,
    draw_day: date,
    year: int,
    inspected_months: int | None = None,
    exclude_special: bool = False,
) -> Screened:
    eligible: list[tuple[int, str]] = []
    excluded: list[tuple[Candidate, tuple[str, ...]]] = []
    for candidate in sorted(candidates, key=lambda c: c.id):
        reasons = exclusion_reasons(
            candidate,
            draw_day=draw_day,
            year=year,
            inspected_months=inspected_months,
            exclude_special=exclude_special,
        )
        if reasons:
            excluded.append((candidate, reasons))
        else:
            eligible.append((candidate.id, candidate.stratum))
    return Screened(eligible, excluded)
