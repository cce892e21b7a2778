"""The pure rules of the daily-supervision draw (双随机): exclusions with their month
boundaries, the inspector pairs, the spread over the pairs with recusal and top-up, the
whole draw's reproducibility, the method and the published outcome."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from supervision.core import sampling
from supervision.daily import rules
from supervision.daily.rules import (
    Candidate,
    DrawRefused,
    assign,
    draw,
    draw_pairs,
    exclusion_reasons,
    inspected_within,
    months_before,
    outcome_text,
)

SEED = "daily-2026-batch-2"


# -- months and the "inspected within N months" window ------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 8, 15), 6, date(2026, 2, 15)),
        (date(2026, 5, 31), 3, date(2026, 2, 28)),  # clamped to February's last day
        (date(2028, 5, 31), 3, date(2028, 2, 29)),  # a leap year
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 31), 2, date(2025, 11, 30)),  # across the year
        (date(2026, 12, 31), 12, date(2025, 12, 31)),
        (date(2026, 7, 10), 0, date(2026, 7, 10)),
        (date(2026, 3, 15), 27, date(2023, 12, 15)),
    ],
)
def test_months_before_clamps_to_the_months_end(day, months, expected):
    assert months_before(day, months) == expected


@pytest.mark.parametrize(
    ("visit_on", "within"),
    [
        (date(2026, 2, 15), True),  # exactly six months before: inside the window
        (date(2026, 2, 14), False),  # one day earlier: outside
        (date(2026, 8, 15), True),  # the draw day itself
        (date(2025, 8, 15), False),
        (None, False),  # never visited
    ],
)
def test_the_window_includes_its_first_day(visit_on, within):
    assert inspected_within(visit_on, date(2026, 8, 15), 6) is within


def test_a_clamped_window_starts_on_the_months_last_day():
    # Drawn on 31 May with 3 months: the window opens on 28 February.
    assert inspected_within(date(2026, 2, 28), date(2026, 5, 31), 3)
    assert not inspected_within(date(2026, 2, 27), date(2026, 5, 31), 3)


def test_no_months_excludes_nobody():
    assert not inspected_within(date(2026, 8, 15), date(2026, 8, 15), None)
    assert not inspected_within(date(2026, 8, 15), date(2026, 8, 15), 0)


def test_each_exclusion_reason():
    day = date(2026, 8, 15)
    common = {"draw_day": day, "year": 2026, "inspected_months": 6, "exclude_special": True}
    assert exclusion_reasons(Candidate(1, "甲"), **common) == ()
    assert exclusion_reasons(Candidate(2, "乙", stopped=True), **common) == (
        "已停产（停产企业不列入抽查）",
    )
    assert exclusion_reasons(Candidate(3, "丙", last_visit_on=date(2026, 2, 15)), **common) == (
        "近6个月内已检查（检查日期 2026-02-15）",
    )
    assert exclusion_reasons(Candidate(4, "丁", in_special_task=True), **common) == (
        "已列入2026年度专项监察任务",
    )
    everything = Candidate(5, "戊", stopped=True, last_visit_on=day, in_special_task=True)
    assert len(exclusion_reasons(everything, **common)) == 3


def test_exclusions_the_draw_does_not_ask_for_do_not_apply_but_stopped_always_does():
    day = date(2026, 8, 15)
    options = {"draw_day": day, "year": 2026, "inspected_months": None, "exclude_special": False}
    visited = Candidate(1, "甲", last_visit_on=day, in_special_task=True)
    assert exclusion_reasons(visited, **options) == ()
    assert exclusion_reasons(Candidate(2, "乙", stopped=True), **options) == (rules.REASON_STOPPED,)


def test_screen_splits_the_candidates():
    screened = rules.screen(
        [Candidate(3, "丙", "B"), Candidate(1, "甲", "A", stopped=True), Candidate(2, "乙", "A")],
        draw_day=date(2026, 8, 15),
        year=2026,
    )
    assert screened.eligible == [(2, "A"), (3, "B")]
    assert [(c.id, r) for c, r in screened.excluded] == [(1, (rules.REASON_STOPPED,))]


# -- pairs --------------------------------------------------------------------------------------


def test_pairs_are_the_pool_in_the_derived_order_two_by_two():
    pool = [11, 12, 13, 14, 15, 16, 17]
    pairs = draw_pairs(pool, SEED, 3)
    order = sampling.ordered(f"{SEED}:inspectors", pool)
    assert pairs == [(order[0], order[1]), (order[2], order[3]), (order[4], order[5])]
    people = [i for pair in pairs for i in pair]
    assert len(set(people)) == 6  # two distinct inspectors per pair, nobody in two pairs
    # The inspectors' order is not the enterprises' order for the same ids.
    assert order != sampling.ordered(SEED, pool)
    assert draw_pairs(list(reversed(pool)), SEED, 3) == pairs


def test_a_pool_of_exactly_two_per_pair_is_enough_one_less_is_refused():
    assert len(draw_pairs([1, 2, 3, 4], SEED, 2)) == 2
    with pytest.raises(DrawRefused) as refused:
        draw_pairs([1, 2, 3], SEED, 2)
    assert refused.value.message == (
        "执法人员名录仅 3 人，不足 2 个检查组所需的 4 人（每组两人），不能抽取。"
    )
    assert (refused.value.count, refused.value.needed) == (3, 4)


# -- spreading over the pairs -------------------------------------------------------------------

PAIRS = [(101, 102), (103, 104), (105, 106)]


def test_without_relations_it_is_round_robin():
    allocation = assign([1, 2, 3, 4, 5, 6, 7], PAIRS)
    assert [(p.enterprise_id, p.pair_no) for p in allocation.placements] == [
        (1, 1), (2, 2), (3, 3), (4, 1), (5, 2), (6, 3), (7, 1),
    ]  # fmt: skip
    assert [p.position for p in allocation.placements] == [1, 2, 3, 4, 5, 6, 7]
    assert (allocation.placements[0].inspector_a_id, allocation.placements[0].inspector_b_id) == (
        101,
        102,
    )
    assert allocation.recusals == [] and allocation.dropped == []


def test_recusal_moves_the_enterprise_to_the_next_pair_and_the_skipped_pair_gets_the_next():
    # Inspector 103 (pair 2) declared a relation to enterprise 2, whose turn is pair 2.
    allocation = assign([1, 2, 3, 4, 5, 6], PAIRS, [(103, 2, "配偶在该企业任职")])
    placed = {p.enterprise_id: p.pair_no for p in allocation.placements}
    assert placed == {1: 1, 2: 3, 3: 2, 4: 1, 5: 2, 6: 3}
    assert allocation.recusals == [
        rules.Recusal(
            enterprise_id=2,
            pair_no=2,
            inspector_ids=(103,),
            relations=("配偶在该企业任职",),
            to_pair=3,
        )
    ]
    assert sorted(Counter(placed.values()).values()) == [2, 2, 2]


def test_recusal_keeps_the_pairs_balanced():
    relations = [(101, e, "曾在该企业工作") for e in range(1, 30, 2)]
    allocation = assign(list(range(1, 31)), PAIRS, relations)
    counts = Counter(p.pair_no for p in allocation.placements)
    assert max(counts.values()) - min(counts.values()) <= 1
    assert sum(counts.values()) == 30
    for placed in allocation.placements:
        if placed.enterprise_id % 2:
            assert placed.pair_no != 1  # 101 never gets an enterprise he declared
    assert all(r.inspector_ids == (101,) for r in allocation.recusals)
    assert all(r.to_pair in (2, 3) for r in allocation.recusals)


def test_an_enterprise_no_pair_can_take_is_left_out_and_the_next_of_its_stratum_drawn():
    pairs = [(101, 102), (103, 104)]
    relations = [(101, 2, "亲属"), (104, 2, "股东")]
    allocation = assign(
        [1, 2, 3],
        pairs,
        relations,
        stratum_of={1: "A", 2: "B", 3: "A"},
        reserves={"A": [7, 8], "B": [9, 5]},
    )
    assert allocation.dropped == [2]
    assert [(p.enterprise_id, p.stratum, p.pair_no) for p in allocation.placements] == [
        (1, "A", 1),
        (9, "B", 2),  # B's next enterprise takes 2's place (and its turn)
        (3, "A", 1),
    ]
    (recusal,) = allocation.recusals
    assert recusal.to_pair is None and recusal.replaced_by == 9
    assert set(recusal.inspector_ids) == {101, 104}
    assert set(recusal.relations) == {"亲属", "股东"}


def test_a_stratum_without_reserves_gives_a_smaller_sample():
    allocation = assign([1, 2], [(101, 102)], [(102, 2, "亲属")], reserves={"": []})
    assert [p.enterprise_id for p in allocation.placements] == [1]
    assert allocation.dropped == [2]
    assert allocation.recusals[0].replaced_by is None


def test_a_reserve_already_drawn_is_skipped():
    allocation = assign([1, 2], [(101, 102)], [(101, 1, "亲属")], reserves={"": [2, 3]})
    assert [p.enterprise_id for p in allocation.placements] == [3, 2]


# -- the whole draw -----------------------------------------------------------------------------

POPULATION = [(i, "钢铁" if i % 3 else "水泥") for i in range(1, 61)]
POOL = list(range(500, 512))


def test_same_seed_and_inputs_give_the_same_draw_whatever_their_order():
    first = draw(POPULATION, SEED, size=12, pool_ids=POOL, pair_count=4)
    again = draw(list(reversed(POPULATION)), SEED, size=12, pool_ids=POOL[::-1], pair_count=4)
    assert again.placements == first.placements and again.pairs == first.pairs
    other = draw(POPULATION, SEED + "-b", size=12, pool_ids=POOL, pair_count=4)
    assert [p.enterprise_id for p in other.placements] != [
        p.enterprise_id for p in first.placements
    ]
    assert other.pairs != first.pairs


def test_the_draw_takes_each_strata_share_in_rank_order():
    result = draw(POPULATION, SEED, size=12, pool_ids=POOL, pair_count=4)
    assert [(s.name, s.population, s.drawn) for s in result.strata] == [
        ("水泥", 20, 4),
        ("钢铁", 40, 8),
    ]
    cement = [i for i, s in POPULATION if s == "水泥"]
    assert [p.enterprise_id for p in result.placements[:4]] == sampling.ordered(SEED, cement)[:4]
    assert Counter(p.pair_no for p in result.placements) == {1: 3, 2: 3, 3: 3, 4: 3}


def test_the_draw_tops_up_from_the_same_stratum():
    plain = draw(POPULATION, SEED, size=6, pool_ids=[1, 2], pair_count=1)
    first = plain.placements[0]
    relations = [(1, first.enterprise_id, "亲属")]
    result = draw(POPULATION, SEED, size=6, pool_ids=[1, 2], pair_count=1, relations=relations)
    assert result.dropped == [first.enterprise_id]
    ids = [p.enterprise_id for p in result.placements]
    assert first.enterprise_id not in ids and len(ids) == 6
    stratum_ids = [i for i, s in POPULATION if s == first.stratum]
    drawn = {p.enterprise_id for p in plain.placements}
    expected = next(i for i in sampling.ordered(SEED, stratum_ids) if i not in drawn)
    assert result.recusals[0].replaced_by == expected == ids[0]


def test_a_rate_draw_and_the_refusals():
    result = draw(POPULATION, SEED, rate="0.05", pool_ids=POOL, pair_count=2)
    assert [s.drawn for s in result.strata] == [1, 2]  # ⌈1.0⌉ and ⌈2.0⌉
    with pytest.raises(DrawRefused):
        draw([], SEED, size=3, pool_ids=POOL, pair_count=1)
    with pytest.raises(DrawRefused):
        draw(POPULATION, SEED, size=3, pool_ids=POOL[:3], pair_count=2)


def test_method_text_states_the_parameters():
    text = rules.method_text(
        size=30, rate=None, pair_count=10, stratified="行业", inspected_months=6,
        exclude_special=True,
    )  # fmt: skip
    assert "SHA-256(“种子:企业编号”)" in text and "“种子:inspectors:人员编号”" in text
    assert "共抽取 30 家" in text and "最大余数法" in text and "10 个检查组" in text
    assert "前 20 人" in text and "6 个月内" in text and "专项监察任务" in text
    assert "回避" in text and "补抽" in text
    rate_text = rules.method_text(size=None, rate="0.05", pair_count=1)
    assert "⌈5% × 企业数⌉" in rate_text and "专项监察" not in rate_text


@pytest.mark.parametrize(
    ("findings", "rectification", "deadline", "text"),
    [
        (0, False, None, "未发现问题"),
        (2, False, None, "发现2项问题"),
        (1, True, None, "发现1项问题，已责令限期整改"),
        (3, True, date(2026, 12, 31), "发现3项问题，已责令限期整改（整改期限至 2026年12月31日）"),
    ],
)
def test_outcome_text(findings, rectification, deadline, text):
    assert outcome_text(findings, rectification=rectification, deadline_on=deadline) == text
