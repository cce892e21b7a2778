"""How reference rows are shown: field names in Chinese, and rows as nested tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

#: Field names of the row dataclasses (and their sub-rows); unknown names are shown as is.
FIELD_LABELS = {
    "standard": _l("标准"),
    "edition": _l("版本"),
    "kj_per_kgce": _l("kJ/kgce"),
    "factors": _l("折标系数"),
    "energy_type": _l("能源品种"),
    "name": _l("名称"),
    "unit": _l("单位"),
    "factor": _l("系数"),
    "method": _l("方法"),
    "year": _l("年份"),
    "verified": _l("核实"),
    "source": _l("来源"),
    "note": _l("备注"),
    "sector": _l("行业"),
    "policy": _l("政策文件"),
    "version": _l("版本"),
    "indicator": _l("指标"),
    "tiers": _l("分档"),
    "kind": _l("类型"),
    "rate": _l("加价（元/kWh）"),
    "category": _l("类别"),
    "upper": _l("上限（含）"),
    "step": _l("步长"),
    "effective_from": _l("生效日期"),
    "effective_to": _l("失效日期（不含）"),
    "clause": _l("条款"),
    "metric": _l("指标"),
    "metric_unit": _l("指标单位"),
    "rated_unit": _l("额定值单位"),
    "limit_grade": _l("最低能效等级"),
    "bands": _l("功率段"),
    "limit": _l("限值"),
    "rated_from": _l("额定值自"),
    "rated_to": _l("额定值至"),
    "variant": _l("极数/规格"),
    "lower_is_better": _l("越低越好"),
    "patterns": _l("型号规则"),
    "pattern": _l("型号模式"),
    "description": _l("说明"),
    "document": _l("文件"),
    "published_on": _l("发布日期"),
    "strict": _l("严格小于"),
    "large_only": _l("仅大型及以上"),
    "key": _l("代码"),
    "law": _l("法规"),
    "article": _l("条款"),
    "summary": _l("内容摘要"),
    "applies_to": _l("适用问题类型"),
    "kinds": _l("适用类型"),
    "amount_yuan": _l("补贴标准（元/台）"),
    "lower_l": _l("容积下限（L）"),
    "lower_inclusive": _l("含下限"),
    "upper_l": _l("容积上限（L）"),
    "upper_inclusive": _l("含上限"),
    "max_index": _l("能效指数上限（%）"),
    "max_inclusive": _l("含上限值"),
    "period_from": _l("推广期限自"),
    "period_to": _l("推广期限至（含）"),
    "energy_grade": _l("能效等级"),
    "min_annual_units": _l("年推广数量下限（台）"),
    "psu_max_watts": _l("电源额定功率上限（W）"),
    "psu_max_inclusive": _l("含上限值"),
    "screen_min_inches": _l("一体机屏幕下限（英寸）"),
    "screen_min_m": _l("一体机屏幕下限（米）"),
    "screen_min_inclusive": _l("含下限值"),
    "max_discrete_gpus": _l("独立显卡数上限"),
}


def label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


@dataclass(frozen=True)
class Cell:
    """A value to show: text, a flag, or a sub-table of rows."""

    name: str
    text: str = ""
    flag: bool | None = None  #: booleans (``verified`` shows 待核实 when False)
    table: Table | None = None


@dataclass(frozen=True)
class Table:
    columns: list[tuple[str, str]]  #: (field name, label)
    rows: list[list[Cell]]


def cell(name: str, value: Any) -> Cell:
    if isinstance(value, bool):
        return Cell(name, flag=value)
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return Cell(name, table=table(value))
    if isinstance(value, list):
        return Cell(name, "、".join(str(v) for v in value) or "—")
    if isinstance(value, dict):
        return Cell(name, table=table([value]))
    if value is None or value == "":
        return Cell(name, "—")
    return Cell(name, str(value))


def table(rows: list[dict[str, Any]]) -> Table:
    """Stored rows (as ``codec.dump`` makes them) as a table; nested rows become sub-tables."""
    names: list[str] = []
    for row in rows:
        names.extend(name for name in row if name not in names)
    return Table(
        columns=[(name, label(name)) for name in names],
        rows=[[cell(name, row.get(name)) for name in names] for row in rows],
    )
