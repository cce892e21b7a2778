"""Account forms: the shape of input; business checks live in the service."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..core.forms import MultiCheckboxField, as_choices, strip
from ..core.models import Role


class UserForm(FlaskForm):
    username = StringField(
        _l("用户名"), [DataRequired(message=_l("请填写用户名。")), Length(3, 64)], filters=[strip]
    )
    full_name = StringField(
        _l("姓名"), [DataRequired(message=_l("请填写姓名。")), Length(max=80)], filters=[strip]
    )
    organisation_id = SelectField(
        _l("所属机构"), coerce=int, validators=[DataRequired(message=_l("请选择所属机构。"))]
    )
    roles = MultiCheckboxField(_l("角色"), choices=[])
    email = EmailField(
        _l("电子邮箱"),
        [Optional(), Email(message=_l("电子邮箱格式不正确。")), Length(max=254)],
        filters=[strip],
    )
    phone = StringField(_l("联系电话"), [Optional(), Length(max=40)], filters=[strip])
    certificate_number = StringField(
        _l("行政执法证号"), [Optional(), Length(max=40)], filters=[strip]
    )
    certificate_expires_on = DateField(_l("执法证有效期至"), [Optional()], format="%Y-%m-%d")
    password = PasswordField(_l("初始密码"), [Optional(), Length(max=256)])
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = as_choices((r.value, r.label) for r in Role)

    def validate_roles(self, field):
        if not field.data:
            raise ValidationError(_l("请至少选择一个角色。"))


class PasswordResetForm(FlaskForm):
    password = PasswordField(
        _l("新密码"), [DataRequired(message=_l("请填写新密码。")), Length(max=256)]
    )
    confirm = PasswordField(
        _l("确认新密码"), [EqualTo("password", message=_l("两次输入的密码不一致。"))]
    )
    submit = SubmitField(_l("重置密码"))


class ActiveForm(FlaskForm):
    """A button: enable or disable an account (CSRF-protected POST)."""

    submit = SubmitField()
