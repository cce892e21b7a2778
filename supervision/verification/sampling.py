"""Sample draws of a unit's end-user records for phone and home checks (seed 000: 1 % and
0.5 % of the valid records), their top-ups (补抽) and the outcomes of the checks.

A draw is reproducible: its seed, the population counted, the rates, the strata and the
method are stored, and ``verify_draw`` redoes it from the seed and compares. Ids are streamed
from the database (id and stratum only, never ORM objects) and the items go in with one Core
insert; the draw itself is the audited record. Only one draw of a unit is active: a new one
needs a reason and supersedes the old one, which stays with its outcomes.
"""

from __future__ import annotations

import itertools
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, insert, select
from sqlalchemy.orm import aliased

from ..core import sampling
from ..core.clock import local_date
from ..core.draws import clean_seed
from ..core.errors import DomainError
from ..core.models import Organisation
from ..extensions import db
from .check_models import CheckMethod, DrawStatus, Outcome, SampleDraw, SampleItem
from .check_support import unit_filter
from .models import VerificationCampaign
from .record_models import ConsumerSale

#: How a draw may be stratified (``SampleDraw.stratify_by``).
STRATA = {
    "": _l("不分层"),
    "city": _l("按地市分层（行政区划代码前四位）"),
    "outlet": _l("按终端销售商分层"),
}
#: Outcomes a check may record (pending is the absence of one).
RECORDED_OUTCOMES = (Outcome.CONFIRMED, Outcome.UNREACHABLE, Outcome.DISCREPANCY)
#: Rows fetched at a time while streaming a population.
BATCH = 20_000


def city_of(division_code: str | None) -> str:
    """The city a six-digit division code belongs to: 320102 → 320100."""
    code = (division_code or "").strip()
    return code[:4] + "00" if len(code) >= 4 else code


def _stratum_column(stratify_by: str):
    return {"": None, "city": ConsumerSale.division_code, "outlet": ConsumerSale.dealer_code}[
        stratify_by
    ]


def _rows(campaign_id: int, unit_id: int, column, user) -> Iterator[tuple]:
    """The unit's (id[, column]) as the database driver gives them, ``BATCH`` at a time on
    the session's connection (its transaction): no SQLAlchemy row per record (which would
    double the time of a draw's reading)."""
    columns = [ConsumerSale.id] if column is None else [ConsumerSale.id, column]
    stmt = select(*columns).where(unit_filter(ConsumerSale, campaign_id, unit_id, user))
    connection = db.session.connection()
    compiled = stmt.compile(dialect=connection.dialect)
    params = (
        [compiled.params[name] for name in compiled.positiontup]
        if compiled.positional
        else compiled.params
    )
    dbapi = connection.connection
    # PostgreSQL: a server-side cursor, read batch by batch (as yield_per would).
    postgresql = connection.dialect.name == "postgresql"
    cursor = dbapi.cursor(name=f"population_{uuid.uuid4().hex}") if postgresql else dbapi.cursor()
    try:
        cursor.execute(str(compiled), params)
        while chunk := cursor.fetchmany(BATCH):
            yield from chunk
    finally:
        cursor.close()


def population(
    campaign_id: int, unit_id: int, stratify_by: str = "", *, user
) -> Iterator[tuple[int, str]]:
    """(id, stratum) of every consumer sale of the unit ``user`` may read, streamed."""
    column = _stratum_column(stratify_by)
    rows = _rows(campaign_id, unit_id, column, user)
    if column is None:
        for (record_id,) in rows:
            yield record_id, ""
    elif stratify_by == "city":
        for record_id, code in rows:
            yield record_id, city_of(code)
    else:
        for record_id, code in rows:
            yield record_id, (code or "").strip()


def population_groups(
    campaign_id: int, unit_id: int, stratify_by: str = "", *, user
) -> dict[str, list[int]]:
    """The ids of ``population`` grouped by stratum (what a draw takes)."""
    if not stratify_by:
        rows = _rows(campaign_id, unit_id, None, user)
        return {"": list(itertools.chain.from_iterable(rows))}
    groups: dict[str, list[int]] = {}
    for record_id, stratum in population(campaign_id, unit_id, stratify_by, user=user):
        groups.setdefault(stratum, []).append(record_id)
    return groups


def population_count(campaign_id: int, unit_id: int, *, user) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(ConsumerSale)
            .where(unit_filter(ConsumerSale, campaign_id, unit_id, user))
        )
        or 0
    )


def active_draw(campaign_id: int, unit_id: int) -> SampleDraw | None:
    return db.session.scalar(
        select(SampleDraw).where(
            SampleDraw.campaign_id == campaign_id,
            SampleDraw.unit_id == unit_id,
            SampleDraw.status == DrawStatus.ACTIVE,
        )
    )


