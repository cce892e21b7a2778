"""The checks of a sales-record file beyond its cells' shapes: each cell kind's reader and
message, the campaign's sales period, and whether the uploader may import for the unit now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from ..core import access
from ..core.errors import DomainError
from ..core.models import Organisation
from ..extensions import db
from ..imports.service import ImportContext
from ..organisations.reference import PROVINCIAL_UNITS
from . import units
from .import_columns import SalesTable
from .models import (
    CampaignStatus,
    ReportStatus,
    VerificationCampaign,
    VerificationReport,
    VerificationTask,
)
from .rules import records as cells

#: First two digits of the provinces' GB/T 2260 codes (新疆生产建设兵团 uses 66).
PROVINCE_PREFIXES = frozenset(code[:2] for code, _name in PROVINCIAL_UNITS)

# -- reading one cell ---------------------------------------------------------------------------
# A reader returns the value, or None with the message of its kind (formatted only then).

READERS: dict[str, Callable[[str], object]] = {
    "date": cells.parse_date,
    "org": cells.organisation_code,
    "invoice": cells.normalise_invoice_number,
    "code": cells.normalise_product_code,
    "division": lambda text: text if cells.division_code_ok(text, PROVINCE_PREFIXES) else None,
    "price": cells.parse_money,
    "quantity": cells.parse_quantity,
    "phone": lambda text: text if cells.phone_ok(text) else None,
    "identity": cells.identity_text,
}


def bad_cell(reads: str, header: str, text: str) -> str:
    """The message for a cell its reader refused (phones and ID numbers are not repeated:
    the error report is a file that travels)."""
    if reads == "date":
        return _l(
            "“%(h)s”不是日期：%(text)s。请填写如 2013-01-05、2013/1/5 或 2013年1月5日 的日期。",
            h=header,
            text=text,
        )
    if reads == "org":
        return _l(
            "“%(h)s”不是有效的组织机构代码或统一社会信用代码：%(text)s。", h=header, text=text
        )
    if reads == "invoice":
        return _l("“%(h)s”应为 8 至 20 位数字：%(text)s。", h=header, text=text)
    if reads == "code":
        return _l("产品唯一编码不能为空或含空格，且不超过 %(n)s 个字符。", n=cells.MAX_CODE)
    if reads == "division":
        return _l("行政区划代码应为 6 位数字，且前两位为省级行政区划代码：%(text)s。", text=text)
    if reads == "price":
        return _l("“%(h)s”应为不小于 0、最多两位小数的金额：%(text)s。", h=header, text=text)
    if reads == "quantity":
        return _l("“%(h)s”应为不小于 1 的整数：%(text)s。", h=header, text=text)
    if reads == "phone":
        return _l("“%(h)s”应至少有 7 位数字。", h=header)
    return _l("“%(h)s”不是有效的居民身份证号码、组织机构代码或统一社会信用代码。", h=header)


# -- the campaign and unit of a file ------------------------------------------------------------


def campaign_and_unit(context: ImportContext) -> tuple[VerificationCampaign, Organisation]:
    """The job's campaign and unit, if its uploader may import the unit's records now."""
    params = context.params
    campaign_id, unit_id = params.get("campaign"), params.get("unit")
    missing = _l("找不到要导入销售记录的核查工作或核查单位：请从核查单位的“销售信息”页面进入导入。")
    if not isinstance(campaign_id, int) or not isinstance(unit_id, int):
        raise DomainError(missing)
    user = context.user
    query = select(VerificationCampaign).where(VerificationCampaign.id == campaign_id)
    campaign = db.session.scalar(access.scoped(query, user) if user is not None else query)
    unit = db.session.get(Organisation, unit_id)
    if campaign is None or unit is None or unit.kind not in units.UNIT_KINDS:
        raise DomainError(missing)
    has_task = db.session.scalar(
        select(
            exists().where(
                VerificationTask.campaign_id == campaign.id, VerificationTask.unit_id == unit.id
            )
        )
    )
    if not has_task or (user is not None and not units.may_see_unit(campaign, unit, user)):
        raise DomainError(missing)
    if context.province is None or context.province.id != unit.province_org_id:
        # The job belongs to the uploader's province: a province imports its own units only.
        raise DomainError(_l("只能为本省的核查单位导入销售记录。"))
    if campaign.status != CampaignStatus.ISSUED:
        raise DomainError(_l("该核查工作未下达或已结束，不能导入销售记录。"))
    report = db.session.scalar(
        select(VerificationReport.status).where(
            VerificationReport.campaign_id == campaign.id,
            VerificationReport.unit_id == unit.id,
        )
    )
    if report in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        raise DomainError(_l("本单位的核查结果已上报，不能再导入销售记录。"))
    return campaign, unit


def period_problem(table: SalesTable, header: str, day: date, period: tuple[date, date]):
    """The message for a date outside what the table allows (None: inside)."""
    start, end = period
    if table.period == "within":
        return _l(
            "%(h)s %(d)s 不在本次核查的销售期间（%(start)s 至 %(end)s）。",
            h=header,
            d=day.isoformat(),
            start=start.isoformat(),
            end=end.isoformat(),
        )
    return _l(
        "%(h)s %(d)s 晚于本次核查的销售期间（截至 %(end)s）。",
        h=header,
        d=day.isoformat(),
        end=end.isoformat(),
    )
