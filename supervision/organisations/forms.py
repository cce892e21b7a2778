"""Forms for supervision agencies."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..core.forms import as_choices, strip
from ..core.models import OrgKind
from .rules import AGENCY_KINDS


class AgencyForm(FlaskForm):
    parent_id = SelectField(_l("上级机构"), coerce=int)
    kind = SelectField(_l("机构层级"), choices=[])
    name = StringField(
        _l("机构名称"),
        [DataRequired(message=_l("请填写机构名称。")), Length(max=120)],
        filters=[strip],
    )
    division_code = StringField(
        _l("行政区划代码"),
        [
            DataRequired(message=_l("请填写行政区划代码。")),
            Regexp(r"^\d{6}$", message=_l("行政区划代码应为 6 位数字（GB/T 2260）。")),
        ],
        filters=[strip],
    )
    address = StringField(_l("地址"), [Optional(), Length(max=255)], filters=[strip])
    phone = StringField(_l("联系电话"), [Optional(), Length(max=40)], filters=[strip])
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = as_choices((k, OrgKind(k).label) for k in AGENCY_KINDS)
