"""Registry operations shared by the pages, the import and the API. Flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import audit
from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind
from ..core.versions import require_version
from ..extensions import db
from ..industries.models import Industry
from . import rules
from .models import Enterprise, ProductionStatus

CREDIT_CODE_MESSAGES = {
    "length": _l("统一社会信用代码应为 18 位。"),
    "characters": _l("统一社会信用代码只能包含数字和大写字母（不含 I、O、S、V、Z）。"),
    "check": _l("统一社会信用代码校验位不正确，请核对。"),
}

#: Editable fields in the order forms, imports and the API use them.
FIELDS = (
    "credit_code",
    "name",
    "address",
    "division_code",
    "industry",
    "products",
    "status",
    "stopped_on",
    "key_energy_unit",
    "annual_energy_tce",
    "legal_representative",
    "legal_representative_phone",
    "energy_manager",
    "energy_manager_phone",
)

TEXT_LIMITS = {
    "name": 120,
    "address": 255,
    "products": 255,
    "legal_representative": 40,
    "legal_representative_phone": 40,
    "energy_manager": 40,
    "energy_manager_phone": 40,
}


class DuplicateEnterprise(DomainError):
    """The credit code is registered already; ``existing`` is that enterprise."""

    def __init__(self, existing: Enterprise):
        super().__init__(
            _l(
                "统一社会信用代码 %(code)s 已登记为“%(name)s”（%(province)s）。",
                code=existing.credit_code,
                name=existing.name,
                province=existing.province.name,
            ),
            field="credit_code",
        )
        self.existing = existing


def registered_elsewhere_message(code: str, province_name: str) -> str:
    """A duplicate code told to someone who may not see the existing record: only where."""
    return str(
        _l(
            "统一社会信用代码 %(code)s 已在%(province)s的企业名录中登记。",
            code=code,
            province=province_name,
        )
    )


@dataclass
class EnterpriseData:
    """Validated values for one enterprise (from a form, an import row or an API body)."""

    credit_code: str
    name: str
    division_code: str
    industry: Industry | None = None
    address: str = ""
    products: str = ""
    status: ProductionStatus = ProductionStatus.OPERATING
    stopped_on: date | None = None
    key_energy_unit: bool = False
    annual_energy_tce: Decimal | None = None
    legal_representative: str = ""
    legal_representative_phone: str = ""
    energy_manager: str = ""
    energy_manager_phone: str = ""

    def column_values(self) -> dict:
        values = dict(self.__dict__)
        industry = values.pop("industry")
        values["industry_id"] = industry.id if industry else None
        return values


def credit_code_message(code: str) -> str | None:
    problem = rules.credit_code_problem(code)
    return str(CREDIT_CODE_MESSAGES[problem]) if problem else None


def check_fields(
    raw: dict, province: Organisation, industries: dict[str, Industry]
) -> tuple[EnterpriseData | None, dict[str, str]]:
    """Validate raw values (strings or typed) → (data, {field: message}). Pure of the DB:
    ``industries`` maps names and codes to catalogue rows."""
    errors: dict[str, str] = {}
    text = {k: ("" if raw.get(k) is None else str(raw.get(k))).strip() for k in FIELDS}
    code = rules.normalise_credit_code(text["credit_code"])
    if not code:
        errors["credit_code"] = str(_l("请填写统一社会信用代码。"))
    elif message := credit_code_message(code):
        errors["credit_code"] = message
    if not text["name"]:
        errors["name"] = str(_l("请填写企业名称。"))
    for field, limit in TEXT_LIMITS.items():
        if len(text[field]) > limit:
            errors[field] = str(_l("不能超过 %(n)s 个字符。", n=limit))
    division = text["division_code"]
    if not (len(division) == 6 and division.isascii() and division.isdigit()):
        errors["division_code"] = str(_l("行政区划代码应为 6 位数字。"))
    elif not rules.province_prefix_matches(division, province.division_code or ""):
        errors["division_code"] = str(
            _l("行政区划代码 %(code)s 不在%(province)s。", code=division, province=province.name)
        )
    industry = None
    if text["industry"]:
        industry = industries.get(text["industry"])
        if industry is None:
            errors["industry"] = str(_l("行业“%(name)s”不在行业目录中。", name=text["industry"]))
    status = ProductionStatus.OPERATING
    if text["status"]:
        status = _status(text["status"])
        if status is None:
            errors["status"] = str(_l("生产状态应为“生产”或“已停产”。"))
            status = ProductionStatus.OPERATING
    stopped_on = raw.get("stopped_on")
    if isinstance(stopped_on, str):
        stopped_on = _date(stopped_on)
        if text["stopped_on"] and stopped_on is None:
            errors["stopped_on"] = str(_l("日期格式应为 YYYY-MM-DD。"))
    if status == ProductionStatus.OPERATING:
        stopped_on = None
    tce = raw.get("annual_energy_tce")
    if tce in ("", None):
        tce = None
    else:
        try:
            tce = Decimal(str(tce).replace(",", "").strip())
            if not tce.is_finite() or tce < 0 or tce >= Decimal("1e12"):
                raise InvalidOperation
        except InvalidOperation:
            errors["annual_energy_tce"] = str(
                _l("年综合能源消费量应为不小于 0 的数字（吨标准煤）。")
            )
            tce = None
    key_unit = raw.get("key_energy_unit")
    if isinstance(key_unit, str):
        key_unit = key_unit.strip().lower() in {"是", "y", "yes", "true", "1", "√"}
    if errors:
        return None, errors
    return (
        EnterpriseData(
            credit_code=code,
            name=text["name"],
            division_code=division,
            industry=industry,
            address=text["address"],
            products=text["products"],
            status=status,
            stopped_on=stopped_on,
            key_energy_unit=bool(key_unit),
            annual_energy_tce=tce,
            legal_representative=text["legal_representative"],
            legal_representative_phone=text["legal_representative_phone"],
            energy_manager=text["energy_manager"],
            energy_manager_phone=text["energy_manager_phone"],
        ),
        {},
    )


def _status(text: str) -> ProductionStatus | None:
    text = text.strip().lower()
    if text in {"生产", "正常生产", "在产", "operating"}:
        return ProductionStatus.OPERATING
    if text in {"已停产", "停产", "stopped"}:
        return ProductionStatus.STOPPED
    return None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()[:10]) if text.strip() else None
    except ValueError:
        return None


def industry_lookup() -> dict[str, Industry]:
    """Catalogue rows by name and by code, for validating many rows without queries."""
    lookup: dict[str, Industry] = {}
    for industry in db.session.scalars(select(Industry)):
        lookup[industry.name] = industry
        lookup[industry.code] = industry
    return lookup


def by_credit_code(code: str) -> Enterprise | None:
    """Any province's enterprise with this code (duplicate detection crosses provinces)."""
    return db.session.scalar(
        select(Enterprise).where(Enterprise.credit_code == rules.normalise_credit_code(code))
    )


