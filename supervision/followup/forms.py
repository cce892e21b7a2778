"""Forms of result use: a suggestion, a referral and its progress, a nomination, the
ministry's decision and publication. Business checks are in rules.py (through the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from ..core import versions
from ..core.forms import OPTIONAL_TEXT, as_choices, strip
from . import rules
from .service import MAX_PROVIDER

DATE_FORMAT = _l("请填写日期（YYYY-MM-DD）。")
NUMBER_FORMAT = _l("请填写数字，例如 125.50。")
SAVINGS_HELP = _l("吨标准煤/年，最多两位小数；选填。")


def _date(label, *, required: bool = False, description=None) -> DateField:
    validators = [DataRequired(message=DATE_FORMAT)] if required else [Optional()]
    return DateField(label, validators, description=description)


def _savings(label) -> DecimalField:
    # No ``places``: the value is read as typed (Decimal, never float); the rules refuse
    # more than two decimals instead of rounding them away.
    return DecimalField(
        label,
        [Optional()],
        places=None,
        description=SAVINGS_HELP,
        render_kw={"inputmode": "decimal"},
    )


class VersionedForm(FlaskForm):
    #: The record's version when the form was shown (optimistic locking).
    version = HiddenField()

    def version_number(self) -> int | None:
        return versions.parse(self.version.data)


class SuggestionForm(FlaskForm):
    text = TextAreaField(
        _l("改进建议"),
        [
            DataRequired(message=_l("请填写改进建议。")),
            Length(max=5000, message=_l("改进建议不能超过 5000 个字。")),
        ],
        filters=[strip],
        description=_l("针对该不合理用能行为，向企业提出的改进建议。"),
    )


class ReferralForm(FlaskForm):
    """Referring a finding to energy diagnosis."""

    provider = StringField(
        _l("诊断服务机构"),
        [
            DataRequired(message=_l("请填写诊断服务机构。")),
            Length(max=MAX_PROVIDER, message=_l("名称过长。")),
        ],
        filters=[strip],
    )
    referred_on = _date(_l("推荐日期"), required=True)
    measures = TextAreaField(_l("提出的节能措施") + OPTIONAL_TEXT, filters=[strip])
    estimated_savings_tce = _savings(_l("预计节能量（吨标准煤/年）"))


class ReferralEditForm(VersionedForm, ReferralForm):
    """The diagnosis, then the retrofit actually done."""

    diagnosis_start_on = _date(_l("诊断开始日期"))
    diagnosis_end_on = _date(
        _l("诊断完成日期"), description=_l("填写后状态为“已完成诊断”，须填写节能措施。")
    )
    retrofit_text = TextAreaField(_l("实际实施的节能改造"), filters=[strip])
    retrofit_done_on = _date(_l("改造完成日期"), description=_l("填写后状态为“已实施改造”。"))
    actual_savings_tce = _savings(_l("实际节能量（吨标准煤/年）"))


class NominationForm(VersionedForm):
    title = StringField(
        _l("案例标题"),
        [
            DataRequired(message=_l("请填写案例标题。")),
            Length(max=rules.MAX_TITLE, message=_l("案例标题过长。")),
        ],
        filters=[strip],
    )
    write_up = TextAreaField(
        _l("案例材料"),
        [DataRequired(message=_l("请填写案例材料。"))],
        description=_l(
            "执法规范、工作扎实、节能效益突出之处，不少于 %(n)s 字；将向社会公布，不得写入个人姓名、电话。",
            n=rules.MIN_WRITE_UP,
        ),
        render_kw={"rows": 12},
    )
    savings_tce = _savings(_l("节能效益（吨标准煤/年）"))


DECISIONS = (("select", _l("入选")), ("decline", _l("不予入选")))


class DecisionForm(VersionedForm):
    decision = RadioField(
        _l("评选结果"),
        [DataRequired(message=_l("请选择评选结果。"))],
        choices=as_choices(DECISIONS),
    )
    note = TextAreaField(_l("评选意见"), filters=[strip], description=_l("不予入选的须填写。"))


class PublishForm(VersionedForm):
    pass
