"""Forms of the subsidy claim checks: a promoted product, and a maker's monthly claim (附表1
header, 附表2 lines typed in a grid or pasted from the maker's spreadsheet)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from ..core.forms import as_choices, strip
from .claims import ClaimData, LineData, ProductData
from .rules.categories import FRIDGE_KINDS

NOT_A_NUMBER = _l("请输入数字（如 216 或 216.5）。")
NOT_A_COUNT = _l("请输入不小于 0 的整数。")
#: Lines the grid offers; more can be pasted.
GRID_LINES = 10
MAX_LINES = 200


def _digits(text: str) -> str:
    return text.replace(",", "").replace("，", "").replace(" ", "").replace("\u3000", "").strip()


def parse_decimal(text: str | None) -> Decimal | None:
    """``"1,234.5"`` → Decimal; blank → None; ValueError when not a finite number."""
    plain = _digits(text or "")
    if not plain:
        return None
    try:
        number = Decimal(plain)
    except InvalidOperation:
        raise ValueError(str(NOT_A_NUMBER)) from None
    if not number.is_finite():
        raise ValueError(str(NOT_A_NUMBER))
    return number


def parse_count(text: str | None) -> int | None:
    plain = _digits(text or "")
    if not plain:
        return None
    if not plain.isdigit():
        raise ValueError(str(NOT_A_COUNT))
    return int(plain)


class DecimalText(Field):
    """A decimal typed as people type it ("1 520", "1,520.5"); blank is None."""

    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(self.data, "f")

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            self.data = parse_decimal(valuelist[0])


class CountText(DecimalText):
    """A whole number ≥ 0 ("1,234"); blank is None."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            self.data = parse_count(valuelist[0])


def _non_negative(message):
    return NumberRange(min=0, message=message)


class ProductForm(FlaskForm):
    manufacturer = StringField(
        _l("生产企业"),
        [DataRequired(message=_l("请填写生产企业。")), Length(max=120)],
        filters=[strip],
    )
    category = SelectField(_l("产品类别"))
    brand = StringField(_l("品牌"), [Optional(), Length(max=60)], filters=[strip])
    model = StringField(
        _l("规格型号"),
        [DataRequired(message=_l("请填写规格型号。")), Length(max=80)],
        filters=[strip],
    )
    energy_grade = IntegerField(
        _l("能效等级"),
        [Optional(), NumberRange(min=1, max=5, message=_l("能效等级应为 1 至 5。"))],
        description=_l("推广产品须为能效 1 级。"),
    )
    other_programme = BooleanField(_l("已享受“家电下乡”等其他财政补助政策"))
    fridge_kind = SelectField(
        _l("冰箱类型"), choices=as_choices([("", "—"), *((k, f"{k} {n}") for k, n in FRIDGE_KINDS)])
    )
    volume_l = DecimalText(_l("总有效容积（L）"), [Optional(), _non_negative(NOT_A_NUMBER)])
    efficiency_index = DecimalText(
        _l("能效指数（%）"),
        [Optional(), _non_negative(NOT_A_NUMBER)],
        description=_l("如 32 表示 32%。"),
    )
    workstation = BooleanField(_l("工作站"))
    industrial = BooleanField(_l("工控机"))
    discrete_gpus = IntegerField(
        _l("独立显卡（独立图形显示单元）数"),
        [InputRequired(message=NOT_A_COUNT), NumberRange(min=0, max=99, message=NOT_A_COUNT)],
        default=0,
    )
    psu_watts = IntegerField(
        _l("电源额定功率（W）"),
        [Optional(), NumberRange(min=1, max=100_000, message=_l("请输入电源额定功率（瓦）。"))],
    )
    all_in_one = BooleanField(_l("一体机（具有显示功能）"))
    screen_inches = DecimalText(
        _l("一体机显示屏对角线（英寸）"),
        [Optional(), _non_negative(NOT_A_NUMBER)],
        description=_l("11.6 英寸 = 0.2946 米；非一体机不填。"),
    )

    def data_object(self) -> ProductData:
        return ProductData(
            manufacturer=self.manufacturer.data or "",
            category=self.category.data or "",
            model=self.model.data or "",
            brand=self.brand.data or "",
            energy_grade=self.energy_grade.data,
            fridge_kind=self.fridge_kind.data or "",
            volume_l=self.volume_l.data,
            efficiency_index=self.efficiency_index.data,
            workstation=bool(self.workstation.data),
            industrial=bool(self.industrial.data),
            discrete_gpus=self.discrete_gpus.data or 0,
            psu_watts=self.psu_watts.data,
            all_in_one=bool(self.all_in_one.data),
            screen_inches=self.screen_inches.data,
            other_programme=bool(self.other_programme.data),
        )


class LineForm(Form):
    """One 附表2 line of the grid; a wholly blank line is ignored.

    A plain ``Form`` (a row of the grid) has no translations of WTForms' own messages:
    every validator here names its message.
    """

    brand = StringField(
        _l("品牌"),
        [Optional(), Length(max=60, message=_l("不能超过 %(n)s 个字。", n=60))],
        filters=[strip],
    )
    model = StringField(
        _l("规格型号"),
        [Optional(), Length(max=80, message=_l("不能超过 %(n)s 个字。", n=80))],
        filters=[strip],
    )
    standard_yuan = DecimalText(_l("补贴标准（元/台）"), [Optional(), _non_negative(NOT_A_NUMBER)])
    opening_stock = CountText(_l("月初库存（台）"))
    closing_stock = CountText(_l("月末库存（台）"))
    units = CountText(_l("本月推广数量（台）"))
    amount_wan = DecimalText(_l("申请补贴金额（万元）"), [Optional(), _non_negative(NOT_A_NUMBER)])

    def is_blank(self) -> bool:
        return all(not (f.raw_data and str(f.raw_data[0]).strip()) for f in self)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.is_blank():
            return True
        ok = True
        for name in ("model", "standard_yuan", "units", "amount_wan"):
            if self[name].data in (None, ""):
                self[name].errors = [*self[name].errors, str(_l("必填"))]
                ok = False
        return ok

    def line(self) -> LineData:
        return LineData(
            model=self.model.data or "",
            standard_yuan=self.standard_yuan.data,
            units=self.units.data,
            amount_wan=self.amount_wan.data,
            brand=self.brand.data or "",
            opening_stock=self.opening_stock.data or 0,
            closing_stock=self.closing_stock.data or 0,
        )


