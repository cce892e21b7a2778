"""Calculators for the province's own tools: one per rule, on the reference data in use."""

from __future__ import annotations

from ..core.access import requires
from ..core.errors import json_response
from . import bp, calculators
from . import calc_schemas as schemas
from .openapi import operation
from .views import _body, _query

_ANSWERS = (
    "任何有效令牌均可调用；不保存任何数据。输入不全或不可能时仍返回 200，"
    "status 为 missing_data（数据不全）或 abnormal_data（数据异常）；数值用字符串或整数。"
    "reference_version 为所用参考数据及版本。"
)


def _answer(calculate):
    _query()
    return json_response(calculate(_body()))


@bp.post("/calc/kgce")
@requires()
@operation("折标准煤", description=_ANSWERS, body=schemas.KGCE_CALC, returns=schemas.KGCE_RESULT)
def calc_kgce():
    """kgce of an energy amount (GB/T 2589 factors, or the measured calorific value)."""
    return _answer(calculators.kgce)


@bp.post("/calc/quota")
@requires()
@operation(
    "单位产品能耗限额核算",
    description=_ANSWERS + "给出 value（指标值），或 output 与 energy（按标准规定的方法折算）。",
    body=schemas.QUOTA_CALC,
    returns=schemas.QUOTA_RESULT,
)
def calc_quota():
    """A unit consumption judged against the limit in force on ``on``."""
    return _answer(calculators.quota)


@bp.post("/calc/ladder")
@requires()
@operation(
    "阶梯电价档次与加价电费",
    description=_ANSWERS + "year 为执行年度，indicator_value 为上一年度指标。",
    body=schemas.LADDER_CALC,
    returns=schemas.LADDER_RESULT,
)
def calc_ladder():
    """The tier for the billed year and, with ``kwh``, the surcharge."""
    return _answer(calculators.ladder)


@bp.post("/calc/equipment")
@requires()
@operation(
    "设备能效与淘汰目录核对",
    description=_ANSWERS,
    body=schemas.EQUIPMENT_CALC,
    returns=schemas.EQUIPMENT_RESULT,
)
def calc_equipment():
    """One equipment item against the efficiency standard and the elimination catalogue."""
    return _answer(calculators.equipment)


@bp.post("/calc/pue")
@requires()
@operation(
    "数据中心 PUE",
    description=_ANSWERS
    + "单期：total_kwh + it_kwh；年度：monthly + year + large，另与目标值比较。",
    body=schemas.PUE_CALC,
    returns=schemas.PUE_RESULT,
)
def calc_pue():
    """A period's PUE, or a year's PUE from its months judged against the target."""
    return _answer(calculators.pue)
