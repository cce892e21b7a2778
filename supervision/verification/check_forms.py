"""Forms of the checks: a bulk buyer looked into, a sample draw, a check's outcome."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.draws import SEED_MAX
from ..core.forms import OPTIONAL_TEXT, as_choices, strip
from .check_models import BUYER_PURPOSE_LABELS, OUTCOME_LABELS, BuyerPurpose
from .sampling import RECORDED_OUTCOMES, STRATA


class BulkBuyerCheckForm(FlaskForm):
    buyer = HiddenField(validators=[DataRequired(), Length(max=64)])
    purpose = SelectField(
        _l("购买用途"),
        choices=as_choices([(p.value, BUYER_PURPOSE_LABELS[p]) for p in BuyerPurpose]),
        default=BuyerPurpose.UNKNOWN.value,
        description=_l("单位赠送、福利、促销等购买须一一记录，保留信息待进一步核查。"),
    )
    retained = BooleanField(_l("保留待进一步核查"), default=True)
    note = TextAreaField(
        _l("核查说明"),
        [Optional(), Length(max=4000)],
        filters=[strip],
        description=_l("不再保留待进一步核查的，须写明理由。"),
    )


class DrawForm(FlaskForm):
    stratify_by = SelectField(_l("分层方式"), choices=as_choices(list(STRATA.items())), default="")
    seed = StringField(
        _l("随机种子") + OPTIONAL_TEXT,
        [Optional(), Length(max=SEED_MAX)],
        filters=[strip],
        description=_l("公开抽样时可当场约定种子（例如监督人报出的数字）；留空则由系统随机生成。"),
    )
    witness = StringField(
        _l("监督人") + OPTIONAL_TEXT, [Optional(), Length(max=120)], filters=[strip]
    )
    reason = TextAreaField(
        _l("重新抽样理由"),
        [Optional(), Length(max=2000)],
        filters=[strip],
        description=_l("已有有效抽样时必填：原抽样将标为“已取代”，保留其核查结果。"),
    )


class OutcomeForm(FlaskForm):
    outcome = SelectField(
        _l("核查结果"),
        choices=as_choices(
            [("", _l("（请选择）"))] + [(o.value, OUTCOME_LABELS[o]) for o in RECORDED_OUTCOMES]
        ),
        validators=[DataRequired(message=_l("请选择核查结果。"))],
    )
    checked_on = DateField(_l("核查日期"), [DataRequired(message=_l("请填写核查日期。"))])
    detail = TextAreaField(
        _l("核查情况说明"),
        [Optional(), Length(max=4000)],
        filters=[strip],
        description=_l("结果为“不符”时必填：写明与销售信息不符的内容。"),
    )
