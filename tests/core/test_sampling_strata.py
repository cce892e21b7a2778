"""core.sampling's draws of a number or a share over strata (``ordered``, ``allocate``,
``sample_strata``): worked allocations with their boundaries, reproducibility, spread."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

import pytest

from supervision.core.sampling import allocate, ordered, rank, sample_strata

SEED = "3f2a9c0d5e4b4a1f9e8d7c6b5a493827"


# -- ordered ------------------------------------------------------------------------------------


def test_ordered_is_every_id_by_rank_whatever_the_input_order():
    ids = list(range(1, 501))
    shuffled = ids[:]
    random.Random(7).shuffle(shuffled)
    order = ordered(SEED, ids)
    assert order == ordered(SEED, shuffled)
    assert sorted(order) == ids
    assert [rank(SEED, i) for i in order] == sorted(rank(SEED, i) for i in ids)
    assert ordered(SEED, []) == []


def test_ordered_depends_on_the_seed_and_refuses_an_id_twice():
    ids = range(1, 101)
    assert ordered(SEED, ids) != ordered(SEED + "x", ids)
    with pytest.raises(ValueError):
        ordered(SEED, [1, 2, 2])


# -- allocate: largest remainder ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "counts", "expected"),
    [
        # Exact proportions: 10 of 100 → 5, 3, 2.
        (10, {"A": 50, "B": 30, "C": 20}, {"A": 5, "B": 3, "C": 2}),
        # Shares 1.5, 0.9, 0.6 → whole parts 1, 0, 0; two places left → B (.9), C (.6).
        (3, {"A": 5, "B": 3, "C": 2}, {"A": 1, "B": 1, "C": 1}),
        # Shares 2.5, 2.5 → one place left, equal remainders: the first name takes it.
        (5, {"乙": 4, "甲": 4}, {"乙": 3, "甲": 2}),
        (1, {"B": 1, "A": 1}, {"A": 1, "B": 0}),
        # Shares 7 × 3/10 = 2.1, 7 × 7/10 = 4.9 → 2 + 4, the place left to .9.
        (7, {"small": 3, "large": 7}, {"small": 2, "large": 5}),
        # A stratum of one record among many gets nothing when its share is small.
        (2, {"A": 99, "B": 1}, {"A": 2, "B": 0}),
        # Boundaries: nothing, exactly everything, more than everything.
        (0, {"A": 3, "B": 2}, {"A": 0, "B": 0}),
        (5, {"A": 3, "B": 2}, {"A": 3, "B": 2}),
        (9, {"A": 3, "B": 2}, {"A": 3, "B": 2}),
        (4, {"": 10}, {"": 4}),
        (3, {}, {}),
    ],
)
def test_allocate_by_largest_remainder(size, counts, expected):
    assert allocate(size, counts) == expected


def test_allocate_always_gives_the_size_and_never_more_than_a_stratum_holds():
    generator = random.Random(11)
    for _ in range(300):
        counts = {f"s{i}": generator.randint(0, 40) for i in range(generator.randint(1, 7))}
        total = sum(counts.values())
        size = generator.randint(0, total + 5)
        given = allocate(size, counts)
        assert sum(given.values()) == min(size, total)
        assert all(0 <= given[name] <= counts[name] for name in counts)
        # Each stratum is within one place of its exact share.
        if size < total:
            for name, n in counts.items():
                assert abs(given[name] - size * n / total) < 1


def test_allocate_refuses_negative_sizes():
    with pytest.raises(ValueError):
        allocate(-1, {"A": 3})


# -- sample_strata ------------------------------------------------------------------------------


def test_a_rate_takes_each_stratums_share_rounded_up():
    records = [(i, "A") for i in range(1, 102)] + [(i, "B") for i in range(200, 209)]
    sample = sample_strata(records, SEED, rate=Decimal("0.1"))
    # ⌈10.1⌉ = 11 of A's 101, ⌈0.9⌉ = 1 of B's 9.
    assert [(s.name, s.population, s.drawn) for s in sample.strata] == [
        ("A", 101, 11),
        ("B", 9, 1),
    ]
    assert len(sample.ids) == 12 and sample.population == 110
    assert sample.ids[:11] == ordered(SEED, range(1, 102))[:11]
    assert sample.ids[11:] == ordered(SEED, range(200, 209))[:1]
    assert {sample.stratum_of[i] for i in sample.ids[:11]} == {"A"}


def test_a_size_is_shared_by_largest_remainder_and_drawn_in_rank_order():
    records = [(i, "A") for i in range(1, 6)] + [(i, "B") for i in range(6, 9)]
    records += [(i, "C") for i in range(9, 11)]
    sample = sample_strata(records, SEED, size=3)
    assert [(s.name, s.drawn) for s in sample.strata] == [("A", 1), ("B", 1), ("C", 1)]
    assert sample.ids == [
        ordered(SEED, range(1, 6))[0],
        ordered(SEED, range(6, 9))[0],
        ordered(SEED, range(9, 11))[0],
    ]


def test_without_strata_a_size_is_the_first_in_rank_order_and_too_large_takes_all():
    ids = list(range(1, 51))
    assert sample_strata(ids, SEED, size=7).ids == ordered(SEED, ids)[:7]
    assert sample_strata(ids, SEED, size=50).ids == ordered(SEED, ids)
    assert sample_strata(ids, SEED, size=80).ids == ordered(SEED, ids)
    assert sample_strata(ids, SEED, rate="1").ids == ordered(SEED, ids)
    assert sample_strata([], SEED, size=3).ids == []


def test_exactly_one_of_size_and_rate():
    with pytest.raises(ValueError):
        sample_strata([1, 2, 3], SEED)
    with pytest.raises(ValueError):
        sample_strata([1, 2, 3], SEED, size=1, rate="0.5")


def test_reproducible_and_independent_of_input_order():
    records = [(i, "AB"[i % 2]) for i in range(1, 400)]
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)
    first = sample_strata(records, SEED, size=25)
    assert sample_strata(shuffled, SEED, size=25) == first
    assert sample_strata(records, "another seed", size=25).ids != first.ids


def test_a_one_percent_sample_of_sequential_ids_spreads_over_the_deciles():
    ids = range(1, 10_001)
    sample = sample_strata(ids, SEED, rate=Decimal("0.01"))
    assert len(sample.ids) == 100
    deciles = Counter((i - 1) // 1000 for i in sample.ids)
    # 10 expected in each tenth of the id range; none empty, none holding a fifth.
    assert set(deciles) == set(range(10))
    assert max(deciles.values()) <= 20 and min(deciles.values()) >= 3
    # Over twenty seeds (2 000 draws, 200 expected per decile) the counts pass a χ² test of
    # evenness: 9 degrees of freedom, 27.88 is the 0.1 % critical value.
    totals = Counter()
    for n in range(20):
        totals.update((i - 1) // 1000 for i in sample_strata(ids, f"seed-{n}", size=100).ids)
    chi2 = sum((totals[d] - 200) ** 2 / 200 for d in range(10))
    assert chi2 < 27.88, totals


def test_stratified_by_decile_every_decile_gets_exactly_its_share():
    records = [(i, f"d{(i - 1) // 1000}") for i in range(1, 10_001)]
    sample = sample_strata(records, SEED, size=100)
    assert [s.drawn for s in sample.strata] == [10] * 10
