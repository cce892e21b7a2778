"""What the case and data-centre endpoints accept and answer (issue 4), and the dumps."""

from __future__ import annotations

from decimal import Decimal

from ..inspections.models import CaseStatus, Severity
from ..inspections.rules import Status
from ..tasks.models import ReviewMethod
from .outputs import Output
from .schemas import PAGE, PROVINCE_QUERY, Field, Schema, decimal_field

#: A reading or verdict number as the API shows it: an exact decimal string, or null.
NUMBER = Field("string", "精确小数（字符串）", nullable=True, format="decimal")
STATUSES = tuple(s.value for s in Status)


def _out(kind: str, description: str = "", nullable: bool = False, **kw) -> Field:
    return Field(kind, description, nullable=nullable, **kw)


def amounts_field(description: str) -> Field:
    return Field(
        "object",
        description,
        nullable=True,
        max_items=20,
        values=decimal_field("数量（字符串或整数）"),
    )


# -- requests -------------------------------------------------------------------------------

CASE_QUERY = Schema(
    "CaseQuery",
    {
        **PAGE,
        "status": Field("string", "案件状态", enum=tuple(s.value for s in CaseStatus)),
        "category": Field("integer", "监察类别（1–5）", minimum=1, maximum=5),
        "province": PROVINCE_QUERY,
    },
)
QUOTA_METRICS = Schema(
    "QuotaMetrics",
    {
        "product": Field(
            "string", "产品（能耗限额标准中的名称，如 硫磺制酸）", True, max_length=80
        ),
        "indicator": Field("string", "指标（产品有多个指标时必填）", nullable=True, max_length=80),
        "output": decimal_field("核查年度产量（标准规定的单位）"),
        "energy": amounts_field("能源消费量：能源品种 → 数量（electricity kWh、raw_coal kg …）"),
        "measured": amounts_field("实测低位发热量：能源品种 → kJ/单位"),
        "exported": amounts_field("外供能源：能源品种 → 数量（heat MJ、electricity kWh）"),
        "reported_value": decimal_field("直接填报的指标值（与能源消费量二选一）"),
    },
    "专项监察一：核查年度的产量和分品种能源消费量（或直接填报指标值）。数值用字符串或整数。",
)
LADDER_METRICS = Schema(
    "LadderMetrics",
    {
        "indicator_value": decimal_field("上年度指标值（与 kwh_electrolysis + output 二选一）"),
        "kwh_electrolysis": decimal_field("上年度电解交流电耗（kWh）"),
        "output": decimal_field("上年度产量（t）"),
        "category": Field("string", "淘汰类或限制类（按类别加价时）", nullable=True, max_length=8),
        "kwh": decimal_field("执行年度生产用电量（kWh，含自备电厂）"),
        "billed_tier": Field("string", "实际执行的档次名称", nullable=True, max_length=20),
        "billed_rate": decimal_field("实际执行的加价标准（元/kWh）"),
    },
    "专项监察二：上年度指标、执行年度用电量和实际执行档次。数值用字符串或整数。",
)
READING = Field(
    "object",
    "一个月的电量",
    members={
        "month": Field("string", "月份 YYYY-MM", required=True, max_length=7),
        "total_kwh": decimal_field("数据中心总耗电量（kWh）", required=True),
        "it_kwh": decimal_field("IT 设备耗电量（kWh）", required=True),
    },
)
READINGS = Schema(
    "Readings",
    {
        "readings": Field(
            "array", "月度读数（最多 120 个月）", required=True, items=READING, max_items=120
        )
    },
    "计量系统推送月度电量：全部通过才保存；任何一条有误则返回 422，entries 列出序号和原因，"
    "一条也不保存。同一月份已有读数时覆盖。",
)
PUE_QUERY = Schema(
    "PueQuery",
    {"year": Field("integer", "年度（默认为有读数的最近年度）", minimum=2000, maximum=2100)},
)

# -- answers --------------------------------------------------------------------------------

