"""Forms of the reminder pages: filters (GET), the notification actions, preference, policy."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ..core.forms import MultiCheckboxField, as_choices, strip
from .labels import RECIPIENT_LABELS, UNIT_LABELS
from .models import REMINDER_STATE_LABELS, Delivery

OFFSET_MIN, OFFSET_MAX = 1, 120
OVERDUE_EVERY_MAX = 30
_SEPARATORS = re.compile(r"[,、;\s]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")


def parse_offsets(text: str) -> list[int]:
    """Read "10, 3, 1" as [10, 3, 1] (largest first); Chinese commas, full-width digits and
    spaces are understood too.

    ValueError with the message to show: a part that is no whole number, one outside
    1–120, or one given twice.
    """
    seen: list[int] = []
    for part in (p for p in _SEPARATORS.split(unicodedata.normalize("NFKC", text or "")) if p):
        if not _INTEGER.fullmatch(part):
            raise ValueError(
                _("“%(value)s”不是整数：请填写用逗号分隔的整数，例如 10, 3, 1。", value=part)
            )
        n = int(part)
        if not OFFSET_MIN <= n <= OFFSET_MAX:
            raise ValueError(
                _(
                    "提前天数须在 %(low)s 到 %(high)s 之间，“%(value)s”不符合。",
                    low=OFFSET_MIN,
                    high=OFFSET_MAX,
                    value=part,
                )
            )
        if n in seen:
            raise ValueError(_("提前天数“%(value)s”重复了。", value=n))
        seen.append(n)
    return sorted(seen, reverse=True)


class DeadlineFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a filter changes nothing

    kind = SelectField(_l("期限类型"), validate_choice=False)
    province = SelectField(_l("省份"), validate_choice=False)
    agency = HiddenField()
    category = SelectField(_l("监察类别"), validate_choice=False)
    status = SelectField(
        _l("状态"),
        choices=as_choices([("open", _l("未完成")), ("done", _l("已完成")), ("all", _l("全部"))]),
        default="open",
        validate_choice=False,
    )
    overdue = BooleanField(_l("仅看已逾期"))


class ReminderLogFilterForm(FlaskForm):
    class Meta:
        csrf = False

    state = SelectField(
        _l("状态"),
        choices=as_choices([("", _l("全部状态")), *REMINDER_STATE_LABELS.items()]),
        validate_choice=False,
    )
    kind = SelectField(_l("期限类型"), validate_choice=False)
    person = StringField(
        _l("收件人（用户名或姓名）"), [Optional(), Length(max=80)], filters=[strip]
    )
    q = StringField(_l("期限名称"), [Optional(), Length(max=120)], filters=[strip])
    date_from = DateField(_l("提醒日期自"), [Optional()])
    date_to = DateField(_l("至"), [Optional()])


class MarkReadForm(FlaskForm):
    """Without ids: every unread notification of the user."""

    ids = SelectMultipleField(coerce=int, validate_choice=False)


class OpenNotificationForm(FlaskForm):
    notification_id = IntegerField(validators=[InputRequired()])


class RetryForm(FlaskForm):
    reminder_id = IntegerField(validators=[InputRequired()])


class PreferenceForm(FlaskForm):
    delivery = RadioField(
        _l("提醒邮件的发送方式"),
        choices=as_choices([(d.value, d.label) for d in Delivery]),
        validators=[InputRequired(message=_l("请选择发送方式。"))],
    )
    submit = SubmitField(_l("保存"))


class PolicyForm(FlaskForm):
    offsets = StringField(
        _l("提前提醒"),
        [Length(max=200)],
        filters=[strip],
        description=_l(
            "到期前多少个工作日（或自然日）提醒，用逗号分隔，例如 10, 3, 1；留空则不提前提醒。"
        ),
    )
    offset_unit = RadioField(
        _l("提前单位"),
        choices=as_choices(UNIT_LABELS.items()),
        validators=[InputRequired(message=_l("请选择提前单位。"))],
    )
    on_due_day = BooleanField(_l("到期当日提醒"))
    overdue_every = IntegerField(
        _l("逾期后每隔几个工作日提醒"),
        [
            InputRequired(message=_l("请填写逾期提醒间隔（0 表示逾期后不再提醒）。")),
            NumberRange(
                0,
                OVERDUE_EVERY_MAX,
                message=_l("逾期提醒间隔须在 0 到 30 个工作日之间（0 表示逾期后不再提醒）。"),
            ),
        ],
        description=_l("0 表示逾期后不再提醒。"),
    )
    recipients = MultiCheckboxField(_l("提醒对象"), choices=as_choices(RECIPIENT_LABELS.items()))
    enabled = BooleanField(_l("启用此类期限的提醒"))
    submit = SubmitField(_l("保存"))

    #: The parsed offsets once ``validate`` passed.
    offset_values: list[int]

    def validate_offsets(self, field) -> None:
        try:
            self.offset_values = parse_offsets(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_recipients(self, field) -> None:
        if self.enabled.data and not field.data:
            raise ValidationError(_("启用提醒时请至少选择一个提醒对象。"))
