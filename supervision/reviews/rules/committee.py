"""The committee of an expert review (seed 003 第五条, 第九条): who may sit, who must recuse and
why, the random draw reproducible from its seed, and the order and times of the presentations.

Recusal is decided from what the experts declared (关系和利益申报) and their employers, against
the review's convener (征集人), its competent and supervising departments and its applicants.
Organisation names are compared after Unicode NFKC normalisation (full-width brackets, letters
and digits become half-width), without white space and case-insensitively, so “某某（集团）公司”
and "某某(集团) 公司" are one name.

The draw ranks the eligible experts by ``core.sampling.rank(seed, expert id)`` (SHA-256 of
"seed:id"), so anyone holding the seed and the pool can redo it. The seed asks for 技术、经济
（含财务）专家: when both kinds are eligible and the first ``size`` in rank order lack one kind,
the last-ranked of them gives his place to the best-ranked expert of the missing kind (and
becomes the first reserve). Everything else is the plain rank order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from ...core.sampling import new_seed, rank

# -- the values the models store (StrEnum members compare equal to these) -----------------------

SENIOR = "senior"  # 正高级
DEPUTY_SENIOR = "deputy"  # 副高级
#: 具有副高以上职称.
QUALIFIED_TITLES = frozenset({SENIOR, DEPUTY_SENIOR})

TECHNICAL = "technical"
ECONOMIC = "economic"
FINANCIAL = "financial"

CLOSE_RELATIVE = "relative"
DEPARTMENT_STAFF = "staff"
ECONOMIC_INTEREST = "interest"
OTHER = "other"

#: The grounds, in the seed's words (stored with the draw, so they stay as drawn).
GROUND_TITLE = "职称不符：不具有副高以上职称"
GROUND_RELATIVE = "征集人或申请单位的主要负责人的近亲属"
GROUND_STAFF = "项目主管部门或者行政监督部门的人员"
GROUND_INTEREST = "与申请单位有经济利益关系，可能影响公正评审"
GROUND_OTHER = "其他可能影响评审工作客观公正的情形"

#: The committee is formed one week before the detailed review (在正式评审的一周前组成).
DRAW_LEAD_DAYS = 7
#: Minutes per applicant: presentation, then questions and answers (第九条（三）).
PRESENT_MINUTES = 20
QUESTION_MINUTES = 10
#: 陈述参加人：每家申请单位不超过 3 人.
MAX_PRESENTERS = 3
#: 英文简称: upper-case letters and digits.
SHORT_NAME = re.compile(r"^[A-Z0-9]{1,40}$")


# -- inputs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpertProfile:
    """What the draw needs to know of one expert of the pool."""

    id: int
    name: str
    title_level: str
    speciality: str
    employer: str = ""
    #: (kind, party) pairs: kind one of CLOSE_RELATIVE … OTHER, party an organisation's name.
    declarations: tuple[tuple[str, str], ...] = ()
    active: bool = True


@dataclass(frozen=True)
class Applicant:
    name: str
    #: 主要负责人 (法定代表人).
    principal: str = ""


class DrawRefused(Exception):  # noqa: N818 -- the seed's word: the draw is refused
    """The draw cannot be made: ``reason`` is "pool" (the list is too short) or "eligible"
    (too few left after the exclusions); ``count`` what there is, ``needed`` the least."""

    def __init__(self, message: str, *, reason: str = "", count: int = 0, needed: int = 0):
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.count = count
        self.needed = needed


class Exclusion(NamedTuple):
    id: int
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class CommitteeDrawResult:
    seed: str
    #: Active experts on the list, and those left after the exclusions.
    pool_count: int
    eligible_count: int
    #: Expert ids: the committee in rank order, then the reserves in rank order.
    members: tuple[int, ...]
    reserves: tuple[int, ...]
    excluded: tuple[Exclusion, ...]
    method: str
    #: (member left out, expert of the missing kind brought in) when the mix rule applied.
    swap: tuple[int, int] | None = None

    @property
    def order(self) -> list[int]:
        return [*self.members, *self.reserves]


# -- names --------------------------------------------------------------------------------------


def normalise_name(text: str | None) -> str:
    """An organisation's name for comparison: NFKC (full-width brackets and letters become
    half-width), no white space at all, case-folded."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(folded.split()).casefold()


_LIST_SEPARATORS = re.compile(r"[、，,；;/\n]")


def convener_names(convener: str) -> set[str]:
    """The convener as written and each body it lists (“国家发展改革委、财政部…” names several)."""
    names = {normalise_name(convener)}
    names.update(normalise_name(part) for part in _LIST_SEPARATORS.split(convener or ""))
    names.discard("")
    return names


def _applicants(applicants: Iterable[Applicant | tuple[str, str] | str]) -> list[Applicant]:
    found = []
    for item in applicants:
        if isinstance(item, Applicant):
            found.append(item)
        elif isinstance(item, str):
            found.append(Applicant(item))
        else:
            name, principal = (tuple(item) + ("",))[:2]
            found.append(Applicant(name or "", principal or ""))
    return found


# -- recusal ------------------------------------------------------------------------------------


