"""A unit's results (核查结果): the figures reported to the ministry, their national totals, and
when a report is late or a unit overdue (seed 000: results and report by 4 月 15 日)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

#: The sales tables in the order of seed 002 (附表3-1 … 3-6); keys of ``SALES_TABLES``.
SALES_TABLE_KEYS = (
    "producer_stock",
    "outlet_stock",
    "production",
    "shipments",
    "dealer_purchases",
    "consumer_sales",
)
METHODS = ("phone", "visit")
#: Outcomes of a sampled record, in the order the tables print them.
OUTCOMES = ("confirmed", "unreachable", "discrepancy", "pending")

#: Report states in which the unit has handed its results in.
HANDED_IN = frozenset({"submitted", "accepted"})
#: Report states in which the unit may still edit its report.
EDITABLE = frozenset({"draft", "returned"})
#: Bootstrap colour of each report state (the progress page's badges).
STATUS_COLOURS = {
    "draft": "secondary",
    "submitted": "primary",
    "returned": "warning",
    "accepted": "success",
}


def _zero_records() -> dict[str, int]:
    return dict.fromkeys(SALES_TABLE_KEYS, 0)


def _zero_outcomes() -> dict[str, dict[str, int]]:
    return {method: dict.fromkeys(OUTCOMES, 0) for method in METHODS}


@dataclass
class Figures:
    """What one unit (or the nation, summed) has done in a campaign."""

    #: Rows imported per sales table.
    records: dict[str, int] = field(default_factory=_zero_records)
    #: Models whose counts do not match the declared shipments; None: not reconciled yet.
    reconciliation_differences: int | None = None
    #: Buyers with ``bulk_threshold`` units or more, and how many of them were looked into.
    bulk_buyers: int = 0
    bulk_buyers_checked: int = 0
    #: The active draw: valid records counted, records drawn for each check.
    population: int = 0
    phone_drawn: int = 0
    visit_drawn: int = 0
    #: method → outcome → sampled records (top-ups included).
    outcomes: dict[str, dict[str, int]] = field(default_factory=_zero_outcomes)
    #: Records drawn to replace unreachable ones (补抽).
    top_ups: int = 0
    #: Subsidy claims received, recomputed, and found to differ.
    claims: int = 0
    claims_checked: int = 0
    claims_with_differences: int = 0
    tasks_done: int = 0
    tasks_total: int = 0

    def outcome(self, method: str, outcome: str) -> int:
        return self.outcomes.get(method, {}).get(outcome, 0)

    def sampled(self, method: str) -> int:
        """Records under check by ``method`` (drawn and topped up)."""
        return sum(self.outcomes.get(method, {}).values())

    def checked(self, method: str) -> int:
        """Records whose check by ``method`` has an outcome."""
        return self.sampled(method) - self.outcome(method, "pending")

    @property
    def sales_records(self) -> int:
        return sum(self.records.values())

    def as_dict(self) -> dict:
        """A JSON-safe copy, as kept in ``VerificationReport.figures``."""
        return {
            "records": dict(self.records),
            "reconciliation_differences": self.reconciliation_differences,
            "bulk_buyers": self.bulk_buyers,
            "bulk_buyers_checked": self.bulk_buyers_checked,
            "population": self.population,
            "phone_drawn": self.phone_drawn,
            "visit_drawn": self.visit_drawn,
            "outcomes": {m: dict(o) for m, o in self.outcomes.items()},
            "top_ups": self.top_ups,
            "claims": self.claims,
            "claims_checked": self.claims_checked,
            "claims_with_differences": self.claims_with_differences,
            "tasks_done": self.tasks_done,
            "tasks_total": self.tasks_total,
        }

    @classmethod
    def from_dict(cls, data: Mapping | None) -> Figures:
        """Figures as kept; keys missing from an older report read as zero."""
        data = data or {}
        figures = cls()
        for key, value in data.get("records", {}).items():
            figures.records[key] = int(value)
        for method, counts in data.get("outcomes", {}).items():
            bucket = figures.outcomes.setdefault(method, dict.fromkeys(OUTCOMES, 0))
            for outcome, value in counts.items():
                bucket[outcome] = int(value)
        differences = data.get("reconciliation_differences")
        figures.reconciliation_differences = None if differences is None else int(differences)
        for name in _COUNTS:
            setattr(figures, name, int(data.get(name, 0) or 0))
        return figures


_COUNTS = (
    "bulk_buyers",
    "bulk_buyers_checked",
    "population",
    "phone_drawn",
    "visit_drawn",
    "top_ups",
    "claims",
    "claims_checked",
    "claims_with_differences",
    "tasks_done",
    "tasks_total",
)


def total(all_figures: Iterable[Figures]) -> Figures:
    """The sum of units' figures. Reconciliation differences add up over the units that
    reconciled; None only when none did (an unknown is never shown as zero)."""
    result = Figures()
    for figures in all_figures:
        for key, value in figures.records.items():
            result.records[key] = result.records.get(key, 0) + value
        for method, counts in figures.outcomes.items():
            bucket = result.outcomes.setdefault(method, dict.fromkeys(OUTCOMES, 0))
            for outcome, value in counts.items():
                bucket[outcome] = bucket.get(outcome, 0) + value
        if figures.reconciliation_differences is not None:
            result.reconciliation_differences = (
                result.reconciliation_differences or 0
            ) + figures.reconciliation_differences
        for name in _COUNTS:
            setattr(result, name, getattr(result, name) + getattr(figures, name))
    return result


def is_late(submitted_on: date | None, due_on: date) -> bool:
    """Handed in after the deadline day (on the day itself is in time)."""
    return submitted_on is not None and submitted_on > due_on


def is_overdue(status: str, today: date, due_on: date) -> bool:
    """The deadline has passed and the unit's results are not (or no longer) handed in:
    never reported, still a draft, or returned and not yet sent again."""
    return status not in HANDED_IN and today > due_on


def submit_problem(status: str, summary: str) -> str | None:
    """Why a report cannot be submitted now, or None."""
    if status not in EDITABLE:
        return "not_editable"
    if not (summary or "").strip():
        return "no_summary"
    return None


def edit_problem(status: str) -> str | None:
    return None if status in EDITABLE else "not_editable"


def review_problem(status: str, accept: bool, comment: str) -> str | None:
    """Why the ministry cannot accept or return a report now, or None. A returned report
    says why (the unit has to know what to change)."""
    if status != "submitted":
        return "not_submitted"
    if not accept and not (comment or "").strip():
        return "no_comment"
    return None
