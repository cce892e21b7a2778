"""Sample draws of a unit's consumer sales: sizes, what is stored, re-draws, the check from the
seed, top-ups and outcomes (the services, without pages)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select
from verification_support import issue_campaign, sale_row

from conftest import NOW
from supervision.core import sampling as core_sampling
from supervision.core.errors import DomainError
from supervision.core.models import AuditEntry
from supervision.extensions import db
from supervision.verification import sampling
from supervision.verification.check_models import (
    CheckMethod,
    DrawStatus,
    Outcome,
    SampleDraw,
    SampleItem,
)
from supervision.verification.record_models import ConsumerSale

TODAY = NOW.date()


def add_sales(campaign, unit, start: int, count: int, **overrides) -> None:
    rows = [sale_row(campaign, unit, n, **overrides) for n in range(start, start + count)]
    db.session.execute(insert(ConsumerSale), rows)
    db.session.flush()


@pytest.fixture
def made(world):
    """The campaign with 20 sales of A and the fixture's draw superseded away: no active draw."""
    made = issue_campaign(world, sales=0)
    db.session.delete(made.draw)
    db.session.commit()
    return made


def items_of(draw, method=None):
    stmt = select(SampleItem).where(SampleItem.draw_id == draw.id)
    if method is not None:
        stmt = stmt.where(SampleItem.method == method)
    return list(db.session.scalars(stmt.order_by(SampleItem.method, SampleItem.position)))


@pytest.mark.parametrize(
    ("population", "phone", "visit"), [(1000, 10, 5), (1001, 11, 6), (1, 1, 0)]
)
def test_draw_takes_the_campaigns_rates_rounded_up(made, population, phone, visit):
    a = made.world.a_province
    add_sales(made.campaign, a, 0, population)
    draw = sampling.draw_sample(made.campaign, a, actor=made.world.a_officer, now=NOW, seed="s1")
    db.session.commit()
    assert (draw.population, draw.phone_count, draw.visit_count) == (population, phone, visit)
    assert draw.seed == "s1" and draw.method == core_sampling.METHOD
    assert draw.phone_rate == Decimal("0.01") and draw.visit_rate == Decimal("0.005")
    assert draw.status == DrawStatus.ACTIVE and draw.drawn_by_id == made.world.a_officer.id
    phone_items = items_of(draw, CheckMethod.PHONE)
    visit_items = items_of(draw, CheckMethod.VISIT)
    assert [i.position for i in phone_items] == list(range(1, phone + 1))
    assert [i.position for i in visit_items] == list(range(1, visit + 1))
    assert not {i.sale_id for i in phone_items} & {i.sale_id for i in visit_items}
    assert all(i.outcome == Outcome.PENDING for i in phone_items + visit_items)


def test_draw_is_the_core_function_over_the_units_ids(made):
    w = made.world
    add_sales(made.campaign, w.a_province, 0, 500)
    add_sales(made.campaign, w.b_province, 0, 300)  # another unit: never in A's population
    draw = sampling.draw_sample(made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="x")
    ids = db.session.scalars(
        select(ConsumerSale.id).where(ConsumerSale.unit_id == w.a_province.id)
    ).all()
    expected = core_sampling.sample_for_checks(ids, "x", Decimal("0.01"), Decimal("0.005"))
    assert [i.sale_id for i in items_of(draw, CheckMethod.PHONE)] == expected.phone
    assert [i.sale_id for i in items_of(draw, CheckMethod.VISIT)] == expected.visit
    assert draw.population == 500


def test_a_fresh_seed_when_none_is_typed_and_a_bad_seed_is_refused(made):
    w = made.world
    add_sales(made.campaign, w.a_province, 0, 10)
    draw = sampling.draw_sample(made.campaign, w.a_province, actor=w.a_officer, now=NOW)
    assert len(draw.seed) == 32
    with pytest.raises(DomainError) as refused:
        sampling.draw_sample(
            made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="a b", reason="x"
        )
    assert refused.value.field == "seed"
    with pytest.raises(DomainError):
        sampling.draw_sample(
            made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="x" * 65, reason="x"
        )


