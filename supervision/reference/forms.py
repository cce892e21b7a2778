"""Revising a reference table: the rows as JSON and why they changed (ministry officers)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.forms import strip


class RevisionForm(FlaskForm):
    rows = TextAreaField(
        _l("数据（JSON）"),
        [DataRequired(message=_l("请填写数据。"))],
        description=_l('数值写成字符串（如 "0.02"），日期写成 YYYY-MM-DD；保存后成为新版本。'),
    )
    note = StringField(
        _l("修订说明"),
        [
            DataRequired(message=_l("请填写修订说明（依据的文件或核实情况）。")),
            Length(max=500),
        ],
        filters=[strip],
    )
    submit = SubmitField(_l("保存为新版本"))