def _with(ground: str, detail: str) -> str:
    return f"{ground}（{detail}）" if detail else ground


def exclusion_reasons(
    profile: ExpertProfile,
    applicants: Iterable[Applicant | tuple[str, str] | str],
    *,
    convener: str = "",
    departments: Iterable[str] = (),
) -> tuple[str, ...]:
    """Why ``profile`` may not sit on this review (empty: he may), in the seed's words.

    - 职称不符: below 副高 (``title_level`` neither senior nor deputy senior);
    - 近亲属: a close-relative declaration naming the convener (or a body it lists), an
      applicant or an applicant's principal;
    - 主管/监督部门人员: employed by one of the ``departments``, or any declaration that he is
      such staff (the kind itself is the ground, whatever body he names);
    - 经济利益: an economic-interest declaration naming an applicant, or employed by one;
    - 其他: an "other" declaration naming an applicant, the convener or a department.

    Declarations naming nobody of this review do not exclude (the pool serves many reviews).
    """
    people = _applicants(applicants)
    applicant_names = {normalise_name(a.name) for a in people} - {""}
    principals = {normalise_name(a.principal) for a in people} - {""}
    bodies = convener_names(convener)
    department_names = {normalise_name(d) for d in departments} - {""}
    employer = normalise_name(profile.employer)

    reasons: list[str] = []
    if profile.title_level not in QUALIFIED_TITLES:
        reasons.append(GROUND_TITLE)
    if employer and employer in department_names:
        reasons.append(_with(GROUND_STAFF, f"工作单位：{profile.employer.strip()}"))
    if employer and employer in applicant_names:
        reasons.append(_with(GROUND_INTEREST, f"工作单位：{profile.employer.strip()}"))
    for kind, party in profile.declarations:
        name = normalise_name(party)
        shown = f"申报：{(party or '').strip()}"
        if kind == CLOSE_RELATIVE and name and name in applicant_names | principals | bodies:
            reasons.append(_with(GROUND_RELATIVE, shown))
        elif kind == DEPARTMENT_STAFF:
            reasons.append(_with(GROUND_STAFF, shown))
        elif kind == ECONOMIC_INTEREST and name and name in applicant_names:
            reasons.append(_with(GROUND_INTEREST, shown))
        elif kind == OTHER and name and name in applicant_names | bodies | department_names:
            reasons.append(_with(GROUND_OTHER, shown))
    return tuple(dict.fromkeys(reasons))  # each reason once, in the order found


# -- the draw -----------------------------------------------------------------------------------


def group_of(speciality: str) -> str:
    """技术 or 经济（含财务）."""
    return TECHNICAL if speciality == TECHNICAL else ECONOMIC


def method_text(size: int, minimum_pool: int) -> str:
    """How the draw is made, in words anyone can follow to redo it."""
    return (
        f"专家名单中在库专家不少于 {minimum_pool} 人方可抽取。先逐一排除：不具有副高以上职称的；"
        "征集人或申请单位的主要负责人的近亲属；项目主管部门或者行政监督部门的人员（工作单位为这些"
        "部门，或申报为其人员）；与申请单位有经济利益关系的（申报，或工作单位即申请单位）；申报的"
        "其他可能影响评审工作客观公正的情形涉及申请单位、征集人或上述部门的（单位名称比对时不计空格、"
        "全角半角和大小写）。其余专家按排序值 = SHA-256(“种子:专家编号”) 的前 8 字节（大端整数）从小"
        f"到大排列，前 {size} 位为评审委员会成员，其后依次为候补。技术专家与经济（含财务）专家都有时，"
        f"若前 {size} 位缺少其中一类，由该类排序最前的专家替换前 {size} 位中排序最后的一位，被替换者"
        "为第一候补。"
    )


def _ranked(profiles: Iterable[ExpertProfile], seed: str) -> list[ExpertProfile]:
    return sorted(profiles, key=lambda p: (rank(seed, p.id), p.id))


def _mixed(ranked: list[ExpertProfile], size: int):
    """The committee from the rank order, with the technical/economic mix (see the module)."""
    members = ranked[:size]
    groups = {group_of(p.speciality) for p in ranked}
    if size < 2 or len(groups) < 2:
        return members, None
    present = {group_of(p.speciality) for p in members}
    if len(present) == 2:
        return members, None
    missing = (groups - present).pop()
    best = next(p for p in ranked if group_of(p.speciality) == missing)
    return [*members[:-1], best], (members[-1].id, best.id)


