"""A pilot's outlets (推广网点) and trade-in records (以旧换再交易, seed 003 第十五条, 第十六条(二)):
who may record them, entering and correcting a record (checked by ``trade_in_checks``, the
same checks as the import), records of a month whose pack is with the city locked, personal
data masked except for the pilot's own officers (who see it in clear, audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..core import access, audit
from ..core.errors import DomainError
from ..core.models import User
from ..extensions import db
from ..verification.rules.masking import mask_id_number, mask_name, mask_phone
from ..verification.rules.records import phone_ok
from .daily_models import MonthlyPack, PackStatus, TradeIn
from .models import Outlet, PilotEnterprise, PilotStatus
from .trade_in_checks import (
    LOCKING,
    Ledger,
    TradeInData,
    check_trade_in,
    ledger_for,
    locked_message,
    outlets_of,
    registered_codes,
)

__all__ = [
    "LOCKING",
    "Ledger",
    "TradeInData",
    "check_trade_in",
    "ledger_for",
    "locked_message",
    "outlets_of",
    "registered_codes",
]

NOT_LOCAL = _l("只有试点企业所在省级或地市级主管部门的人员可以办理此事项。")
NOT_ACTIVE = _l("试点企业尚未签订承诺书或已被取消资格，不能登记以旧换再交易。")


# -- who may do it -------------------------------------------------------------------------------


def may_run(user: User | None, province_id: int, city_id: int | None) -> bool:
    """Whether ``user`` works for the province or (within) the city a pilot's daily
    management belongs to, or the ministry; None is the system (the demo, commands)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not access.can(
        user, access.Permission.RUN_PILOTS
    ):
        return False
    if access.sees_everything(user):
        return True
    return is_local(user, province_id, city_id)


def is_local(user: User, province_id: int, city_id: int | None) -> bool:
    """``user``'s organisation is the province itself, or the city or one of its agencies."""
    org = user.organisation
    if org.id == province_id:
        return True
    if city_id is None:
        return False
    return org.id == city_id or f"/{city_id}/" in (org.path or "")


def require_local(user: User | None, pilot: PilotEnterprise) -> None:
    if not may_run(user, pilot.province_id, pilot.city_id):
        raise DomainError(NOT_LOCAL)


# -- outlets -------------------------------------------------------------------------------------


@dataclass
class OutletData:
    name: str
    address: str = ""
    division_code: str = ""
    phone: str = ""


def _clean_outlet(pilot: PilotEnterprise, data: OutletData, outlet: Outlet | None) -> OutletData:
    name = (data.name or "").strip()
    if not name:
        raise DomainError(_l("请填写网点名称。"), "name")
    clash = db.session.scalar(
        select(Outlet.id).where(
            Outlet.pilot_id == pilot.id,
            Outlet.name == name,
            Outlet.id != (outlet.id if outlet else 0),
        )
    )
    if clash is not None:
        raise DomainError(_l("本试点企业已有名为“%(n)s”的推广网点。", n=name), "name")
    division = (data.division_code or "").strip()
    if division and not (len(division) == 6 and division.isascii() and division.isdigit()):
        raise DomainError(_l("行政区划代码应为 6 位数字。"), "division_code")
    phone = (data.phone or "").strip()
    if phone and not phone_ok(phone):
        raise DomainError(_l("联系电话应至少有 7 位数字。"), "phone")
    return OutletData(name, (data.address or "").strip(), division, phone)


def add_outlet(pilot: PilotEnterprise, data: OutletData, *, actor: User | None) -> Outlet:
    """Register an outlet of ``pilot`` (its name unique within the pilot)."""
    require_local(actor, pilot)
    if pilot.status == PilotStatus.CANCELLED:
        raise DomainError(_l("试点企业已被取消资格，不能增加推广网点。"))
    clean = _clean_outlet(pilot, data, None)
    outlet = Outlet(pilot_id=pilot.id, province_id=pilot.province_id, **vars(clean))
    db.session.add(outlet)
    db.session.flush()
    return outlet


def edit_outlet(outlet: Outlet, data: OutletData, *, actor: User | None) -> Outlet:
    """Correct an outlet's name, address, division code or phone."""
    pilot = outlet.pilot
    require_local(actor, pilot)
    for key, value in vars(_clean_outlet(pilot, data, outlet)).items():
        setattr(outlet, key, value)
    db.session.flush()
    return outlet


