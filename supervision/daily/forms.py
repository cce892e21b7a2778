"""Forms of daily supervision by random selection: the draw's definition, a run (witnessed),
a declared relation of an inspector to an enterprise."""

from __future__ import annotations

from decimal import Decimal

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
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core import versions
from ..core.forms import OPTIONAL_TEXT, MultiCheckboxField, as_choices, strip
from .models import STRATIFICATION_LABELS, Stratification

DATE_FORMAT = _l("请填写日期（YYYY-MM-DD）。")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def version_number(value: str | None) -> int | None:
    return versions.parse(value)


class DrawForm(FlaskForm):
    """The draw's definition: its fields are named as the DailyDraw columns, so a service's
    refusal (``DomainError.field``) lands beside the field it concerns."""

    version = HiddenField()
    title = StringField(
        _l("抽查名称"),
        [
            DataRequired(message=_l("请填写抽查名称。")),
            Length(max=160, message=_l("不能超过 %(n)s 个字。", n=160)),
        ],
        filters=[strip],
        description=_l("例如：2026年第二批日常节能监察双随机抽查。"),
    )
    year = IntegerField(
        _l("年度"),
        [
            DataRequired(message=_l("请填写年度。")),
            NumberRange(2000, 2100, message=_l("年度应为 2000 到 2100 之间的四位数。")),
        ],
    )
    # -- the population -------------------------------------------------------------------
    industry_ids = MultiCheckboxField(
        _l("行业（不选则为全部行业）"), coerce=int, choices=[], default=[]
    )
    city_codes = MultiCheckboxField(_l("地市（不选则为全省）"), choices=[], default=[])
    min_energy_tce = DecimalField(
        _l("年综合能耗下限（吨标准煤）"),
        [Optional(), NumberRange(min=0, message=_l("能耗不能为负数。"))],
        places=None,
        description=OPTIONAL_TEXT,
    )
    max_energy_tce = DecimalField(
        _l("年综合能耗上限（吨标准煤）"),
        [Optional(), NumberRange(min=0, message=_l("能耗不能为负数。"))],
        places=None,
        description=OPTIONAL_TEXT,
    )
    key_units_only = BooleanField(_l("仅重点用能单位"), default=True)
    # -- how many -------------------------------------------------------------------------
    sample_size = IntegerField(
        _l("抽取企业数"),
        [Optional(), NumberRange(min=1, message=_l("抽取企业数至少为 1。"))],
        description=_l("填写企业数或抽取比例，二者选一。"),
    )
    #: Entered as a percentage (5 = 5 %); stored as a fraction.
    sample_rate = DecimalField(
        _l("抽取比例（%）"),
        [
            Optional(),
            NumberRange(
                min=Decimal("0.01"), max=HUNDRED, message=_l("抽取比例应在 0.01%% 到 100%% 之间。")
            ),
        ],
        places=None,
        description=_l("按比例抽取时向上取整。"),
    )
    stratify_by = SelectField(
        _l("分层方式"),
        choices=as_choices([(s.value, STRATIFICATION_LABELS[s]) for s in Stratification]),
        default=Stratification.NONE.value,
        description=_l("分层时各层按企业数比例分配抽取数。"),
    )
    # -- exclusions -----------------------------------------------------------------------
    exclude_inspected_months = IntegerField(
        _l("排除近几个月内已检查的企业（月）"),
        [Optional(), NumberRange(1, 60, message=_l("月数应为 1 到 60。"))],
        description=_l("留空则不排除。"),
    )
    exclude_special_tasks = BooleanField(_l("排除已列入本年度专项监察任务的企业"), default=True)
    # -- who goes -------------------------------------------------------------------------
    inspector_ids = MultiCheckboxField(_l("执法人员名录"), coerce=int, choices=[], default=[])
    pair_count = IntegerField(
        _l("检查组数"),
        [
            DataRequired(message=_l("请填写检查组数。")),
            NumberRange(1, 200, message=_l("检查组数应为 1 到 200。")),
        ],
        default=1,
        description=_l("每组两名执法人员，从名录中随机抽取。"),
    )
    agency_id = SelectField(_l("承办机构"), coerce=int, choices=[])
    work_due_on = DateField(_l("检查完成期限"), [Optional()], description=OPTIONAL_TEXT)
    publish_by = DateField(
        _l("结果公开期限"),
        [DataRequired(message=DATE_FORMAT)],
        description=_l("抽查结果应在此日期前向社会公开。"),
    )

    def __init__(self, *args, industries=(), cities=(), inspectors=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.industry_ids.choices = as_choices([(i.id, i.name) for i in industries])
        self.city_codes.choices = as_choices(list(cities))
        self.inspector_ids.choices = as_choices([(u.id, u.full_name) for u in inspectors])
        self.agency_id.choices = as_choices([(o.id, o.name) for o in agencies])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        size, rate = self.sample_size.data, self.sample_rate.data
        if not self.sample_size.errors and not self.sample_rate.errors:
            if size is None and rate is None:
                self.sample_size.errors.append(_l("请填写抽取企业数或抽取比例。"))
                ok = False
            elif size is not None and rate is not None:
                self.sample_rate.errors.append(_l("抽取企业数和抽取比例只能填写一项。"))
                ok = False
        if rate is not None and not self.sample_rate.errors and rate != rate.quantize(CENT):
            self.sample_rate.errors.append(_l("抽取比例最多保留两位小数（如 5.25）。"))
            ok = False
        low, high = self.min_energy_tce.data, self.max_energy_tce.data
        if low is not None and high is not None and low > high and not self.max_energy_tce.errors:
            self.max_energy_tce.errors.append(_l("能耗上限不能低于下限。"))
            ok = False
        return ok

    @property
    def version_number(self) -> int | None:
        return version_number(self.version.data)

    def values(self) -> dict:
        """The draw's column values as entered (the rate as a fraction)."""
        rate = self.sample_rate.data
        return {
            "title": self.title.data or "",
            "year": self.year.data,
            "industry_ids": sorted(self.industry_ids.data or []),
            "city_codes": sorted(self.city_codes.data or []),
            "min_energy_tce": self.min_energy_tce.data,
            "max_energy_tce": self.max_energy_tce.data,
            "key_units_only": bool(self.key_units_only.data),
            "sample_size": self.sample_size.data,
            "sample_rate": None if rate is None else rate / HUNDRED,
            "stratify_by": Stratification(self.stratify_by.data or ""),
            "exclude_inspected_months": self.exclude_inspected_months.data,
            "exclude_special_tasks": bool(self.exclude_special_tasks.data),
            "pair_count": self.pair_count.data,
            "inspector_ids": sorted(self.inspector_ids.data or []),
            "agency_id": self.agency_id.data,
            "work_due_on": self.work_due_on.data,
            "publish_by": self.publish_by.data,
        }

    def fill(self, draw) -> None:
        """Set the fields from a stored draw (the rate shown as a percentage)."""
        for name in (
            "title",
            "year",
            "min_energy_tce",
            "max_energy_tce",
            "key_units_only",
            "sample_size",
            "exclude_inspected_months",
            "exclude_special_tasks",
            "pair_count",
            "agency_id",
            "work_due_on",
            "publish_by",
        ):
            getattr(self, name).data = getattr(draw, name)
        self.industry_ids.data = list(draw.industry_ids or [])
        self.city_codes.data = list(draw.city_codes or [])
        self.inspector_ids.data = list(draw.inspector_ids or [])
        self.stratify_by.data = Stratification(draw.stratify_by or "").value
        rate = draw.sample_rate
        # 0.0500 → 5 (not 5.0000, nor 5E+0 as normalize() alone writes 50).
        self.sample_rate.data = (
            None if rate is None else Decimal(f"{(rate * HUNDRED).normalize():f}")
        )
        self.version.data = str(draw.version)


class RunForm(FlaskForm):
    """A run of the draw: who witnesses it, the seed, and why it is drawn again."""

    witness_id = SelectField(
        _l("监督人"),
        choices=[],
        validators=[DataRequired(message=_l("请选择监督人。"))],
        description=_l("到场监督抽取的本省其他业务人员。"),
    )
    seed = StringField(
        _l("随机种子") + OPTIONAL_TEXT,
        [Optional(), Length(max=64, message=_l("不能超过 %(n)s 个字。", n=64))],
        filters=[strip],
        description=_l("可当场约定（例如监督人报出的数字）；留空则随机生成。"),
    )
    reason = TextAreaField(
        _l("重新抽取理由"),
        [Optional(), Length(max=2000, message=_l("不能超过 %(n)s 个字。", n=2000))],
        filters=[strip],
        description=_l("已有抽取结果时必填：原结果标为“已取代”并保留在抽取记录中。"),
    )

    def __init__(self, *args, witnesses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.witness_id.choices = as_choices(
            [("", _l("（请选择）"))] + [(str(u.id), u.full_name) for u in witnesses]
        )


class RelationForm(FlaskForm):
    """利害关系申报: an inspector's relation to an enterprise of the province."""

    inspector_id = SelectField(
        _l("执法人员"), choices=[], validators=[DataRequired(message=_l("请选择执法人员。"))]
    )
    enterprise = StringField(
        _l("企业（统一社会信用代码或名称）"),
        [
            DataRequired(message=_l("请填写企业的统一社会信用代码或名称。")),
            Length(max=120, message=_l("不能超过 %(n)s 个字。", n=120)),
        ],
        filters=[strip],
        description=_l("可输入企业名称或代码后从列表中选择。"),
    )
    relation = StringField(
        _l("利害关系"),
        [
            DataRequired(message=_l("请填写利害关系。")),
            Length(max=120, message=_l("不能超过 %(n)s 个字。", n=120)),
        ],
        filters=[strip],
        description=_l("例如：配偶在该企业任职；曾在该企业工作；持有该企业股份。"),
    )
    declared_on = DateField(_l("申报日期"), [DataRequired(message=DATE_FORMAT)])

    def __init__(self, *args, inspectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.inspector_id.choices = as_choices(
            [("", _l("（请选择）"))] + [(str(u.id), u.full_name) for u in inspectors]
        )
