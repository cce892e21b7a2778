"""Applicants of a pilot call (申请单位) with their documents, and the formal review of each
(形式审查, seed 003 第八条): the reviewer states the qualifications met and the application's
completeness; the documents are checked on the review date. Changes take the actor and the
time, flush and never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind, User
from ..enterprises.models import Enterprise
from ..enterprises.rules import credit_code_problem, normalise_credit_code
from ..extensions import db
from ..reviews.rules.committee import short_name_problem
from .calls import local_date, require_manager, require_version
from .models import (
    Application,
    ApplicationDocument,
    CallStatus,
    DocumentKind,
    FormalStatus,
    PilotCall,
)
from .rules import formal as rules

CREDIT_CODE_PROBLEMS = {
    "length": _l("统一社会信用代码应为 18 位。"),
    "characters": _l("统一社会信用代码含有无效字符（只能是数字和大写字母，不含 I、O、S、V、Z）。"),
    "check": _l("统一社会信用代码校验位不正确，请核对。"),
}
SHORT_NAME_PROBLEMS = {
    "missing": _l("请填写英文简称。"),
    "format": _l("英文简称只能由大写英文字母和数字组成，例如 FUXING（详细评审按其排序陈述）。"),
}
LOCKED = _l("形式审查已完成或征集已进入详细评审，申请材料不能再更改。")


def provinces() -> list[Organisation]:
    """The provincial units an applicant may be in."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.PROVINCE, Organisation.is_active.is_(True))
            .order_by(Organisation.division_code)
        )
    )


def cities() -> list[Organisation]:
    """The city-level organisations an applicant's monthly packs may go to."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.CITY, Organisation.is_active.is_(True))
            .order_by(Organisation.division_code, Organisation.id)
        )
    )


@dataclass
class ApplicationData:
    """An applicant's facts as entered from its application."""

    name: str
    short_name_en: str
    credit_code: str
    principal: str
    province_id: int | None
    city_id: int | None
    submitted_on: date | None
    address: str = ""
    contact: str = ""
    phone: str = ""
    products: str = ""
    requested_wan: Decimal | None = None


def from_enterprise(enterprise: Enterprise) -> ApplicationData:
    """An application started from an enterprise of the registry: its names, code, legal
    representative, province, and the city its division code lies in (if that city exists)."""
    city_code = f"{enterprise.division_code[:4]}00" if enterprise.division_code else ""
    city = db.session.scalar(
        select(Organisation).where(
            Organisation.kind == OrgKind.CITY,
            Organisation.division_code == city_code,
            Organisation.province_id == enterprise.province_id,
        )
    )
    return ApplicationData(
        name=enterprise.name,
        short_name_en="",
        credit_code=enterprise.credit_code,
        principal=enterprise.legal_representative,
        province_id=enterprise.province_id,
        city_id=city.id if city else None,
        submitted_on=None,
        address=enterprise.address,
        phone=enterprise.legal_representative_phone,
        products=enterprise.products,
    )


def _clean(call: PilotCall, data: ApplicationData, application: Application | None):
    """Check ``data`` against the call; returns (credit code, short name, province, city)."""
    if not (data.name or "").strip():
        raise DomainError(_l("请填写申请单位名称。"), field="name")
    if not (data.principal or "").strip():
        raise DomainError(_l("请填写法定代表人。"), field="principal")
    code = normalise_credit_code(data.credit_code)
    problem = credit_code_problem(code)
    if problem:
        raise DomainError(CREDIT_CODE_PROBLEMS[problem], field="credit_code")
    short = "".join((data.short_name_en or "").split()).upper()
    problem = short_name_problem(short)
    if problem:
        raise DomainError(SHORT_NAME_PROBLEMS[problem], field="short_name_en")
    others = [a for a in call.applications if a is not application and a.id is not None]
    if any(a.credit_code == code for a in others):
        raise DomainError(_l("该统一社会信用代码已在本次征集中申请。"), field="credit_code")
    if any(a.short_name_en == short for a in others):
        raise DomainError(_l("该英文简称已被本次征集的其他申请单位使用。"), field="short_name_en")
    province = db.session.get(Organisation, data.province_id) if data.province_id else None
    if province is None or province.kind != OrgKind.PROVINCE:
        raise DomainError(_l("请选择申请单位所在省份。"), field="province_id")
    city = db.session.get(Organisation, data.city_id) if data.city_id else None
    if data.city_id and (
        city is None or city.kind != OrgKind.CITY or city.province_org_id != province.id
    ):
        raise DomainError(_l("所选地市不在所选省份内。"), field="city_id")
    if data.submitted_on is None:
        raise DomainError(_l("请填写申请日期。"), field="submitted_on")
    if not call.opens_on <= data.submitted_on <= call.closes_on:
        raise DomainError(
            _l("申请日期应在征集期内（%(a)s 至 %(b)s）。", a=call.opens_on, b=call.closes_on),
            field="submitted_on",
        )
    if data.requested_wan is not None and data.requested_wan <= 0:
        raise DomainError(_l("申请资金应大于 0。"), field="requested_wan")
    return code, short, province, city


