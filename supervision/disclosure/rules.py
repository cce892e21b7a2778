"""Pure rules of the public violator list: the steps of an entry, what the public may see, and
how a feed cell is written."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

DRAFT = "draft"
PUBLISHED = "published"
WITHDRAWN = "withdrawn"

#: Fields the officer may choose to publish (models.OPTIONAL_FIELDS is the same tuple).
OPTIONAL_FIELDS = ("credit_code", "violation", "decision")
#: Fields every public entry shows.
ALWAYS_PUBLIC = ("province", "province_code", "enterprise_name", "published_on", "rectified_on")
#: The feed's columns, in order: stable names the social-credit system relies on.
FEED_FIELDS = (
    "province",
    "province_code",
    "enterprise_name",
    "credit_code",
    "violation",
    "decision",
    "published_on",
    "rectified_on",
)

#: Longest texts an entry may carry (the columns are Text; the page must stay readable).
MAX_LENGTHS = {"enterprise_name": 200, "violation": 2000, "decision": 2000}


def chosen_fields(requested: Iterable[str]) -> list[str]:
    """The optional fields ``requested`` names, once each, in the canonical order; anything
    else (a person's name, a typo) is dropped."""
    wanted = set(requested or ())
    return [name for name in OPTIONAL_FIELDS if name in wanted]


def is_editable(status: str) -> bool:
    """An entry's texts may change only before it is published."""
    return status == DRAFT


def is_public(status: str) -> bool:
    return status == PUBLISHED


def publish_problem(status: str, violation: str) -> str | None:
    """Why the entry may not be published now, or None.

    ``not_draft`` (already published or withdrawn), ``no_violation`` (nothing says what the
    enterprise did wrong: an entry without it is never published, chosen or not).
    """
    if status != DRAFT:
        return "not_draft"
    if not (violation or "").strip():
        return "no_violation"
    return None


def rectified_problem(
    status: str, published_on: date | None, rectified_on: date | None, today: date
) -> str | None:
    """Why ``rectified_on`` may not be recorded as the 已整改 date, or None.

    ``not_published``, ``missing``, ``before_publication`` (a date before the entry was
    published: correct the entry instead), ``future``. The publication day itself and today
    are both allowed.
    """
    if status != PUBLISHED or published_on is None:
        return "not_published"
    if rectified_on is None:
        return "missing"
    if rectified_on < published_on:
        return "before_publication"
    if rectified_on > today:
        return "future"
    return None


def withdraw_problem(status: str, reason: str) -> str | None:
    """Why the entry may not be withdrawn, or None: ``already_withdrawn``, ``no_reason``.

    A draft may be withdrawn too (dropped with a trace instead of deleted).
    """
    if status == WITHDRAWN:
        return "already_withdrawn"
    if not (reason or "").strip():
        return "no_reason"
    return None


def public_record(entry_fields: Mapping, published_fields: Iterable[str]) -> dict:
    """What the public sees of one entry: every FEED_FIELDS key, the optional ones None unless
    the officer chose them. Nothing else of ``entry_fields`` (approver, preparer, reasons)
    ever leaves this function."""
    chosen = set(chosen_fields(published_fields))
    return {
        name: entry_fields.get(name) if name in ALWAYS_PUBLIC or name in chosen else None
        for name in FEED_FIELDS
    }


#: Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"):
#: =, +, -, @ and the tab / carriage return that some programs strip before looking.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text: a leading ' defuses formulas."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(record: Mapping) -> list[str]:
    """One feed record as CSV cells in FEED_FIELDS order: dates ISO, None empty."""
    cells = []
    for name in FEED_FIELDS:
        value = record.get(name)
        if value is None:
            cells.append("")
        elif isinstance(value, date):
            cells.append(value.isoformat())
        else:
            cells.append(csv_safe(str(value)))
    return cells


def json_item(record: Mapping) -> dict:
    """One feed record for JSON: dates ISO, unpublished fields null."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in ((n, record.get(n)) for n in FEED_FIELDS)
    }


# -- personal data -----------------------------------------------------------------------------

#: Mainland mobile numbers and resident identity card numbers (18 characters, last may be X).
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
    r"(?![0-9A-Za-z])"
)


def personal_data_in(text: str, names: Iterable[str] = ()) -> list[str]:
    """Personal data found in ``text``: any of the given people's ``names`` (two characters or
    more), mobile phone numbers and identity card numbers. Empty when the text is clean."""
    text = text or ""
    found = [name for name in dict.fromkeys(n.strip() for n in names if n) if len(name) >= 2]
    found = [name for name in found if name in text]
    found += _MOBILE.findall(text)
    found += [m for m in _ID_CARD.findall(text) if m not in found]
    return found


# -- the public filters ----------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The public search: the page and both feeds read the same query arguments."""

    q: str = ""
    province_code: str = ""
    year: int | None = None
    since: date | None = None


def parse_filters(args: Mapping[str, str]) -> Filters:
    """``q`` (name or credit code), ``province`` (6-digit division code), ``year``,
    ``since`` (YYYY-MM-DD); malformed values are ignored, never an error."""
    q = " ".join((args.get("q") or "").split())[:100]
    province = (args.get("province") or "").strip()
    if not (len(province) == 6 and province.isdigit()):
        province = ""
    raw_year = (args.get("year") or "").strip()
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    try:
        since = date.fromisoformat((args.get("since") or "").strip())
    except ValueError:
        since = None
    return Filters(q=q, province_code=province, year=year, since=since)
