"""The draw itself: the inspector pairs (检查组) and the spread of the drawn enterprises over
them with recusal (回避) and top-up (补抽).

Enterprises are drawn by ``core.sampling.sample_strata`` with the draw's seed; inspectors by
``core.sampling.ordered`` with the derived seed "<seed>:inspectors" (so the two orders are
independent), paired two by two in draw order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ...core.sampling import StratumDraw, ordered, sample_strata
from .wording import method_text


def inspector_seed(seed: str) -> str:
    """The seed the inspectors are ranked with: derived, so their order does not follow the
    enterprises' (an inspector and an enterprise with the same id rank differently)."""
    return f"{seed}:inspectors"


# -- the inspectors -----------------------------------------------------------------------------


class DrawRefused(Exception):  # noqa: N818 -- the draw is refused, as the officer is told
    """The draw cannot be made as set up; ``message`` says why (Chinese, shown as is)."""

    def __init__(self, message: str, *, reason: str = "", count: int = 0, needed: int = 0):
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.count = count
        self.needed = needed


def draw_pairs(pool_ids: Iterable[int], seed: str, pair_count: int) -> list[tuple[int, int]]:
    """``pair_count`` pairs of inspectors (检查组), drawn from ``pool_ids``: the pool in draw
    order by ``inspector_seed(seed)``, the 1st and 2nd are pair 1, the 3rd and 4th pair 2 …
    Nobody is in two pairs. Refused when the pool holds fewer than two per pair."""
    if pair_count < 1:
        raise ValueError("at least one pair")
    order = ordered(inspector_seed(seed), pool_ids)
    if len(order) < 2 * pair_count:
        raise DrawRefused(
            f"执法人员名录仅 {len(order)} 人，不足 {pair_count} 个检查组所需的 "
            f"{2 * pair_count} 人（每组两人），不能抽取。",
            reason="pool",
            count=len(order),
            needed=2 * pair_count,
        )
    return [(order[i], order[i + 1]) for i in range(0, 2 * pair_count, 2)]


# -- spreading the enterprises over the pairs ---------------------------------------------------


@dataclass(frozen=True)
class Placement:
    position: int
    enterprise_id: int
    stratum: str
    pair_no: int
    inspector_a_id: int
    inspector_b_id: int


@dataclass(frozen=True)
class Recusal:
    """An enterprise moved away from the pair whose turn it was (``pair_no``) because of the
    relations its inspectors declared; ``to_pair`` None when no pair could take it (it was
    then left out and ``replaced_by`` drawn instead, if the stratum had one left)."""

    enterprise_id: int
    pair_no: int
    inspector_ids: tuple[int, ...]
    relations: tuple[str, ...]
    to_pair: int | None
    replaced_by: int | None = None


@dataclass(frozen=True)
class Allocation:
    placements: list[Placement]
    recusals: list[Recusal]
    #: Enterprises left out because every pair with room had to recuse (ids, in order).
    dropped: list[int] = field(default_factory=list)


Relation = tuple[int, int, str]


def _conflicts(relations: Iterable[Sequence]) -> dict[int, dict[int, list[str]]]:
    """enterprise id → inspector id → the relations he declared to it."""
    found: dict[int, dict[int, list[str]]] = {}
    for inspector_id, enterprise_id, relation in relations:
        found.setdefault(int(enterprise_id), {}).setdefault(int(inspector_id), []).append(
            str(relation)
        )
    return found


