"""Forms of daily management: an outlet, a trade-in, starting and sending a monthly pack and
its two reviews, starting, sending and re-checking a quarterly report."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from ..core import versions
from ..core.forms import MultiCheckboxField, as_choices, strip
from ..verification.rules.records import parse_money
from .packs import MATERIALS
from .trade_ins import OutletData, TradeInData


class MoneyField(Field):
    """An amount in yuan as people type it ("38,000.00", "￥38000"); blank is None."""

    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(self.data, "f")

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and str(valuelist[0]).strip():
            self.data = parse_money(str(valuelist[0]).strip())
            if self.data is None:
                raise ValueError(str(_l("请输入不小于 0、最多两位小数的金额（元）。")))


class VersionedForm(FlaskForm):
    """A step on a versioned record: the version it was shown at."""

    version = HiddenField()

    @property
    def version_number(self) -> int | None:
        return versions.parse(self.version.data)


class OutletForm(FlaskForm):
    name = StringField(
        _l("网点名称"),
        [DataRequired(message=_l("请填写网点名称。")), Length(max=200)],
        filters=[strip],
    )
    address = StringField(_l("地址"), [Optional(), Length(max=255)], filters=[strip])
    division_code = StringField(
        _l("行政区划代码"),
        [Optional(), Length(min=6, max=6, message=_l("行政区划代码应为 6 位数字。"))],
        filters=[strip],
    )
    phone = StringField(_l("联系电话"), [Optional(), Length(max=40)], filters=[strip])

    def data_object(self) -> OutletData:
        return OutletData(
            name=self.name.data or "",
            address=self.address.data or "",
            division_code=self.division_code.data or "",
            phone=self.phone.data or "",
        )


class TradeInForm(FlaskForm):
    """One trade-in as the outlet records it (第十五条(一)(三)); the checks are the service's."""

    outlet_id = SelectField(_l("推广网点"), coerce=int, validate_choice=False)
    traded_on = DateField(_l("交易日期"), [Optional()])
    old_part_model = StringField(_l("旧件型号"), filters=[strip])
    old_part_number = StringField(_l("旧件编号"), filters=[strip])
    residual_yuan = MoneyField(_l("旧件残值（元）"))
    consumer_name = StringField(_l("消费者姓名"), filters=[strip])
    id_number = StringField(_l("身份证号码"), filters=[strip])
    phone = StringField(_l("联系电话"), filters=[strip])
    product_class = SelectField(_l("产品品类"))
    product_model = StringField(_l("产品型号"), filters=[strip])
    product_code = StringField(
        _l("以旧换再识别码"),
        filters=[strip],
        description=_l("1 位大写字母加 10 位数字，如 F0140102687。"),
    )
    price_yuan = MoneyField(_l("销售价格（元）"))
    subsidy_yuan = MoneyField(_l("补贴金额（元）"))
    invoice_no = StringField(_l("发票号码"), filters=[strip])

    def data_object(self) -> TradeInData:
        return TradeInData(
            outlet_id=self.outlet_id.data or None,
            traded_on=self.traded_on.data,
            old_part_model=self.old_part_model.data or "",
            old_part_number=self.old_part_number.data or "",
            residual_yuan=self.residual_yuan.data,
            consumer_name=self.consumer_name.data or "",
            id_number=self.id_number.data or "",
            phone=self.phone.data or "",
            product_class=self.product_class.data or "",
            product_model=self.product_model.data or "",
            product_code=self.product_code.data or "",
            price_yuan=self.price_yuan.data,
            subsidy_yuan=self.subsidy_yuan.data,
            invoice_no=self.invoice_no.data or "",
        )


_YEAR = NumberRange(min=2000, max=2099, message=_l("请填写 2000—2099 年之间的年份。"))


class NewPackForm(FlaskForm):
    year = IntegerField(_l("年度"), [InputRequired(message=_l("请填写年度。")), _YEAR])
    month = IntegerField(
        _l("月份"),
        [
            InputRequired(message=_l("请填写月份。")),
            NumberRange(min=1, max=12, message=_l("月份应为 1 至 12。")),
        ],
    )


class SubmitPackForm(VersionedForm):
    materials = MultiCheckboxField(
        _l("随附材料（装订后一并报送市级）"),
        choices=as_choices((key, label) for key, label in MATERIALS.items()),
    )


_DECISIONS = [("pass", _l("审核通过")), ("return", _l("退回"))]


class CityReviewForm(VersionedForm):
    decision = RadioField(
        _l("审核结论"),
        choices=as_choices(_DECISIONS),
        validators=[InputRequired(_l("请选择审核结论。"))],
    )
    note = TextAreaField(
        _l("审核意见 / 退回原因"),
        [Optional(), Length(max=2000)],
        filters=[strip],
        description=_l("退回时必填。"),
    )


class FinanceReviewForm(CityReviewForm):
    reviewer = StringField(
        _l("财政部门审核人"),
        [DataRequired(message=_l("请填写财政部门审核人姓名。")), Length(max=80)],
        filters=[strip],
    )


class NewQuarterForm(FlaskForm):
    call_id = IntegerField(validators=[InputRequired()])
    city_id = IntegerField(validators=[InputRequired()])
    year = IntegerField(_l("年度"), [InputRequired(), _YEAR])
    quarter = IntegerField(
        _l("季度"), [InputRequired(), NumberRange(min=1, max=4, message=_l("季度应为 1 至 4。"))]
    )


class RecheckForm(VersionedForm):
    decision = RadioField(
        _l("复核结论"),
        choices=as_choices([("pass", _l("复核通过")), ("return", _l("退回地市"))]),
        validators=[InputRequired(_l("请选择复核结论。"))],
    )
    note = TextAreaField(
        _l("复核意见 / 退回原因"),
        [Optional(), Length(max=2000)],
        filters=[strip],
        description=_l("退回时必填。"),
    )
