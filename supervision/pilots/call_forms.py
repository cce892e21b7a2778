"""Forms of the calls and applications: the call, an applicant, a document, the formal
review, the detailed review's set-up, the announcement and the commitment letter."""

from __future__ import annotations

from decimal import Decimal

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
from wtforms.validators import DataRequired, Length, Optional

from ..core import versions
from ..core.forms import OPTIONAL_TEXT, MultiCheckboxField, as_choices, strip
from ..reviews.setup import ReviewData, lines
from .announcing import COMMITMENT_LATE
from .applications import ApplicationData, DocumentData
from .calls import CALL_PROBLEMS, CallData
from .models import DOCUMENT_KIND_LABELS, DocumentKind
from .rules import formal as rules

DATE_FORMAT = _l("请填写日期（YYYY-MM-DD）。")
#: What the applicants present (seed 003 第九条(三)) and a price item; the points are the
#: organiser's to set from the call's scoring rules.
DEFAULT_SCORING_ITEMS = (
    "公司综合概况|20\n管理规模与收益|20\n风险防控体系与制度|20\n本项目投资服务方案|30\n价格|10|价格"
)
HUNDRED = Decimal(100)


def _date(label, *, required: bool = True, description=None) -> DateField:
    validators = [DataRequired(message=DATE_FORMAT)] if required else [Optional()]
    return DateField(label, validators, description=description)


def _text(label, max_length: int, *, required_message=None, description=None) -> StringField:
    validators = (
        [DataRequired(message=required_message)] if required_message else [Optional()]
    ) + [Length(max=max_length, message=_l("不能超过 %(n)s 个字。", n=max_length))]
    return StringField(
        label,
        validators,
        filters=[strip],
        description=description
        if description is not None
        else (None if required_message else OPTIONAL_TEXT),
    )


def version_number(value: str | None) -> int | None:
    return versions.parse(value)


DOCUMENT_CHOICES = [(k.value, label) for k, label in DOCUMENT_KIND_LABELS.items()]


class CallForm(FlaskForm):
    version = HiddenField()
    name = _text(_l("征集名称"), 200, required_message=_l("请填写征集名称。"))
    notice_number = _text(_l("公告文号"), 80)
    year = IntegerField(
        _l("推广年度"),
        [DataRequired(message=_l("请填写推广年度。"))],
        description=_l("产品编码第 2、3 位数字，如 2014 年为 14。"),
    )
    opens_on = _date(_l("征集开始日期"))
    closes_on = _date(_l("征集截止日期"), description=_l("形式审查应在截止后 15 个工作日内完成。"))
    product_classes = TextAreaField(
        _l("推广产品类别"),
        [DataRequired(message=_l("请至少填写一类推广产品。")), Length(max=2000)],
        description=_l(
            "每行一类：产品名称汉语拼音首字母（大写）|校正码|产品名称，如 F|0|发动机、B|0|变速箱；"
            "首字母与已推广产品重复时校正码取 1、2……"
        ),
    )
    qualifications = TextAreaField(
        _l("资格条件"),
        [DataRequired(message=_l("请至少填写一项资格条件。")), Length(max=10000)],
        description=_l("征集公告“申请单位必须具备以下资格条件”，每行一项。"),
    )
    required_documents = MultiCheckboxField(
        _l("必备证照"), choices=as_choices(DOCUMENT_CHOICES), default=[]
    )
    funding_cap_wan = DecimalField(
        _l("资金规模（万元）"), [Optional()], places=None, description=OPTIONAL_TEXT
    )
    max_selected = IntegerField(_l("征集上限（家）"), [Optional()], description=OPTIONAL_TEXT)
    trading_ends_on = DateField(
        _l("试点截止日期"),
        [Optional()],
        description=_l("月度材料和季度数据报送到此日期所在的月份和季度为止；留空则持续报送。"),
    )
    check_rate = DecimalField(
        _l("第三方核查比例（%）"),
        [Optional()],
        default=Decimal("5"),
        places=None,
        description=_l("按日常交易量的 5%—10% 抽查交易真实性。"),
    )

    def data_object(self) -> CallData:
        classes, _problems = rules.parse_product_classes(self.product_classes.data or "")
        rate = self.check_rate.data
        return CallData(
            name=self.name.data or "",
            notice_number=self.notice_number.data or "",
            year=self.year.data,
            opens_on=self.opens_on.data,
            closes_on=self.closes_on.data,
            product_classes=classes,
            qualifications=rules.parse_lines(self.qualifications.data or ""),
            required_documents=list(self.required_documents.data or []),
            funding_cap_wan=self.funding_cap_wan.data,
            max_selected=self.max_selected.data,
            check_rate=None if rate is None else rate / HUNDRED,
            trading_ends_on=self.trading_ends_on.data,
        )

    def fill(self, call) -> None:
        """Show a stored call (classes and qualifications as lines, the rate in %)."""
        self.version.data = str(call.version)
        self.product_classes.data = rules.product_classes_text(call.product_classes or [])
        self.qualifications.data = "\n".join(call.qualifications or [])
        self.required_documents.data = list(call.required_documents or [])
        self.check_rate.data = Decimal(f"{(call.check_rate * HUNDRED).normalize():f}")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        _classes, problems = rules.parse_product_classes(self.product_classes.data or "")
        if problems:
            self.product_classes.errors = [*self.product_classes.errors, *problems]
        if self.opens_on.errors or self.closes_on.errors:
            return False
        found = self.data_object().problems()
        for key, name in found:
            target = getattr(self, name)
            message = str(CALL_PROBLEMS[key])
            if message not in target.errors:
                target.errors = [*target.errors, message]
        return valid and not problems and not found


