"""The annual summary's figures as plain data: the category lines, daily supervision, the
cases actually supervised, follow-up and funds; their JSON form (kept with each submission in
``SummaryEvent.figures``) and the national roll-up. No database here: ``figures.assemble``
fills them from the cases."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from . import rules

#: Version of the JSON shape stored with each submission.
SCHEMA = 1
NATIONAL = "全国"


@dataclass(frozen=True)
class CategoryLine(rules.Tally):
    """One special-supervision category's line of the summary table."""

    number: int = 0
    name: str = ""

    @property
    def heading(self) -> str:
        return rules.category_heading(self.number, self.name)


@dataclass(frozen=True)
class DailyFigures(rules.Tally):
    """日常节能监察 of the year's draws: ``tasks`` are the enterprises drawn (current runs)."""

    #: Draws run (a run stands: drawn, opened or published) and draws whose results are public.
    draws: int = 0
    published: int = 0

    @property
    def drawn(self) -> int:
        return self.tasks


@dataclass(frozen=True)
class CaseLine:
    """A case actually supervised, with its result: a line of the results list."""

    case_id: int
    category: int
    enterprise: str
    credit_code: str
    division_code: str
    agency: str
    visit_on: date | None
    finding_kinds: tuple[str, ...] = ()
    notice_numbers: tuple[str, ...] = ()
    notice_statuses: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return rules.supervision_kind(self.category)

    @property
    def result(self) -> str:
        return rules.result_text(True, self.finding_kinds)

    @property
    def findings(self) -> str:
        return rules.findings_text(self.finding_kinds)

    @property
    def notices(self) -> str:
        return "、".join(self.notice_numbers)

    @property
    def rectification(self) -> str:
        return rules.rectification_text(bool(self.finding_kinds), self.notice_statuses)


@dataclass(frozen=True)
class FollowUp:
    """结果运用 of the year's cases."""

    suggestions: int = 0
    referrals: int = 0
    diagnosed: int = 0
    retrofitted: int = 0
    estimated_savings_tce: Decimal = Decimal(0)
    actual_savings_tce: Decimal = Decimal(0)
    excellent_nominated: int = 0
    excellent_selected: int = 0
    excellent_published: int = 0


@dataclass(frozen=True)
class Funds:
    """万元: the task filing's funds (earlier subsidy, carry-over, request) and the summary's
    funds used in the year."""

    earlier_received: Decimal | None = None
    earlier_used: Decimal | None = None
    carried_over_balance: Decimal | None = None
    carried_over_planned: Decimal | None = None
    requested: Decimal | None = None
    used: Decimal | None = None


@dataclass(frozen=True)
class SummaryFigures:
    year: int
    province: str
    categories: tuple[CategoryLine, ...] = ()
    daily: DailyFigures = field(default_factory=DailyFigures)
    #: The cases actually supervised (none in a national roll-up).
    rows: tuple[CaseLine, ...] = ()
    followup: FollowUp = field(default_factory=FollowUp)
    funds: Funds = field(default_factory=Funds)

    @property
    def special(self) -> rules.Tally:
        """专项监察 合计: the sum of the category lines."""
        return rules.total(self.categories)

    @property
    def overall(self) -> rules.Tally:
        """专项 + 日常."""
        return self.special + self.daily

    def to_json(self) -> dict:
        return {"schema": SCHEMA, **_plain(asdict(self))}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SummaryFigures:
        return cls(
            year=data["year"],
            province=data["province"],
            categories=tuple(
                CategoryLine(**_known(CategoryLine, line)) for line in data.get("categories", ())
            ),
            daily=DailyFigures(**_known(DailyFigures, data.get("daily", {}))),
            rows=tuple(_case_line(r) for r in data.get("rows", ())),
            followup=_decimals(FollowUp, data.get("followup", {})),
            funds=_decimals(Funds, data.get("funds", {})),
        )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _known(cls, data: Mapping[str, Any]) -> dict[str, Any]:
    """The keys ``cls`` has (a snapshot written by a later version may hold more)."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _decimals(cls, data: Mapping[str, Any]):
    """FollowUp / Funds from JSON: their text values are the Decimals ``_plain`` wrote."""
    return cls(**{k: Decimal(v) if isinstance(v, str) else v for k, v in _known(cls, data).items()})


def _case_line(data: Mapping[str, Any]) -> CaseLine:
    visit = data.get("visit_on")
    return CaseLine(
        **{
            **_known(CaseLine, data),
            "visit_on": date.fromisoformat(visit) if visit else None,
            "finding_kinds": tuple(data.get("finding_kinds", ())),
            "notice_numbers": tuple(data.get("notice_numbers", ())),
            "notice_statuses": tuple(data.get("notice_statuses", ())),
        }
    )


# -- the national roll-up ---------------------------------------------------------------------


def _add(cls, items: Iterable[Any]):
    """Field-wise sum of dataclass instances (None + x = x)."""
    values: dict[str, Any] = {}
    for item in items:
        for f in fields(cls):
            value = getattr(item, f.name)
            if f.name in ("number", "name"):
                values.setdefault(f.name, value)
            elif f.name in values:
                values[f.name] = rules.add_optional(values[f.name], value)
            else:
                values[f.name] = value
    return cls(**values)


def national_rollup(
    items: Iterable[tuple[str, SummaryFigures]], *, year: int | None = None
) -> SummaryFigures:
    """The provinces' figures added up (category lines matched by number); no result rows."""
    figures = [f for _name, f in items]
    by_number: dict[int, list[CategoryLine]] = defaultdict(list)
    for f in figures:
        for line in f.categories:
            by_number[line.number].append(line)
    return SummaryFigures(
        year=year if year is not None else (figures[0].year if figures else 0),
        province=NATIONAL,
        categories=tuple(_add(CategoryLine, by_number[n]) for n in sorted(by_number)),
        daily=_add(DailyFigures, (f.daily for f in figures)),
        followup=_add(FollowUp, (f.followup for f in figures)),
        funds=_add(Funds, (f.funds for f in figures)),
    )
