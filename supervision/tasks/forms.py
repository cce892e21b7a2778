"""Task filing forms: a task, an exemption from full coverage, funds, workflow comments."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.forms import as_choices, strip
from .models import ReviewMethod


class TaskForm(FlaskForm):
    credit_code = StringField(
        _l("企业（统一社会信用代码）"),
        [DataRequired(message=_l("请填写企业的统一社会信用代码。")), Length(max=40)],
        filters=[strip],
        description=_l("可输入企业名称或代码后从列表中选择。"),
    )
    category = SelectField(_l("监察类别"), coerce=int)
    industry_id = SelectField(_l("行业 / 阶梯电价行业"), coerce=int)
    parent_task_id = SelectField(_l("所附任务（仅专项监察三）"), coerce=int)
    agency_id = SelectField(_l("承担机构"), coerce=int)
    inspector_ids = SelectMultipleField(_l("监察人员"), coerce=int)
    planned_month = IntegerField(
        _l("计划月份"), [Optional(), NumberRange(1, 12, message=_l("计划月份应为 1 到 12。"))]
    )
    method = SelectField(
        _l("监察方式"),
        choices=as_choices([(m.value, m.label) for m in ReviewMethod]),
    )
    remarks = StringField(_l("备注"), [Optional(), Length(max=255)], filters=[strip])
    submit = SubmitField(_l("添加任务"))


class ExemptionForm(FlaskForm):
    enterprise_id = HiddenField()
    reason = StringField(
        _l("未列入原因"),
        [DataRequired(message=_l("请填写未列入任务的原因。")), Length(max=255)],
        filters=[strip],
    )
    submit = SubmitField(_l("保存说明"))


class FundsForm(FlaskForm):
    earlier_funds_received = DecimalField(_l("前期补助资金（万元）"), [Optional()], places=2)
    earlier_funds_used = DecimalField(_l("已使用（万元）"), [Optional()], places=2)
    carried_over_balance = DecimalField(_l("结转结余资金（万元）"), [Optional()], places=2)
    carried_over_planned = DecimalField(_l("本年安排使用结转结余（万元）"), [Optional()], places=2)
    funds_requested = DecimalField(_l("申请本年补助资金（万元）"), [Optional()], places=2)
    funds_report = TextAreaField(_l("前期补助资金使用报告"), [Optional(), Length(max=20000)])
    #: The filing's version when the form was opened (optimistic locking).
    version = HiddenField()
    submit = SubmitField(_l("保存资金情况"))


class CommentForm(FlaskForm):
    comment = TextAreaField(_l("意见"), [Optional(), Length(max=5000)])
    #: The filing's version as the reviewer saw it.
    version = HiddenField()
    submit = SubmitField()


class ButtonForm(FlaskForm):
    submit = SubmitField()
