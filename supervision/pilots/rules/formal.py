"""Pure rules of a pilot call (seed 003): the call's facts, the formal review (形式审查, 第八条)
with its reasons, its due date, the commitment letter (第十三条) and the pilots' numbers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

#: 形式审查原则上应当在征集结束后的 15 个工作日内适时组织 (seed 003 第八条).
FORMAL_REVIEW_WORKDAYS = 15
#: Third-party checks sample 5 %–10 % of the trade-ins (seed 003 第十八条).
CHECK_RATE_MIN = Decimal("0.05")
CHECK_RATE_MAX = Decimal("0.10")
#: A pilot's number is two digits of its product codes (digits 4–5): 01 … 99.
MAX_PILOTS = 99

#: Names of the document kinds as the reasons state them (``models.DocumentKind`` values).
DOCUMENT_NAMES = {
    "business": "营业执照",
    "production": "生产许可证",
    "quality": "质量体系认证证书",
    "other": "其他证明文件",
}


class Calendar(Protocol):
    def add_workdays(self, d: date, n: int) -> date: ...


# -- the formal review -----------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentFacts:
    """One document as the formal review reads it (valid_until None: 长期)."""

    kind: str
    number: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    inspected: bool = True


@dataclass(frozen=True)
class FormalResult:
    """The verdict, with one reason (Chinese text, stored with the application) per failure."""

    passed: bool
    reasons: tuple[str, ...]


def document_problems(document: DocumentFacts, on: date) -> list[str]:
    """Why ``document`` is not valid on ``on`` (empty: valid). A document whose validity ends
    on ``on`` is still valid that day; one starting on ``on`` is valid from that day."""
    name = DOCUMENT_NAMES.get(document.kind, document.kind)
    if document.number:
        name = f"{name}（{document.number}）"
    problems = []
    if document.valid_from is not None and document.valid_from > on:
        problems.append(f"{name}尚未生效（有效期自 {document.valid_from.isoformat()} 起）")
    if document.valid_until is not None and document.valid_until < on:
        problems.append(f"{name}已过有效期（有效期至 {document.valid_until.isoformat()}）")
    if not document.inspected:
        problems.append(f"{name}未通过年检")
    return problems


def formal_review(
    qualifications_met: Sequence[tuple[str, bool | None]],
    complete: bool | None,
    documents: Iterable[DocumentFacts],
    required_kinds: Sequence[str],
    on: date,
) -> FormalResult:
    """The formal review of one application on ``on`` (the review date).

    ``qualifications_met`` pairs each qualification of the call (its text) with the reviewer's
    finding (None: not ticked, i.e. not shown to be met). The application passes when every
    qualification is met, the application is complete, and each required kind of document has
    at least one document valid on ``on`` (in force, not expired, annual inspection passed).
    When a required kind has none, every problem of each of its documents is a reason.
    """
    reasons = [f"不具备资格条件：{text}" for text, met in qualifications_met if not met]
    if not complete:
        reasons.append("申请文件内容不完整")
    by_kind: dict[str, list[DocumentFacts]] = {}
    for document in documents:
        by_kind.setdefault(document.kind, []).append(document)
    for kind in required_kinds:
        held = by_kind.get(kind, [])
        if not held:
            reasons.append(f"缺少{DOCUMENT_NAMES.get(kind, kind)}")
            continue
        problems = [document_problems(d, on) for d in held]
        if all(problems):
            reasons.extend(p for found in problems for p in found)
    return FormalResult(not reasons, tuple(reasons))


def formal_review_due(closes_on: date, calendar: Calendar) -> date:
    """The formal review is due 15 working days after the call closes (第八条): the 15th
    working day after ``closes_on``, the closing day itself not counted."""
    return calendar.add_workdays(closes_on, FORMAL_REVIEW_WORKDAYS)


# -- the commitment letter and the pilots' numbers --------------------------------------------


def commitment_overdue(due_on: date | None, signed_on: date | None, today: date) -> bool:
    """Not signed and the day it was due has passed (signing on the due day is in time): the
    convener may then cancel the pilot (第十三条)."""
    return due_on is not None and signed_on is None and today > due_on


def number_pilots(ranked_ids: Sequence[int], selected_ids: Iterable[int]) -> dict[int, int]:
    """Number the selected candidates 1, 2 … in the ranking's order (ties keep the order the
    ranking lists them in). Raises ValueError when a selected one is not ranked or there are
    more than 99 (the number is two digits of the product codes)."""
    selected = set(selected_ids)
    missing = selected - set(ranked_ids)
    if missing:
        raise ValueError(f"selected but not ranked: {sorted(missing)}")
    ordered = [i for i in dict.fromkeys(ranked_ids) if i in selected]
    if len(ordered) > MAX_PILOTS:
        raise ValueError(f"more than {MAX_PILOTS} pilots")
    return {ident: n for n, ident in enumerate(ordered, start=1)}


def code_number(number: int) -> str:
    """The pilot's number as its product codes carry it: 1 → "01" (digits 4–5)."""
    if not 1 <= number <= MAX_PILOTS:
        raise ValueError(f"a pilot's number is 1–{MAX_PILOTS}, not {number}")
    return f"{number:02d}"


