"""Pure inspection rules: shared statuses, input errors, Decimal parsing and version picking."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Protocol, TypeVar

CENT = Decimal("0.01")


class Status(StrEnum):
    """Outcome of a rule; stored as the value, shown as ``label`` (data, not gettext)."""

    COMPLIANT = "compliant"
    OVER_LIMIT = "over_limit"
    BELOW_LIMIT = "below_limit"
    ELIMINATE = "eliminate"
    MISMATCH = "mismatch"
    DETERMINED = "determined"
    INDETERMINATE = "indeterminate"
    MISSING_DATA = "missing_data"
    ABNORMAL_DATA = "abnormal_data"
    NO_REFERENCE = "no_reference"
    LIMIT_UNVERIFIED = "limit_unverified"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Status.COMPLIANT: "符合",
    Status.OVER_LIMIT: "超过限定值",
    Status.BELOW_LIMIT: "低于能效限定值",
    Status.ELIMINATE: "列入淘汰目录",
    Status.MISMATCH: "执行档次不符",
    Status.DETERMINED: "已定档",
    Status.INDETERMINATE: "无法定档",
    Status.MISSING_DATA: "数据不全",
    Status.ABNORMAL_DATA: "数据异常",
    Status.NO_REFERENCE: "无适用标准",
    Status.LIMIT_UNVERIFIED: "参考值待核实",
}


class InputProblem(ValueError):
    """An input the rules cannot use; ``reason`` is one Chinese line, ``status`` its verdict."""

    status: Status

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MissingInput(InputProblem):
    """数据不全: a value the calculation needs is absent (including a reference factor)."""

    status = Status.MISSING_DATA


class ImpossibleInput(InputProblem):
    """数据异常: a value that cannot be true (negative energy, output ≤ 0, PUE < 1 …)."""

    status = Status.ABNORMAL_DATA


class BadReference(ValueError):
    """The reference table itself is inconsistent (overlapping versions, unordered tiers).

    Not a verdict about the enterprise: administrators must fix the table, so callers should
    validate rows when they are saved and let this escape as a programming/data error.
    """


class Dated(Protocol):
    effective_from: date | None
    effective_to: date | None


R = TypeVar("R", bound=Dated)


def is_in_force(row: Dated, on: date) -> bool:
    """``effective_from`` ≤ on < ``effective_to``; None means open at that end.

    ``effective_to`` is exclusive (the first day the row no longer applies), so an edition's
    ``effective_to`` equals its successor's ``effective_from``.
    """
    starts_ok = row.effective_from is None or row.effective_from <= on
    return starts_ok and (row.effective_to is None or on < row.effective_to)


def one_in_force(rows: Iterable[R], on: date, what: str) -> R | None:
    """The single row in force on ``on`` (None if none); BadReference if several overlap."""
    found = [row for row in rows if is_in_force(row, on)]
    if len(found) > 1:
        raise BadReference(f"{on.isoformat()} 同时有 {len(found)} 个有效的{what}版本")
    return found[0] if found else None


_IGNORED_IN_NUMBERS = re.compile(r"[\s,]")


def decimal_of(value: object, what: str) -> Decimal:
    """A Decimal from a Decimal, int or string such as ``"1 234 567.8"`` or ``"1,234"``.

    None or a blank string → MissingInput; text that is not a finite number → ImpossibleInput.
    Floats are refused with TypeError: they carry binary rounding errors into verdicts.
    """
    if value is None:
        raise MissingInput(f"缺少{what}")
    if isinstance(value, bool | float):
        raise TypeError(f"{what} must be Decimal, int or str, not {type(value).__name__}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        text = _IGNORED_IN_NUMBERS.sub("", value)
        if not text:
            raise MissingInput(f"缺少{what}")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ImpossibleInput(f"{what}不是数字：{value}") from None
    else:
        raise TypeError(f"{what} must be Decimal, int or str, not {type(value).__name__}")
    if not number.is_finite():
        raise ImpossibleInput(f"{what}不是有限数值：{value}")
    return number


def money(amount: Decimal) -> Decimal:
    """Round to 0.01 元, half up (the way amounts are billed)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def round2(value: Decimal) -> Decimal:
    """Round an indicator or percentage to two decimals, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal | int, places: int | None = None) -> str:
    """``1234567.5`` → ``"1 234 567.5"``: digits grouped by three with spaces, no exponent."""
    number = Decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(number, "f")
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + " ".join(groups) + (f".{fraction}" if fraction else "")


def approx(value: Decimal, places: int = 2) -> str:
    """``"= 123.4"`` when two decimals show ``value`` exactly, else ``"≈ 123.46"``."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == value:
        return f"= {fmt(value.normalize())}"
    return f"≈ {fmt(rounded)}"


def text_of(value: object) -> str:
    """An input as stored in a verdict's ``inputs`` (None → empty string)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclasses.dataclass(frozen=True)
class LegalBasis:
    """An article a finding rests on (节约能源法, 工业节能管理办法, 节能监察办法, a standard)."""

    key: str  #: stable key used by findings: "ecl_72"
    law: str  #: "《中华人民共和国节约能源法》"
    article: str  #: "第七十二条"
    summary: str  #: what the article says, in one line
    verified: bool
    #: Finding kinds it is proposed for (over_quota, eliminated_equipment …).
    applies_to: tuple[str, ...] = ()
    source: str = ""
    note: str = ""

    @property
    def citation(self) -> str:
        return f"{self.law}{self.article}"
