"""Third-party checks of the pilots' trade-ins (seed 003 第十八条): a draw of 5 %–10 % of one
pilot's trade-ins of a period, by phone or visit, each outcome recorded when it is made.

A draw is reproducible: the seed, the rate, the population counted and the method are stored
and ``verify`` redoes it with ``core.sampling.sample_share``. Trade-in ids are streamed from
the database (never ORM objects) and the checks go in with one Core insert; the draw is the
audited record. A pilot has one active draw per period: drawing again over an overlapping
period needs a reason and supersedes the earlier draw, which keeps its recorded outcomes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select

from ..core import access, audit, sampling
from ..core.draws import clean_seed
from ..core.errors import DomainError
from ..extensions import db
from .daily_models import (
    CheckDrawStatus,
    CheckOutcome,
    TradeIn,
    TradeInCheck,
    TradeInCheckDraw,
)
from .models import PilotEnterprise
from .rules.complaints import (
    CHECK_RATE_MAX,
    CHECK_RATE_MIN,
    check_rate_allowed,
    rate_percent,
)

#: How a check is made (第十八条: 通过电话或实地走访等方式).
CHECK_METHODS = {"phone": _l("电话核查"), "visit": _l("实地走访")}
#: Outcomes a check may record (pending is the absence of one).
RECORDED_OUTCOMES = (CheckOutcome.CONFIRMED, CheckOutcome.UNREACHABLE, CheckOutcome.DISCREPANCY)
BATCH = 5_000
#: The method stored with every draw: enough for anyone to redo it by hand.
METHOD = (
    "排序值 = SHA-256(“种子:交易记录编号”) 的前 8 字节（大端整数）；将该试点企业核查期间内"
    "（按交易日期，含起止日）的全部以旧换再交易按排序值从小到大排列，取前 "
    "⌈抽查比例 × 交易笔数⌉ 笔（向上取整）。"
)


def _require_province(actor, province_id: int) -> None:
    """The actor works for the record's province (or the ministry; None is the system)."""
    if actor is None or access.sees_everything(actor):
        return
    if actor.organisation.province_org_id != province_id:
        raise DomainError(_("只能处理本省的试点企业。"))


def _clean_rate(rate) -> Decimal:
    if not check_rate_allowed(rate):
        raise DomainError(
            _(
                "抽查比例须在 %(lo)s%% 至 %(hi)s%% 之间（含本数）。",
                lo=rate_percent(CHECK_RATE_MIN),
                hi=rate_percent(CHECK_RATE_MAX),
            ),
            "rate",
        )
    value = Decimal(str(rate))
    if value != value.quantize(Decimal("0.0001")):
        raise DomainError(_("抽查比例最多精确到 0.01%。"), "rate")
    return value.quantize(Decimal("0.0001"))


def _period_clause(pilot_id: int, period_from: date, period_to: date):
    return (
        TradeIn.pilot_id == pilot_id,
        TradeIn.traded_on >= period_from,
        TradeIn.traded_on <= period_to,
    )


def population(pilot_id: int, period_from: date, period_to: date) -> Iterator[int]:
    """Ids of the pilot's trade-ins dated within the period (both ends included), streamed."""
    stmt = (
        select(TradeIn.id)
        .where(*_period_clause(pilot_id, period_from, period_to))
        .execution_options(yield_per=BATCH)
    )
    for (trade_in_id,) in db.session.connection().execute(stmt):
        yield trade_in_id


def population_count(pilot_id: int, period_from: date, period_to: date) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(TradeIn)
            .where(*_period_clause(pilot_id, period_from, period_to))
        )
        or 0
    )


def active_draws(pilot_id: int, period_from: date, period_to: date) -> list[TradeInCheckDraw]:
    """The pilot's active draws whose period overlaps the given one."""
    return list(
        db.session.scalars(
            select(TradeInCheckDraw)
            .where(
                TradeInCheckDraw.pilot_id == pilot_id,
                TradeInCheckDraw.status == CheckDrawStatus.ACTIVE,
                TradeInCheckDraw.period_from <= period_to,
                TradeInCheckDraw.period_to >= period_from,
            )
            .order_by(TradeInCheckDraw.id)
        )
    )


def draw_checks(
    pilot: PilotEnterprise,
    period_from: date | None,
    period_to: date | None,
    *,
    actor,
    now: datetime,
    seed: str | None = None,
    rate: Decimal | str | None = None,
    agency_name: str = "",
    witness: str = "",
    reason: str = "",
) -> TradeInCheckDraw:
    """Draw ⌈rate · n⌉ of the pilot's ``n`` trade-ins of the period for third-party checks.

    ``rate`` defaults to the call's check rate and must lie within 5 %–10 %. ``seed`` is typed
    for a witnessed public draw, or made fresh. Drawing again over a period that overlaps an
    active draw needs ``reason`` and marks that draw superseded (its outcomes stay)."""
    _require_province(actor, pilot.province_id)
    if period_from is None or period_to is None:
        raise DomainError(_("请填写核查期间。"), "period_from")
    if period_from > period_to:
        raise DomainError(_("核查期间的起始日期不能晚于截止日期。"), "period_to")
    rate = _clean_rate(pilot.call.check_rate if rate is None else rate)
    seed = clean_seed(seed)
    reason = (reason or "").strip()
    # One draw of a pilot at a time (PostgreSQL row lock; SQLite writes one at a time).
    db.session.execute(
        select(PilotEnterprise.id).where(PilotEnterprise.id == pilot.id).with_for_update()
    )
    earlier = active_draws(pilot.id, period_from, period_to)
    if earlier and not reason:
        raise DomainError(
            _(
                "该期间已有有效的核查抽样（#%(id)s，%(a)s 至 %(b)s），重新抽样须说明理由。",
                id=earlier[0].id,
                a=earlier[0].period_from,
                b=earlier[0].period_to,
            ),
            "reason",
        )
    ids = list(population(pilot.id, period_from, period_to))
    if not ids:
        raise DomainError(_("该试点企业在核查期间内没有以旧换再交易记录，无法抽样。"))
    drawn = sampling.sample_share(ids, seed, rate)
    for draw in earlier:
        draw.status = CheckDrawStatus.SUPERSEDED
    draw = TradeInCheckDraw(
        call_id=pilot.call_id,
        pilot_id=pilot.id,
        province_id=pilot.province_id,
        period_from=period_from,
        period_to=period_to,
        rate=rate,
        seed=seed,
        population=len(ids),
        drawn_count=len(drawn),
        method=METHOD,
        agency_name=(agency_name or "").strip(),
        witness=(witness or "").strip(),
        drawn_at=now,
        drawn_by_id=actor.id if actor is not None else None,
        status=CheckDrawStatus.ACTIVE,
        reason=reason,
    )
    db.session.add(draw)
    db.session.flush()
    rows = [
        {
            "draw_id": draw.id,
            "trade_in_id": trade_in_id,
            "position": position,
            "method": "",
            "outcome": CheckOutcome.PENDING,
            "detail": "",
        }
        for position, trade_in_id in enumerate(drawn, 1)
    ]
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(TradeInCheck), rows[start : start + BATCH])
    return draw


