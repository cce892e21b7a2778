"""Catalogue corrections (ministry officers)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, StringField, SubmitField
from wtforms.validators import Length, Optional

from ..core.forms import strip


class LimitForm(FlaskForm):
    limit_value = DecimalField(_l("限定值"), [Optional()], places=None)
    verified = BooleanField(_l("已与标准正式文本核对"))
    note = StringField(_l("备注（来源、核对情况）"), [Optional(), Length(max=255)], filters=[strip])
    submit = SubmitField(_l("保存"))
