"""Forms of the case record: daily checklist, evidence upload, findings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import as_choices, strip
from .models import CheckResult, Severity
from .rules import checklist as checks
from .rules import findings as finding_rules

NOTE_REQUIRED = _l("判定为“不符合”的，请填写情况说明。")


class ChecklistForm(FlaskForm):
    """One result and one note per check (fields ``result_<key>`` and ``note_<key>``)."""

    #: The entries' versions when the form was opened (optimistic locking).
    version = HiddenField()

    def answers(self) -> dict[str, tuple[str | None, str]]:
        return {
            c.key: (self[f"result_{c.key}"].data or None, self[f"note_{c.key}"].data or "")
            for c in checks.CHECKS
        }

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for key in checks.missing_notes(self.answers()):
            self[f"note_{key}"].errors = [*self[f"note_{key}"].errors, str(NOTE_REQUIRED)]
            ok = False
        return ok


for _check in checks.CHECKS:
    setattr(
        ChecklistForm,
        f"result_{_check.key}",
        RadioField(
            _check.title,
            [Optional()],
            choices=as_choices([(r.value, r.label) for r in CheckResult]),
        ),
    )
    setattr(
        ChecklistForm,
        f"note_{_check.key}",
        TextAreaField(_l("情况说明"), [Optional(), Length(max=4000)], filters=[strip]),
    )


def check_item_choices():
    return as_choices([("", _l("（不关联检查项）")), *((c.key, c.title) for c in checks.CHECKS)])


class EvidenceForm(FlaskForm):
    file = FileField(
        _l("文件"),
        [FileRequired(message=_l("请选择要上传的文件。"))],
        description=_l("照片（JPEG、PNG、HEIC）、扫描件（TIFF）或 PDF。"),
    )
    description = StringField(
        _l("说明"),
        [Optional(), Length(max=255, message=_l("说明不能超过 255 个字。"))],
        filters=[strip],
    )
    check_item = SelectField(_l("关联检查项"), choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.check_item.choices = check_item_choices()


class FindingForm(FlaskForm):
    kind = SelectField(
        _l("问题类型"),
        [DataRequired(message=_l("请选择问题类型。"))],
        choices=[],
        validate_choice=False,
    )
    basis_key = SelectField(
        _l("法律依据"),
        [DataRequired(message=_l("请选择法律依据。"))],
        choices=[],
        validate_choice=False,
    )
    severity = SelectField(
        _l("严重程度"),
        choices=as_choices([(s.value, s.label) for s in Severity]),
        default=Severity.GENERAL.value,
        validate_choice=False,
    )
    description = TextAreaField(
        _l("问题描述"),
        [
            DataRequired(message=_l("请填写问题描述。")),
            Length(max=4000, message=_l("问题描述不能超过 4000 个字。")),
        ],
        filters=[strip],
    )

    def __init__(self, *args, bases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = as_choices([("", _l("请选择")), *finding_rules.KIND_LABELS.items()])
        # Each option names the kinds it applies to; static/js/findings.js hides the others.
        self.basis_key.choices = [
            SelectChoice("", str(_l("请选择"))),
            *(
                SelectChoice(
                    b.key,
                    b.citation + ("" if b.verified else str(_l("（待核实）"))),
                    render_kw={"data-kinds": " ".join(b.applies_to)},
                )
                for b in bases
            ),
        ]


class AdoptForm(FlaskForm):
    key = HiddenField()
    confirmed = BooleanField(_l("已核实参考值，确认记录"))