def test_nothing_to_draw_from_is_refused(made):
    with pytest.raises(DomainError):
        sampling.draw_sample(
            made.campaign, made.world.a_province, actor=made.world.a_officer, now=NOW
        )


def test_a_user_who_may_not_read_the_records_draws_nothing(made):
    add_sales(made.campaign, made.world.a_province, 0, 10)
    with pytest.raises(DomainError):
        sampling.draw_sample(
            made.campaign, made.world.a_province, actor=made.world.b_officer, now=NOW
        )


def test_a_redraw_needs_a_reason_and_supersedes_the_active_draw_audited(made):
    w = made.world
    add_sales(made.campaign, w.a_province, 0, 300)
    first = sampling.draw_sample(
        made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="one"
    )
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        sampling.draw_sample(made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="two")
    assert refused.value.field == "reason"
    db.session.rollback()
    assert db.session.get(SampleDraw, first.id).status == DrawStatus.ACTIVE
    second = sampling.draw_sample(
        made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="two", reason="监督人未到场"
    )
    db.session.commit()
    assert db.session.get(SampleDraw, first.id).status == DrawStatus.SUPERSEDED
    assert second.status == DrawStatus.ACTIVE and second.reason == "监督人未到场"
    assert sampling.active_draw(made.campaign.id, w.a_province.id).id == second.id
    assert len(items_of(first)) == 3 + 2  # the superseded draw keeps its items
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "verification_sample_draws")
    ).all()
    superseded = [e for e in entries if e.entity_id == str(first.id) and e.action == "update"]
    assert superseded and superseded[0].changes["status"] == ["active", "superseded"]
    created = [e for e in entries if e.entity_id == str(second.id) and e.action == "create"]
    assert created and created[0].changes["reason"][1] == "监督人未到场"
    assert created[0].changes["seed"][1] == "two"


def test_stratified_by_city_each_city_gets_its_share(made):
    w = made.world
    add_sales(made.campaign, w.a_province, 0, 150, division_code="320102")
    add_sales(made.campaign, w.a_province, 150, 150, division_code="320211")
    add_sales(made.campaign, w.a_province, 300, 1, division_code="320311")
    draw = sampling.draw_sample(
        made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="c", stratify_by="city"
    )
    items = items_of(draw)
    by_city = {}
    for item in items:
        by_city.setdefault((item.stratum, item.method), 0)
        by_city[(item.stratum, item.method)] += 1
    assert by_city == {
        ("320100", CheckMethod.PHONE): 2,
        ("320100", CheckMethod.VISIT): 1,
        ("320200", CheckMethod.PHONE): 2,
        ("320200", CheckMethod.VISIT): 1,
        ("320300", CheckMethod.PHONE): 1,
    }
    assert (draw.phone_count, draw.visit_count) == (5, 2)
    assert sampling.city_of("320102") == "320100" and sampling.city_of("") == ""


def test_stratified_by_outlet(made):
    w = made.world
    add_sales(made.campaign, w.a_province, 0, 100, dealer_code="11111111-1")
    add_sales(made.campaign, w.a_province, 100, 100, dealer_code="22222222-2")
    draw = sampling.draw_sample(
        made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="o", stratify_by="outlet"
    )
    assert sorted({i.stratum for i in items_of(draw)}) == ["11111111-1", "22222222-2"]
    assert (draw.phone_count, draw.visit_count) == (2, 2)
    with pytest.raises(DomainError):
        sampling.draw_sample(
            made.campaign,
            w.a_province,
            actor=w.a_officer,
            now=NOW,
            stratify_by="county",
            reason="x",
        )


def test_verify_redoes_the_draw_from_its_seed(made):
    w = made.world
    add_sales(made.campaign, w.a_province, 0, 400)
    draw = sampling.draw_sample(made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="v")
    db.session.commit()
    check = sampling.verify_draw(draw, user=w.a_officer)
    assert check.ok and check.population_now == 400 and not check.missing and not check.extra
    # Records added afterwards: the redo no longer matches, and says why.
    add_sales(made.campaign, w.a_province, 400, 100)
    check = sampling.verify_draw(draw, user=w.a_officer)
    assert not check.ok and check.population_now == 500 and check.population_then == 400


