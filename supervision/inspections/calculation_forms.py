"""Forms of the quota check (category 一) and the ladder electricity check (category 二)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from ..core.forms import as_choices, strip
from .calculations import CATEGORIES, ENERGY_TYPES, EXPORT_TYPES, number_problem

#: Separates product and indicator in the product select's values.
SEPARATOR = "::"


class Number:
    """A number as typed (spaces and commas allowed); checked again by the service."""

    def __init__(self, negative: bool = False) -> None:
        self.negative = negative

    def __call__(self, form, field) -> None:
        problem = number_problem(field.data, negative=self.negative)
        if problem:
            raise ValidationError(problem)


def _number(label, description=None, negative=False) -> StringField:
    return StringField(
        label,
        [Length(max=40), Number(negative=negative)],
        filters=[strip],
        description=description,
    )


class QuotaForm(FlaskForm):
    #: The quota verdicts' versions when the form was opened (optimistic locking).
    version = HiddenField()
    product = SelectField(
        _l("产品 · 指标"),
        [InputRequired(_l("请选择产品。"))],
        choices=[],
        validate_choice=False,  # checked by the service against the catalogue
    )
    output = _number(_l("产量"))
    reported_value = _number(
        _l("直接填报的指标值"),
        _l("以 kgEO 等非标准煤单位计的标准，填写企业报送并经核实的指标值，不填能源消费量。"),
        negative=True,
    )
    energy_electricity = _number(_l("电力消费量"))
    energy_raw_coal = _number(_l("原煤消费量"))
    energy_natural_gas = _number(_l("天然气消费量"))
    energy_diesel = _number(_l("柴油消费量"))
    energy_heat = _number(_l("热力消费量"))
    measured_electricity = _number(_l("电力实测热值"))
    measured_raw_coal = _number(_l("原煤实测低位发热量"))
    measured_natural_gas = _number(_l("天然气实测低位发热量"))
    measured_diesel = _number(_l("柴油实测低位发热量"))
    measured_heat = _number(_l("热力实测热值"))
    exported_heat = _number(_l("外供热力（蒸汽）"))
    exported_electricity = _number(_l("外供电力"))

    def label_units(self, table) -> None:
        """Name each energy field after the factor table's row, with its unit."""
        rows = {f.energy_type: f for f in table.factors}
        for key in ENERGY_TYPES:
            row = rows.get(key)
            if row is None:
                continue
            getattr(self, f"energy_{key}").label.text = f"{row.name}（{row.unit}）"
            getattr(self, f"measured_{key}").label.text = f"{row.name}（kJ/{row.unit}）"
        for key in EXPORT_TYPES:
            row = rows.get(key)
            if row is not None:
                field = getattr(self, f"exported_{key}")
                field.label.text = f"{field.label.text}（{row.unit}）"

    def as_data(self) -> dict:
        """The service's input: blanks left out of the energy mappings."""
        product, _, indicator = (self.product.data or "").partition(SEPARATOR)

        def group(prefix, keys):
            found = {k: getattr(self, f"{prefix}_{k}").data for k in keys}
            return {k: v for k, v in found.items() if v}

        return {
            "product": product,
            "indicator": indicator or None,
            "output": self.output.data,
            "reported_value": self.reported_value.data,
            "energy": group("energy", ENERGY_TYPES),
            "measured": group("measured", ENERGY_TYPES),
            "exported": group("exported", EXPORT_TYPES),
        }


class LadderForm(FlaskForm):
    #: The ladder verdicts' versions when the form was opened (optimistic locking).
    version = HiddenField()
    indicator_value = _number(
        _l("上年指标值"), _l("直接填写经核实的上年指标值；或在下面填写电耗和产量由系统计算。")
    )
    kwh_electrolysis = _number(_l("上年铝液电解交流电耗（kWh）"))
    output = _number(_l("上年铝液产量（t）"))
    category = SelectField(
        _l("类别"),
        choices=as_choices([("", _l("不属于淘汰类、限制类"))] + [(c, c) for c in CATEGORIES]),
        default="",
    )
    kwh = _number(
        _l("本年生产用电量（kWh）"), _l("全部生产用电，含自备电厂供电；加价电费按此计算。")
    )
    billed_tier = SelectField(_l("实际执行档次"), choices=[], validate_choice=False)
    billed_rate = _number(_l("实际执行加价标准（元/kWh）"))

    def set_tiers(self, schedule) -> None:
        names = [t.name for t in schedule.tiers] if schedule else []
        self.billed_tier.choices = as_choices([("", _l("（未填写）"))] + [(n, n) for n in names])

    def as_data(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in (
                "indicator_value",
                "kwh_electrolysis",
                "output",
                "category",
                "kwh",
                "billed_tier",
                "billed_rate",
            )
        }
