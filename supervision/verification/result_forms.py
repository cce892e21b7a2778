"""Forms of the results pages: the unit's report, and the ministry's review of it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..core import versions
from ..core.forms import as_choices, strip

TEXT_LIMIT = 20000


def _text(label, description=""):
    return TextAreaField(
        label,
        [Length(max=TEXT_LIMIT, message=_l("内容不能超过 %(n)s 个字。", n=TEXT_LIMIT))],
        filters=[strip],
        description=description,
        render_kw={"rows": 6},
    )


class ReportForm(FlaskForm):
    #: The report's version when the form was opened (optimistic locking); "" for a new one.
    version = HiddenField()
    summary = _text(
        _l("核查情况"), _l("核查工作的组织、落实到人、培训、核查方式和进度。上报时必填。")
    )
    problems = _text(_l("发现的问题"), _l("虚报、重复申报、大宗用户、电话和入户核查不符等。"))
    suggestions = _text(_l("意见建议"))
    save = SubmitField(_l("保存"))
    submit = SubmitField(_l("上报部里"))


class ReviewForm(FlaskForm):
    version = HiddenField()
    decision = RadioField(
        _l("审核结论"),
        [InputRequired(message=_l("请选择接收或退回。"))],
        choices=as_choices([("accept", _l("接收")), ("return", _l("退回修改"))]),
    )
    comment = TextAreaField(
        _l("审核意见"),
        [Length(max=4000, message=_l("审核意见不能超过 4000 个字。"))],
        filters=[strip],
        description=_l("退回时必填：写明需要修改的内容。"),
        render_kw={"rows": 3},
    )
    submit_review = SubmitField(_l("提交审核意见"))


def form_version(form) -> int | None:
    return versions.parse(form.version.data)