class ApplicationForm(FlaskForm):
    version = HiddenField()
    name = _text(_l("申请单位名称"), 200, required_message=_l("请填写申请单位名称。"))
    short_name_en = _text(
        _l("英文简称"),
        40,
        required_message=_l("请填写英文简称。"),
        description=_l("详细评审时按英文简称顺序陈述。"),
    )
    credit_code = _text(_l("统一社会信用代码"), 30, required_message=_l("请填写统一社会信用代码。"))
    principal = _text(_l("法定代表人"), 40, required_message=_l("请填写法定代表人。"))
    province_id = SelectField(_l("所在省份"), coerce=int, choices=[], validate_choice=False)
    city_id = SelectField(
        _l("所在地市"),
        coerce=int,
        choices=[],
        validate_choice=False,
        description=_l("试点企业每月的推广材料报送该地市审核。"),
    )
    address = _text(_l("地址"), 255)
    contact = _text(_l("联系人"), 40)
    phone = _text(_l("联系电话"), 40)
    products = _text(_l("推广产品"), 200, description=_l("如：发动机、变速箱。"))
    requested_wan = DecimalField(
        _l("申请资金（万元）"), [Optional()], places=None, description=OPTIONAL_TEXT
    )
    submitted_on = _date(_l("申请日期"))

    def __init__(self, *args, provinces=(), cities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.province_id.choices = as_choices(
            [(0, _l("（请选择）"))] + [(p.id, p.name) for p in provinces]
        )
        names = {p.id: p.name for p in provinces}
        self.city_id.choices = as_choices(
            [(0, _l("（未指定）"))]
            + [(c.id, f"{names.get(c.province_org_id, '')} · {c.name}") for c in cities]
        )

    def data_object(self) -> ApplicationData:
        return ApplicationData(
            name=self.name.data or "",
            short_name_en=self.short_name_en.data or "",
            credit_code=self.credit_code.data or "",
            principal=self.principal.data or "",
            province_id=self.province_id.data or None,
            city_id=self.city_id.data or None,
            submitted_on=self.submitted_on.data,
            address=self.address.data or "",
            contact=self.contact.data or "",
            phone=self.phone.data or "",
            products=self.products.data or "",
            requested_wan=self.requested_wan.data,
        )

    def fill(self, data: ApplicationData) -> None:
        for name, value in vars(data).items():
            if name in ("province_id", "city_id"):
                value = value or 0
            getattr(self, name).data = value


class DocumentForm(FlaskForm):
    kind = SelectField(_l("证照类别"), choices=as_choices(DOCUMENT_CHOICES))
    number = _text(_l("证书编号"), 80)
    issuer = _text(_l("发证机关"), 120)
    valid_from = _date(_l("有效期起"), required=False, description=OPTIONAL_TEXT)
    valid_until = _date(_l("有效期至"), required=False, description=_l("长期有效的留空。"))
    inspected = BooleanField(_l("已通过年检"), default=True)
    note = _text(_l("备注"), 255)

    def data_object(self) -> DocumentData:
        return DocumentData(
            kind=self.kind.data or DocumentKind.OTHER.value,
            number=self.number.data or "",
            issuer=self.issuer.data or "",
            valid_from=self.valid_from.data,
            valid_until=self.valid_until.data,
            inspected=bool(self.inspected.data),
            note=self.note.data or "",
        )


class FormalReviewForm(FlaskForm):
    version = HiddenField()
    met = MultiCheckboxField(
        _l("具备的资格条件"), coerce=int, choices=[], default=[], validate_choice=False
    )
    complete = BooleanField(_l("申请文件内容完整"))

    def __init__(self, *args, qualifications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.met.choices = as_choices(enumerate(qualifications))
        self.count = len(qualifications)

    def findings(self) -> list[bool]:
        chosen = set(self.met.data or [])
        return [i in chosen for i in range(self.count)]


class ReviewSetupForm(FlaskForm):
    title = _text(_l("评审名称"), 200, required_message=_l("请填写评审名称。"))
    convener = _text(_l("征集人"), 200, required_message=_l("请填写征集人。"))
    organiser = _text(
        _l("评审组织机构"),
        200,
        required_message=_l("请填写评审组织机构。"),
        description=_l("在征集人监督下组织评审、抽取评审委员会。"),
    )
    departments = TextAreaField(
        _l("主管部门和行政监督部门"),
        [Optional(), Length(max=2000)],
        description=_l("每行一个；这些部门的人员须回避。"),
    )
    meets_on = _date(_l("详细评审日期"), description=_l("评审委员会在评审一周前抽取。"))
    venue = _text(_l("评审地点"), 200)
    scoring_items_text = TextAreaField(
        _l("评分项目"),
        [DataRequired(message=_l("请至少填写一个评分项目。")), Length(max=5000)],
        default=DEFAULT_SCORING_ITEMS,
        description=_l(
            "每行一项：评分项目|满分；价格项为：价格|满分|价格。默认值按陈述内容列出，请按征集文件的评分标准调整。"
        ),
    )

    def data_object(self) -> ReviewData:
        return ReviewData(
            title=self.title.data or "",
            convener=self.convener.data or "",
            organiser=self.organiser.data or "",
            meets_on=self.meets_on.data,
            departments=lines(self.departments.data),
            venue=self.venue.data or "",
            scoring_items_text=self.scoring_items_text.data or "",
        )


class AnnounceForm(FlaskForm):
    announced_on = _date(_l("公告日期"))
    commitment_due_on = _date(
        _l("承诺书签订期限"), description=_l("通过单位应在此日期前签订承诺书。")
    )


class CommitmentForm(FlaskForm):
    """Either the letter was signed (with the reporting line), or the pilot is cancelled."""

    decision = SelectField(
        _l("办理结果"),
        choices=as_choices([("signed", _l("已签订承诺书")), ("cancelled", _l("取消通过资格"))]),
    )
    signed_on = _date(_l("承诺书签订日期"), required=False)
    hotline = _text(_l("监督举报电话"), 40, description=_l("企业设立的公开监督举报电话。"))
    reason = StringField(
        _l("取消理由"),
        [Optional(), Length(max=500)],
        filters=[strip],
        default=COMMITMENT_LATE,
        description=_l("未在规定时间内签订承诺书的，可取消其通过资格（第十三条）。"),
    )
