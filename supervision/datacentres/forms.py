"""Data-centre forms: the data centre, a metering point, the 12-month readings grid."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.forms import OPTIONAL_TEXT, as_choices, strip
from ..inspections.rules import pue as rules
from .service import BOUNDARY_LABELS, ROLE_LABELS

NOT_A_NUMBER = _l("请输入数字（如 126000 或 126000.5）。")


class NumberField(DecimalField):
    """A decimal that accepts the digit grouping people type ("1 520 000", "1,520,000")."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].replace(",", "").replace("，", "").replace(" ", "").strip()
        if not text:
            self.data = None
            self.raw_data = [""]
            return
        try:
            self.data = Decimal(text)
        except InvalidOperation:
            self.data = None
            raise ValueError(str(NOT_A_NUMBER)) from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(str(NOT_A_NUMBER))


class DataCentreForm(FlaskForm):
    version = HiddenField()
    name = StringField(
        _l("数据中心名称"),
        [DataRequired(message=_l("请填写数据中心名称。")), Length(max=120)],
        filters=[strip],
    )
    address = StringField(_l("地址"), [Optional(), Length(max=255)], filters=[strip])
    racks = IntegerField(
        _l("机架数"),
        [Optional(), NumberRange(min=0, max=10_000_000, message=_l("机架数应为不小于 0 的整数。"))],
    )
    large = BooleanField(
        _l("大型及以上"),
        description=_l("大型、超大型数据中心适用 PUE 目标值（DOMAIN 6.2）。"),
    )
    design_pue = NumberField(
        _l("设计 PUE"),
        [Optional(), NumberRange(min=1, max=99, message=_l("设计 PUE 应不小于 1.0。"))],
        places=None,
    )
    commissioned_on = DateField(_l("投运日期"), [Optional()], description=OPTIONAL_TEXT)


class MeteringPointForm(FlaskForm):
    name = StringField(
        _l("计量点名称"),
        [DataRequired(message=_l("请填写计量点名称。")), Length(max=80)],
        filters=[strip],
    )
    role = SelectField(
        _l("用途"), choices=as_choices([(r.value, ROLE_LABELS[r]) for r in rules.MeterRole])
    )
    boundary = SelectField(
        _l("计量位置"),
        choices=as_choices([(b.value, BOUNDARY_LABELS[b]) for b in rules.Boundary]),
    )
    meter_number = StringField(_l("表计编号"), [Optional(), Length(max=60)], filters=[strip])


class DeletePointForm(FlaskForm):
    point_id = IntegerField(validators=[DataRequired()])


class ReadingsForm(FlaskForm):
    """total_1 … total_12 and it_1 … it_12, kWh; a blank month is "not entered"."""

    #: The year's readings' versions when the form was opened (optimistic locking).
    version = HiddenField()

    def month_fields(self):
        return [(m, self[f"total_{m}"], self[f"it_{m}"]) for m in range(1, 13)]

    def values(self) -> dict[int, tuple[Decimal | None, Decimal | None]]:
        return {m: (total.data, it.data) for m, total, it in self.month_fields()}


for _month in range(1, 13):
    setattr(
        ReadingsForm,
        f"total_{_month}",
        NumberField(_l("%(m)s 月总耗电量（kWh）", m=_month), [Optional()], places=None),
    )
    setattr(
        ReadingsForm,
        f"it_{_month}",
        NumberField(_l("%(m)s 月 IT 设备耗电量（kWh）", m=_month), [Optional()], places=None),
    )
del _month


class PueVerdictForm(FlaskForm):
    data_centre = IntegerField(validators=[DataRequired()])
