"""A pilot's monthly pack (seed 003 第十六条(四), 第十七条(一)(二)): the month's trade-ins and
subsidies with the paper materials, due to the city by the 10th working day of the next month;
the city (循环经济 + 工信) reviews it, then the city's finance department, a different person,
passes it and pays — or either returns it with the reason, and the pilot sends it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..core.access import Permission, can
from ..core.errors import DomainError
from ..core.models import User
from ..core.versions import require_version
from ..extensions import db
from .daily_models import MonthlyPack, PackStatus, TradeIn
from .models import PilotEnterprise, PilotStatus
from .rules.periods import month_span, monthly_pack_due, next_month
from .trade_ins import is_local, require_local

NOT_REVIEWER = _l("只有试点企业所在地市（或代为审核的省级）主管部门的人员可以审核月度材料。")

#: The paper pack (材料装订好后一并送市级): key → what it is.
MATERIALS = {
    "id_copies": _l("参加“以旧换再”消费者的身份证复印件"),
    "signed_forms": _l("消费者签字的《“以旧换再”补贴资金联单管理表》"),
    "promotion_table": _l("以旧换再推广情况表"),
}
#: Where the pack may be sent from.
SENDABLE = frozenset({PackStatus.DRAFT, PackStatus.RETURNED})
#: Sent: its month's records are frozen and it counts as reported.
SENT = frozenset({PackStatus.SUBMITTED, PackStatus.CITY_PASSED, PackStatus.FINANCE_PASSED})


def material_label(key: str) -> str:
    """A material's name (a pack recorded before the keys were fixed shows its own text)."""
    label = MATERIALS.get(key)
    return str(label) if label is not None else key


@dataclass(frozen=True)
class MonthFigures:
    records: int
    subsidy_yuan: Decimal
    price_yuan: Decimal


def month_figures(pilot_id: int, year: int, month: int) -> MonthFigures:
    """The pilot's trade-ins of the month: how many, the subsidies and prices (one query)."""
    first, last = month_span(year, month)
    count, subsidy, price = db.session.execute(
        select(
            func.count(TradeIn.id),
            func.coalesce(func.sum(TradeIn.subsidy_yuan), 0),
            func.coalesce(func.sum(TradeIn.price_yuan), 0),
        ).where(TradeIn.pilot_id == pilot_id, TradeIn.traded_on >= first, TradeIn.traded_on <= last)
    ).one()
    cent = Decimal("0.01")
    return MonthFigures(int(count), Decimal(subsidy).quantize(cent), Decimal(price).quantize(cent))


def pack_of(pilot_id: int, year: int, month: int) -> MonthlyPack | None:
    return db.session.scalar(
        select(MonthlyPack).where(
            MonthlyPack.pilot_id == pilot_id, MonthlyPack.year == year, MonthlyPack.month == month
        )
    )


# -- assembling and sending ----------------------------------------------------------------------


def open_pack(
    pilot: PilotEnterprise, year: int, month: int, *, actor: User | None, calendar, today: date
) -> MonthlyPack:
    """The month's pack, started as a draft (or the one already started), due on the 10th
    working day of the next month. Only a month that is over can be packed."""
    require_local(actor, pilot)
    if not 1 <= month <= 12:
        raise DomainError(_l("月份应为 1 至 12。"), "month")
    existing = pack_of(pilot.id, year, month)
    if existing is not None:
        return existing
    if pilot.status != PilotStatus.ACTIVE:
        raise DomainError(_l("试点企业尚未签订承诺书或已被取消资格，不能报送月度材料。"))
    if pilot.city_id is None:
        raise DomainError(_l("试点企业未登记所在地市，不知月度材料应报送哪个市级部门。"))
    if date(*next_month(year, month), 1) > today:
        raise DomainError(
            _l("%(y)s 年 %(m)s 月尚未结束，月末后才能汇总报送该月材料。", y=year, m=month),
            "month",
        )
    if year < pilot.call.year:
        raise DomainError(
            _l("%(y)s 年早于本次试点的推广年度 %(c)s 年。", y=year, c=pilot.call.year), "year"
        )
    pack = MonthlyPack(
        call_id=pilot.call_id,
        pilot_id=pilot.id,
        province_id=pilot.province_id,
        city_id=pilot.city_id,
        year=year,
        month=month,
        due_on=monthly_pack_due(year, month, calendar),
        status=PackStatus.DRAFT,
        materials=[],
    )
    db.session.add(pack)
    db.session.flush()
    return pack


