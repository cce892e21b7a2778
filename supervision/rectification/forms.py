"""Rectification forms: issuing a notice, the enterprise's report, the extension, the 回头看,
the handling decision and more files."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.forms import OPTIONAL_TEXT, MultiCheckboxField, as_choices, strip
from ..inspections.rules.findings import KIND_LABELS
from . import rules
from .evidence import STAGES
from .models import DEADLINE_BASIS_LABELS, REINSPECTION_RESULT_LABELS, DeadlineBasis

DATE_FORMAT = _l("请填写日期（YYYY-MM-DD）。")
FILES_HELP = _l("照片（JPEG、PNG、HEIC）、扫描件（TIFF）或 PDF，可多选。")


def _date(label, *, required: bool = True, description=None) -> DateField:
    validators = [DataRequired(message=DATE_FORMAT)] if required else [Optional()]
    return DateField(label, validators, description=description)


class IssueForm(FlaskForm):
    finding_ids = MultiCheckboxField(
        _l("列入通知书的问题"),
        [InputRequired(message=_l("请至少选择一个问题。"))],
        coerce=int,
        choices=[],
    )
    measures = TextAreaField(
        _l("整改要求"),
        [
            DataRequired(message=_l("请填写整改要求。")),
            Length(max=10000, message=_l("整改要求不能超过 10000 个字。")),
        ],
        filters=[strip],
        description=_l("每行一项，例如“淘汰 Y 系列电机 3 台，更换为能效 2 级及以上产品”。"),
    )
    basis = RadioField(
        _l("整改期限方式"),
        choices=as_choices([(b.value, label) for b, label in DEADLINE_BASIS_LABELS.items()]),
        default=DeadlineBasis.WORKDAYS.value,
    )
    days = IntegerField(
        _l("期限天数 N"),
        [
            Optional(),
            NumberRange(
                1,
                rules.MAX_DEADLINE_DAYS,
                message=_l("天数应在 1 到 %(n)s 之间。", n=rules.MAX_DEADLINE_DAYS),
            ),
        ],
        description=_l("按工作日或自然日计算时填写；送达当日不计入。"),
    )
    deadline_on = _date(_l("整改期限日期"), required=False, description=_l("按指定日期时填写。"))
    served_on = _date(_l("送达日期"))
    preview = SubmitField(_l("计算整改期限"))
    submit = SubmitField(_l("下达通知书"))

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.finding_ids.choices = [
            (f.id, f"{KIND_LABELS.get(f.kind, f.kind)}：{f.description}") for f in findings
        ]
        if self.basis.data is None:
            self.basis.data = DeadlineBasis.WORKDAYS.value


class StepForm(FlaskForm):
    """A form of the notice page: its fields are prefixed (``report-received_on``) so that the
    page's several forms never share an element id."""

    PREFIX = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)


class ReportForm(StepForm):
    PREFIX = "report"
    version = HiddenField()
    received_on = _date(_l("收到整改报告日期"))
    measures_taken = TextAreaField(
        _l("企业已采取的整改措施"),
        [
            DataRequired(message=_l("请填写企业已采取的整改措施。")),
            Length(max=10000, message=_l("内容不能超过 10000 个字。")),
        ],
        filters=[strip],
    )
    files = MultipleFileField(_l("整改报告及证明材料"), description=FILES_HELP)


class ExtensionForm(StepForm):
    PREFIX = "extension"
    version = HiddenField()
    requested_on = _date(_l("企业申请延期日期"))
    reason = TextAreaField(
        _l("延期理由"),
        [
            DataRequired(message=_l("请填写延期理由。")),
            Length(max=4000, message=_l("延期理由不能超过 4000 个字。")),
        ],
        filters=[strip],
    )
    granted_on = _date(_l("批准延期日期"))
    extended_deadline_on = _date(
        _l("延期后的整改期限"), description=_l("只能延期一次，须晚于原整改期限。")
    )


class ReinspectionForm(StepForm):
    PREFIX = "reinspection"
    version = HiddenField()
    inspected_on = _date(_l("复查日期"))
    result = RadioField(
        _l("复查结论"),
        [InputRequired(message=_l("请选择复查结论。"))],
        choices=as_choices([(r.value, label) for r, label in REINSPECTION_RESULT_LABELS.items()]),
    )
    notes = TextAreaField(
        _l("复查情况"),
        [Optional(), Length(max=10000, message=_l("复查情况不能超过 10000 个字。"))],
        filters=[strip],
        description=_l("未整改或整改不到位的，请写明具体情况。"),
    )
    case_id = SelectField(_l("回头看案件"), choices=[], validate_choice=False)
    files = MultipleFileField(_l("复查证据"), description=FILES_HELP)

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.case_id.choices = as_choices(
            [("", _l("（不关联）")), *((str(c.id), _case_label(c)) for c in cases)]
        )


def _case_label(case) -> str:
    return f"#{case.id} {case.agency.name}（{case.assessed_year + 1}）"


class AmountField(DecimalField):
    """元, as typed: digit grouping ("50,000", "50 000") accepted."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].replace(",", "").replace("，", "").replace(" ", "").strip()
        self.raw_data = [text]
        if not text:
            self.data = None
            return
        try:
            self.data = Decimal(text)
        except InvalidOperation:
            self.data = None
            raise ValueError(str(_l("请输入金额（元），如 50000 或 50000.00。"))) from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(str(_l("请输入金额（元），如 50000 或 50000.00。")))


class DecisionForm(StepForm):
    PREFIX = "decision"
    version = HiddenField()
    decided_on = _date(_l("处理日期"))
    penalty_number = StringField(
        _l("行政处罚决定书文号"), [Optional(), Length(max=80)], filters=[strip]
    )
    penalty_amount = AmountField(
        _l("罚款金额（元）"), [Optional()], places=None, description=OPTIONAL_TEXT
    )
    ladder_price_applied = BooleanField(_l("已执行阶梯电价（惩罚性电价）"))
    referral = StringField(
        _l("移送处理"),
        [Optional(), Length(max=255)],
        filters=[strip],
        description=_l("移送的部门，如“市发展改革委（价格主管部门）”。"),
    )
    notes = TextAreaField(_l("处理情况"), [Optional(), Length(max=10000)], filters=[strip])


class FilesForm(StepForm):
    PREFIX = "files"
    version = HiddenField()
    stage = SelectField(_l("环节"), choices=as_choices(list(STAGES.items())), validate_choice=False)
    files = MultipleFileField(_l("文件"), description=FILES_HELP)