def draw_sample(
    campaign: VerificationCampaign,
    unit: Organisation,
    *,
    actor,
    now: datetime,
    seed: str | None = None,
    stratify_by: str = "",
    witness: str = "",
    reason: str = "",
) -> SampleDraw:
    """Draw the unit's records for phone and home checks at the campaign's rates.

    ``seed`` is typed by the user for a witnessed public draw, or made fresh. A unit has one
    active draw: drawing again needs ``reason`` and marks the earlier draw superseded.
    """
    if stratify_by not in STRATA:
        raise DomainError(_("分层方式无效。"), "stratify_by")
    seed = clean_seed(seed)
    reason = (reason or "").strip()
    # One draw at a time per campaign (PostgreSQL row lock; SQLite writes one at a time).
    db.session.execute(
        select(VerificationCampaign.id)
        .where(VerificationCampaign.id == campaign.id)
        .with_for_update()
    )
    earlier = active_draw(campaign.id, unit.id)
    if earlier is not None and not reason:
        raise DomainError(
            _("本单位已有有效的抽样（%(seed)s），重新抽样须说明理由。", seed=earlier.seed),
            "reason",
        )
    drawn = sampling.sample_for_checks(
        population_groups(campaign.id, unit.id, stratify_by, user=actor),
        seed,
        campaign.phone_rate,
        campaign.visit_rate,
    )
    if drawn.population == 0:
        raise DomainError(_("本单位尚无消费者销售信息，无法抽样。"))
    if earlier is not None:
        earlier.status = DrawStatus.SUPERSEDED
    draw = SampleDraw(
        campaign_id=campaign.id,
        unit_id=unit.id,
        province_id=unit.province_org_id,
        seed=seed,
        population=drawn.population,
        phone_rate=campaign.phone_rate,
        visit_rate=campaign.visit_rate,
        stratify_by=stratify_by,
        method=sampling.METHOD,
        phone_count=len(drawn.phone),
        visit_count=len(drawn.visit),
        status=DrawStatus.ACTIVE,
        reason=reason,
        witness=(witness or "").strip(),
        drawn_by_id=actor.id if actor is not None else None,
        drawn_at=now,
    )
    db.session.add(draw)
    db.session.flush()
    rows = [
        {
            "draw_id": draw.id,
            "sale_id": sale_id,
            "method": method,
            "position": position,
            "stratum": drawn.stratum_of.get(sale_id, ""),
        }
        for method, ids in ((CheckMethod.PHONE, drawn.phone), (CheckMethod.VISIT, drawn.visit))
        for position, sale_id in enumerate(ids, 1)
    ]
    for start in range(0, len(rows), 5_000):
        db.session.execute(insert(SampleItem), rows[start : start + 5_000])
    return draw


@dataclass
class Verification:
    """A draw redone from its seed over today's records."""

    population_then: int
    population_now: int
    phone_same: bool
    visit_same: bool
    #: Records drawn then that the redo does not draw, and the other way round.
    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.phone_same and self.visit_same and self.population_then == self.population_now


def _original_ids(draw: SampleDraw, method: CheckMethod) -> list[int]:
    return list(
        db.session.scalars(
            select(SampleItem.sale_id)
            .where(
                SampleItem.draw_id == draw.id,
                SampleItem.method == method,
                SampleItem.replaces_id.is_(None),
            )
            .order_by(SampleItem.position)
        )
    )


def verify_draw(draw: SampleDraw, *, user) -> Verification:
    """Redo the draw with ``core.sampling.sample_for_checks`` from its stored seed, rates and
    strata over the unit's records now, and compare with the items drawn then (top-ups aside)."""
    redo = sampling.sample_for_checks(
        population_groups(draw.campaign_id, draw.unit_id, draw.stratify_by, user=user),
        draw.seed,
        draw.phone_rate,
        draw.visit_rate,
    )
    phone = _original_ids(draw, CheckMethod.PHONE)
    visit = _original_ids(draw, CheckMethod.VISIT)
    then, now = set(phone) | set(visit), set(redo.phone) | set(redo.visit)
    return Verification(
        population_then=draw.population,
        population_now=redo.population,
        phone_same=phone == redo.phone,
        visit_same=visit == redo.visit,
        missing=sorted(then - now),
        extra=sorted(now - then),
    )


def _require_active(draw: SampleDraw) -> None:
    if draw.status != DrawStatus.ACTIVE:
        raise DomainError(_("该抽样已被重新抽样取代，不能再补抽或登记结果。"))


def unreplaced_unreachable(draw: SampleDraw) -> list[SampleItem]:
    """Items of the draw found unreachable that no top-up has replaced yet."""
    replacement = aliased(SampleItem)
    return list(
        db.session.scalars(
            select(SampleItem)
            .where(
                SampleItem.draw_id == draw.id,
                SampleItem.outcome == Outcome.UNREACHABLE,
                ~exists().where(replacement.replaces_id == SampleItem.id),
            )
            .order_by(SampleItem.method, SampleItem.position)
        )
    )