def test_verify_notices_an_item_changed_behind_the_draws_back(made):
    w = made.world
    add_sales(made.campaign, w.a_province, 0, 400)
    draw = sampling.draw_sample(made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="v")
    first = items_of(draw, CheckMethod.PHONE)[0]
    original = first.sale_id
    other = db.session.scalar(
        select(ConsumerSale.id)
        .where(ConsumerSale.id.not_in(select(SampleItem.sale_id)))
        .order_by(ConsumerSale.id)
    )
    first.sale_id = other
    db.session.flush()
    check = sampling.verify_draw(draw, user=w.a_officer)
    # The stored draw names a record the seed does not draw, and misses one it does.
    assert not check.ok and not check.phone_same and check.visit_same
    assert check.missing == [other] and check.extra == [original]


def mark(item, outcome, detail="", on=TODAY, actor=None):
    return sampling.record_outcome(
        item, outcome=outcome, detail=detail, checked_on=on, actor=actor, today=TODAY
    )


def test_top_up_replaces_only_unreachable_items_within_their_stratum(made):
    w = made.world
    add_sales(made.campaign, w.a_province, 0, 400, division_code="320102")
    add_sales(made.campaign, w.a_province, 400, 200, division_code="320211")
    draw = sampling.draw_sample(
        made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="t", stratify_by="city"
    )
    db.session.commit()
    before = {(i.id, i.sale_id, i.method, i.position, i.stratum) for i in items_of(draw)}
    phone = items_of(draw, CheckMethod.PHONE)
    nanjing = [i for i in phone if i.stratum == "320100"]
    wuxi = [i for i in phone if i.stratum == "320200"]
    mark(nanjing[0], Outcome.UNREACHABLE, actor=w.a_inspector)
    mark(wuxi[0], Outcome.UNREACHABLE, actor=w.a_inspector)
    mark(nanjing[1], Outcome.CONFIRMED, actor=w.a_inspector)
    mark(wuxi[1], Outcome.DISCREPANCY, "型号不符", actor=w.a_inspector)
    result = sampling.top_up_draw(draw, actor=w.a_inspector, now=NOW)
    db.session.commit()
    assert len(result.added) == 2 and result.short == 0
    stratum_of = {
        sale_id: sampling.city_of(code)
        for sale_id, code in db.session.execute(select(ConsumerSale.id, ConsumerSale.division_code))
    }
    replaced = {r.replaces_id: r for r in result.added}
    assert set(replaced) == {nanjing[0].id, wuxi[0].id}
    for item in (nanjing[0], wuxi[0]):
        new = replaced[item.id]
        assert new.method == CheckMethod.PHONE and new.stratum == item.stratum
        assert stratum_of[new.sale_id] == item.stratum
        assert new.outcome == Outcome.PENDING
    # The next phone positions after the last (4 + 2 phone items drawn).
    assert sorted(r.position for r in result.added) == [7, 8]
    # Existing items never change.
    after = {(i.id, i.sale_id, i.method, i.position, i.stratum) for i in items_of(draw)}
    assert before <= after and len(after) == len(before) + 2
    # The replacement is the next record of the draw's order in that stratum, never one drawn.
    taken = {i[1] for i in before}
    pool = [s for s, c in stratum_of.items() if c == "320100" and s not in taken]
    assert replaced[nanjing[0].id].sale_id == core_sampling.top_up(pool, "t", taken, 1)[0]
    # Deterministic and idempotent: nothing left to replace.
    with pytest.raises(DomainError):
        sampling.top_up_draw(draw, actor=w.a_inspector, now=NOW)