def _month_choices():
    return [("", str(_l("年度清算"))), *((str(m), str(_l("%(m)s 月", m=m))) for m in range(1, 13))]


def _count_field(label):
    return CountText(label, [InputRequired(message=NOT_A_COUNT)])


class ClaimForm(FlaskForm):
    manufacturer = StringField(
        _l("生产企业"),
        [DataRequired(message=_l("请填写生产企业。")), Length(max=120)],
        filters=[strip],
    )
    category = SelectField(_l("产品类别"))
    year = IntegerField(
        _l("年度"),
        [InputRequired(message=_l("请填写年度。")), NumberRange(min=2000, max=2100)],
    )
    month = SelectField(
        _l("月份"), choices=[], description=_l("年度补贴资金清算报告选“年度清算”。")
    )
    received_on = DateField(_l("报送日期"), [InputRequired(message=_l("请填写报送日期。"))])
    opening_stock = _count_field(_l("月初库存（台）"))
    production = _count_field(_l("本月生产量（台）"))
    shipments = _count_field(_l("本月出货量（台）"))
    closing_stock = _count_field(_l("月末库存（台）"))
    units_promoted = _count_field(_l("本月推广数量（台）"))
    amount_wan = DecimalText(
        _l("申请补贴金额（万元）"),
        [InputRequired(message=_l("请填写申请补贴金额。")), _non_negative(NOT_A_NUMBER)],
    )
    lines = FieldList(FormField(LineForm), min_entries=GRID_LINES, max_entries=MAX_LINES)
    pasted = TextAreaField(
        _l("从表格粘贴明细（附表2）"),
        [Optional()],
        description=_l(
            "从 Excel 复制附表2 的数据行直接粘贴：每行依次为（产品类别，）补贴标准、品牌、规格型号、"
            "月初库存、月末库存、本月推广数量、申请补贴金额；表头和合计行会被跳过。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.month.choices = as_choices(_month_choices())
        self.pasted_lines: list[LineData] = []

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.pasted_lines, errors = parse_pasted_lines(self.pasted.data or "")
        if errors:
            self.pasted.errors = [*self.pasted.errors, *errors]
            ok = False
        return ok

    def data_object(self) -> ClaimData:
        grid = [entry.form.line() for entry in self.lines if not entry.form.is_blank()]
        return ClaimData(
            manufacturer=self.manufacturer.data or "",
            category=self.category.data or "",
            year=self.year.data,
            month=int(self.month.data) if self.month.data else None,
            received_on=self.received_on.data,
            opening_stock=self.opening_stock.data,
            production=self.production.data,
            shipments=self.shipments.data,
            closing_stock=self.closing_stock.data,
            units_promoted=self.units_promoted.data,
            amount_wan=self.amount_wan.data,
            lines=grid + self.pasted_lines,
        )


#: Without tabs (not copied from a spreadsheet), cells are split at commas or runs of spaces.
_CELLS = re.compile(r"\s{2,}|[,，]")


def parse_pasted_lines(text: str) -> tuple[list[LineData], list[str]]:
    """附表2 rows pasted from a spreadsheet: (lines, errors).

    Cells are separated by tabs (as Excel copies them), else by commas or runs of spaces; a row has
    the seven columns 补贴标准、品牌、规格型号、月初库存、月末库存、本月推广数量、申请补贴金额,
    optionally preceded by 产品类别. Header rows, 合计 rows and rows without a model are skipped.
    """
    lines: list[LineData] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        raw = raw.strip("\r\n")
        cells = [c.strip() for c in (raw.split("\t") if "\t" in raw else _CELLS.split(raw.strip()))]
        if "合计" in raw or "规格型号" in raw:
            continue
        while len(cells) > 8 and not cells[-1]:
            cells.pop()  # trailing empty cells a spreadsheet may copy
        if len(cells) == 8:
            cells = cells[1:]
        if len(cells) != 7:
            errors.append(
                str(
                    _l(
                        "粘贴的第 %(n)s 行应有 7 列（或含产品类别 8 列），实有 %(c)s 列。",
                        n=number,
                        c=len(cells),
                    )
                )
            )
            continue
        standard, brand, model, opening, closing, units, amount = cells
        if not model:
            continue
        try:
            values = (
                parse_decimal(standard),
                parse_count(opening) or 0,
                parse_count(closing) or 0,
                parse_count(units),
                parse_decimal(amount),
            )
        except ValueError as error:
            errors.append(str(_l("粘贴的第 %(n)s 行（%(m)s）：%(e)s", n=number, m=model, e=error)))
            continue
        if values[0] is None or values[3] is None or values[4] is None:
            errors.append(
                str(
                    _l(
                        "粘贴的第 %(n)s 行（%(m)s）缺少补贴标准、推广数量或金额。",
                        n=number,
                        m=model,
                    )
                )
            )
            continue
        lines.append(
            LineData(
                model=model,
                standard_yuan=values[0],
                units=values[3],
                amount_wan=values[4],
                brand=brand,
                opening_stock=values[1],
                closing_stock=values[2],
            )
        )
    return lines, errors
