"""Annual summary forms: the funds and free-text sections, workflow comments and buttons."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, HiddenField, SubmitField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from ..core import versions
from .models import TEXT_SECTIONS
from .service import MAX_TEXT

_TOO_LONG = _l("不能超过 20,000 字。")


def _text(label, description=""):
    return TextAreaField(
        label,
        [Optional(), Length(max=MAX_TEXT, message=_TOO_LONG)],
        description=description,
        render_kw={"rows": 6},
    )


#: What each section is for, shown under its box (seed 004 §三, §四(三)).
SECTION_HINTS = {
    "special_text": _l("各类专项监察的组织实施、发现问题及处理情况（必填）。"),
    "daily_text": _l("日常节能监察（双随机抽查）开展、结果公开及整改跟踪情况（必填）。"),
    "mechanism_text": _l("省市县三级节能监察体系、跨部门联动机制、执法证换发等。"),
    "training_text": _l("监察人员业务培训、交流与结对帮扶等。"),
    "informatisation_text": _l("设备在线核对、能耗指标自动核算、结果在线填报等。"),
    "problems_text": _l("工作中存在的问题和对下一步工作的意见建议。"),
}


class SummaryForm(FlaskForm):
    version = HiddenField()
    funds_used = DecimalField(
        _l("本年使用监察经费（万元）"),
        [Optional(), NumberRange(min=0, message=_l("经费金额不能为负数。"))],
        places=2,
    )
    funds_text = _text(_l("经费使用情况"))
    special_text = _text(TEXT_SECTIONS[0][1], SECTION_HINTS["special_text"])
    daily_text = _text(TEXT_SECTIONS[1][1], SECTION_HINTS["daily_text"])
    mechanism_text = _text(TEXT_SECTIONS[2][1], SECTION_HINTS["mechanism_text"])
    training_text = _text(TEXT_SECTIONS[3][1], SECTION_HINTS["training_text"])
    informatisation_text = _text(TEXT_SECTIONS[4][1], SECTION_HINTS["informatisation_text"])
    problems_text = _text(TEXT_SECTIONS[5][1], SECTION_HINTS["problems_text"])
    submit = SubmitField(_l("保存"))

    def version_number(self) -> int | None:
        return versions.parse(self.version.data)

    def values(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in ("funds_used", "funds_text", *(n for n, _h in TEXT_SECTIONS))
        }


class CommentForm(FlaskForm):
    comment = TextAreaField(_l("意见"), [Optional(), Length(max=5000)])
    submit = SubmitField()


class ButtonForm(FlaskForm):
    submit = SubmitField()