def submit_pack(
    pack: MonthlyPack,
    materials: list[str],
    *,
    actor: User | None,
    today: date,
    version: int | None = None,
) -> MonthlyPack:
    """Send the pack to the city: the month's records and subsidy total as they are now, and
    the materials bound with it (all three when the month had trade-ins). A returned pack is
    sent again the same way."""
    require_local(actor, pack.pilot)
    require_version(pack, version)
    if pack.status not in SENDABLE:
        raise DomainError(_l("该月度材料已报送（%(s)s），不能重复报送。", s=pack.status.label))
    unknown = [m for m in materials if m not in MATERIALS]
    if unknown:
        raise DomainError(_l("未知的报送材料：%(m)s。", m="、".join(unknown)), "materials")
    figures = month_figures(pack.pilot_id, pack.year, pack.month)
    missing = [str(label) for key, label in MATERIALS.items() if key not in materials]
    if figures.records and missing:
        raise DomainError(_l("请随月度材料一并报送：%(m)s。", m="、".join(missing)), "materials")
    first, last = month_span(pack.year, pack.month)
    # The records reported with this pack are the month's, as of now.
    db.session.execute(
        update(TradeIn)
        .where(TradeIn.pack_id == pack.id)
        .values(pack_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(TradeIn)
        .where(
            TradeIn.pilot_id == pack.pilot_id,
            TradeIn.traded_on >= first,
            TradeIn.traded_on <= last,
        )
        .values(pack_id=pack.id)
        .execution_options(synchronize_session=False)
    )
    pack.record_count = figures.records
    pack.subsidy_yuan = figures.subsidy_yuan
    pack.materials = [key for key in MATERIALS if key in materials]
    pack.status = PackStatus.SUBMITTED
    pack.submitted_on = today
    pack.city_reviewed_on = pack.city_reviewed_by_id = None
    pack.finance_reviewed_on = pack.finance_reviewed_by_id = None
    pack.city_note = pack.finance_note = pack.finance_reviewer = ""
    db.session.flush()
    return pack


def is_late(pack: MonthlyPack, today: date) -> bool:
    """Sent after its due date, or not sent and the due date is past."""
    if pack.submitted_on is not None:
        return pack.submitted_on > pack.due_on
    return today > pack.due_on


# -- the city's two reviews ----------------------------------------------------------------------


def may_review(user: User | None, pack: MonthlyPack) -> bool:
    """An officer of the pack's city (or an agency under it), or of its province acting for
    the city."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not can(user, Permission.RUN_PILOTS):
        return False
    return is_local(user, pack.province_id, pack.city_id)


def _require_reviewer(actor: User | None, pack: MonthlyPack) -> None:
    if not may_review(actor, pack):
        raise DomainError(NOT_REVIEWER)


def _reason(note: str) -> str:
    text = (note or "").strip()
    if not text:
        raise DomainError(_l("退回时请写明退回原因。"), "note")
    return text


def city_review(
    pack: MonthlyPack,
    *,
    passed: bool,
    note: str = "",
    actor: User,
    today: date,
    version: int | None = None,
) -> MonthlyPack:
    """市级审核: the materials checked against the records; passed on to the city's finance,
    or returned to the pilot with the reason."""
    _require_reviewer(actor, pack)
    require_version(pack, version)
    if pack.status != PackStatus.SUBMITTED:
        raise DomainError(_l("只有已报送、待市级审核的月度材料可以审核（当前：%(s)s）。",
                             s=pack.status.label))  # fmt: skip
    pack.city_reviewed_on = today
    pack.city_reviewed_by_id = actor.id
    if passed:
        pack.city_note = (note or "").strip()
        pack.status = PackStatus.CITY_PASSED
    else:
        pack.return_reason = _reason(note)
        pack.city_note = pack.return_reason
        pack.status = PackStatus.RETURNED
    db.session.flush()
    return pack


def finance_review(
    pack: MonthlyPack,
    *,
    passed: bool,
    reviewer: str,
    note: str = "",
    actor: User,
    today: date,
    version: int | None = None,
) -> MonthlyPack:
    """市级财政审核: by someone other than the city's reviewer, named as on the finance
    department's approval; passed means the subsidy is paid to the pilot."""
    _require_reviewer(actor, pack)
    require_version(pack, version)
    if pack.status != PackStatus.CITY_PASSED:
        raise DomainError(_l("只有市级审核通过的月度材料可以进行财政审核（当前：%(s)s）。",
                             s=pack.status.label))  # fmt: skip
    if actor.id == pack.city_reviewed_by_id:
        raise DomainError(_l("财政审核须由市级审核人以外的人员办理。"))
    name = (reviewer or "").strip()
    if not name:
        raise DomainError(_l("请填写财政部门审核人姓名。"), "reviewer")
    if len(name) > 80:
        raise DomainError(_l("审核人姓名不能超过 80 个字。"), "reviewer")
    pack.finance_reviewed_on = today
    pack.finance_reviewed_by_id = actor.id
    pack.finance_reviewer = name
    if passed:
        pack.finance_note = (note or "").strip()
        pack.status = PackStatus.FINANCE_PASSED
    else:
        pack.return_reason = _reason(note)
        pack.finance_note = pack.return_reason
        pack.status = PackStatus.RETURNED
    db.session.flush()
    return pack