@dataclass
class Verification:
    """A draw redone from its seed over the period's trade-ins now."""

    population_then: int
    population_now: int
    same: bool
    #: Trade-ins drawn then that the redo does not draw, and the other way round.
    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.same and self.population_then == self.population_now


def drawn_ids(draw: TradeInCheckDraw) -> list[int]:
    return list(
        db.session.scalars(
            select(TradeInCheck.trade_in_id)
            .where(TradeInCheck.draw_id == draw.id)
            .order_by(TradeInCheck.position)
        )
    )


def verify(draw: TradeInCheckDraw) -> Verification:
    """Redo the draw with ``sample_share`` from its stored seed and rate over the period's
    trade-ins now, and compare with the trade-ins it drew (in order)."""
    ids = list(population(draw.pilot_id, draw.period_from, draw.period_to))
    redo = sampling.sample_share(ids, draw.seed, draw.rate)
    then = drawn_ids(draw)
    return Verification(
        population_then=draw.population,
        population_now=len(ids),
        same=then == redo,
        missing=sorted(set(then) - set(redo)),
        extra=sorted(set(redo) - set(then)),
    )


def record_outcome(
    check: TradeInCheck,
    *,
    method: str,
    outcome: CheckOutcome | str,
    detail: str = "",
    actor,
    now: datetime,
    note: str = "",
) -> TradeInCheck:
    """The outcome of one phone call or visit, recorded as it is made: ``checked_at`` is
    ``now`` (the moment of recording), never a typed date. A discrepancy must say what
    differs. An outcome already recorded is corrected only with ``note``; the audit log keeps
    the earlier outcome with the note."""
    draw = check.draw
    _require_province(actor, draw.province_id)
    if draw.status != CheckDrawStatus.ACTIVE:
        raise DomainError(_("该抽样已被重新抽样取代，不能再登记核查结果。"))
    if method not in CHECK_METHODS:
        raise DomainError(_("请选择核查方式。"), "method")
    try:
        outcome = CheckOutcome(outcome)
    except ValueError:
        outcome = None
    if outcome not in RECORDED_OUTCOMES:
        raise DomainError(_("请选择核查结果。"), "outcome")
    detail = (detail or "").strip()
    if outcome == CheckOutcome.DISCREPANCY and not detail:
        raise DomainError(_("核查结果为“不符”时须写明不符的情况。"), "detail")
    note = (note or "").strip()
    if check.outcome != CheckOutcome.PENDING:
        if not note:
            raise DomainError(_("更正已登记的核查结果须说明更正理由。"), "note")
        audit.record(
            db.session,
            action="correct_outcome",
            entity=TradeInCheck.__tablename__,
            entity_id=str(check.id),
            label=f"#{draw.id}-{check.position}",
            scope_org_id=draw.province_id,
            changes={
                "method": (check.method, method),
                "outcome": (check.outcome, outcome),
                "detail": (check.detail, detail),
                "checked_at": (check.checked_at, now),
                "checked_by_id": (check.checked_by_id, actor.id if actor else None),
                "note": (None, note),
            },
        )
    check.method = method
    check.outcome = outcome
    check.detail = detail
    check.checked_at = now
    check.checked_by_id = actor.id if actor is not None else None
    db.session.flush()
    return check


@dataclass(frozen=True)
class Progress:
    """The checks of one draw: drawn, and how many have each outcome."""

    drawn: int
    by_outcome: dict[str, int]

    @property
    def done(self) -> int:
        return self.drawn - self.by_outcome.get(CheckOutcome.PENDING.value, 0)


def progress(draw_ids: list[int]) -> dict[int, Progress]:
    """draw id → its progress, one GROUP BY for all the draws."""
    counts: dict[int, dict[str, int]] = {
        draw_id: {o.value: 0 for o in CheckOutcome} for draw_id in draw_ids
    }
    if draw_ids:
        rows = db.session.execute(
            select(TradeInCheck.draw_id, TradeInCheck.outcome, func.count())
            .where(TradeInCheck.draw_id.in_(draw_ids))
            .group_by(TradeInCheck.draw_id, TradeInCheck.outcome)
        )
        for draw_id, outcome, n in rows:
            counts[draw_id][CheckOutcome(outcome).value] = n
    return {
        draw_id: Progress(sum(by_outcome.values()), by_outcome)
        for draw_id, by_outcome in counts.items()
    }
