"""The national data set's inspection work: a case for every task of an accepted filing (as
accepting opens them), visited, closed or carrying findings, 8 000 findings in all, and the
rectification notices behind them (``notices.py``).

Publishes ``facts["cases"]`` (a ``Case`` per new case).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from ...extensions import db
from ...inspections import findings as finding_service
from ...inspections.models import CaseStatus, Finding, InspectionCase, Severity
from ...plans.service import plan_for_year
from ...tasks.models import FilingStatus, ReviewMethod
from . import Build, notices, utc
from .tasks import YEAR, Task

FINDINGS = 8_000
#: Of the cases with findings, the share still waiting for its notice.
WAITING_SHARE = 0.15
#: How the other cases that can be visited (two inspectors) stand.
CLOSED_SHARE, IN_PROGRESS_SHARE = 0.5, 0.2
#: Notices served later than the setting's 20 days after the visit.
LATE_SHARE = 0.05
SEVERITIES = ((Severity.GENERAL, 0.6), (Severity.MINOR, 0.25), (Severity.SERIOUS, 0.15))
SUMMARIES = {
    1: "核查2019年{product}产量、能源消费台账及计量数据，核算单位产品综合能耗。",
    2: "核查2019年{product}电耗台账、电费结算单及阶梯电价执行档次。",
    3: "核查重点用能设备台账，比对淘汰目录和能效限定值。",
    4: "核查数据中心能源计量器具配备情况和2019年电能使用效率实测数据。",
    5: "核查2019年限期整改通知书落实情况（回头看）。",
}
REPRESENTATIVES = (
    "企业能源管理负责人",
    "企业分管副总经理",
    "企业能源管理部门负责人",
    "企业安全环保部负责人",
)


@dataclass
class Case:
    id: int
    task: Task
    status: CaseStatus
    visit_on: date | None = None
    #: When its rectification notice was served (the case then left the inspectors' hands).
    served_on: date | None = None
    findings: list[dict] = field(default_factory=list)


def load(build: Build) -> None:
    rng = build.rng("cases")
    filings = build.facts["filings"]
    accepted = {f.id: f for f in filings.values() if f.fresh and f.status == FilingStatus.ACCEPTED}
    tasks = [t for t in build.facts["tasks"] if t.filing_id in accepted]
    violators = [t for t in build.facts["tasks"] if t.category == 5]
    have_findings = db.session.scalar(select(func.count()).select_from(Finding))
    wanted_notices = notices.count_2020(build, len(violators))
    cases = _plan(rng, tasks, build.scaled(FINDINGS, have_findings), wanted_notices)
    accepted_on = {f.id: f.accepted_at.date() for f in accepted.values()}
    _write(build, rng, cases, accepted, accepted_on)
    build.facts["cases"] = cases
    notices.load(build, rng, cases, violators)
    by_status = {s.value: sum(1 for c in cases if c.status == s) for s in CaseStatus}
    build.echo(f"  {len(cases):,} cases {by_status}")


def _plan(rng, tasks: list[Task], findings: int, notices_wanted: int) -> list[Case]:
    """Each case's status and number of findings: ``notices_wanted`` cases in rectification
    (one notice each), some waiting for their notice, ``findings`` findings over them."""
    first = 0  # ids are given when written
    cases = [Case(first, task, CaseStatus.PLANNED) for task in tasks]
    visitable = [c for c in cases if len(c.task.inspectors) >= 2]
    rng.shuffle(visitable)
    rectification = min(notices_wanted, len(visitable), findings)
    waiting = min(round(rectification * WAITING_SHARE), len(visitable) - rectification)
    waiting = max(0, min(waiting, findings - rectification))
    with_findings = visitable[: rectification + waiting]
    for n, case in enumerate(with_findings):
        case.status = CaseStatus.RECTIFICATION if n < rectification else CaseStatus.FINDINGS
        case.findings.append({})
    for case in (
        rng.choices(with_findings, k=findings - len(with_findings)) if with_findings else ()
    ):
        case.findings.append({})
    for case in visitable[len(with_findings) :]:
        draw = rng.random()
        if draw < CLOSED_SHARE:
            case.status = CaseStatus.CLOSED
        elif draw < CLOSED_SHARE + IN_PROGRESS_SHARE:
            case.status = CaseStatus.IN_PROGRESS
    return cases


def _write(build, rng, cases, accepted, accepted_on) -> None:
    plan = plan_for_year(YEAR)
    due = {d.key: d.due_on for d in plan.deliverables}
    industries = build.facts["industries"]
    bases = finding_service.bases_by_key()
    table = InspectionCase.__table__
    first = build.writer.next_id(table, len(cases))
    rows, finding_rows = [], []
    for n, case in enumerate(cases):
        case.id = first + n
        task = case.task
        opened = accepted_on[task.filing_id]
        row = {
            "id": case.id,
            "task_id": task.id,
            "province_id": task.province_id,
            "agency_id": task.agency_id,
            "enterprise_id": task.enterprise_id,
            "category": task.category,
            "status": case.status,
            "method": task.method,
            "assessed_year": YEAR - 1,
            "due_on": due.get("category_five_results" if task.category == 5 else "annual_summary"),
            "visit_on": None,
            "participants": "",
            "representative": "",
            "summary": "",
            "closed_at": None,
            "created_at": accepted[task.filing_id].accepted_at,
            "version": 1,
        }
        if case.status != CaseStatus.PLANNED:
            _visit(rng, case, row, opened, industries)
        rows.append(row)
        for position, finding in enumerate(case.findings):
            finding.update(_finding(rng, case, industries, bases, first=position == 0))
            finding_rows.append(finding)
    build.writer.insert(table, rows, label="cases", total=len(rows))
    first_finding = build.writer.next_id(Finding.__table__, len(finding_rows))
    for n, finding in enumerate(finding_rows):
        finding["id"] = first_finding + n
    build.writer.insert(Finding.__table__, finding_rows, label="findings", total=len(finding_rows))


def _visit(rng, case: Case, row: dict, opened: date, industries) -> None:
    task = case.task
    month_start = date(YEAR, task.planned_month, 1)
    visit = max(month_start + timedelta(days=rng.randint(0, 27)), opened + timedelta(days=3))
    case.visit_on = visit
    product = industries[task.industry_id].name if task.industry_id else ""
    summary = SUMMARIES[task.category].format(product=product)
    if case.status == CaseStatus.CLOSED:
        summary += "未发现违法违规问题。"
        row["closed_at"] = utc(visit + timedelta(days=rng.randint(3, 40)), 8)
    elif case.status in (CaseStatus.FINDINGS, CaseStatus.RECTIFICATION):
        summary += "发现问题，已记录。"
    if case.status == CaseStatus.RECTIFICATION:
        late = rng.random() < LATE_SHARE  # served later than the 20 days the setting allows
        case.served_on = visit + timedelta(days=rng.randint(21, 30) if late else rng.randint(3, 18))
        row["closed_at"] = utc(case.served_on)
    row.update(
        visit_on=visit,
        participants="、".join(f"{p.name}（{p.certificate}）" for p in task.inspectors),
        representative=rng.choice(REPRESENTATIVES) if task.method == ReviewMethod.ON_SITE else "",
        summary=summary,
    )


# -- findings ---------------------------------------------------------------------------------

#: category → (finding kind, legal-basis key) of the case's first finding.
FIRST_KIND = {
    1: (("over_quota", "ecl_16"),),
    2: (("ladder_mismatch", "ladder_price"),),
    3: (("eliminated_equipment", "ecl_71"), ("below_efficiency", "ecl_17")),
    4: (("pue", "supervision_2016"), ("metering", "ecl_27")),
    5: (("over_quota", "ecl_72"), ("other", "supervision_2016")),
}
#: Further findings of a case.
MORE_KINDS = (
    ("metering", "ecl_27"),
    ("daily_check", "ecl_53"),
    ("daily_check", "ecl_55"),
    ("daily_check", "ecl_26"),
    ("below_efficiency", "ecl_17"),
)
EQUIPMENT = (
    ("Y 系列三相异步电动机", "Y160M-4", "motor"),
    ("JO2 系列三相异步电动机", "JO2-72-4", "motor"),
    ("离心通风机", "4-72-11 No.8C", "fan"),
    ("单级离心泵", "IS100-80-160", "pump"),
    ("S7 系列电力变压器", "S7-1000/10", "transformer"),
    ("活塞式空气压缩机", "V-3/8", "air_compressor"),
)
DAILY_TEXTS = {
    "ecl_53": "未按规定报送2019年度能源利用状况报告",
    "ecl_55": "未设立能源管理岗位，能源管理负责人未备案",
    "ecl_26": "未按规定开展节能教育和岗位节能培训",
}


def _finding(rng, case: Case, industries, bases, *, first: bool) -> dict:
    task = case.task
    kind, basis_key = rng.choice(FIRST_KIND[task.category] if first else MORE_KINDS)
    description, numbers = _describe(rng, kind, basis_key, task, industries)
    basis = bases.get(basis_key)
    inspector = task.inspectors[0]
    return {
        "case_id": case.id,
        "kind": kind,
        "basis_key": basis_key if basis else "",
        "basis_text": finding_service.basis_text(basis) if basis else "",
        "severity": _severity(rng),
        "description": description,
        "numbers": numbers,
        "verdict_id": None,
        "equipment_item_id": None,
        "created_at": utc(case.visit_on, 6),
        "created_by_id": inspector.id,
    }


def _severity(rng) -> Severity:
    draw, total = rng.random(), 0.0
    for severity, share in SEVERITIES:
        total += share
        if draw < total:
            return severity
    return Severity.GENERAL


def _describe(rng, kind, basis_key, task, industries) -> tuple[str, dict]:
    industry = industries.get(task.industry_id)
    if kind == "over_quota":
        known = industry.limit if industry else None
        limit = float(known) if known is not None else float(rng.randint(80, 1800))
        value = limit + abs(limit) * rng.uniform(0.03, 0.35)  # limits may be negative (acid)
        digits = 2 if abs(limit) < 10 else 0
        shown = {"value": f"{value:.{digits}f}", "limit": f"{limit:.{digits}f}"}
        unit = industry.unit if industry and industry.unit else "kgce/t"
        product = industry.product if industry else "主要产品"
        percent = f"{100 * (value - limit) / abs(limit):.1f}"
        prefix = "经限期治理后仍" if basis_key == "ecl_72" else ""
        text = (
            f"{prefix}2019年{product}单位产品综合能耗 {shown['value']} {unit}，"
            f"超过限定值 {shown['limit']} {unit}，超出 {percent}%"
        )
        numbers = {**shown, "unit": unit, "over_percent": percent}
        if industry and industry.standard:
            numbers["standard"] = industry.standard
        return text, numbers
    if kind == "ladder_mismatch":
        computed = rng.choice(("第二档", "第三档"))
        rate = "0.05" if computed == "第二档" else "0.10"
        surcharge = rng.randint(20, 3000) * 10_000
        text = f"2019年能耗指标应执行{computed}加价（+{rate} 元/kWh），实际按第一档结算，少执行加价约 {surcharge // 10_000} 万元"
        numbers = {"computed": computed, "billed": "第一档", "surcharge": str(surcharge)}
        return text, numbers
    if kind in ("eliminated_equipment", "below_efficiency"):
        name, model, _ = rng.choice(EQUIPMENT)
        quantity = rng.randint(1, 24)
        if kind == "eliminated_equipment":
            text = f"在用{name} {model} 共 {quantity} 台，属国家明令淘汰的用能设备"
        else:
            text = f"在用{name} {model} 共 {quantity} 台，能效低于限定值"
        return text, {"equipment": name, "model": model, "quantity": str(quantity)}
    if kind == "pue":
        value = f"{rng.uniform(1.55, 2.3):.2f}"
        text = f"2019年数据中心电能使用效率实测值 {value}，高于目标值 1.4"
        return text, {"value": value, "limit": "1.4"}
    if kind == "metering":
        text = rng.choice(
            (
                "主要用能设备未配备能源计量器具，计量器具配备率不符合 GB 17167 要求",
                "部分能源计量器具未按规定检定，超过检定周期",
                "IT 设备用电未在 UPS 输出端单独计量",
            )
        )
        return text, {}
    if kind == "daily_check":
        return DAILY_TEXTS.get(basis_key, "能源管理制度不健全"), {}
    return "2019年限期整改通知书要求的整改措施未落实到位", {}
