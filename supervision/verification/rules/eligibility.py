"""What the eligibility checks of both categories share: the verdict, its statuses, the
reasons gathered, and Decimal parsing that refuses floats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .subsidy_tables import ProgrammeTerms


class SubsidyInputError(ValueError):
    """A product value or reference table the rules cannot use; the message is Chinese."""


class EligibilityStatus(StrEnum):
    ELIGIBLE = "eligible"
    EXCLUDED = "excluded"
    MISSING_DATA = "missing_data"
    NO_RULES = "no_rules"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    EligibilityStatus.ELIGIBLE: "符合推广条件",
    EligibilityStatus.EXCLUDED: "不予补贴",
    EligibilityStatus.MISSING_DATA: "数据不全",
    EligibilityStatus.NO_RULES: "无适用推广细则",
}


@dataclass(frozen=True)
class Eligibility:
    """Whether a product gets the subsidy, how much per unit (元/台), and why not.

    An exclusion wins over missing data (the product gets nothing either way); a missing
    value is never "eligible".
    """

    eligible: bool
    amount: Decimal
    reasons: tuple[str, ...]
    status: EligibilityStatus
    #: Every reference row the verdict used is verified (else the page shows 待核实).
    verified: bool = True
    #: The band or flat amount the subsidy came from, in words.
    basis: str = ""


def number_of(value: object, what: str) -> Decimal | None:
    """A Decimal from a Decimal, int or numeric text; None or "" → None. Floats are refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | float):
        raise TypeError(f"{what} must be Decimal, int or str, not {type(value).__name__}")
    try:
        number = Decimal(value.strip() if isinstance(value, str) else value)
    except (ArithmeticError, TypeError, ValueError):
        raise SubsidyInputError(f"{what}不是数字：{value}") from None
    if not number.is_finite():
        raise SubsidyInputError(f"{what}不是有限数值：{value}")
    return number


def plain(value: Decimal) -> str:
    """``Decimal("120.0")`` → ``"120"``; ``Decimal("11.60")`` → ``"11.6"``."""
    return format(value.normalize(), "f")


def in_range(value: Decimal, lower, lower_inclusive, upper, upper_inclusive) -> bool:
    if lower is not None and (value < lower or (value == lower and not lower_inclusive)):
        return False
    return upper is None or value < upper or (value == upper and upper_inclusive)


class Findings:
    """Reasons gathered while checking one product, and the rows they rested on."""

    def __init__(self) -> None:
        self.excluded: list[str] = []
        self.missing: list[str] = []
        self.rows: list = []

    def verdict(self, amount: Decimal | None, basis: str) -> Eligibility:
        verified = all(row.verified for row in self.rows)
        if self.excluded:
            reasons = tuple(self.excluded + self.missing)
            return Eligibility(False, Decimal(0), reasons, EligibilityStatus.EXCLUDED, verified)
        if self.missing or amount is None:
            reasons = tuple(self.missing) or ("推广细则未给出补贴标准",)
            return Eligibility(False, Decimal(0), reasons, EligibilityStatus.MISSING_DATA, verified)
        return Eligibility(True, amount, (), EligibilityStatus.ELIGIBLE, verified, basis)


def common_checks(found: Findings, terms: ProgrammeTerms, energy_grade, other_programme) -> None:
    found.rows.append(terms)
    if other_programme:
        found.excluded.append("已享受“家电下乡”等其他财政补助政策，不再给予补贴。")
    if energy_grade is None or energy_grade == "":
        found.missing.append("缺少能效等级。")
    elif int(energy_grade) != terms.energy_grade:
        found.excluded.append(
            f"能效等级为 {int(energy_grade)} 级；推广产品须达到能效 {terms.energy_grade} 级。"
        )