def assign(
    enterprises_in_draw_order: Sequence[int],
    pairs: Sequence[tuple[int, int]],
    relations: Iterable[Sequence] = (),
    *,
    stratum_of: Mapping[int, str] | None = None,
    reserves: Mapping[str, Sequence[int]] | None = None,
) -> Allocation:
    """Spread the enterprises over the pairs, in draw order, as evenly as they go.

    Each enterprise goes to the pair whose turn it is: the pair with the fewest enterprises
    so far that still has room (ties: the lower pair number), so without relations it is
    plain round robin 1, 2, …, n, 1, 2 … Every pair gets ⌊k/n⌋ or ⌈k/n⌉ of the k
    enterprises. If an inspector of that pair declared a relation (``relations``: inspector
    id, enterprise id, relation) to the enterprise, it goes to the next pair in the same
    order that has room and no such relation, and the move is recorded (回避). If no pair
    with room can take it, it is left out and the next enterprise of its stratum in draw
    order (``reserves``: stratum → its ids in draw order) is drawn in its place (补抽).
    """
    if not pairs:
        raise ValueError("at least one pair")
    stratum_of = stratum_of or {}
    reserves = reserves or {}
    conflicts = _conflicts(relations)
    size = len(enterprises_in_draw_order)
    base, extra = divmod(size, len(pairs))
    counts = [0] * len(pairs)
    taken = set(enterprises_in_draw_order)
    next_reserve = dict.fromkeys(reserves, 0)
    queue = deque(enterprises_in_draw_order)
    placements: list[Placement] = []
    recusals: list[Recusal] = []
    dropped: list[int] = []

    def has_room(i: int) -> bool:
        full = sum(1 for c in counts if c > base)
        return counts[i] < base or (counts[i] == base and full < extra)

    def declared(enterprise_id: int, pair: tuple[int, int]) -> list[tuple[int, str]]:
        mine = conflicts.get(enterprise_id, {})
        return [(i, r) for i in pair for r in mine.get(i, [])]

    def top_up(stratum: str) -> int | None:
        order = reserves.get(stratum, ())
        while next_reserve.get(stratum, 0) < len(order):
            candidate = order[next_reserve[stratum]]
            next_reserve[stratum] += 1
            if candidate not in taken:
                taken.add(candidate)
                return candidate
        return None

    while queue:
        enterprise_id = queue.popleft()
        stratum = stratum_of.get(enterprise_id, "")
        turn = sorted((i for i in range(len(pairs)) if has_room(i)), key=lambda i: (counts[i], i))
        if not turn:  # more enterprises than places: cannot happen, the places count them
            raise AssertionError("no pair has room")
        chosen = next((i for i in turn if not declared(enterprise_id, pairs[i])), None)
        first = turn[0]
        blocking = declared(enterprise_id, pairs[first])
        if chosen is None:
            blocking = [hit for i in turn for hit in declared(enterprise_id, pairs[i])]
            replacement = top_up(stratum)
            dropped.append(enterprise_id)
            recusals.append(_recusal(enterprise_id, first, blocking, None, replacement))
            if replacement is not None:
                stratum_of = {**stratum_of, replacement: stratum}
                queue.appendleft(replacement)
            continue
        if chosen != first:
            recusals.append(_recusal(enterprise_id, first, blocking, chosen + 1, None))
        counts[chosen] += 1
        a, b = pairs[chosen]
        placements.append(Placement(len(placements) + 1, enterprise_id, stratum, chosen + 1, a, b))
    return Allocation(placements, recusals, dropped)


def _recusal(
    enterprise_id: int,
    first: int,
    blocking: list[tuple[int, str]],
    to_pair: int | None,
    replaced_by: int | None,
) -> Recusal:
    return Recusal(
        enterprise_id=enterprise_id,
        pair_no=first + 1,
        inspector_ids=tuple(dict.fromkeys(i for i, _r in blocking)),
        relations=tuple(dict.fromkeys(r for _i, r in blocking)),
        to_pair=to_pair,
        replaced_by=replaced_by,
    )


# -- the whole draw -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawResult:
    seed: str
    population: int
    strata: list[StratumDraw]
    pairs: list[tuple[int, int]]
    placements: list[Placement]
    recusals: list[Recusal]
    dropped: list[int]
    method: str


def draw(
    population: Iterable[tuple[int, str]],
    seed: str,
    *,
    size: int | None = None,
    rate: Decimal | str | None = None,
    pool_ids: Iterable[int],
    pair_count: int,
    relations: Iterable[Sequence] = (),
    stratified: str = "",
    inspected_months: int | None = None,
    exclude_special: bool = False,
) -> DrawResult:
    """The draw from the eligible ``population`` ((id, stratum) pairs): the enterprises by
    ``sampling.sample_strata``, the pairs by ``draw_pairs``, then ``assign`` with recusal
    and top-ups from each stratum's next enterprises. ``stratified``, ``inspected_months``
    and ``exclude_special`` only word the method."""
    records = [(int(i), str(s or "")) for i, s in population]
    if not records:
        raise DrawRefused("没有可抽取的企业（名录为空或均已排除），不能抽取。", reason="empty")
    pairs = draw_pairs(pool_ids, seed, pair_count)
    sample = sample_strata(records, seed, size=size, rate=rate)
    by_stratum: dict[str, list[int]] = {}
    for record_id, stratum in records:
        by_stratum.setdefault(stratum, []).append(record_id)
    drawn = set(sample.ids)
    reserves = {
        name: [i for i in ordered(seed, ids) if i not in drawn] for name, ids in by_stratum.items()
    }
    allocation = assign(
        sample.ids, pairs, relations, stratum_of=sample.stratum_of, reserves=reserves
    )
    return DrawResult(
        seed=seed,
        population=sample.population,
        strata=sample.strata,
        pairs=pairs,
        placements=allocation.placements,
        recusals=allocation.recusals,
        dropped=allocation.dropped,
        method=method_text(
            size=size,
            rate=rate,
            pair_count=pair_count,
            stratified=stratified,
            inspected_months=inspected_months,
            exclude_special=exclude_special,
        ),
    )
