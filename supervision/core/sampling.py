"""Reproducible random samples: every record's place in the draw is the rank of a keyed hash.

A record's rank is the first eight bytes of SHA-256("<seed>:<record id>"), read as a number.
Sorting by rank gives a random order that depends only on the seed and the ids: the same seed
and the same population always give the same sample, whatever order the records come in, and
anyone can redo it (in Python, or in SQL with the database's sha256). Unlike "every k-th id"
or ``id * c % 100``, the ranks of sequential ids are spread evenly.

Each check takes the next records in rank order, so the lists are disjoint by construction;
a top-up (补抽) takes the next records not yet drawn and never changes what was drawn.
Used by the verification campaigns (phone and home checks) and by every later draw.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

METHOD = (
    "排序值 = SHA-256(“种子:记录编号”) 的前 8 字节（大端整数）；按排序值从小到大，"
    "每层先取 ⌈电话核查比例 × 层内有效信息数⌉ 条作电话核查，再取其后 ⌈入户核查比例 × "
    "层内有效信息数⌉ 条作入户核查，两者不重复；补抽按同一顺序取下一条尚未抽中的记录。"
)

#: Records of one stratum: (record id, stratum) pairs, or bare ids (one stratum, ""), or
#: the ids already grouped by stratum ({stratum: [ids]}, as read from a database).
Records = Iterable[int] | Iterable[tuple[int, str]] | Mapping[str, list[int]]


def new_seed() -> str:
    """A fresh seed (128 random bits as hex), stored with the draw."""
    return secrets.token_hex(16)


def rank(seed: str, record_id: int) -> int:
    """The record's place in the draw: smaller ranks are drawn first."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{record_id}".encode()).digest()[:8], "big")


def quota(rate: Decimal | str | float, population: int) -> int:
    """Records to draw: at least ``rate`` of the population, rounded up (0 of nothing).

    ``rate`` is taken as written (Decimal("0.005"), "0.005"), so 0.5 % of 1 000 is exactly 5.
    """
    share = Decimal(str(rate)) * population
    if share < 0:
        raise ValueError("rate must not be negative")
    return min(population, math.ceil(share))


@dataclass(frozen=True)
class Stratum:
    name: str
    population: int
    phone: int
    visit: int


@dataclass(frozen=True)
class Sample:
    """The outcome of a draw: ids in drawing order (by stratum, then rank)."""

    seed: str
    population: int
    phone: list[int]
    visit: list[int]
    strata: list[Stratum] = field(default_factory=list)
    #: id → stratum, for the drawn records.
    stratum_of: dict[int, str] = field(default_factory=dict)


def _by_stratum(records: Records) -> dict[str, list[int]]:
    if isinstance(records, Mapping):
        groups: dict[str, list[int]] = {}
        for name, ids in records.items():
            groups.setdefault(name or "", []).extend(ids)
    else:
        groups = {}
        for record in records:
            record_id, stratum = (record, "") if isinstance(record, int) else record
            groups.setdefault(stratum or "", []).append(record_id)
    # One set of all the ids at the end (a million records: no lookup per record).
    total = sum(len(ids) for ids in groups.values())
    if len(set(itertools.chain.from_iterable(groups.values()))) != total:
        seen: set[int] = set()
        for record_id in itertools.chain.from_iterable(groups.values()):
            if record_id in seen:
                raise ValueError(f"record {record_id} appears twice in the population")
            seen.add(record_id)
    return groups


def _ordered(seed: str, ids: list[int], count: int | None = None) -> list[int]:
    """``ids`` in draw order (the first ``count`` of them when given)."""
    # ``rank`` written out for many ids: the hash of the seed's prefix is computed once and
    # copied (the same values, several times faster over a million records).
    copy = hashlib.sha256(f"{seed}:".encode()).copy
    from_bytes = int.from_bytes

    def keyed():
        for record_id in ids:
            digest = copy()
            digest.update(str(record_id).encode())
            yield from_bytes(digest.digest()[:8], "big"), record_id

    first = heapq.nsmallest(count, keyed()) if count is not None else sorted(keyed())
    return [record_id for _rank, record_id in first]


def sample_for_checks(
    records: Records,
    seed: str,
    phone_rate: Decimal | str = Decimal("0.01"),
    visit_rate: Decimal | str = Decimal("0.005"),
) -> Sample:
    """Two disjoint lists of record ids: phone checks and home visits.

    ``records`` are ids, or ``(id, stratum)`` pairs to stratify (by province, outlet …): each
    stratum then gets at least its own share, rounded up, so the whole does too. Reproducible
    from ``seed``; the order ``records`` come in does not matter.
    """
    groups = _by_stratum(records)
    phone: list[int] = []
    visit: list[int] = []
    strata: list[Stratum] = []
    stratum_of: dict[int, str] = {}
    for name in sorted(groups):
        ids = groups[name]
        n_phone = quota(phone_rate, len(ids))
        n_visit = min(quota(visit_rate, len(ids)), len(ids) - n_phone)
        ordered = _ordered(seed, ids, n_phone + n_visit)
        phone.extend(ordered[:n_phone])
        visit.extend(ordered[n_phone:])
        stratum_of.update((record_id, name) for record_id in ordered)
        strata.append(Stratum(name, len(ids), n_phone, n_visit))
    return Sample(seed, sum(len(ids) for ids in groups.values()), phone, visit, strata, stratum_of)