def draw_committee(
    pool: Sequence[ExpertProfile],
    applicants: Iterable[Applicant | tuple[str, str] | str],
    size: int = 5,
    seed: str | None = None,
    *,
    convener: str = "",
    departments: Iterable[str] = (),
    minimum_pool: int = 12,
) -> CommitteeDrawResult:
    """Draw a committee of ``size`` from the active experts of ``pool`` (a fresh seed when none
    is given; the result carries it). Raises ``DrawRefused`` when the pool holds fewer than
    ``minimum_pool`` active experts, or fewer than ``size`` remain after the exclusions."""
    if size < 1:
        raise ValueError("a committee has at least one member")
    seed = seed or new_seed()
    active = [p for p in pool if p.active]
    ids = [p.id for p in active]
    if len(set(ids)) != len(ids):
        raise ValueError("an expert appears twice in the pool")
    if len(active) < minimum_pool:
        raise DrawRefused(
            f"专家名单在库专家仅 {len(active)} 人，少于 {minimum_pool} 人，不能抽取。",
            reason="pool",
            count=len(active),
            needed=minimum_pool,
        )
    people = _applicants(applicants)
    department_list = list(departments)
    excluded: list[Exclusion] = []
    eligible: list[ExpertProfile] = []
    for profile in sorted(active, key=lambda p: p.id):
        reasons = exclusion_reasons(profile, people, convener=convener, departments=department_list)
        if reasons:
            excluded.append(Exclusion(profile.id, profile.name, reasons))
        else:
            eligible.append(profile)
    if len(eligible) < size:
        raise DrawRefused(
            f"排除回避和职称不符的专家后仅余 {len(eligible)} 人，不足 {size} 人，不能抽取。",
            reason="eligible",
            count=len(eligible),
            needed=size,
        )
    ranked = _ranked(eligible, seed)
    members, swap = _mixed(ranked, size)
    chosen = {p.id for p in members}
    return CommitteeDrawResult(
        seed=seed,
        pool_count=len(active),
        eligible_count=len(eligible),
        members=tuple(p.id for p in members),
        reserves=tuple(p.id for p in ranked if p.id not in chosen),
        excluded=tuple(excluded),
        method=method_text(size, minimum_pool),
        swap=swap,
    )


def next_reserve(
    order: Sequence[int],
    sitting: Iterable[int],
    used: Iterable[int],
    speciality_of: Mapping[int, str],
) -> int | None:
    """The reserve to call when a member leaves: the first of ``order`` neither ``sitting`` nor
    ``used`` (once called or replaced). If the members left lack technical or economic experts
    and a reserve of that kind remains, the first such reserve instead (the mix holds)."""
    sitting = list(sitting)
    taken = set(sitting) | set(used)
    free = [i for i in order if i not in taken]
    if not free:
        return None
    have = {group_of(speciality_of.get(i, "")) for i in sitting}
    for kind in (TECHNICAL, ECONOMIC):
        if kind not in have:
            match = next((i for i in free if group_of(speciality_of.get(i, "")) == kind), None)
            if match is not None:
                return match
    return free[0]


# -- snapshots (what a draw stores, so it can be redone) ----------------------------------------


def snapshot(profile: ExpertProfile, **extra: Any) -> dict:
    """``profile`` as stored with a draw (JSON); ``extra`` adds shown-only facts (title …)."""
    return {
        "id": profile.id,
        "name": profile.name,
        "title_level": str(profile.title_level),
        "speciality": str(profile.speciality),
        "employer": profile.employer,
        "declarations": [[str(kind), party] for kind, party in profile.declarations],
        **extra,
    }


def from_snapshot(row: Mapping[str, Any]) -> ExpertProfile:
    return ExpertProfile(
        id=int(row["id"]),
        name=row.get("name", ""),
        title_level=row.get("title_level", ""),
        speciality=row.get("speciality", ""),
        employer=row.get("employer", ""),
        declarations=tuple((kind, party) for kind, party in row.get("declarations", [])),
        active=row.get("active", True),
    )


# -- dates and the presentations ----------------------------------------------------------------


def draw_date(meets_on: date) -> date:
    """The day the committee is drawn: one week (7 calendar days) before the detailed review."""
    return meets_on - timedelta(days=DRAW_LEAD_DAYS)


def short_name_problem(short_name: str) -> str | None:
    """Why an English short name cannot be used ("missing", "format"), or None."""
    if not short_name:
        return "missing"
    return None if SHORT_NAME.match(short_name) else "format"


def _attr(candidate, name: str) -> str:
    if isinstance(candidate, Mapping):
        return candidate.get(name) or ""
    return getattr(candidate, name, "") or ""


def presentation_order(candidates: Iterable) -> list:
    """Applicants in the order they present: by English short name (case-insensitive), ties
    by name (各申请单位代表按本单位简称英文排序的顺序进行陈述)."""
    return sorted(
        candidates,
        key=lambda c: (_attr(c, "short_name_en").casefold(), _attr(c, "name")),
    )


@dataclass(frozen=True)
class Slot:
    position: int
    candidate: Any
    starts_at: datetime
    questions_at: datetime
    ends_at: datetime


def presentation_schedule(
    candidates: Iterable,
    starts_at: datetime,
    present: int = PRESENT_MINUTES,
    questions: int = QUESTION_MINUTES,
) -> list[Slot]:
    """Back-to-back slots in presentation order: ``present`` minutes of presentation, then
    ``questions`` minutes of questions, from ``starts_at``."""
    slots = []
    at = starts_at
    for position, candidate in enumerate(presentation_order(candidates), start=1):
        questions_at = at + timedelta(minutes=present)
        ends_at = questions_at + timedelta(minutes=questions)
        slots.append(Slot(position, candidate, at, questions_at, ends_at))
        at = ends_at
    return slots
