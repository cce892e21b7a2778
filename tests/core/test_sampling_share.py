"""``core.sampling.sample_share``: one list of ⌈rate · n⌉ ids in rank order, reproducible from
the seed, spread evenly over sequential ids (never every k-th one)."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from decimal import Decimal

import pytest

from supervision.core.sampling import new_seed, rank, sample_share

SEED = "3f2a9c0d5e4b4a1f9e8d7c6b5a493827"


def by_hand(seed: str, record_id: int) -> int:
    """The rank as the module's METHOD states it, written out independently."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{record_id}".encode()).digest()[:8], "big")


@pytest.mark.parametrize(
    ("rate", "population", "size"),
    [
        ("0.05", 41, 3),  # 2.05 → 3: always rounded up
        ("0.05", 40, 2),  # exactly 2
        ("0.05", 20, 1),  # exactly 1
        ("0.05", 21, 2),  # 1.05 → 2
        ("0.05", 1, 1),  # 0.05 → 1: one record is still checked
        ("0.05", 0, 0),  # nothing to draw
        ("0.10", 10, 1),
        ("0.10", 11, 2),  # 1.1 → 2
        ("0.10", 100, 10),
        ("0.0500", 1000, 50),  # as a Numeric(5, 4) column stores it
        ("0.0750", 41, 4),  # 3.075 → 4
    ],
)
def test_size_is_the_rate_of_the_population_rounded_up(rate, population, size):
    drawn = sample_share(range(1, population + 1), SEED, Decimal(rate))
    assert len(drawn) == size
    assert len(set(drawn)) == size
    assert set(drawn) <= set(range(1, population + 1))


def test_ids_come_in_rank_order_as_the_method_states():
    ids = list(range(500, 541))
    drawn = sample_share(ids, SEED, "0.10")
    expected = sorted(ids, key=lambda i: by_hand(SEED, i))[:5]
    assert drawn == expected
    assert [rank(SEED, i) for i in drawn] == sorted(rank(SEED, i) for i in drawn)


def test_reproducible_from_the_seed_whatever_the_order_of_the_records():
    ids = list(range(1, 2001))
    first = sample_share(ids, SEED, "0.05")
    shuffled = ids[:]
    random.Random(7).shuffle(shuffled)
    assert sample_share(shuffled, SEED, "0.05") == first
    assert sample_share(iter(ids), SEED, "0.05") == first  # a stream, as from the database
    other = sample_share(ids, new_seed(), "0.05")
    assert len(other) == len(first) == 100
    assert other != first  # another seed, another sample


def test_a_higher_rate_extends_the_lower_one():
    """The 5 % sample is the start of the 10 % one: the order is the draw, the rate its length."""
    ids = range(1, 1001)
    assert sample_share(ids, SEED, "0.10")[:50] == sample_share(ids, SEED, "0.05")


def test_sequential_ids_are_drawn_evenly_and_not_every_kth():
    ids = range(1, 20_001)
    drawn = sample_share(ids, SEED, "0.10")
    assert len(drawn) == 2000
    # Ten blocks of 2 000 consecutive ids: each gets close to its tenth (200).
    blocks = Counter((i - 1) // 2000 for i in drawn)
    assert all(150 <= blocks[b] <= 250 for b in range(10)), blocks
    # Not a systematic sample: no residue class modulo small k takes all (or most) of it.
    for k in range(2, 21):
        residues = Counter(i % k for i in drawn)
        assert len(residues) == k, k
        assert max(residues.values()) < 2 * len(drawn) / k, (k, residues)
    gaps = {b - a for a, b in zip(sorted(drawn), sorted(drawn)[1:], strict=False)}
    assert len(gaps) > 20  # the gaps between drawn ids vary


def test_a_record_given_twice_is_refused():
    with pytest.raises(ValueError):
        sample_share([1, 2, 2, 3], SEED, "0.05")


def test_a_negative_rate_is_refused():
    with pytest.raises(ValueError):
        sample_share([1, 2, 3], SEED, "-0.05")