def top_up(
    records: Records,
    seed: str,
    drawn: Iterable[int],
    count: int,
    stratum: str | None = None,
) -> list[int]:
    """The next ``count`` records in the draw's order that are not in ``drawn`` (within
    ``stratum`` when given): replacements for records that could not be checked."""
    taken = set(drawn)
    groups = _by_stratum(records)
    pool = (
        groups.get(stratum or "", [])
        if stratum is not None
        else [record_id for ids in groups.values() for record_id in ids]
    )
    fresh = [record_id for record_id in pool if record_id not in taken]
    return _ordered(seed, fresh, count)


def sample_share(records: Iterable[int], seed: str, rate: Decimal | str) -> list[int]:
    """One list of record ids: ``quota(rate, n)`` = ⌈rate · n⌉ of the ``n`` records, in rank
    order (the first is the one drawn first). For draws with one method, such as the pilots'
    third-party checks of 5 %–10 % of a period's trade-ins. Reproducible from ``seed``; the
    order ``records`` come in does not matter; an id given twice is refused."""
    ids = list(records)
    if len(set(ids)) != len(ids):
        raise ValueError("a record appears twice in the population")
    return _ordered(seed, ids, quota(rate, len(ids)))


# -- draws of a number or a share, spread over strata (daily supervision, 双随机) ----------------

STRATA_METHOD = (
    "排序值 = SHA-256(“种子:记录编号”) 的前 8 字节（大端整数）。按比例抽取时，每层取 "
    "⌈比例 × 层内记录数⌉ 条；按数量抽取时，总数按各层记录数占比分配到各层（最大余数法：各层先取"
    "份额的整数部分，余下的名额依次给小数部分最大的层，小数部分相同时按层名排序在前者优先），"
    "抽取数不少于记录总数时全部抽取。每层按排序值从小到大取其名额。"
)


def ordered(seed: str, ids: Iterable[int]) -> list[int]:
    """Every id of ``ids`` in draw order (smallest rank first): the full order a draw takes
    its records in, and its reserves after them. Reproducible from ``seed``; the order ``ids``
    come in does not matter; an id given twice is refused."""
    ids = list(ids)
    if len(set(ids)) != len(ids):
        raise ValueError("a record appears twice in the population")
    return _ordered(seed, ids)


def allocate(size: int, counts: dict[str, int]) -> dict[str, int]:
    """``size`` places shared among strata of ``counts`` (stratum → records) in proportion
    to their records, by largest remainder: each stratum gets the whole part of
    ``size × n / N``; the places left go one each to the largest fractional parts, ties by
    stratum name. ``size`` not below ``N``: every record of every stratum.

    Worked: 3 places over {A: 5, B: 3, C: 2} → shares 1.5, 0.9, 0.6 → whole parts 1, 0, 0,
    the two places left to B (.9) and C (.6) → {A: 1, B: 1, C: 1}.
    """
    if size < 0:
        raise ValueError("size must not be negative")
    if any(n < 0 for n in counts.values()):
        raise ValueError("a stratum cannot hold fewer than no records")
    total = sum(counts.values())
    if size >= total:
        return dict(counts)
    # Exact integer arithmetic: share = size·n / total = whole + remainder / total.
    shares = {name: divmod(size * n, total) for name, n in counts.items()}
    given = {name: whole for name, (whole, _rest) in shares.items()}
    left = size - sum(given.values())
    by_remainder = sorted(shares, key=lambda name: (-shares[name][1], name))
    for name in by_remainder[:left]:
        given[name] += 1
    return given


@dataclass(frozen=True)
class StratumDraw:
    name: str
    population: int
    drawn: int


@dataclass(frozen=True)
class StrataSample:
    """The outcome of ``sample_strata``: ids in draw order (strata by name, each in rank
    order), and how many each stratum held and gave."""

    seed: str
    population: int
    ids: list[int]
    strata: list[StratumDraw] = field(default_factory=list)
    #: id → stratum, for the drawn records.
    stratum_of: dict[int, str] = field(default_factory=dict)


def sample_strata(
    records: Records,
    seed: str,
    *,
    size: int | None = None,
    rate: Decimal | str | None = None,
) -> StrataSample:
    """One list of record ids drawn over strata: with ``rate`` each stratum gives
    ``quota(rate, n)`` (rounded up); with ``size`` the number is shared among the strata by
    ``allocate`` (largest remainder; everything when ``size`` is at least the population).
    Exactly one of the two. ``records`` are ids, or ``(id, stratum)`` pairs. Reproducible
    from ``seed``; the order ``records`` come in does not matter."""
    if (size is None) == (rate is None):
        raise ValueError("give exactly one of size and rate")
    groups = _by_stratum(records)
    names = sorted(groups)
    if size is not None:
        wanted = allocate(size, {name: len(groups[name]) for name in names})
    else:
        wanted = {name: quota(rate, len(groups[name])) for name in names}
    ids: list[int] = []
    strata: list[StratumDraw] = []
    stratum_of: dict[int, str] = {}
    for name in names:
        drawn = _ordered(seed, groups[name], wanted[name])
        ids.extend(drawn)
        stratum_of.update((record_id, name) for record_id in drawn)
        strata.append(StratumDraw(name, len(groups[name]), len(drawn)))
    return StrataSample(seed, sum(len(g) for g in groups.values()), ids, strata, stratum_of)
