"""Forms of the sales-record pages: withdrawing one import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.forms import strip
from .withdrawal import REASON_MAX


class WithdrawImportForm(FlaskForm):
    reason = TextAreaField(
        _l("撤销理由"),
        [DataRequired(message=_l("请写明撤销理由。")), Length(max=REASON_MAX)],
        filters=[strip],
        description=_l("撤销后本次导入的全部记录将被删除，可再导入更正后的文件。"),
    )
