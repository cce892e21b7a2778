"""Names people read for the reminder vocabulary: recipients, channels, stages, categories
(the engine's own names reused, so a page and an e-mail say the same)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..plans.reference import CATEGORY_NUMERALS, PLAN_2020
from . import rules
from .defaults import RECIPIENT_LABELS
from .mailer import stage_label

__all__ = [
    "CATEGORY_LABELS",
    "CHANNEL_LABELS",
    "RECIPIENT_LABELS",
    "UNIT_LABELS",
    "category_label",
    "channel_label",
    "recipient_label",
    "stage_label",
]

CHANNEL_LABELS = {"in_app": _l("站内通知"), "email": _l("电子邮件")}

UNIT_LABELS = {rules.WORKDAYS: _l("工作日"), rules.DAYS: _l("自然日")}

#: Category number → "一、重点高耗能行业能耗专项监察" (the names of the plan as published).
CATEGORY_LABELS = {
    number: f"{CATEGORY_NUMERALS[number]}、{name}"
    for number, _key, name, *_rest in PLAN_2020["categories"]
}


def recipient_label(role: str) -> str:
    return str(RECIPIENT_LABELS.get(role, role))


def channel_label(channel: str) -> str:
    return str(CHANNEL_LABELS.get(channel, channel))


def category_label(category: int | None) -> str:
    if category is None:
        return _("非专项监察事项")
    return CATEGORY_LABELS.get(category, str(category))
