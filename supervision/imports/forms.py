"""Import forms: the upload, and the buttons that confirm or cancel a job."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SubmitField


class UploadForm(FlaskForm):
    file = FileField(
        _l("文件（.xlsx 或 .csv，不超过 50 MB）"),
        [FileRequired(message=_l("请选择要导入的文件。"))],
    )
    #: Only for users who belong to no province (the ministry): whose data the file holds.
    province_id = SelectField(_l("导入到省级单位"), choices=[], validate_choice=False)
    submit = SubmitField(_l("上传并校验"))


class ButtonForm(FlaskForm):
    """A CSRF-protected button (confirm, cancel)."""

    submit = SubmitField()