INSPECTOR = _out(
    "object",
    members={"username": _out("string"), "name": _out("string", "姓名")},
)
VERDICT_FIELDS = {
    "id": _out("integer"),
    "rule": _out("string", "quota、ladder、equipment、pue"),
    "subject": _out("string", "核算对象（产品 · 指标、ladder、dc:<id> …）"),
    "status": _out("string", "结论", enum=STATUSES),
    "status_label": _out("string", "结论（中文）"),
    "reason": _out("string", "判定理由"),
    "formula": _out("string", "计算过程"),
    "reference_version": _out("string", "所用参考数据及版本"),
    "value": NUMBER,
    "limit": NUMBER,
    "unit": _out("string"),
    "numbers": _out("object", "其他核算结果（超出比例、加价电费 …）"),
    "verified": _out("boolean", "所用参考值均已核实"),
    "provisional": _out("string", "参考值待核实时的暂定结论", nullable=True),
    "calculated_at": _out("string", format="date-time"),
}
VERDICT = Output("Verdict", VERDICT_FIELDS)
FINDING = _out(
    "object",
    members={
        "id": _out("integer"),
        "kind": _out("string", "问题类型"),
        "severity": _out("string", enum=tuple(s.value for s in Severity)),
        "description": _out("string"),
        "basis_key": _out("string", "法律依据（参考数据的键）"),
        "basis_text": _out("string", "依据条款"),
        "numbers": _out("object", "相关数据"),
        "verdict_id": _out("integer", nullable=True),
        "created_at": _out("string", format="date-time"),
    },
)
CASE_SUMMARY_FIELDS = {
    "id": _out("integer"),
    "task_id": _out("integer", nullable=True),
    "plan_year": _out("integer", "计划年度"),
    "assessed_year": _out("integer", "核查年度（计划年度的上一年）"),
    "province": _out("string", "省级单位的行政区划代码"),
    "agency_id": _out("integer"),
    "agency_name": _out("string"),
    "enterprise_id": _out("integer"),
    "credit_code": _out("string"),
    "enterprise_name": _out("string"),
    "category": _out("integer"),
    "industry": _out("string", nullable=True),
    "status": _out("string", enum=tuple(s.value for s in CaseStatus)),
    "status_label": _out("string"),
    "method": _out("string", enum=tuple(m.value for m in ReviewMethod)),
    "due_on": _out("string", "办结期限", nullable=True, format="date"),
    "visit_on": _out("string", "监察日期", nullable=True, format="date"),
    "inspectors": _out("array", "承办监察人员", items=INSPECTOR),
}
CASE_SUMMARY = Output("CaseSummary", CASE_SUMMARY_FIELDS)
CASE = Output(
    "Case",
    {
        **CASE_SUMMARY_FIELDS,
        "participants": _out("string"),
        "representative": _out("string", "企业陪同人员"),
        "summary": _out("string", "监察情况"),
        "closed_at": _out("string", nullable=True, format="date-time"),
        "verdicts": _out("array", items=_out("object", members=VERDICT_FIELDS)),
        "findings": _out("array", items=FINDING),
    },
)
READING_OUT = _out(
    "object",
    members={
        "month": _out("string", "YYYY-MM"),
        "total_kwh": NUMBER,
        "it_kwh": NUMBER,
        "pue": _out("string", "当月 PUE（两位小数；数据不可用时为 null）", nullable=True),
        "source": _out("string", "manual、api、import"),
    },
)
READINGS_SAVED = Output(
    "ReadingsSaved",
    {
        "data_centre_id": _out("integer"),
        "saved": _out("integer", "保存的月数"),
        "readings": _out("array", items=READING_OUT),
    },
)
PUE_TARGET = _out(
    "object",
    "与 PUE 目标值的比较（无参考数据时结论为 no_reference）",
    nullable=True,
    members={
        "status": _out("string", enum=STATUSES),
        "status_label": _out("string"),
        "reason": _out("string"),
        "limit": NUMBER,
        "policy": _out("string", nullable=True),
        "verified": _out("boolean"),
        "provisional": _out("string", nullable=True),
    },
)
ANNUAL_PUE_FIELDS = {
    "year": _out("integer", nullable=True),
    "status": _out("string", "determined、missing_data、abnormal_data", enum=STATUSES),
    "status_label": _out("string"),
    "pue": _out("string", "年度 PUE（两位小数）", nullable=True),
    "total_kwh": NUMBER,
    "it_kwh": NUMBER,
    "missing_months": _out("array", "缺少数据的月份", items=_out("integer")),
    "duplicate_months": _out("array", "重复的月份", items=_out("integer")),
    "reason": _out("string"),
    "target": PUE_TARGET,
    "reference_version": _out("string"),
}
DATA_CENTRE_PUE = Output(
    "DataCentrePue",
    {
        "data_centre_id": _out("integer"),
        "name": _out("string"),
        "large": _out("boolean", "大型及以上（适用 PUE 目标值）"),
        **ANNUAL_PUE_FIELDS,
        "metering_gaps": _out(
            "array",
            "能源计量器具配备问题（GB 17167）；有问题时 target 结论为数据异常或数据不全",
            items=_out("string"),
        ),
        "months": _out("array", "该年度的月度读数", items=READING_OUT),
    },
)


