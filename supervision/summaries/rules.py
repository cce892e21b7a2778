"""Annual summary counting rules (pure): which case counts as actually inspected, as found in
violation, which notice as rectified; how a result row reads; how figures add up.

Every figure of the summary (the report, the results workbook, the pages, the national
roll-up) is counted by these functions, so the numbers reconcile wherever they are shown.
The texts are the official document's Chinese, not interface text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ..inspections.rules.cases import CLOSED, FINDINGS, RECTIFICATION
from ..inspections.rules.findings import KIND_LABELS, KINDS
from ..rectification.rules import OPEN, RECTIFIED

#: Case statuses that can only be reached after the supervision itself was done: a problem was
#: recorded, or the case was closed / sent to rectification.
DONE_STATUSES = frozenset({FINDINGS, CLOSED, RECTIFICATION})

#: The category of a daily-supervision case (inspections.models.DAILY_CATEGORY).
DAILY = 0
NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八"}

COMPLIANT = "符合"
VIOLATION = "发现问题"
NOT_INSPECTED = "未监察"
NO_NOTICE_NEEDED = "无需整改"
NO_NOTICE_YET = "未下达整改通知书"
#: A notice's status as the summary states it (rectification.models.NoticeStatus values).
NOTICE_STATUS_TEXT = {
    "issued": "整改中",
    "reported": "企业已报告整改",
    "rectified": "已整改",
    "partly": "部分整改",
    "not_rectified": "未整改",
    "handled": "未整改，已依法处理",
}


def report_title(province: str, year: int) -> str:
    return f"{province}{year}年工业节能监察工作总结报告"


def results_title(province: str, year: int) -> str:
    """The report's annex: the enterprises actually supervised (also the workbook's title)."""
    return f"{province}{year}年实际监察企业名单及监察结果"


# -- what counts ----------------------------------------------------------------------------


def is_inspected(status: str, visit_on: date | None, findings: int) -> bool:
    """实际监察: the case was actually supervised in the year.

    True when a visit date is recorded (an on-site visit or the day of a desk review), when the
    case reached a status only supervision leads to (问题已记录, 已办结, 责令整改: a desk review
    may close without a visit date), or when a finding is recorded (a violation is only found
    by supervising). A planned case, or one in progress with nothing recorded yet, is not.
    """
    return visit_on is not None or status in DONE_STATUSES or findings > 0


def is_violation(findings: int) -> bool:
    """发现违规: at least one finding (违法违规问题) is recorded on the case."""
    return findings > 0


def is_rectified(notice_status: str) -> bool:
    """已整改: the 回头看 found the notice carried out in full. 部分整改, 未整改 and 已依法处理
    (a notice not carried out, then handled according to law) are not rectified; nor is an
    open notice, even when the enterprise has reported its rectification."""
    return notice_status == RECTIFIED


def is_rectifying(notice_status: str) -> bool:
    """整改中: the notice is served and not re-inspected yet."""
    return notice_status in OPEN


@dataclass(frozen=True)
class CaseFacts:
    """What the counting looks at, for one case."""

    status: str
    visit_on: date | None
    findings: int
    #: Statuses of the case's rectification notices.
    notice_statuses: tuple[str, ...] = ()

    @property
    def inspected(self) -> bool:
        return is_inspected(self.status, self.visit_on, self.findings)

    @property
    def violation(self) -> bool:
        return is_violation(self.findings)

    @property
    def rectified_notices(self) -> int:
        return sum(1 for s in self.notice_statuses if is_rectified(s))


@dataclass(frozen=True)
class Tally:
    """The five figures of a line of the summary table. ``tasks`` is what was to be done (tasks
    filed; for daily supervision, enterprises drawn); the others count cases, except
    ``notices`` and ``rectified``, which count rectification notices."""

    tasks: int = 0
    inspected: int = 0
    violations: int = 0
    notices: int = 0
    rectified: int = 0

    def counts(self) -> Tally:
        return Tally(*(getattr(self, f.name) for f in fields(Tally)))

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Tally)))


def tally(tasks: int, cases: Iterable[CaseFacts]) -> Tally:
    """The figures of ``tasks`` tasks and their ``cases``. Notices are counted on every case
    (a notice always follows a finding, so its case counts as inspected)."""
    inspected = violations = notices = rectified = 0
    for case in cases:
        inspected += case.inspected
        violations += case.violation
        notices += len(case.notice_statuses)
        rectified += case.rectified_notices
    return Tally(tasks, inspected, violations, notices, rectified)


def total(tallies: Iterable[Tally]) -> Tally:
    """The sum of the lines (合计)."""
    result = Tally()
    for line in tallies:
        result = result + line
    return result


def rate(part: int, whole: int) -> str:
    """A share as the report prints it: 66.7% (one decimal, half up); "—" of nothing."""
    if whole <= 0:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def add_optional(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    """A sum that stays None only when both are None (a province that filled nothing)."""
    if a is None:
        return b
    if b is None:
        return a
    return a + b


#: The counting definitions, as printed under the summary tables.
DEFINITIONS = (
    "注：1. 任务数：专项监察为报送的专项监察任务数；日常监察为“双随机”抽查抽取的企业数。",
    "2. 实际监察：已填写监察日期，或已记录问题、已办结、已责令整改的案件。",
    "3. 发现违规：记录了违法违规问题的案件。",
    "4. 下达整改通知、已整改按限期整改通知书份数统计；已整改指回头看复查结论为全部整改到位。",
)


# -- how a result row reads -----------------------------------------------------------------


def supervision_kind(category: int) -> str:
    """监察类型: 日常节能监察, or 专项监察一 … 专项监察五."""
    if category == DAILY:
        return "日常节能监察"
    return f"专项监察{NUMERALS.get(category, str(category))}"


def category_heading(number: int, name: str) -> str:
    """The category cell of the summary table: 一、重点高耗能行业能耗专项监察."""
    numeral = NUMERALS.get(number, str(number))
    return f"{numeral}、{name}" if name else numeral


def ordered_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """Distinct finding kinds in the catalogue's order (unknown kinds last, by name)."""
    distinct = set(kinds)
    known = [k for k in KINDS if k in distinct]
    return (*known, *sorted(distinct - set(KINDS)))


def result_text(inspected: bool, finding_kinds: Sequence[str]) -> str:
    """监察结果: 符合 (inspected, nothing found), 发现问题, or 未监察."""
    if finding_kinds:
        return VIOLATION
    return COMPLIANT if inspected else NOT_INSPECTED


def findings_text(finding_kinds: Sequence[str]) -> str:
    """发现问题: the kinds of the findings, named as the findings catalogue names them."""
    return "；".join(KIND_LABELS.get(k, k) for k in ordered_kinds(finding_kinds))


def rectification_text(has_findings: bool, notice_statuses: Sequence[str]) -> str:
    """整改情况 of a case: its notices' states (one when all agree, else each in order), or
    why there is none."""
    if not notice_statuses:
        return NO_NOTICE_YET if has_findings else NO_NOTICE_NEEDED
    texts = [NOTICE_STATUS_TEXT.get(s, s) for s in notice_statuses]
    if len(set(texts)) == 1:
        return texts[0]
    return "；".join(texts)


def row_order(category: int, enterprise: str, visit_on: date | None, case_id: int) -> tuple:
    """Result rows: special supervision by category, then daily supervision; within each, by
    enterprise name, then visit date."""
    return (category == DAILY, category, enterprise, visit_on or date.max, case_id)
