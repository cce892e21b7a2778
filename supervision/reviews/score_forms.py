"""Forms of scoring and the report: a member's score sheet (one field per scoring item of the
review), the report's text, signing, submitting, and the convener's decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from ..core import versions
from ..core.forms import MultiCheckboxField, as_choices, strip

TEXT_LIMIT = 20000


class SheetBase(FlaskForm):
    comment = TextAreaField(
        _l("评审意见"),
        [Length(max=4000, message=_l("评审意见不能超过 4000 个字。"))],
        filters=[strip],
        render_kw={"rows": 3},
    )
    save = SubmitField(_l("保存草稿"))
    submit = SubmitField(_l("提交评分"))


def field_name(index: int) -> str:
    return f"item_{index}"


def sheet_form(items: list[dict], **kwargs) -> SheetBase:
    """A sheet with one text field per scored item (``item_0`` …, in the review's order)."""

    class SheetForm(SheetBase):
        pass

    for n, item in enumerate(items):
        setattr(
            SheetForm,
            field_name(n),
            StringField(
                item["name"],
                filters=[strip],
                description=_l("满分 %(max)s 分", max=item["max_points"]),
                render_kw={"inputmode": "decimal", "autocomplete": "off"},
            ),
        )
    return SheetForm(**kwargs)


def sheet_points(form: SheetBase, items: list[dict]) -> dict[str, str]:
    """{item key: text entered} from a submitted sheet."""
    return {item["key"]: (getattr(form, field_name(n)).data or "") for n, item in enumerate(items)}


class ActionForm(FlaskForm):
    """A bare POST (CSRF only): close scoring, withdraw, submit."""

    version = HiddenField()


class WithdrawForm(FlaskForm):
    withdrew = HiddenField()


class ReportTextForm(FlaskForm):
    version = HiddenField()
    formal_summary = TextAreaField(
        _l("形式审查情况"),
        [Length(max=TEXT_LIMIT, message=_l("内容不能超过 %(n)s 个字。", n=TEXT_LIMIT))],
        filters=[strip],
        description=_l("形式审查的组织、申请单位数、通过和未通过的单位及原因。"),
        render_kw={"rows": 6},
    )
    recommendation = TextAreaField(
        _l("推荐意见"),
        [Length(max=TEXT_LIMIT, message=_l("内容不能超过 %(n)s 个字。", n=TEXT_LIMIT))],
        filters=[strip],
        description=_l("按得分情况向征集人推荐的通过候选人及排序。"),
        render_kw={"rows": 5},
    )
    generate = SubmitField(_l("生成评审报告"))


class SignForm(FlaskForm):
    #: The report's version the member read (a regenerated report must be read again).
    version = HiddenField()
    sign = SubmitField(_l("确认并签名"))


class DecisionForm(FlaskForm):
    version = HiddenField()
    selected = MultiCheckboxField(_l("确定的推广单位"), coerce=int, validate_choice=False)
    note = TextAreaField(
        _l("确定意见"),
        [Length(max=4000, message=_l("确定意见不能超过 4000 个字。"))],
        filters=[strip],
        description=_l("所选单位与评审报告推荐的不同时必填：写明理由。"),
        render_kw={"rows": 3},
    )
    decide = SubmitField(_l("确定"))


def decision_form(ranked, **kwargs) -> DecisionForm:
    form = DecisionForm(**kwargs)
    form.selected.choices = as_choices(
        [(r["candidate_id"], f"{r['rank'] or '—'}. {r['name']}") for r in ranked]
    )
    return form


def form_version(form) -> int | None:
    return versions.parse(form.version.data)