def _apply(application: Application, data: ApplicationData, cleaned) -> None:
    code, short, province, city = cleaned
    application.name = data.name.strip()
    application.short_name_en = short
    application.credit_code = code
    application.principal = data.principal.strip()
    application.province_id = province.id
    application.city_id = city.id if city else None
    application.address = (data.address or "").strip()
    application.contact = (data.contact or "").strip()
    application.phone = (data.phone or "").strip()
    application.products = (data.products or "").strip()
    application.requested_wan = data.requested_wan
    application.submitted_on = data.submitted_on


def editable(application: Application) -> bool:
    """Its facts and documents may change until it is reviewed or the call moves on."""
    return application.formal_status == FormalStatus.PENDING and application.call.status in (
        CallStatus.OPEN,
        CallStatus.CLOSED,
    )


def create_application(
    call: PilotCall, data: ApplicationData, *, actor: User, now: datetime
) -> Application:
    """An applicant of ``call`` (received within the call's period), to be formally reviewed."""
    require_manager(actor)
    if call.status not in (CallStatus.OPEN, CallStatus.CLOSED):
        raise DomainError(_l("征集已进入详细评审，不能再登记申请单位。"))
    cleaned = _clean(call, data, None)
    application = Application(
        call=call,
        qualifications_met=[],
        formal_status=FormalStatus.PENDING,
        created_at=now,
    )
    _apply(application, data, cleaned)
    db.session.add(application)
    db.session.flush()
    return application


def update_application(
    application: Application,
    data: ApplicationData,
    *,
    version: int | None,
    actor: User,
    now: datetime,
) -> Application:
    require_manager(actor)
    require_version(application, version)
    if not editable(application):
        raise DomainError(LOCKED)
    _apply(application, data, _clean(application.call, data, application))
    db.session.flush()
    return application


# -- documents -------------------------------------------------------------------------------------


@dataclass
class DocumentData:
    kind: str
    number: str = ""
    issuer: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    inspected: bool = True
    note: str = ""


def add_document(
    application: Application, data: DocumentData, *, actor: User, now: datetime
) -> ApplicationDocument:
    """A document of the application (营业执照, 生产许可证, 质量体系认证证书 …)."""
    require_manager(actor)
    if not editable(application):
        raise DomainError(LOCKED)
    if data.kind not in {k.value for k in DocumentKind}:
        raise DomainError(_l("请选择证照类别。"), field="kind")
    if data.valid_from and data.valid_until and data.valid_until < data.valid_from:
        raise DomainError(_l("有效期至不能早于有效期起。"), field="valid_until")
    document = ApplicationDocument(
        kind=DocumentKind(data.kind),
        number=(data.number or "").strip(),
        issuer=(data.issuer or "").strip(),
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        inspected=bool(data.inspected),
        note=(data.note or "").strip(),
    )
    application.documents.append(document)
    db.session.flush()
    return document


def delete_document(document: ApplicationDocument, *, actor: User, now: datetime) -> None:
    require_manager(actor)
    application = document.application
    if not editable(application):
        raise DomainError(LOCKED)
    application.documents.remove(document)
    db.session.flush()


# -- the formal review -----------------------------------------------------------------------------


def document_facts(application: Application) -> list[rules.DocumentFacts]:
    return [
        rules.DocumentFacts(
            kind=d.kind.value,
            number=d.number,
            valid_from=d.valid_from,
            valid_until=d.valid_until,
            inspected=d.inspected,
        )
        for d in application.documents
    ]


def check_formally(
    application: Application, qualifications_met, complete: bool | None, on: date
) -> rules.FormalResult:
    """The formal review's verdict for these findings on ``on`` (nothing is written)."""
    call = application.call
    met = list(qualifications_met)
    pairs = [(text, met[i] if i < len(met) else None) for i, text in enumerate(call.qualifications)]
    return rules.formal_review(
        pairs, complete, document_facts(application), list(call.required_documents), on
    )


def review_formally(
    application: Application,
    *,
    qualifications_met: list[bool],
    complete: bool,
    version: int | None = None,
    actor: User,
    now: datetime,
) -> rules.FormalResult:
    """形式审查 of one application, on today's date: PASSED, or FAILED with the reasons (it
    then stops there). May be done again while the call has not gone to the detailed review."""
    require_manager(actor)
    require_version(application, version)
    call = application.call
    if call.status != CallStatus.CLOSED:
        raise DomainError(_l("形式审查在征集截止后、详细评审前进行。"))
    if len(qualifications_met) != len(call.qualifications):
        raise DomainError(_l("资格条件与征集公告不一致，请刷新页面后重试。"))
    on = local_date(now)
    result = check_formally(application, qualifications_met, complete, on)
    application.qualifications_met = [bool(m) for m in qualifications_met]
    application.complete = bool(complete)
    application.formal_status = FormalStatus.PASSED if result.passed else FormalStatus.FAILED
    application.formal_reasons = list(result.reasons)
    application.formal_reviewed_on = on
    application.formal_reviewed_by_id = actor.id
    db.session.flush()
    return result
