"""The reproducible keyed-hash sampling (core.sampling): sizes, disjointness, reproducibility,
spread, strata and top-ups, with worked figures."""

from __future__ import annotations

import hashlib
import random
from decimal import Decimal

import pytest

from supervision.core import sampling
from supervision.core.sampling import quota, rank, sample_for_checks, top_up

SEED = "3f2a9c0d5e4b4a1f9e8d7c6b5a493827"


def by_hand(seed: str, record_id: int) -> int:
    """The rank as METHOD states it, written out independently of the module."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{record_id}".encode()).digest()[:8], "big")


@pytest.mark.parametrize(
    ("population", "phone", "visit"),
    [
        (1000, 10, 5),  # exactly 1 % and 0.5 %
        (1001, 11, 6),  # 10.01 → 11 and 5.005 → 6: always rounded up
        (999, 10, 5),  # 9.99 → 10, 4.995 → 5
        (200, 2, 1),
        (150, 2, 1),  # 1.5 → 2, 0.75 → 1
        (1, 1, 0),  # the one record goes to the phone check; none left to visit
        (2, 1, 1),
        (0, 0, 0),
    ],
)
def test_sizes_are_the_rates_rounded_up(population, phone, visit):
    sample = sample_for_checks(range(1, population + 1), SEED)
    assert (len(sample.phone), len(sample.visit)) == (phone, visit)
    assert sample.population == population


def test_quota_reads_the_rate_as_written():
    # As stored in a Numeric(6, 4) column: 0.0100 and 0.0050.
    assert quota(Decimal("0.0100"), 1000) == 10
    assert quota(Decimal("0.0050"), 1000) == 5
    assert quota("0.005", 1001) == 6
    assert quota(Decimal("0.01"), 0) == 0
    assert quota(Decimal("1"), 7) == 7
    assert quota(Decimal("2"), 7) == 7  # never more than there are
    with pytest.raises(ValueError):
        quota(Decimal("-0.01"), 10)


def test_the_two_lists_are_disjoint_and_drawn_from_the_population():
    ids = list(range(10_000, 30_000))
    sample = sample_for_checks(ids, SEED)
    assert len(sample.phone) == 200 and len(sample.visit) == 100
    assert not set(sample.phone) & set(sample.visit)
    assert set(sample.phone) | set(sample.visit) <= set(ids)
    assert len(set(sample.phone)) == 200 and len(set(sample.visit)) == 100


def test_the_draw_is_the_smallest_ranks_phone_first():
    ids = list(range(1, 1001))
    ordered = sorted(ids, key=lambda i: (by_hand(SEED, i), i))
    sample = sample_for_checks(ids, SEED)
    assert sample.phone == ordered[:10]
    assert sample.visit == ordered[10:15]
    assert [rank(SEED, i) for i in ids[:5]] == [by_hand(SEED, i) for i in ids[:5]]


def test_same_seed_same_ids_whatever_the_input_order():
    ids = list(range(1, 5001))
    first = sample_for_checks(ids, SEED)
    shuffled = ids[:]
    random.Random(7).shuffle(shuffled)
    again = sample_for_checks(shuffled, SEED)
    assert (again.phone, again.visit) == (first.phone, first.visit)
    reversed_pairs = sample_for_checks([(i, "") for i in reversed(ids)], SEED)
    assert (reversed_pairs.phone, reversed_pairs.visit) == (first.phone, first.visit)


def test_a_different_seed_draws_different_ids():
    ids = list(range(1, 5001))
    first = sample_for_checks(ids, SEED)
    other = sample_for_checks(ids, "another seed")
    assert set(first.phone) != set(other.phone)
    # Two independent 1 % draws of 5 000 share about 0.5 records; never most of them.
    assert len(set(first.phone) & set(other.phone)) < 10


def test_new_seeds_are_fresh_hex():
    seeds = {sampling.new_seed() for _ in range(20)}
    assert len(seeds) == 20
    assert all(len(s) == 32 and int(s, 16) >= 0 for s in seeds)


def test_sequential_ids_are_spread_over_the_whole_range():
    """Ids 1 … 100 000 (as a database numbers them): the 1 500 drawn fall in every tenth of
    the range about equally, and not in a regular pattern (every k-th id, id × c mod 100)."""
    ids = range(1, 100_001)
    sample = sample_for_checks(ids, SEED)
    drawn = sample.phone + sample.visit
    assert len(drawn) == 1500
    deciles = [0] * 10
    for i in drawn:
        deciles[(i - 1) // 10_000] += 1
    # 150 expected per decile; the binomial spread is about 12, the tolerance four times it.
    assert all(100 <= n <= 200 for n in deciles), deciles
    ordered = sorted(drawn)
    gaps = {b - a for a, b in zip(ordered, ordered[1:], strict=False)}
    assert len(gaps) > 200  # not a fixed step
    assert len({i % 100 for i in drawn}) > 90  # every last-two-digits value is reachable
    assert len({i % 7 for i in drawn}) == 7


def test_strata_each_get_their_own_share_rounded_up():
    records = (
        [(i, "320100") for i in range(1, 1001)]
        + [(i, "320200") for i in range(1001, 1151)]
        + [(i, "320300") for i in range(2001, 2002)]
    )
    sample = sample_for_checks(records, SEED)
    sizes = {s.name: (s.population, s.phone, s.visit) for s in sample.strata}
    assert sizes == {
        "320100": (1000, 10, 5),
        "320200": (150, 2, 1),
        "320300": (1, 1, 0),
    }
    assert len(sample.phone) == 13 and len(sample.visit) == 6
    assert sample.population == 1151
    # Each drawn id is in its own stratum, and the stratum is remembered.
    stratum = dict(records)
    assert all(sample.stratum_of[i] == stratum[i] for i in sample.phone + sample.visit)
    # Within a stratum the draw is that stratum's smallest ranks.
    second = sorted(range(1001, 1151), key=lambda i: (by_hand(SEED, i), i))
    assert [i for i in sample.phone if stratum[i] == "320200"] == second[:2]
    assert [i for i in sample.visit if stratum[i] == "320200"] == second[2:3]


def test_a_record_twice_in_the_population_is_refused():
    with pytest.raises(ValueError):
        sample_for_checks([1, 2, 2], SEED)


def test_top_up_takes_the_next_ranks_and_never_changes_the_draw():
    ids = list(range(1, 1001))
    sample = sample_for_checks(ids, SEED)
    before = (list(sample.phone), list(sample.visit))
    drawn = sample.phone + sample.visit
    ordered = sorted(ids, key=lambda i: (by_hand(SEED, i), i))
    extra = top_up(ids, SEED, drawn, 3)
    assert extra == ordered[15:18]
    assert not set(extra) & set(drawn)
    assert (sample.phone, sample.visit) == before
    # Deterministic: the same call gives the same records, in any input order.
    assert top_up(list(reversed(ids)), SEED, drawn, 3) == extra
    # A second top-up continues after the first.
    assert top_up(ids, SEED, drawn + extra, 2) == ordered[18:20]
    # Asking for more than is left gives what is left.
    assert len(top_up(ids, SEED, ids[:-4], 10)) == 4
    assert top_up(ids, SEED, ids, 1) == []


def test_top_up_stays_in_the_stratum():
    records = [(i, "a") for i in range(1, 501)] + [(i, "b") for i in range(501, 1001)]
    sample = sample_for_checks(records, SEED)
    drawn = sample.phone + sample.visit
    in_b = top_up(records, SEED, drawn, 4, stratum="b")
    assert len(in_b) == 4 and all(501 <= i <= 1000 for i in in_b)
    ordered_b = [
        i for i in sorted(range(501, 1001), key=lambda i: (by_hand(SEED, i), i)) if i not in drawn
    ]
    assert in_b == ordered_b[:4]
    assert top_up(records, SEED, drawn, 1, stratum="missing") == []
