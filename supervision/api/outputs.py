"""What the API answers: the documented response objects and the functions that build them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..tasks.models import FilingStatus, ReviewMethod
from .schemas import ENTERPRISE_BODY, Field


@dataclass(frozen=True)
class Output:
    """A documented response object; the ``dump_*`` functions below produce exactly these keys
    (checked by tests/api/test_api_openapi.py)."""

    name: str
    fields: dict[str, Field] = field(default_factory=dict)

    def json_schema(self) -> dict:
        return {
            "type": "object",
            "properties": {name: spec.json_schema() for name, spec in self.fields.items()},
            "required": list(self.fields),
        }


def _out(kind: str, description: str = "", nullable: bool = False, **kw) -> Field:
    return Field(kind, description, nullable=nullable, **kw)


_NULLABLE_OUT = {"industry", "stopped_on", "annual_energy_tce"}

ENTERPRISE = Output(
    "Enterprise",
    {
        "id": _out("integer"),
        "province": _out("string", "省级单位的行政区划代码"),
        "province_name": _out("string"),
        **{
            name: replace(spec, nullable=name in _NULLABLE_OUT, max_length=None)
            for name, spec in ENTERPRISE_BODY.items()
        },
        "industry_name": _out("string", nullable=True),
        "annual_energy_tce": _out(
            "string", "年综合能源消费量（吨标准煤），两位小数", nullable=True
        ),
        "version": _out("integer", "乐观锁版本号：PATCH 时带上"),
        "created_at": _out("string", format="date-time"),
    },
)
TASK = Output(
    "Task",
    {
        "id": _out("integer"),
        "year": _out("integer", "计划年度"),
        "province": _out("string"),
        "enterprise_id": _out("integer"),
        "credit_code": _out("string"),
        "enterprise_name": _out("string"),
        "category": _out("integer"),
        "industry": _out("string", nullable=True),
        "agency_id": _out("integer"),
        "agency_code": _out("string", nullable=True),
        "agency_name": _out("string"),
        "inspectors": _out("array", items=_out("string")),
        "planned_month": _out("integer", nullable=True),
        "method": _out("string", enum=tuple(m.value for m in ReviewMethod)),
        "remarks": _out("string"),
        "parent_task_id": _out("integer", nullable=True),
        "created_at": _out("string", format="date-time"),
    },
)
FILING = Output(
    "Filing",
    {
        "year": _out("integer"),
        "province": _out("string"),
        "province_name": _out("string"),
        "status": _out("string", enum=tuple(s.value for s in FilingStatus)),
        "submitted_at": _out("string", nullable=True, format="date-time"),
        "late_workdays": _out("integer", "报送时逾期的工作日数"),
        "tasks": _out("integer", "任务总数"),
    },
)
OUTPUTS = (ENTERPRISE, TASK, FILING)


def _timestamp(value) -> str | None:
    return value.isoformat() if value is not None else None


def dump_enterprise(e) -> dict:
    return {
        "id": e.id,
        "province": e.province.division_code,
        "province_name": e.province.name,
        "credit_code": e.credit_code,
        "name": e.name,
        "address": e.address,
        "division_code": e.division_code,
        "industry": e.industry.code if e.industry else None,
        "products": e.products,
        "status": e.status.value,
        "stopped_on": e.stopped_on.isoformat() if e.stopped_on else None,
        "key_energy_unit": e.key_energy_unit,
        "annual_energy_tce": None if e.annual_energy_tce is None else f"{e.annual_energy_tce:.2f}",
        "legal_representative": e.legal_representative,
        "legal_representative_phone": e.legal_representative_phone,
        "energy_manager": e.energy_manager,
        "energy_manager_phone": e.energy_manager_phone,
        "industry_name": e.industry.name if e.industry else None,
        "version": e.version,
        "created_at": _timestamp(e.created_at),
    }


def dump_task(t) -> dict:
    return {
        "id": t.id,
        "year": t.filing.plan.year,
        "province": t.filing.province.division_code,
        "enterprise_id": t.enterprise_id,
        "credit_code": t.enterprise.credit_code,
        "enterprise_name": t.enterprise.name,
        "category": t.category,
        "industry": t.industry.code if t.industry else None,
        "agency_id": t.agency_id,
        "agency_code": t.agency.division_code,
        "agency_name": t.agency.name,
        "inspectors": [u.username for u in t.inspectors],
        "planned_month": t.planned_month,
        "method": t.method.value,
        "remarks": t.remarks,
        "parent_task_id": t.parent_task_id,
        "created_at": _timestamp(t.created_at),
    }


def dump_filing(f, task_count: int) -> dict:
    return {
        "year": f.plan.year,
        "province": f.province.division_code,
        "province_name": f.province.name,
        "status": f.status.value,
        "submitted_at": _timestamp(f.submitted_at),
        "late_workdays": f.late_workdays,
        "tasks": task_count,
    }
