"""Enterprise forms: the shape of input. The checks are ``service.check_fields``, shared with
the import and the API, so every channel refuses the same things with the same words."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from ..core.forms import as_choices, strip
from .models import ProductionStatus


class Required:
    """Marks a field as required on the page (the asterisk); ``check_fields`` says what is
    wrong with it."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


class EnterpriseForm(FlaskForm):
    #: Only for users of no province (the ministry): whose registry the enterprise joins.
    province_id = SelectField(_l("所属省级单位"), [Required()], choices=[], validate_choice=False)
    credit_code = StringField(
        _l("统一社会信用代码"),
        [Required()],
        filters=[strip],
        description=_l("18 位，数字和大写字母"),
        render_kw={"autocomplete": "off", "maxlength": 30},
    )
    name = StringField(_l("企业名称"), [Required()], filters=[strip])
    address = StringField(_l("地址"), filters=[strip])
    division_code = StringField(
        _l("行政区划代码"),
        [Required()],
        filters=[strip],
        description=_l("6 位数字（GB/T 2260），企业所在区县"),
        render_kw={"inputmode": "numeric", "maxlength": 6},
    )
    industry = SelectField(_l("行业"), choices=[], validate_choice=False)
    products = StringField(_l("主要产品"), filters=[strip])
    status = SelectField(_l("生产状态"), choices=[], validate_choice=False)
    stopped_on = StringField(
        _l("停产日期"),
        filters=[strip],
        description=_l("已停产的企业填写，格式 YYYY-MM-DD"),
        render_kw={"type": "date"},
    )
    key_energy_unit = BooleanField(_l("重点用能单位"))
    annual_energy_tce = StringField(
        _l("年综合能源消费量（吨标准煤）"), filters=[strip], render_kw={"inputmode": "decimal"}
    )
    legal_representative = StringField(_l("法定代表人"), filters=[strip])
    legal_representative_phone = StringField(_l("法定代表人电话"), filters=[strip])
    energy_manager = StringField(_l("能源管理负责人"), filters=[strip])
    energy_manager_phone = StringField(_l("能源管理负责人电话"), filters=[strip])
    #: The record's version when the form was opened (optimistic locking).
    version = HiddenField()
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, industries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = as_choices([("", "—"), *((i.code, i.name) for i in industries)])
        self.status.choices = as_choices((s.value, s.label) for s in ProductionStatus)


class TransferForm(FlaskForm):
    province_id = SelectField(_l("迁入省级单位"), [Required()], choices=[], validate_choice=False)
    reason = TextAreaField(
        _l("迁移原因"),
        [Required(), Length(max=500, message=_l("迁移原因不能超过 500 个字符。"))],
        filters=[strip],
        description=_l("如：企业注册地迁至该省，附有关部门文件文号"),
        render_kw={"rows": 3, "maxlength": 500},
    )
    submit = SubmitField(_l("迁移"))
