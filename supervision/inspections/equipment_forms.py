"""The form adding one row to a case's equipment ledger (the same checks as the import)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from ..core.forms import OPTIONAL_TEXT, as_choices, strip
from .equipment import KIND_LABELS, ItemData, parse_item


class EquipmentForm(FlaskForm):
    kind = SelectField(
        _l("设备类型"),
        choices=as_choices([("", "—"), *KIND_LABELS.items()]),
        validate_choice=False,  # parse_item says what is wrong, in the import's words
    )
    name = StringField(_l("设备名称"), filters=[strip], description=OPTIONAL_TEXT)
    model = StringField(_l("型号"), filters=[strip], description=_l("按铭牌填写，如 Y2-132M-4。"))
    rated = StringField(
        _l("额定功率/容量"), filters=[strip], description=_l("kW；变压器填容量 kVA。")
    )
    grade = StringField(_l("能效等级"), filters=[strip], description=_l("1 至 5，1 级最好。"))
    efficiency = StringField(
        _l("效率/比功率"),
        filters=[strip],
        description=_l("电动机、风机、水泵填效率 %；空气压缩机填比功率 kW/(m³/min)。"),
    )
    variant = StringField(_l("极数/规格"), filters=[strip], description=_l("电动机填极数，如 4。"))
    quantity = StringField(_l("数量"), filters=[strip], default="1")
    location = StringField(_l("使用位置"), filters=[strip], description=OPTIONAL_TEXT)
    commissioned_year = StringField(_l("投运年份"), filters=[strip], description=OPTIONAL_TEXT)

    item: ItemData | None = None

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        self.item, errors = parse_item({name: self[name].data or "" for name in self._fields})
        for name, message in errors:
            self[name].errors = [*self[name].errors, message]
        return not errors
