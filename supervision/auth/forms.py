"""Login, language and own-password forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from ..core.forms import as_choices, strip


class LoginForm(FlaskForm):
    username = StringField(
        _l("用户名"),
        [DataRequired(message=_l("请填写用户名。")), Length(max=64)],
        filters=[strip],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("密码"),
        [DataRequired(message=_l("请填写密码。")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()
    submit = SubmitField(_l("登录"))


class LanguageForm(FlaskForm):
    locale = SelectField(_l("语言"), choices=as_choices([("zh", "简体中文"), ("en", "English")]))
    next = HiddenField()
    submit = SubmitField(_l("切换"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("当前密码"),
        [DataRequired(message=_l("请填写当前密码。")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        _l("新密码"),
        [DataRequired(message=_l("请填写新密码。")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("确认新密码"), [EqualTo("password", message=_l("两次输入的密码不一致。"))]
    )
    submit = SubmitField(_l("修改密码"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("退出"))


class ApiTokenForm(FlaskForm):
    name = StringField(
        _l("令牌名称"),
        [DataRequired(message=_l("请填写令牌名称。")), Length(max=80)],
        filters=[strip],
        description=_l("写明用途，例如“省节能监察平台同步”。"),
    )
    submit = SubmitField(_l("创建令牌"))


class RevokeTokenForm(FlaskForm):
    submit = SubmitField(_l("吊销"))
