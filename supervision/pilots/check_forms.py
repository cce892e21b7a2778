"""Forms of the third-party checks (a draw, a check's outcome) and of the complaints (register,
assign, investigate, conclude, publish). Business checks are the services' (``checks``,
``complaints``); these only shape the input."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.draws import SEED_MAX
from ..core.forms import OPTIONAL_TEXT, as_choices, strip
from .checks import CHECK_METHODS, RECORDED_OUTCOMES
from .daily_models import CHANNEL_LABELS, CHECK_OUTCOME_LABELS, ComplaintChannel

# -- third-party checks -------------------------------------------------------------------------


class CheckDrawForm(FlaskForm):
    period_from = DateField(_l("核查期间起"), [DataRequired(message=_l("请填写核查期间。"))])
    period_to = DateField(_l("核查期间止"), [DataRequired(message=_l("请填写核查期间。"))])
    rate = DecimalField(
        _l("抽查比例（%）"),
        [
            InputRequired(message=_l("请填写抽查比例。")),
            NumberRange(min=Decimal(0), max=Decimal(100)),
        ],
        places=2,
        description=_l("日常交易量的 5%–10%（含本数），默认为征集公告确定的比例。"),
    )
    seed = StringField(
        _l("随机种子") + OPTIONAL_TEXT,
        [Optional(), Length(max=SEED_MAX)],
        filters=[strip],
        description=_l("公开抽样时可当场约定种子（例如监督人报出的数字）；留空则由系统随机生成。"),
    )
    agency_name = StringField(
        _l("第三方机构") + OPTIONAL_TEXT, [Optional(), Length(max=200)], filters=[strip]
    )
    witness = StringField(
        _l("监督人") + OPTIONAL_TEXT, [Optional(), Length(max=120)], filters=[strip]
    )
    reason = TextAreaField(
        _l("重新抽样理由"),
        [Optional(), Length(max=2000)],
        filters=[strip],
        description=_l("该期间已有有效抽样时必填：原抽样将标为“已取代”，保留其核查结果。"),
    )


class CheckOutcomeForm(FlaskForm):
    method = SelectField(
        _l("核查方式"),
        choices=as_choices([("", _l("（请选择）")), *CHECK_METHODS.items()]),
        validators=[DataRequired(message=_l("请选择核查方式。"))],
    )
    outcome = SelectField(
        _l("核查结果"),
        choices=as_choices(
            [("", _l("（请选择）"))]
            + [(o.value, CHECK_OUTCOME_LABELS[o]) for o in RECORDED_OUTCOMES]
        ),
        validators=[DataRequired(message=_l("请选择核查结果。"))],
    )
    detail = TextAreaField(
        _l("核查情况"),
        [Optional(), Length(max=4000)],
        filters=[strip],
        description=_l("结果为“不符”时必填：写明与交易记录不符的内容。"),
    )
    note = TextAreaField(
        _l("更正理由"),
        [Optional(), Length(max=2000)],
        filters=[strip],
        description=_l("更正已登记的结果时必填；原结果保留在操作日志中。"),
    )


# -- complaints ---------------------------------------------------------------------------------


class ComplaintForm(FlaskForm):
    channel = SelectField(
        _l("举报渠道"),
        choices=as_choices([(c.value, CHANNEL_LABELS[c]) for c in ComplaintChannel]),
        default=ComplaintChannel.MAILBOX.value,
    )
    received_on = DateField(_l("收到日期"), [DataRequired(message=_l("请填写收到日期。"))])
    pilot_id = SelectField(_l("涉及试点企业"), validators=[Optional()], choices=[])
    outlet_id = SelectField(_l("涉及网点") + OPTIONAL_TEXT, validators=[Optional()], choices=[])
    province_id = SelectField(
        _l("受理省份"),
        validators=[Optional()],
        choices=[],
        description=_l("未涉及具体试点企业时选择受理举报的省份。"),
    )
    complainant = StringField(
        _l("举报人") + OPTIONAL_TEXT,
        [Optional(), Length(max=80)],
        filters=[strip],
        description=_l("可匿名举报。"),
    )
    contact = StringField(
        _l("联系方式") + OPTIONAL_TEXT, [Optional(), Length(max=80)], filters=[strip]
    )
    summary = TextAreaField(
        _l("举报内容"),
        [DataRequired(message=_l("请填写举报内容。")), Length(max=4000)],
        filters=[strip],
    )


class AssignForm(FlaskForm):
    investigator_id = SelectField(
        _l("调查人"), validators=[DataRequired(message=_l("请选择调查人。"))], choices=[]
    )


class InvestigationForm(FlaskForm):
    investigation = TextAreaField(
        _l("调查情况"),
        [DataRequired(message=_l("请填写调查情况。")), Length(max=8000)],
        filters=[strip],
    )


class ConcludeForm(FlaskForm):
    finding = TextAreaField(
        _l("核实情况"),
        [DataRequired(message=_l("请填写核实情况。")), Length(max=8000)],
        filters=[strip],
        description=_l("将向社会公开，请勿填写举报人信息。"),
    )
    handling = TextAreaField(
        _l("处理意见"),
        [DataRequired(message=_l("请填写处理意见。")), Length(max=8000)],
        filters=[strip],
    )
    referred_to = StringField(
        _l("移送部门") + OPTIONAL_TEXT,
        [Optional(), Length(max=200)],
        filters=[strip],
        description=_l("依法转相关部门处理的，填写部门名称。"),
    )


class PublishForm(FlaskForm):
    published_on = DateField(_l("公开日期"), [DataRequired(message=_l("请填写公开日期。"))])
    published_at = StringField(
        _l("公开网站或媒体"),
        [DataRequired(message=_l("请填写公开的网站或媒体。")), Length(max=200)],
        filters=[strip],
    )
