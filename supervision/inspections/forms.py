"""Case forms: the visit record and status steps (the calculation forms live beside them)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..core.forms import as_choices, strip
from ..tasks.models import ReviewMethod


class VisitForm(FlaskForm):
    version = HiddenField()
    method = SelectField(
        _l("监察方式"), choices=as_choices([(m.value, m.label) for m in ReviewMethod])
    )
    visit_on = DateField(
        _l("监察日期"),
        [Optional()],
        description=_l("现场监察为到达企业的日期；书面审查为审查日期。"),
    )
    participants = TextAreaField(
        _l("参加人员"),
        [Optional(), Length(max=2000)],
        filters=[strip],
        description=_l("监察人员姓名及执法证号，每行一人。"),
    )
    representative = StringField(_l("企业陪同人员"), [Optional(), Length(max=80)], filters=[strip])
    summary = TextAreaField(_l("监察情况"), [Optional(), Length(max=10000)], filters=[strip])


class StatusForm(FlaskForm):
    version = HiddenField()
    target = HiddenField()
