"""The audit-log search form (GET, no state change)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from ..core.forms import strip


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a search changes nothing

    user = StringField(_l("操作人"), [Optional(), Length(max=64)], filters=[strip])
    organisation_id = SelectField(_l("操作人所属机构"), coerce=int, validate_choice=False)
    entity = SelectField(_l("记录类型"), validate_choice=False)
    entity_id = StringField(_l("记录编号"), [Optional(), Length(max=64)], filters=[strip])
    date_from = DateField(_l("起始日期"), [Optional()])
    date_to = DateField(_l("截止日期"), [Optional()])