# -- dumps ----------------------------------------------------------------------------------


def number(value: Decimal | None) -> str | None:
    """An exact decimal without trailing zeros or exponent: 13750.000000 → "13750"."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def status_label(status: str) -> str:
    try:
        return Status(status).label
    except ValueError:
        return status


def dump_verdict(v) -> dict:
    return {
        "id": v.id,
        "rule": v.rule,
        "subject": v.subject,
        "status": v.status,
        "status_label": status_label(v.status),
        "reason": v.reason,
        "formula": v.formula,
        "reference_version": v.reference_version,
        "value": number(v.value),
        "limit": number(v.limit_value),
        "unit": v.unit,
        "numbers": dict(v.numbers or {}),
        "verified": v.verified,
        "provisional": v.provisional,
        "calculated_at": _iso(v.calculated_at),
    }


def dump_finding(f) -> dict:
    return {
        "id": f.id,
        "kind": f.kind,
        "severity": f.severity.value,
        "description": f.description,
        "basis_key": f.basis_key,
        "basis_text": f.basis_text,
        "numbers": dict(f.numbers or {}),
        "verdict_id": f.verdict_id,
        "created_at": _iso(f.created_at),
    }


def dump_case_summary(c) -> dict:
    task = c.task
    return {
        "id": c.id,
        "task_id": c.task_id,
        "plan_year": task.filing.plan.year if task else c.assessed_year + 1,
        "assessed_year": c.assessed_year,
        "province": (task.filing.province if task else c.province).division_code,
        "agency_id": c.agency_id,
        "agency_name": c.agency.name,
        "enterprise_id": c.enterprise_id,
        "credit_code": c.enterprise.credit_code,
        "enterprise_name": c.enterprise.name,
        "category": c.category,
        "industry": c.industry.code if c.industry else None,
        "status": c.status.value,
        "status_label": c.status.label,
        "method": c.method.value,
        "due_on": _iso(c.due_on),
        "visit_on": _iso(c.visit_on),
        "inspectors": [{"username": u.username, "name": u.full_name} for u in c.inspectors],
    }


def dump_case(c) -> dict:
    return {
        **dump_case_summary(c),
        "participants": c.participants,
        "representative": c.representative,
        "summary": c.summary,
        "closed_at": _iso(c.closed_at),
        "verdicts": [dump_verdict(v) for v in c.verdicts],
        "findings": [dump_finding(f) for f in c.findings],
    }


def dump_reading(r, pue: Decimal | None) -> dict:
    return {
        "month": r.month.strftime("%Y-%m"),
        "total_kwh": number(r.total_kwh),
        "it_kwh": number(r.it_kwh),
        "pue": None if pue is None else format(pue, "f"),
        "source": r.source,
    }


def dump_target(verdict) -> dict | None:
    """A rules.pue.PueVerdict, or a datacentres.service.PueAssessment (its status and reason
    include the metering check; the target comparison is its ``target``)."""
    if verdict is None:
        return None
    status, reason = verdict.status, verdict.reason
    if hasattr(verdict, "gaps"):  # a PueAssessment: its comparison with the target
        verdict = verdict.target
    target = verdict.target
    return {
        "status": status.value,
        "status_label": status.label,
        "reason": reason,
        "limit": number(target.limit) if target else None,
        "policy": target.policy if target else None,
        "verified": verdict.verified,
        "provisional": verdict.provisional.value if verdict.provisional else None,
    }


def dump_annual(annual, target, reference_version: str) -> dict:
    return {
        "year": annual.year,
        "status": annual.status.value,
        "status_label": annual.status.label,
        "pue": None if annual.value is None else format(annual.value, "f"),
        "total_kwh": number(annual.total_kwh),
        "it_kwh": number(annual.it_kwh),
        "missing_months": list(annual.missing_months),
        "duplicate_months": list(annual.duplicate_months),
        "reason": annual.reason,
        "target": dump_target(target),
        "reference_version": reference_version,
    }
