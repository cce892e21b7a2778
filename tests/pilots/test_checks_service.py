"""Third-party check draws (seed 003 第十八条): the rate within 5 %–10 % inclusive, ⌈rate · n⌉
of the period's trade-ins, reproducible from the seed, a re-draw only with a reason, outcomes
recorded at the moment they are made, corrections kept in the audit log."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pilots.checks_support import NOVEMBER, november  # noqa: F401
from sqlalchemy import select

from supervision.core.errors import DomainError
from supervision.core.models import AuditEntry
from supervision.core.sampling import sample_share
from supervision.extensions import db
from supervision.pilots import checks
from supervision.pilots.daily_models import (
    CheckDrawStatus,
    CheckOutcome,
    TradeInCheck,
    TradeInCheckDraw,
)
from supervision.pilots.rules.complaints import check_rate_allowed

NOW = datetime(2014, 12, 5, 2, 30, tzinfo=UTC)
SEED = "公开抽样20141205"


def draw(made, **kwargs) -> TradeInCheckDraw:
    kwargs.setdefault("actor", made.world.a_officer)
    kwargs.setdefault("now", NOW)
    result = checks.draw_checks(made.pilot, *NOVEMBER, **kwargs)
    db.session.commit()
    return result


def drawn(result: TradeInCheckDraw) -> list[TradeInCheck]:
    return list(
        db.session.scalars(
            select(TradeInCheck)
            .where(TradeInCheck.draw_id == result.id)
            .order_by(TradeInCheck.position)
        )
    )


@pytest.mark.parametrize(
    ("rate", "allowed"),
    [
        ("0.05", True),  # 5 %: the lower bound is allowed
        ("0.10", True),  # 10 %: the upper bound is allowed
        ("0.1", True),
        ("0.0750", True),
        ("0.049", False),  # 4.9 %
        ("0.0499", False),
        ("0.1001", False),
        ("0.11", False),
        ("0", False),
        ("-0.05", False),
        ("abc", False),
        (None, False),
        ("NaN", False),
    ],
)
def test_the_rate_must_lie_within_five_and_ten_percent(rate, allowed):
    assert check_rate_allowed(rate) is allowed


def test_five_percent_of_41_trade_ins_is_3_in_rank_order(november):
    made = november
    result = draw(made, seed=SEED, rate=Decimal("0.05"), agency_name="中国质量认证中心",
                  witness="李监督")  # fmt: skip
    assert (result.population, result.drawn_count) == (41, 3)  # ⌈0.05 × 41⌉ = ⌈2.05⌉ = 3
    assert result.rate == Decimal("0.0500")
    assert (result.seed, result.agency_name, result.witness) == (SEED, "中国质量认证中心", "李监督")
    assert result.status == CheckDrawStatus.ACTIVE
    assert result.drawn_at == NOW and result.drawn_by_id == made.world.a_officer.id
    assert "⌈抽查比例 × 交易笔数⌉" in result.method
    items = drawn(result)
    assert [i.position for i in items] == [1, 2, 3]
    assert all(i.outcome == CheckOutcome.PENDING and i.checked_at is None for i in items)
    # Exactly the three first by rank among November's trade-ins (never December's).
    assert [i.trade_in_id for i in items] == sample_share(made.november_ids, SEED, "0.05")
    assert not {i.trade_in_id for i in items} & set(made.december_ids)


@pytest.mark.parametrize(("rate", "count"), [("0.05", 3), ("0.10", 5), ("0.075", 4)])
def test_the_count_is_the_rate_of_the_population_rounded_up(november, rate, count):
    result = draw(november, seed=SEED, rate=Decimal(rate))
    assert result.drawn_count == count == math.ceil(Decimal(rate) * 41)
    assert len(drawn(result)) == count


def test_the_rate_defaults_to_the_calls_and_must_be_within_bounds(november):
    made = november
    with pytest.raises(DomainError) as refused:
        draw(made, rate=Decimal("0.049"))
    assert refused.value.field == "rate"
    db.session.rollback()
    with pytest.raises(DomainError):
        draw(made, rate=Decimal("0.1001"))
    db.session.rollback()
    result = draw(made)  # the call's 5 %
    assert result.rate == Decimal("0.0500") and result.drawn_count == 3
    assert len(result.seed) == 32  # made fresh


def test_the_same_seed_draws_the_same_trade_ins_and_verify_says_so(november):
    made = november
    first = draw(made, seed=SEED, rate=Decimal("0.10"))
    ids = [i.trade_in_id for i in drawn(first)]
    check = checks.verify(first)
    assert check.ok and check.same and check.population_now == 41
    assert (check.missing, check.extra) == ([], [])
    # Anyone redoing it from the seed gets the same five, in the same order.
    assert sample_share(reversed(made.november_ids), SEED, "0.10") == ids


def test_verify_notices_a_changed_population(november):
    from pilots.checks_support import add_trade_ins

    made = november
    first = draw(made, seed=SEED, rate=Decimal("0.05"))
    add_trade_ins(made, 20, start=500, day=lambda n: date(2014, 11, 15))
    check = checks.verify(first)
    assert not check.ok
    assert (check.population_then, check.population_now) == (41, 61)


def test_a_second_draw_needs_a_reason_and_supersedes_the_first_keeping_its_outcomes(november):
    made = november
    first = draw(made, seed=SEED)
    item = drawn(first)[0]
    checks.record_outcome(
        item, method="phone", outcome="confirmed", actor=made.world.a_inspector, now=NOW
    )
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        draw(made, seed="another")
    assert refused.value.field == "reason"
    db.session.rollback()
    second = draw(made, seed="another", reason="第三方机构更换，重新公开抽样")
    db.session.refresh(first)
    assert first.status == CheckDrawStatus.SUPERSEDED
    assert second.status == CheckDrawStatus.ACTIVE and second.reason.startswith("第三方机构")
    kept = db.session.get(TradeInCheck, item.id)
    assert kept.outcome == CheckOutcome.CONFIRMED  # the first draw's outcome stays
    # A superseded draw takes no more outcomes.
    with pytest.raises(DomainError):
        checks.record_outcome(
            drawn(first)[1], method="phone", outcome="confirmed", actor=None, now=NOW
        )


def test_draws_of_another_period_do_not_need_a_reason(november):
    made = november
    first = draw(made, seed=SEED)  # November
    december = checks.draw_checks(
        made.pilot, date(2014, 12, 1), date(2014, 12, 31), actor=None, now=NOW, seed=SEED
    )
    db.session.commit()
    assert (december.population, december.drawn_count) == (2, 1)
    db.session.refresh(first)
    assert first.status == december.status == CheckDrawStatus.ACTIVE


def test_an_overlapping_period_needs_a_reason(november):
    made = november
    with pytest.raises(DomainError) as refused:
        checks.draw_checks(
            made.pilot, date(2014, 10, 15), date(2014, 11, 10), actor=None, now=NOW
        )  # overlaps the fixture's October draw
    assert refused.value.field == "reason"


def test_a_period_without_trade_ins_or_the_wrong_way_round_is_refused(november):
    made = november
    with pytest.raises(DomainError):
        checks.draw_checks(made.pilot, date(2015, 1, 1), date(2015, 1, 31), actor=None, now=NOW)
    with pytest.raises(DomainError) as refused:
        checks.draw_checks(made.pilot, date(2014, 11, 30), date(2014, 11, 1), actor=None, now=NOW)
    assert refused.value.field == "period_to"


def test_another_provinces_officer_cannot_draw(november):
    with pytest.raises(DomainError):
        draw(november, actor=november.world.b_officer)


def test_an_outcome_is_recorded_at_the_moment_it_is_made(november):
    made = november
    item = drawn(draw(made, seed=SEED))[0]
    at = NOW + timedelta(hours=3, minutes=7)
    checks.record_outcome(
        item, method="visit", outcome=CheckOutcome.CONFIRMED, detail="网点核实属实",
        actor=made.world.a_inspector, now=at,
    )  # fmt: skip
    db.session.commit()
    item = db.session.get(TradeInCheck, item.id)
    assert (item.method, item.outcome, item.detail) == (
        "visit",
        CheckOutcome.CONFIRMED,
        "网点核实属实",
    )
    assert item.checked_at == at and item.checked_by_id == made.world.a_inspector.id


def test_a_discrepancy_needs_its_detail_and_a_method_and_outcome_are_required(november):
    made = november
    item = drawn(draw(made, seed=SEED))[0]
    kwargs = {"actor": made.world.a_inspector, "now": NOW}
    with pytest.raises(DomainError) as refused:
        checks.record_outcome(item, method="phone", outcome="discrepancy", detail="  ", **kwargs)
    assert refused.value.field == "detail"
    with pytest.raises(DomainError) as refused:
        checks.record_outcome(item, method="email", outcome="confirmed", **kwargs)
    assert refused.value.field == "method"
    with pytest.raises(DomainError) as refused:
        checks.record_outcome(item, method="phone", outcome="pending", **kwargs)
    assert refused.value.field == "outcome"
    checks.record_outcome(
        item, method="phone", outcome="discrepancy", detail="消费者称未购买再制造发动机", **kwargs
    )
    assert item.outcome == CheckOutcome.DISCREPANCY


def test_a_recorded_outcome_is_corrected_only_with_a_note_kept_in_the_audit_log(november):
    made = november
    item = drawn(draw(made, seed=SEED))[0]
    first_at = NOW + timedelta(minutes=5)
    checks.record_outcome(
        item, method="phone", outcome="unreachable", actor=made.world.a_inspector, now=first_at
    )
    db.session.commit()
    later = NOW + timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        checks.record_outcome(
            item, method="phone", outcome="confirmed", actor=made.world.a_inspector, now=later
        )
    assert refused.value.field == "note"
    db.session.rollback()
    checks.record_outcome(
        item, method="phone", outcome="confirmed", note="次日回拨接通，消费者确认",
        actor=made.world.a_inspector, now=later,
    )  # fmt: skip
    db.session.commit()
    item = db.session.get(TradeInCheck, item.id)
    assert item.outcome == CheckOutcome.CONFIRMED and item.checked_at == later
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "correct_outcome", AuditEntry.entity_id == str(item.id)
        )
    )
    assert entry.changes["outcome"] == ["unreachable", "confirmed"]
    assert entry.changes["note"] == [None, "次日回拨接通，消费者确认"]
    assert entry.scope_org_id == made.world.a_province.id
    # The ordinary audit entry of the change keeps the earlier outcome too.
    updates = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity == "pilot_checks",
            AuditEntry.entity_id == str(item.id),
            AuditEntry.action == "update",
        )
    ).all()
    assert ["unreachable", "confirmed"] in [u.changes.get("outcome") for u in updates]


def test_progress_counts_each_outcome(november):
    made = november
    result = draw(made, seed=SEED, rate=Decimal("0.10"))
    items = drawn(result)
    kwargs = {"actor": made.world.a_inspector, "now": NOW}
    checks.record_outcome(items[0], method="phone", outcome="confirmed", **kwargs)
    checks.record_outcome(items[1], method="phone", outcome="confirmed", **kwargs)
    checks.record_outcome(
        items[2], method="visit", outcome="discrepancy", detail="价格不符", **kwargs
    )
    checks.record_outcome(items[3], method="phone", outcome="unreachable", **kwargs)
    db.session.commit()
    progress = checks.progress([result.id, made.check_draw.id])
    assert progress[result.id].drawn == 5 and progress[result.id].done == 4
    assert progress[result.id].by_outcome == {
        "pending": 1,
        "confirmed": 2,
        "unreachable": 1,
        "discrepancy": 1,
    }
    assert progress[made.check_draw.id].drawn == 1 and progress[made.check_draw.id].done == 0


def test_a_rate_finer_than_a_hundredth_of_a_percent_or_not_a_number_is_refused(november):
    for rate in (Decimal("0.07525"), "abc"):
        with pytest.raises(DomainError) as refused:
            draw(november, rate=rate)
        assert refused.value.field == "rate"
        db.session.rollback()
