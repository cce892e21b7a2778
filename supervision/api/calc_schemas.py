"""What the calculator endpoints (/api/v1/calc/…) accept and answer."""

from __future__ import annotations

from ..inspections.rules.energy import Method
from ..inspections.rules.equipment import KIND_NAMES
from ..inspections.rules.ladder import SECTOR_NAMES
from .case_schemas import ANNUAL_PUE_FIELDS, NUMBER, STATUSES, amounts_field
from .outputs import Output
from .schemas import Field, Schema, decimal_field

_DATE = Field("string", "核查日期 YYYY-MM-DD（按该日有效的标准判定）", True, format="date")


def _out(kind: str, description: str = "", nullable: bool = False, **kw) -> Field:
    return Field(kind, description, nullable=nullable, **kw)


_VERDICT = {
    "status": _out(
        "string", "结论；输入不全或不可能时为 missing_data / abnormal_data", enum=STATUSES
    ),
    "status_label": _out("string", "结论（中文）"),
    "reason": _out("string", "一句话判定理由"),
    "reference_version": _out("string", "所用参考数据及版本"),
}

# -- requests -------------------------------------------------------------------------------

KGCE_CALC = Schema(
    "KgceCalc",
    {
        "amount": decimal_field("实物量", required=True),
        "energy_type": Field("string", "能源品种（electricity、raw_coal …）", True, max_length=40),
        "method": Field(
            "string", "折算方法（默认 calorific 当量值）", enum=tuple(m.value for m in Method)
        ),
        "measured": decimal_field("实测低位发热量（kJ/单位），给出时优先于默认系数"),
        "year": Field("integer", "能源使用年度（按年度的等价值系数）", minimum=1990, maximum=2100),
    },
    "按 GB/T 2589 折算标准煤。",
)
QUOTA_CALC = Schema(
    "QuotaCalc",
    {
        "product": Field("string", "产品（如 硫磺制酸）", True, max_length=80),
        "indicator": Field("string", "指标（产品有多个指标时必填）", nullable=True, max_length=80),
        "on": _DATE,
        "value": decimal_field("指标值（标准的单位）；与 output + energy 二选一"),
        "output": decimal_field("产量"),
        "energy": amounts_field("能源消费量：能源品种 → 数量"),
        "measured": amounts_field("实测低位发热量：能源品种 → kJ/单位"),
        "exported": amounts_field("外供能源：能源品种 → 数量"),
    },
    "单位产品能耗与限额标准的限定值比较（不保存）。",
)
LADDER_CALC = Schema(
    "LadderCalc",
    {
        "sector": Field("string", "行业", True, enum=tuple(SECTOR_NAMES)),
        "indicator_value": decimal_field("上一年度的指标值（kWh/t 或 %）"),
        "kwh": decimal_field("执行年度生产用电量（kWh）；给出时计算加价电费"),
        "year": Field("integer", "执行（计费）年度", True, minimum=2000, maximum=2100),
        "category": Field("string", "淘汰类或限制类", nullable=True, enum=("淘汰类", "限制类")),
    },
    "阶梯电价档次与加价电费（档次按上一年度指标确定，分界值属较低档）。",
)
EQUIPMENT_CALC = Schema(
    "EquipmentCalc",
    {
        "kind": Field("string", "设备类型", True, enum=tuple(KIND_NAMES)),
        "model": Field("string", "型号", True, max_length=80),
        "rated": decimal_field("额定功率 kW（变压器：容量 kVA）"),
        "grade": Field(
            "string", "能效等级（1 最好）", nullable=True, also=("integer",), max_length=8
        ),
        "efficiency": decimal_field("效率 %（空压机：比功率）"),
        "variant": Field("string", "规格（如电动机极数）", nullable=True, max_length=20),
        "on": _DATE,
    },
    "设备能效与淘汰目录核对（不保存）。",
)
MONTH = Field(
    "object",
    "一个月的电量",
    members={
        "month": Field("string", "月份 YYYY-MM", required=True, max_length=7),
        "total_kwh": decimal_field("总耗电量（kWh）"),
        "it_kwh": decimal_field("IT 设备耗电量（kWh）"),
    },
)
PUE_CALC = Schema(
    "PueCalc",
    {
        "total_kwh": decimal_field("总耗电量（kWh）：单期 PUE"),
        "it_kwh": decimal_field("IT 设备耗电量（kWh）：单期 PUE"),
        "monthly": Field("array", "月度电量：年度 PUE", items=MONTH, max_items=24),
        "year": Field("integer", "年度（与 monthly 同用）", minimum=2000, maximum=2100),
        "large": Field("boolean", "大型及以上数据中心（默认 true；与 monthly 同用）"),
    },
    "单期 PUE（total_kwh + it_kwh），或年度 PUE 与目标值比较（monthly + year + large）。",
)

# -- answers --------------------------------------------------------------------------------

KGCE_RESULT = Output(
    "KgceResult",
    {
        **_VERDICT,
        "kgce": _out("string", "标准煤（kgce，精确值）", nullable=True),
        "factor": _out("string", "折标系数（kgce/单位）", nullable=True),
        "unit": _out("string", nullable=True),
        "basis": _out("string", "系数依据", nullable=True),
        "verified": _out("boolean"),
    },
)
QUOTA_RESULT = Output(
    "QuotaResult",
    {
        **_VERDICT,
        "formula": _out("string"),
        "product": _out("string"),
        "indicator": _out("string", nullable=True),
        "unit": _out("string", nullable=True),
        "value": NUMBER,
        "limit": NUMBER,
        "over_amount": NUMBER,
        "over_percent": _out("string", "超出限定值的百分比（两位小数）", nullable=True),
        "standard": _out("string", nullable=True),
        "verified": _out("boolean"),
        "provisional": _out("string", nullable=True),
    },
)
LADDER_RESULT = Output(
    "LadderResult",
    {
        **_VERDICT,
        "formula": _out("string"),
        "sector": _out("string"),
        "year": _out("integer", "执行年度"),
        "indicator_year": _out("integer", "决定档次的指标年度"),
        "indicator_value": NUMBER,
        "tier": _out("string", "档次", nullable=True),
        "candidates": _out("array", "可能的档次（分界待核实时不止一个）", items=_out("string")),
        "rate": NUMBER,
        "steps": _out("integer", nullable=True),
        "kwh": NUMBER,
        "surcharge": _out("string", "加价电费（元，两位小数）", nullable=True),
        "policy": _out("string", nullable=True),
        "verified": _out("boolean"),
    },
)
EQUIPMENT_RESULT = Output(
    "EquipmentResult",
    {
        **_VERDICT,
        "standard": _out("string", nullable=True),
        "clause": _out("string", nullable=True),
        "batch": _out("string", "淘汰目录批次", nullable=True),
        "pattern": _out("string", nullable=True),
        "limit_grade": _out("integer", nullable=True),
        "efficiency_limit": NUMBER,
        "verified": _out("boolean"),
        "provisional": _out("string", nullable=True),
    },
)
PUE_RESULT = Output(
    "PueResult",
    {
        **{k: v for k, v in ANNUAL_PUE_FIELDS.items() if k not in _VERDICT},
        **_VERDICT,
    },
)