def duplicate_error(code: str) -> DuplicateEnterprise | None:
    existing = by_credit_code(code)
    return DuplicateEnterprise(existing) if existing is not None else None


def create_enterprise(province: Organisation, data: EnterpriseData) -> Enterprise:
    if province.kind != OrgKind.PROVINCE:
        raise DomainError(_l("企业登记在省级单位的名录中。"))
    if error := duplicate_error(data.credit_code):
        raise error
    enterprise = Enterprise(province_id=province.id, **data.column_values())
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def update_enterprise(
    enterprise: Enterprise, data: EnterpriseData, *, version: int | None
) -> Enterprise:
    """Apply an edit; refused if the record changed since the form was opened."""
    require_version(enterprise, version, _l("该企业信息已被他人修改，请刷新页面后重新编辑。"))
    if data.credit_code != enterprise.credit_code:
        existing = by_credit_code(data.credit_code)
        if existing is not None and existing.id != enterprise.id:
            raise duplicate_error(data.credit_code)
    for key, value in data.column_values().items():
        setattr(enterprise, key, value)
    db.session.flush()
    return enterprise


def transfer_enterprise(
    enterprise: Enterprise, to_province: Organisation, *, reason: str
) -> Enterprise:
    """Move an enterprise to another province's registry (it relocated); audited as a transfer."""
    if to_province.kind != OrgKind.PROVINCE or to_province.id == enterprise.province_id:
        raise DomainError(_l("请选择另一个省级单位。"), field="province_id")
    if not reason.strip():
        raise DomainError(_l("请填写迁移原因。"), field="reason")
    before = enterprise.province
    enterprise.province_id = to_province.id
    db.session.flush()
    audit.record(
        db.session,
        action="transfer",
        entity="enterprises",
        entity_id=str(enterprise.id),
        label=enterprise.name,
        scope_org_id=before.id,
        changes={"province": (before.name, to_province.name), "reason": (None, reason)},
    )
    return enterprise