def test_an_unreachable_replacement_is_replaced_in_turn(made):
    w = made.world
    add_sales(made.campaign, w.a_province, 0, 200)
    draw = sampling.draw_sample(made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="r")
    first = items_of(draw, CheckMethod.VISIT)[0]
    mark(first, Outcome.UNREACHABLE)
    (second,) = sampling.top_up_draw(draw, actor=w.a_officer, now=NOW).added
    mark(second, Outcome.UNREACHABLE)
    (third,) = sampling.top_up_draw(draw, actor=w.a_officer, now=NOW).added
    assert third.replaces_id == second.id and third.method == CheckMethod.VISIT
    assert len({first.sale_id, second.sale_id, third.sale_id}) == 3
    assert [first.position, second.position, third.position] == [1, 2, 3]


def test_top_up_with_nothing_left_in_the_stratum_says_so(made):
    w = made.world
    add_sales(made.campaign, w.a_province, 0, 2)
    draw = sampling.draw_sample(made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="e")
    for item in items_of(draw):
        mark(item, Outcome.UNREACHABLE)
    result = sampling.top_up_draw(draw, actor=w.a_officer, now=NOW)
    assert result.added == [] and result.short == 2


def test_outcomes_are_validated(made):
    w = made.world
    add_sales(made.campaign, w.a_province, 0, 100)
    draw = sampling.draw_sample(made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="o")
    item = items_of(draw)[0]
    cases = [
        ({"outcome": "pending"}, "outcome"),
        ({"outcome": "nonsense"}, "outcome"),
        ({"outcome": Outcome.DISCREPANCY, "detail": "  "}, "detail"),
        ({"outcome": Outcome.CONFIRMED, "on": None}, "checked_on"),
        ({"outcome": Outcome.CONFIRMED, "on": TODAY + timedelta(days=1)}, "checked_on"),
        ({"outcome": Outcome.CONFIRMED, "on": date(2012, 1, 1)}, "checked_on"),
    ]
    for kwargs, field in cases:
        with pytest.raises(DomainError) as refused:
            mark(item, **kwargs)
        assert refused.value.field == field, kwargs
    mark(item, Outcome.DISCREPANCY, " 实际购买型号为 BCD-200 ", actor=w.a_inspector)
    assert item.outcome == Outcome.DISCREPANCY and item.detail == "实际购买型号为 BCD-200"
    assert item.checked_on == TODAY and item.checked_by_id == w.a_inspector.id
    mark(item, Outcome.CONFIRMED, on=TODAY)  # corrected: today's boundary is allowed
    assert item.outcome == Outcome.CONFIRMED


def test_a_superseded_draw_takes_no_outcomes_or_top_ups(made):
    w = made.world
    add_sales(made.campaign, w.a_province, 0, 100)
    old = sampling.draw_sample(made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="1")
    item = items_of(old)[0]
    mark(item, Outcome.UNREACHABLE)
    sampling.draw_sample(
        made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="2", reason="重抽"
    )
    with pytest.raises(DomainError):
        mark(item, Outcome.CONFIRMED)
    with pytest.raises(DomainError):
        sampling.top_up_draw(old, actor=w.a_officer, now=NOW)


def test_progress_counts_by_method_and_outcome(made):
    w = made.world
    add_sales(made.campaign, w.a_province, 0, 1000)
    draw = sampling.draw_sample(made.campaign, w.a_province, actor=w.a_officer, now=NOW, seed="p")
    phone = items_of(draw, CheckMethod.PHONE)
    mark(phone[0], Outcome.CONFIRMED)
    mark(phone[1], Outcome.UNREACHABLE)
    sampling.top_up_draw(draw, actor=w.a_officer, now=NOW)
    rows = {p.method: p for p in sampling.progress_of(sampling.outcome_counts([draw.id])[draw.id])}
    assert rows[CheckMethod.PHONE].drawn == 11
    assert rows[CheckMethod.PHONE].by_outcome == {
        "pending": 9,
        "confirmed": 1,
        "unreachable": 1,
        "discrepancy": 0,
    }
    assert rows[CheckMethod.PHONE].done == 2
    assert rows[CheckMethod.VISIT].drawn == 5 and rows[CheckMethod.VISIT].done == 0
    assert db.session.scalar(select(func.count()).select_from(SampleItem)) == 16
