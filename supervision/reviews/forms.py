"""Forms of the expert pool, the review set-up and the committee draw."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from ..core import versions
from ..core.forms import OPTIONAL_TEXT, as_choices, strip
from .models import (
    RELATION_LABELS,
    SPECIALITY_LABELS,
    TITLE_LEVEL_LABELS,
    RelationKind,
    Speciality,
    TitleLevel,
)
from .pool import ExpertData
from .setup import CandidateData, ReviewData, lines


def _version(value: str | None) -> int | None:
    return versions.parse(value)


def _upper(value):
    return value.strip().upper() if isinstance(value, str) else value


class ExpertForm(FlaskForm):
    version = HiddenField()
    name = StringField(
        _l("姓名"), [DataRequired(message=_l("请填写专家姓名。")), Length(max=40)], filters=[strip]
    )
    title = StringField(
        _l("职称"),
        [DataRequired(message=_l("请填写职称。")), Length(max=60)],
        filters=[strip],
        description=_l("按证书填写，例如：教授级高级工程师、研究员、高级会计师。"),
    )
    title_level = SelectField(
        _l("职称级别"),
        choices=as_choices([(t.value, TITLE_LEVEL_LABELS[t]) for t in TitleLevel]),
        default=TitleLevel.DEPUTY_SENIOR.value,
        description=_l("评审委员须具有副高以上职称。"),
    )
    speciality = SelectField(
        _l("专业类别"),
        choices=as_choices([(s.value, SPECIALITY_LABELS[s]) for s in Speciality]),
    )
    employer = StringField(
        _l("工作单位"),
        [DataRequired(message=_l("请填写工作单位。")), Length(max=120)],
        filters=[strip],
        description=_l("工作单位为项目主管或监督部门、或为申请单位的，抽取时自动回避。"),
    )
    phone = StringField(
        _l("联系电话") + OPTIONAL_TEXT, [Optional(), Length(max=40)], filters=[strip]
    )
    email = StringField(
        _l("电子邮箱") + OPTIONAL_TEXT,
        [Optional(), Email(message=_l("电子邮箱格式不正确。")), Length(max=120)],
        filters=[strip],
    )
    recommended_by = StringField(
        _l("推荐单位") + OPTIONAL_TEXT, [Optional(), Length(max=120)], filters=[strip]
    )
    user_id = SelectField(
        _l("登录账号") + OPTIONAL_TEXT,
        choices=[],
        description=_l("专家用此账号评分和签署评审报告（须为“评审专家”角色）。"),
    )
    active = BooleanField(_l("在库（可被抽取）"), default=True)

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = as_choices(
            [("", _l("（未关联）"))]
            + [(str(u.id), f"{u.full_name}（{u.username}）") for u in accounts]
        )

    @property
    def version_number(self) -> int | None:
        return _version(self.version.data)

    def data_object(self) -> ExpertData:
        user_id = self.user_id.data
        return ExpertData(
            name=self.name.data or "",
            title=self.title.data or "",
            title_level=self.title_level.data or "",
            speciality=self.speciality.data or "",
            employer=self.employer.data or "",
            phone=self.phone.data or "",
            email=self.email.data or "",
            recommended_by=self.recommended_by.data or "",
            active=bool(self.active.data),
            user_id=int(user_id) if user_id and str(user_id).isdigit() else None,
        )


class DeclarationForm(FlaskForm):
    kind = SelectField(
        _l("情形"),
        choices=as_choices([(k.value, RELATION_LABELS[k]) for k in RelationKind]),
    )
    party = StringField(
        _l("相关单位"),
        [DataRequired(message=_l("请填写相关单位。")), Length(max=120)],
        filters=[strip],
        description=_l(
            "与申请单位、征集人或主管/监督部门的名称一致（空格、全角半角括号不影响比对）；"
            "近亲属情形也可填主要负责人姓名。"
        ),
    )
    detail = TextAreaField(
        _l("说明") + OPTIONAL_TEXT, [Optional(), Length(max=2000)], filters=[strip]
    )
    declared_on = DateField(_l("申报日期"), [DataRequired(message=_l("请填写申报日期。"))])


class RemoveDeclarationForm(FlaskForm):
    declaration = HiddenField(validators=[DataRequired()])


class ReviewForm(FlaskForm):
    version = HiddenField()
    title = StringField(
        _l("评审名称"),
        [DataRequired(message=_l("请填写评审名称。")), Length(max=200)],
        filters=[strip],
    )
    convener = StringField(
        _l("征集人"),
        [DataRequired(message=_l("请填写征集人。")), Length(max=200)],
        filters=[strip],
        description=_l("例如：国家发展改革委、财政部、工业和信息化部、商务部、质检总局相关司局。"),
    )
    organiser = StringField(
        _l("评审组织机构"),
        [DataRequired(message=_l("请填写评审组织机构。")), Length(max=200)],
        filters=[strip],
    )
    departments_text = TextAreaField(
        _l("项目主管部门和行政监督部门") + OPTIONAL_TEXT,
        [Optional(), Length(max=4000)],
        description=_l("每行一个单位名称：其人员抽取时回避。"),
    )
    meets_on = DateField(_l("详细评审日期"), [DataRequired(message=_l("请填写详细评审日期。"))])
    venue = StringField(
        _l("评审地点") + OPTIONAL_TEXT, [Optional(), Length(max=200)], filters=[strip]
    )
    committee_size = IntegerField(
        _l("评审委员人数"),
        [DataRequired(message=_l("请填写评审委员人数。")), NumberRange(min=1, max=25)],
        default=5,
    )
    minimum_pool = IntegerField(
        _l("专家名单最少人数"),
        [DataRequired(message=_l("请填写专家名单最少人数。")), NumberRange(min=1, max=1000)],
        default=12,
        description=_l("在库专家少于此数时不能抽取（征集办法规定不少于 12 人）。"),
    )
    blind_scoring = BooleanField(_l("全部评分提交前评委互不可见"), default=True)
    scoring_items_text = TextAreaField(
        _l("评分项目"),
        [DataRequired(message=_l("请至少填写一个评分项目。")), Length(max=4000)],
        description=_l(
            "每行一项“名称|满分”，例如“公司综合概况|15”；价格计分项写作“价格|10|价格”，至多一项。"
        ),
    )
    funding_cap_wan = DecimalField(
        _l("资金规模（万元）") + OPTIONAL_TEXT, [Optional(), NumberRange(min=0)], places=2
    )
    max_selected = IntegerField(
        _l("征集上限（家）") + OPTIONAL_TEXT, [Optional(), NumberRange(min=1)]
    )

    @property
    def version_number(self) -> int | None:
        return _version(self.version.data)

    def data_object(self) -> ReviewData:
        return ReviewData(
            title=self.title.data or "",
            convener=self.convener.data or "",
            organiser=self.organiser.data or "",
            meets_on=self.meets_on.data,
            departments=lines(self.departments_text.data),
            venue=self.venue.data or "",
            committee_size=self.committee_size.data,
            minimum_pool=self.minimum_pool.data,
            blind_scoring=bool(self.blind_scoring.data),
            scoring_items_text=self.scoring_items_text.data or "",
            funding_cap_wan=self.funding_cap_wan.data,
            max_selected=self.max_selected.data,
        )


class CandidateForm(FlaskForm):
    name = StringField(
        _l("申请单位"),
        [DataRequired(message=_l("请填写申请单位名称。")), Length(max=200)],
        filters=[strip],
    )
    short_name_en = StringField(
        _l("英文简称"),
        [DataRequired(message=_l("请填写英文简称。")), Length(max=40)],
        filters=[_upper],
        description=_l("大写英文字母和数字，例如 FUXING：陈述按英文简称排序。"),
    )
    principal = StringField(
        _l("主要负责人") + OPTIONAL_TEXT,
        [Optional(), Length(max=40)],
        filters=[strip],
        description=_l("法定代表人等主要负责人，用于判断近亲属回避。"),
    )
    requested_wan = DecimalField(
        _l("申请资金（万元）") + OPTIONAL_TEXT, [Optional(), NumberRange(min=0)], places=2
    )
    price_quote = DecimalField(
        _l("报价（元）") + OPTIONAL_TEXT,
        [Optional(), NumberRange(min=0)],
        places=2,
        description=_l("评分项目含价格项时填写。"),
    )
    presenters_text = TextAreaField(
        _l("陈述人") + OPTIONAL_TEXT,
        [Optional(), Length(max=400)],
        description=_l("每行一人，不超过 3 人。"),
    )

    def data_object(self) -> CandidateData:
        return CandidateData(
            name=self.name.data or "",
            short_name_en=self.short_name_en.data or "",
            principal=self.principal.data or "",
            requested_wan=self.requested_wan.data,
            price_quote=self.price_quote.data,
            presenters=lines(self.presenters_text.data),
        )


class DrawForm(FlaskForm):
    witness_id = SelectField(
        _l("监督人"),
        choices=[],
        validators=[DataRequired(message=_l("请选择监督人。"))],
        description=_l(
            "评审组织机构在征集人监督下抽取：选择到场监督的部级业务人员（宜为抽取人以外的人）。"
        ),
    )
    seed = StringField(
        _l("随机种子") + OPTIONAL_TEXT,
        [Optional(), Length(max=64)],
        filters=[strip],
        description=_l("可当场约定（例如监督人报出的数字）；留空则由系统随机生成。"),
    )
    reason = TextAreaField(
        _l("重新抽取理由"),
        [Optional(), Length(max=2000)],
        filters=[strip],
        description=_l("已有有效抽取结果时必填：原结果标为“已取代”，其委员不再任职。"),
    )

    def __init__(self, *args, witnesses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.witness_id.choices = as_choices(
            [("", _l("（请选择）"))] + [(str(u.id), u.full_name) for u in witnesses]
        )


class ChairForm(FlaskForm):
    member_id = SelectField(_l("评审委员会主任"), choices=[], validators=[DataRequired()])

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.member_id.choices = as_choices([(str(m.id), m.expert.name) for m in members])


class ReplaceForm(FlaskForm):
    reason = TextAreaField(
        _l("替换理由"),
        [DataRequired(message=_l("请填写替换理由。")), Length(max=2000)],
        filters=[strip],
        description=_l("例如：因故不能出席；发现应当回避的情形。由候补专家依次递补。"),
    )
