"""The facts a layout computes cells from: plain values the service reads from the database.

Standard library only, like the layouts: a layout's cell functions see these and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(slots=True)
class TaskRow:
    """One filed task, flattened from the database (the enterprise list). Not frozen: one is
    made per row of a national workbook, and a frozen dataclass is slower to build."""

    seq: int
    category: int
    #: The category of the task a category-三 task rides on.
    parent_category: int | None
    enterprise: str
    credit_code: str
    division_code: str
    #: The task's industry; a rider's parent's; else the enterprise's registered industry.
    industry: str
    industry_code: str
    industry_id: int | None
    products: str
    stopped: bool
    #: ``ReviewMethod`` value: on_site / desk.
    method: str
    agency: str
    inspectors: str
    remarks: str
    #: Codes of the quota standards of ``industry`` in force on the assessed day.
    quota_standards: tuple[str, ...] = ()


@dataclass(frozen=True)
class Funds:
    """前期节能监察补助资金 and this year's request (万元), as the filing records them."""

    received: Decimal | None = None
    used: Decimal | None = None
    balance: Decimal | None = None
    planned: Decimal | None = None
    requested: Decimal | None = None


@dataclass(frozen=True)
class ProvinceFacts:
    """What the tables say about one province's filing (``counts``: ``filing_counts()``)."""

    year: int
    province: str
    division_code: str
    counts: Any
    funds: Funds = field(default_factory=Funds)
    #: ``FilingStatus`` value, or None when the province has no filing.
    status: str | None = None
    submitted_on: date | None = None
    late_workdays: int = 0
    funds_report: bool = False
    seq: int = 0


@dataclass(frozen=True)
class SummaryRow:
    """A row of the summary table (a category, or an industry under it)."""

    seq: str
    category: str
    industry: str
    enterprises: int | None
    stopped: int | None
    remark: str = ""
    strong: bool = False
    #: Whether the row adds into the 合计 row (category rows that are filed alone).
    in_total: bool = False


@dataclass(frozen=True)
class SummaryInput:
    """Everything a summary-rows function needs: plain values, no database."""

    facts: ProvinceFacts
    #: (number, key, name, filed_alone) of the plan's categories.
    categories: Sequence[tuple[int, str, str, bool]]
    #: (id, name, kind) of the catalogue, in catalogue order.
    industries: Sequence[tuple[int, str, str]]
    #: Stopped-enterprise rows of the enterprise list by (category, industry id or None).
    stopped: Mapping[tuple[int, int | None], int]