class TradeInRefused(DomainError):
    """A record refused; ``problems`` lists every (field, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        field_name, message = problems[0]
        super().__init__(message, field_name)
        self.problems = problems


def problems_of(
    pilot: PilotEnterprise, data: TradeInData, today: date, trade_in: TradeIn | None = None
) -> tuple[dict | None, list[tuple[str, str]]]:
    """The record's checks, the code's registration included, without saving anything."""
    ledger = ledger_for(pilot, today)
    values, problems = check_trade_in(data, ledger)
    if values is not None:
        taken = registered_codes(
            ledger.call_id, [values["product_code"]], excluding=trade_in.id if trade_in else None
        )
        if taken:
            return None, [("product_code", taken[values["product_code"]])]
    return values, problems


def _checked(
    pilot: PilotEnterprise, data: TradeInData, today: date, trade_in: TradeIn | None
) -> dict:
    if pilot.status != PilotStatus.ACTIVE:
        raise DomainError(NOT_ACTIVE)
    values, problems = problems_of(pilot, data, today, trade_in)
    if problems:
        raise TradeInRefused(problems)
    return values


def _audit(trade_in: TradeIn, action: str, changes: dict) -> None:
    audit.record(
        db.session,
        action=action,
        entity=TradeIn.__tablename__,
        entity_id=str(trade_in.id),
        label=trade_in.product_code,
        scope_org_id=trade_in.province_id,
        changes=changes,
    )


#: Fields the audit log keeps of a record (never the consumer's personal data).
_AUDITED = ("traded_on", "outlet_id", "product_code", "product_model", "price_yuan",
            "subsidy_yuan", "residual_yuan", "invoice_no")  # fmt: skip


def add_trade_in(
    pilot: PilotEnterprise, data: TradeInData, *, actor: User | None, today: date
) -> TradeIn:
    """Record one trade-in at one of ``pilot``'s outlets (TradeInRefused with every problem)."""
    require_local(actor, pilot)
    values = _checked(pilot, data, today, None)
    trade_in = TradeIn(**values, entered_by_id=actor.id if actor else None)
    db.session.add(trade_in)
    db.session.flush()
    _audit(trade_in, "create", {k: (None, getattr(trade_in, k)) for k in _AUDITED})
    return trade_in


def edit_trade_in(trade_in: TradeIn, data: TradeInData, *, actor: User | None, today: date):
    """Correct a record, unless its month (before or after the change) is with the city."""
    pilot = trade_in.pilot
    require_local(actor, pilot)
    day = trade_in.traded_on
    status = _pack_status(pilot.id, day.year, day.month)
    if status in LOCKING:
        raise DomainError(locked_message(day.year, day.month, status))
    values = _checked(pilot, data, today, trade_in)
    changes = {}
    for key, value in values.items():
        before = getattr(trade_in, key)
        if before != value:
            if key in _AUDITED:
                changes[key] = (before, value)
            elif key in ("consumer_name", "id_number", "phone"):
                changes[key] = ("***", "***")
            setattr(trade_in, key, value)
    if (trade_in.traded_on.year, trade_in.traded_on.month) != (day.year, day.month):
        trade_in.pack_id = None  # the new month's pack takes it when that pack is sent
    db.session.flush()
    if changes:
        _audit(trade_in, "update", changes)
    return trade_in


def _pack_status(pilot_id: int, year: int, month: int) -> PackStatus | None:
    return db.session.scalar(
        select(MonthlyPack.status).where(
            MonthlyPack.pilot_id == pilot_id, MonthlyPack.year == year, MonthlyPack.month == month
        )
    )


def is_locked(trade_in: TradeIn) -> bool:
    day = trade_in.traded_on
    return _pack_status(trade_in.pilot_id, day.year, day.month) in LOCKING


# -- reading -------------------------------------------------------------------------------------


def trade_ins_stmt(
    pilot: PilotEnterprise,
    user,
    *,
    period: tuple[date, date] | None = None,
    outlet_id: int | None = None,
    code: str = "",
) -> Select:
    """The pilot's records the user may see, optionally of a period, outlet or code prefix."""
    stmt = (
        access.scoped(TradeIn, user)
        .where(TradeIn.pilot_id == pilot.id)
        .options(selectinload(TradeIn.outlet))
    )
    if period is not None:
        stmt = stmt.where(TradeIn.traded_on >= period[0], TradeIn.traded_on <= period[1])
    if outlet_id:
        stmt = stmt.where(TradeIn.outlet_id == outlet_id)
    if code:
        stmt = stmt.where(TradeIn.product_code.startswith(code.strip(), autoescape=True))
    return stmt


def personal(trade_in: TradeIn, *, clear: bool) -> dict[str, str]:
    """The consumer's name, ID number and phone as shown: masked unless ``clear``."""
    if clear:
        return {
            "consumer_name": trade_in.consumer_name,
            "id_number": trade_in.id_number,
            "phone": trade_in.phone,
        }
    return {
        "consumer_name": mask_name(trade_in.consumer_name),
        "id_number": mask_id_number(trade_in.id_number),
        "phone": mask_phone(trade_in.phone),
    }


def record_clear_view(trade_in: TradeIn) -> None:
    """Audit one look at a consumer's personal data in clear."""
    audit.record(
        db.session,
        action="view_personal_data",
        entity=TradeIn.__tablename__,
        entity_id=str(trade_in.id),
        label=trade_in.product_code,
        scope_org_id=trade_in.province_id,
        changes={"view": (None, "trade_in"), "rows": (None, 1)},
    )
