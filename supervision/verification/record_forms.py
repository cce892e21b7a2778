"""Forms of the sales-record pages: withdrawing one import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from ..core.forms import strip


class WithdrawImportForm(FlaskForm):
    """The reason's length is the service's rule (``withdrawal.REASON_MAX``), said in its words."""

    reason = TextAreaField(
        _l("撤销理由"),
        [DataRequired(message=_l("请写明撤销理由。"))],
        filters=[strip],
        description=_l("撤销后本次导入的全部记录将被删除，可再导入更正后的文件。"),
    )
