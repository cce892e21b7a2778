"""Calendar forms: CSV import, one day's status, and the working-day calculator."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.forms import as_choices, strip


class CalendarImportForm(FlaskForm):
    file = FileField(
        _l("CSV 文件"),
        [
            FileRequired(message=_l("请选择要导入的 CSV 文件。")),
            FileAllowed(["csv"], message=_l("只接受 .csv 文件。")),
        ],
    )
    source = StringField(
        _l("依据文件"),
        [DataRequired(message=_l("请填写安排所依据的通知文号。")), Length(max=120)],
        filters=[strip],
    )
    submit = SubmitField(_l("导入"))


class CalendarDayForm(FlaskForm):
    on = DateField(_l("日期"), [DataRequired(message=_l("请填写日期（YYYY-MM-DD）。"))])
    kind = SelectField(
        _l("类型"),
        choices=as_choices([("holiday", _l("休息日")), ("workday", _l("工作日（调休）"))]),
    )
    name = StringField(_l("名称"), [Optional(), Length(max=60)], filters=[strip])
    submit = SubmitField(_l("保存"))


class RemoveForm(FlaskForm):
    submit = SubmitField(_l("删除"))


class CalculatorForm(FlaskForm):
    class Meta:
        csrf = False  # a calculation changes nothing

    start = DateField(_l("起算日期"), [DataRequired(message=_l("请填写起算日期。"))])
    days = IntegerField(
        _l("工作日数"),
        [
            InputRequired(message=_l("请填写工作日数。")),  # 0 is a valid answer
            NumberRange(-366, 366, message=_l("工作日数应在 -366 到 366 之间。")),
        ],
    )
