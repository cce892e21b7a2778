"""Pure checks of a verification campaign: its facts, the per-unit record counts the ministry
types or pastes from a spreadsheet, and unit names as notices print them (内蒙古 for
内蒙古自治区, 大连 for 大连市)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

#: Seed 000: 1 % of end users' valid records by phone, 0.5 % at home; 5 units make a bulk buyer.
DEFAULT_PHONE_RATE = Decimal("0.01")
DEFAULT_VISIT_RATE = Decimal("0.005")
DEFAULT_BULK_THRESHOLD = 5
#: A rate is stored with four decimals (Numeric(6, 4)): 0.5 % is 0.0050.
RATE_PLACES = 4
#: More records than any unit could be given (the 2013 batch: 23.91 million in all).
MAX_RECORD_COUNT = 100_000_000


def rate_problem(rate: Decimal | None) -> str | None:
    """Why ``rate`` (a fraction: 0.01 is 1 %) cannot be a sampling rate: "missing", "range"
    (not 0 < r ≤ 1) or "precision" (more than four decimals, i.e. 0.125 %); None if fine."""
    if rate is None:
        return "missing"
    if not Decimal(0) < rate <= Decimal(1):
        return "range"
    exponent = rate.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > RATE_PLACES:
        return "precision"
    return None


def campaign_problems(
    *,
    sales_from: date | None,
    sales_to: date | None,
    result_due_on: date | None,
    phone_rate: Decimal | None,
    visit_rate: Decimal | None,
    bulk_threshold: int | None,
    categories: Iterable[str],
    known_categories: Iterable[str],
    targets: Iterable[str] | None = None,
    units: Iterable[int] | None = None,
) -> list[tuple[str, str]]:
    """Every problem of a campaign's facts, as (problem key, field name), in the form's order.

    ``targets`` and ``units`` are checked only when given (an issued campaign keeps its own).
    """
    problems: list[tuple[str, str]] = []
    chosen = list(categories)
    if not chosen:
        problems.append(("no_category", "categories"))
    elif set(chosen) - set(known_categories):
        problems.append(("unknown_category", "categories"))
    if sales_from is None:
        problems.append(("missing_date", "sales_from"))
    if sales_to is None:
        problems.append(("missing_date", "sales_to"))
    if result_due_on is None:
        problems.append(("missing_date", "result_due_on"))
    if sales_from and sales_to and sales_to < sales_from:
        problems.append(("period_order", "sales_to"))
    if sales_to and result_due_on and result_due_on <= sales_to:
        problems.append(("deadline_before_period_end", "result_due_on"))
    for field, rate in (("phone_rate", phone_rate), ("visit_rate", visit_rate)):
        problem = rate_problem(rate)
        if problem:
            problems.append((f"rate_{problem}", field))
    if bulk_threshold is None or bulk_threshold < 2:
        problems.append(("bulk_threshold", "bulk_threshold"))
    if targets is not None and not list(targets):
        problems.append(("no_target", "targets"))
    if units is not None and not list(units):
        problems.append(("no_unit", "unit_ids"))
    return problems


def moved_due_dates(old_due: date, new_due: date, task_dues: Mapping[int, date]) -> dict[int, date]:
    """Tasks whose deadline follows the campaign's: those due on the old result deadline move
    to the new one; a task given a date of its own keeps it. Returns {task id: new date}."""
    if old_due == new_due:
        return {}
    return {task: new_due for task, due in task_dues.items() if due == old_due}


# -- unit names -------------------------------------------------------------------------------

#: Endings a notice drops when it names a provincial unit or a city (longest first).
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")
#: Names that are not a shortened form of another (新疆 is the region, not the 兵团).
_KEEP_WHOLE = ("新疆生产建设兵团",)
_ALIASES = {"兵团": "新疆生产建设兵团", "新疆兵团": "新疆生产建设兵团"}


def clean_name(text: str) -> str:
    """White space removed: ``" 内 蒙古 "`` → ``"内蒙古"``."""
    return "".join((text or "").split())


def short_name(name: str) -> str:
    """The name as lists print it: 内蒙古自治区 → 内蒙古, 宁夏回族自治区 → 宁夏, 大连市 → 大连."""
    name = clean_name(name)
    if name in _KEEP_WHOLE:
        return name
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def unit_index(units: Iterable[tuple[int, str, str | None]]) -> dict[str, int]:
    """Every way a unit may be named → its id, from (id, registered name, division code):
    the code, the registered name and the short name (the registered name wins a clash)."""
    index: dict[str, int] = {}
    named = list(units)
    for unit_id, name, code in named:
        index[clean_name(name)] = unit_id
        if code:
            index[code] = unit_id
    for unit_id, name, _code in named:
        index.setdefault(short_name(name), unit_id)
    for alias, target in _ALIASES.items():
        if target in index:
            index.setdefault(alias, index[target])
    return index


def find_unit(index: Mapping[str, int], text: str) -> int | None:
    """The unit ``text`` names (registered or short name, or division code), or None."""
    key = clean_name(text)
    if not key:
        return None
    return index.get(key) or index.get(short_name(key))


# -- record counts ----------------------------------------------------------------------------


def parse_count(text: str | None) -> int | None:
    """A typed record count: blank → None (not stated); "12,000" or "１２０００" → 12000.
    ValueError when it is not a whole number from 0 to MAX_RECORD_COUNT."""
    plain = clean_name(str(text) if text is not None else "")
    plain = plain.translate(_FULL_WIDTH).replace(",", "").replace("，", "")
    if not plain:
        return None
    if plain.endswith(".0"):  # a number cell read from a spreadsheet
        plain = plain[:-2]
    if not plain.isdigit():
        raise ValueError(text)
    value = int(plain)
    if value > MAX_RECORD_COUNT:
        raise ValueError(text)
    return value


_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class CountProblem:
    """One refused line of a pasted count table (line numbers from 1)."""

    line: int
    problem: str  # "unknown_unit", "bad_count", "too_many_cells"
    text: str


def _cells(line: str) -> list[str]:
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    return [c for c in re.split(r"[,，;；\s]+", line.strip()) if c != ""]


def parse_count_table(
    rows: Iterable[str | Sequence[object]],
    index: Mapping[str, int],
    targets: Sequence[str],
) -> tuple[dict[tuple[int, str], int | None], list[CountProblem]]:
    """Record counts from a table: each row a unit (name or code) followed by one count per
    target, in ``targets`` order. Rows are pasted lines (tab-separated as a spreadsheet copies
    them, or commas / spaces) or cell lists (an uploaded sheet). A first row that names no
    unit is a header; blank rows are skipped; a blank or missing cell makes that count
    unstated (None): a unit's row gives all of its counts.

    Returns ({(unit id, target): count}, problems); nothing should be saved if there are
    problems (the table is taken whole or not at all)."""
    counts: dict[tuple[int, str], int | None] = {}
    problems: list[CountProblem] = []
    for number, row in enumerate(rows, start=1):
        cells = _cells(row) if isinstance(row, str) else [_text(c) for c in row]
        while cells and cells[-1] == "":
            cells.pop()
        if not cells or not cells[0]:
            continue
        unit_id = find_unit(index, cells[0])
        if unit_id is None:
            if number == 1:
                continue  # the header
            problems.append(CountProblem(number, "unknown_unit", cells[0]))
            continue
        values = cells[1:]
        if len(values) > len(targets):
            problems.append(CountProblem(number, "too_many_cells", "\t".join(values)))
            continue
        values += [""] * (len(targets) - len(values))
        for target, cell in zip(targets, values, strict=True):
            try:
                counts[(unit_id, target)] = parse_count(cell)
            except ValueError:
                problems.append(CountProblem(number, "bad_count", cell))
    return counts, problems


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()
