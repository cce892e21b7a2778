"""The life of an inspection case: which step may follow which, and what each step needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PLANNED = "planned"
IN_PROGRESS = "in_progress"
FINDINGS = "findings"
CLOSED = "closed"
RECTIFICATION = "rectification"

#: status → the statuses an inspector may move the case to.
NEXT = {
    PLANNED: (IN_PROGRESS,),
    IN_PROGRESS: (FINDINGS, CLOSED),
    FINDINGS: (IN_PROGRESS, CLOSED, RECTIFICATION),
    CLOSED: (IN_PROGRESS,),
    RECTIFICATION: (),
}


@dataclass(frozen=True)
class CaseFacts:
    """What the transition checks look at."""

    status: str
    on_site: bool
    visit_on: date | None
    inspectors: int
    findings: int
    open_verdicts: int  #: verdicts that still say 数据不全 / 数据异常


def transition_problem(facts: CaseFacts, target: str, today: date) -> str | None:
    """Why the case may not move to ``target`` now (one Chinese line), or None."""
    if target not in NEXT.get(facts.status, ()):
        return f"案件当前状态不能转为「{target}」"
    if target == IN_PROGRESS and facts.status == PLANNED and facts.inspectors < 2:
        return "开展监察需至少两名持证监察人员"
    if target in (FINDINGS, CLOSED, RECTIFICATION) and facts.on_site and facts.visit_on is None:
        return "现场监察请先填写监察日期"
    if facts.visit_on is not None and facts.visit_on > today:
        return "监察日期不能晚于今天"
    if target == FINDINGS and facts.findings == 0:
        return "尚未记录发现的问题"
    if target == CLOSED and facts.findings > 0:
        return "存在违法违规问题的案件应转入责令整改，不能直接办结"
    if target == CLOSED and facts.open_verdicts > 0:
        return f"有 {facts.open_verdicts} 项核算结论为数据不全或数据异常，请补正后再办结"
    if target == RECTIFICATION and facts.findings == 0:
        return "没有问题的案件无需整改"
    return None


def days_left(due_on: date | None, today: date) -> int | None:
    """Calendar days until the due date (negative: overdue); None without a due date."""
    return None if due_on is None else (due_on - today).days