# -- the call's facts --------------------------------------------------------------------------

_CLASS_LINE = re.compile(r"^([A-Z])\s*[|｜]\s*(\d)\s*[|｜]\s*(\S.*?)\s*$")


def parse_product_classes(text: str) -> tuple[list[dict], list[str]]:
    """Product classes typed one per line as "F|0|发动机" (letter, correction digit, name).

    Returns the classes and the problems, each naming its line ("第 2 行：…"). The letter is the
    upper-case pinyin initial, the correction digit 0–9; a (letter, digit) pair is used once.
    """
    classes: list[dict] = []
    problems: list[str] = []
    seen: set[tuple[str, int]] = set()
    for n, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _CLASS_LINE.match(line)
        if match is None:
            problems.append(f"第 {n} 行：应为“大写字母|校正码|产品名称”，如 F|0|发动机")
            continue
        letter, digit, name = match.group(1), int(match.group(2)), match.group(3)
        if (letter, digit) in seen:
            problems.append(f"第 {n} 行：{letter}{digit} 已用于另一类产品")
            continue
        seen.add((letter, digit))
        classes.append({"letter": letter, "correction": digit, "name": name})
    return classes, problems


def product_classes_text(classes: Iterable[dict]) -> str:
    """The classes as the form shows them, one "F|0|发动机" per line."""
    return "\n".join(f"{c['letter']}|{c['correction']}|{c['name']}" for c in classes)


def parse_lines(text: str) -> list[str]:
    """Non-empty lines, trimmed (qualifications, departments: one per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def call_problems(
    *,
    year: int | None,
    opens_on: date | None,
    closes_on: date | None,
    product_classes: Sequence[dict],
    qualifications: Sequence[str],
    required_documents: Sequence[str],
    known_documents: Iterable[str],
    check_rate: Decimal | None,
    funding_cap_wan: Decimal | None,
    max_selected: int | None,
) -> list[tuple[str, str]]:
    """(problem key, field name) for each fact of a call that cannot stand."""
    problems: list[tuple[str, str]] = []
    if year is None or not 2000 <= year <= 2099:
        problems.append(("year", "year"))  # two digits of the product codes
    if opens_on and closes_on and closes_on < opens_on:
        problems.append(("period", "closes_on"))
    if not product_classes:
        problems.append(("no_class", "product_classes"))
    if not qualifications:
        problems.append(("no_qualification", "qualifications"))
    if not required_documents:
        problems.append(("no_document", "required_documents"))
    elif set(required_documents) - set(known_documents):
        problems.append(("unknown_document", "required_documents"))
    if check_rate is None or not CHECK_RATE_MIN <= check_rate <= CHECK_RATE_MAX:
        problems.append(("check_rate", "check_rate"))
    if funding_cap_wan is not None and funding_cap_wan <= 0:
        problems.append(("funding_cap", "funding_cap_wan"))
    if max_selected is not None and not 1 <= max_selected <= MAX_PILOTS:
        problems.append(("max_selected", "max_selected"))
    return problems
