"""Plan forms (ministry officers)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange

from ..core.forms import strip


class DeliverableForm(FlaskForm):
    name = StringField(
        _l("报送事项"),
        [DataRequired(message=_l("请填写报送事项。")), Length(max=120)],
        filters=[strip],
    )
    due_on = DateField(_l("截止日期"), [DataRequired(message=_l("请填写截止日期（YYYY-MM-DD）。"))])
    submit = SubmitField(_l("保存"))


class CopyPlanForm(FlaskForm):
    year = IntegerField(
        _l("年度"),
        [
            DataRequired(message=_l("请填写年度。")),
            NumberRange(2000, 2100, message=_l("年度应在 2000 到 2100 之间。")),
        ],
    )
    document_number = StringField(
        _l("文号"), [DataRequired(message=_l("请填写文号。")), Length(max=60)], filters=[strip]
    )
    title = StringField(
        _l("标题"), [DataRequired(message=_l("请填写标题。")), Length(max=160)], filters=[strip]
    )
    submit = SubmitField(_l("复制为新年度计划"))
