"""Forms of the campaigns: the campaign (facts, units, targets, record counts) and a task's
split to an agency and people."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..core import versions
from ..core.forms import OPTIONAL_TEXT, MultiCheckboxField, as_choices, strip
from .campaigns import CAMPAIGN_PROBLEMS, CampaignData
from .models import TARGET_LABELS
from .rules.categories import PRODUCT_CATEGORIES

DATE_FORMAT = _l("请填写日期（YYYY-MM-DD）。")
HUNDRED = Decimal(100)


def _date(label, description=None) -> DateField:
    return DateField(label, [DataRequired(message=DATE_FORMAT)], description=description)


def _version(value: str | None) -> int | None:
    return versions.parse(value)


class CampaignForm(FlaskForm):
    version = HiddenField()
    name = StringField(
        _l("核查工作名称"),
        [
            DataRequired(message=_l("请填写核查工作名称。")),
            Length(max=200, message=_l("名称不能超过 200 个字。")),
        ],
        filters=[strip],
        description=_l("例如“节能产品惠民工程第二批推广信息核查”。"),
    )
    notice_number = StringField(
        _l("通知文号"),
        [Optional(), Length(max=80, message=_l("文号不能超过 80 个字。"))],
        filters=[strip],
        description=OPTIONAL_TEXT,
    )
    categories = MultiCheckboxField(
        _l("产品类别"), choices=as_choices(PRODUCT_CATEGORIES), default=[]
    )
    sales_from = _date(_l("销售信息起始日期"))
    sales_to = _date(_l("销售信息截止日期"))
    result_due_on = _date(
        _l("结果上报期限"), description=_l("核查结果上传和核查报告上报的截止日期。")
    )
    phone_rate = DecimalField(
        _l("电话核查比例（%）"),
        [Optional()],
        default=Decimal("1"),
        places=None,
        description=_l("终端用户有效信息中抽取电话核查的比例，通知为 1%。"),
    )
    visit_rate = DecimalField(
        _l("入户核查比例（%）"),
        [Optional()],
        default=Decimal("0.5"),
        places=None,
        description=_l("终端用户有效信息中抽取入户核查的比例，通知为 0.5%。"),
    )
    bulk_threshold = IntegerField(
        _l("大宗用户台数"),
        [Optional()],
        default=5,
        description=_l("单次或累计购买达到该台数的单位或个人视为大宗用户（通知为五台）。"),
    )
    note = TextAreaField(
        _l("说明"),
        [Optional(), Length(max=5000, message=_l("说明不能超过 5000 个字。"))],
        filters=[strip],
        description=OPTIONAL_TEXT,
    )
    unit_ids = MultiCheckboxField(_l("核查单位"), coerce=int, choices=[], default=[])
    targets = MultiCheckboxField(
        _l("核查对象"),
        choices=as_choices([(t.value, label) for t, label in TARGET_LABELS.items()]),
        default=[],
    )
    counts_text = TextAreaField(
        _l("粘贴任务量"),
        [Optional(), Length(max=200_000)],
        description=_l(
            "可从 Excel 复制后粘贴：每行一个单位，第一列为单位名称或行政区划代码，"
            "其后按上表顺序依次为各核查对象的任务量（条）；空白表示未列明。"
        ),
    )
    counts_file = FileField(
        _l("或上传任务量表"),
        [FileAllowed(["xlsx", "xls", "csv"], _l("请上传 .xlsx、.xls 或 .csv 文件。"))],
        description=_l("格式同上，读取第一个工作表。"),
    )

    def __init__(self, *args, units=(), locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_ids.choices = as_choices((u.id, u.name) for u in units)
        #: An issued campaign keeps its units and targets.
        self.locked = locked

    @property
    def version_number(self) -> int | None:
        return _version(self.version.data)

    def data_object(self) -> CampaignData:
        return CampaignData(
            name=self.name.data or "",
            notice_number=self.notice_number.data or "",
            categories=list(self.categories.data or []),
            sales_from=self.sales_from.data,
            sales_to=self.sales_to.data,
            result_due_on=self.result_due_on.data,
            phone_rate=_fraction(self.phone_rate.data),
            visit_rate=_fraction(self.visit_rate.data),
            bulk_threshold=self.bulk_threshold.data,
            note=self.note.data or "",
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.sales_from.errors or self.sales_to.errors or self.result_due_on.errors:
            return False
        problems = self.data_object().problems(
            targets=None if self.locked else (self.targets.data or []),
            units=None if self.locked else (self.unit_ids.data or []),
        )
        for key, name in problems:
            field = getattr(self, name)
            message = str(CAMPAIGN_PROBLEMS[key])
            if message not in field.errors:
                field.errors = [*field.errors, message]
        return valid and not problems


def _fraction(percent: Decimal | None) -> Decimal | None:
    """1 (%) → 0.01."""
    return None if percent is None else percent / HUNDRED


def percent(fraction: Decimal | None) -> Decimal | None:
    """0.0050 → 0.5 (as the form shows it)."""
    if fraction is None:
        return None
    return (fraction * HUNDRED).normalize()


class AssignForm(FlaskForm):
    """落实到核查机构，落实到人."""

    version = HiddenField()
    agency_id = SelectField(_l("核查机构"), coerce=int, choices=[], validate_choice=False)
    people_ids = MultiCheckboxField(
        _l("核查人员"), coerce=int, choices=[], default=[], validate_choice=False
    )

    def __init__(self, *args, agencies=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_id.choices = as_choices(
            [(0, _l("（请选择）"))] + [(o.id, o.name) for o in agencies]
        )
        self.people_ids.choices = as_choices(
            (u.id, f"{u.full_name}（{u.organisation.name}）") for u in people
        )

    @property
    def version_number(self) -> int | None:
        return _version(self.version.data)
