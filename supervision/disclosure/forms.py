"""Disclosure forms: the entry's texts and chosen fields, the 已整改 date, the withdrawal."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..core.forms import MultiCheckboxField, as_choices, strip
from . import rules

OPTIONAL_FIELD_LABELS = {
    "credit_code": _l("统一社会信用代码"),
    "violation": _l("违规事实"),
    "decision": _l("处理决定"),
}


class EntryForm(FlaskForm):
    enterprise_name = StringField(
        _l("企业名称"),
        [
            InputRequired(message=_l("请填写企业名称。")),
            Length(max=rules.MAX_LENGTHS["enterprise_name"]),
        ],
        filters=[strip],
    )
    credit_code = StringField(
        _l("统一社会信用代码"),
        [InputRequired(message=_l("请填写统一社会信用代码。"))],
        filters=[strip],
        render_kw={"autocomplete": "off", "maxlength": 30},
    )
    violation = TextAreaField(
        _l("违规事实"),
        [Optional(), Length(max=rules.MAX_LENGTHS["violation"])],
        filters=[strip],
        description=_l("发布前必须填写。不得包含个人姓名、电话或身份证号。"),
        render_kw={"rows": 4},
    )
    decision = TextAreaField(
        _l("处理决定"),
        [Optional(), Length(max=rules.MAX_LENGTHS["decision"])],
        filters=[strip],
        description=_l("如：责令限期整改；行政处罚决定书文号、罚款金额；执行阶梯电价。"),
        render_kw={"rows": 3},
    )
    published_fields = MultiCheckboxField(
        _l("公开字段"),
        choices=as_choices((name, OPTIONAL_FIELD_LABELS[name]) for name in rules.OPTIONAL_FIELDS),
        description=_l("省份、企业名称、公布日期和整改情况始终公开；批准人等个人信息从不公开。"),
    )
    submit = SubmitField(_l("保存草稿"))


class PublishForm(FlaskForm):
    """The explicit publish step (a CSRF-protected button)."""

    submit = SubmitField(_l("发布"))


class RectifiedForm(FlaskForm):
    rectified_on = DateField(
        _l("整改完成日期"),
        [InputRequired(message=_l("请填写整改完成日期。"))],
        description=_l("不早于公布日期，不晚于今天。公开显示为“已整改（日期）”。"),
    )
    submit = SubmitField(_l("标注已整改"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("撤回理由"),
        [InputRequired(message=_l("请填写撤回理由。")), Length(max=1000)],
        filters=[strip],
        render_kw={"rows": 2, "maxlength": 1000},
    )
    submit = SubmitField(_l("撤回"))