@dataclass
class TopUp:
    added: list[SampleItem]
    #: Unreachable items for which the stratum had no record left to draw.
    short: int


def top_up_draw(draw: SampleDraw, *, actor, now: datetime) -> TopUp:
    """补抽: one replacement for every unreachable item not yet replaced, the next record in
    the draw's order within the item's stratum that the draw has not taken (all its items,
    replaced or not, count as taken). Items already drawn never change."""
    _require_active(draw)
    pending = unreplaced_unreachable(draw)
    if not pending:
        raise DomainError(_("没有需要补抽的“无法联系”记录。"))
    by_stratum: dict[str, list[tuple[int, str]]] = {}
    wanted = Counter(item.stratum for item in pending)
    for record in population(draw.campaign_id, draw.unit_id, draw.stratify_by, user=actor):
        if record[1] in wanted:
            by_stratum.setdefault(record[1], []).append(record)
    taken = set(db.session.scalars(select(SampleItem.sale_id).where(SampleItem.draw_id == draw.id)))
    picks = {
        stratum: iter(
            sampling.top_up(by_stratum.get(stratum, []), draw.seed, taken, count, stratum)
        )
        for stratum, count in wanted.items()
    }
    last = dict(
        db.session.execute(
            select(SampleItem.method, func.max(SampleItem.position))
            .where(SampleItem.draw_id == draw.id)
            .group_by(SampleItem.method)
        ).all()
    )
    added, short = [], 0
    for item in pending:
        sale_id = next(picks[item.stratum], None)
        if sale_id is None:
            short += 1
            continue
        position = last.get(item.method, 0) + 1
        last[item.method] = position
        replacement = SampleItem(
            draw_id=draw.id,
            sale_id=sale_id,
            method=item.method,
            position=position,
            stratum=item.stratum,
            replaces_id=item.id,
        )
        db.session.add(replacement)
        added.append(replacement)
    db.session.flush()
    return TopUp(added, short)


def record_outcome(
    item: SampleItem,
    *,
    outcome: Outcome | str,
    detail: str = "",
    checked_on: date | None,
    actor,
    today: date,
) -> SampleItem:
    """The outcome of one phone call or home visit: confirmed, unreachable, or a discrepancy
    (which must say what differs). Recorded again, it replaces the earlier one (audited)."""
    draw = item.draw
    _require_active(draw)
    try:
        outcome = Outcome(outcome)
    except ValueError:
        outcome = None
    if outcome not in RECORDED_OUTCOMES:
        raise DomainError(_("请选择核查结果。"), "outcome")
    detail = (detail or "").strip()
    if outcome == Outcome.DISCREPANCY and not detail:
        raise DomainError(_("核查结果为“不符”时须说明不符的情况。"), "detail")
    if checked_on is None:
        raise DomainError(_("请填写核查日期。"), "checked_on")
    if checked_on > today:
        raise DomainError(_("核查日期不能晚于今天。"), "checked_on")
    if checked_on < local_date(draw.drawn_at):
        raise DomainError(_("核查日期不能早于抽样日期。"), "checked_on")
    item.outcome = outcome
    item.detail = detail
    item.checked_on = checked_on
    item.checked_by_id = actor.id if actor is not None else None
    db.session.flush()
    return item


def outcome_counts(draw_ids: list[int]) -> dict[int, dict[tuple[str, str], int]]:
    """draw id → {(method, outcome): items}, one GROUP BY for all the draws."""
    counts: dict[int, dict[tuple[str, str], int]] = {draw_id: {} for draw_id in draw_ids}
    if not draw_ids:
        return counts
    rows = db.session.execute(
        select(SampleItem.draw_id, SampleItem.method, SampleItem.outcome, func.count())
        .where(SampleItem.draw_id.in_(draw_ids))
        .group_by(SampleItem.draw_id, SampleItem.method, SampleItem.outcome)
    )
    for draw_id, method, outcome, n in rows:
        counts[draw_id][(CheckMethod(method).value, Outcome(outcome).value)] = n
    return counts


@dataclass(frozen=True)
class Progress:
    """Checks of one draw by method: items in all (top-ups included) and by outcome."""

    method: CheckMethod
    drawn: int
    by_outcome: dict[str, int]

    @property
    def done(self) -> int:
        return self.drawn - self.by_outcome.get(Outcome.PENDING.value, 0)


def progress_of(counts: dict[tuple[str, str], int]) -> list[Progress]:
    result = []
    for method in CheckMethod:
        by_outcome = {o.value: counts.get((method.value, o.value), 0) for o in Outcome}
        result.append(Progress(method, sum(by_outcome.values()), by_outcome))
    return result
