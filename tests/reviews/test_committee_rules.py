"""The committee draw (seed 003 第五条): size, each ground for recusal with its reason, the
refusals, reproducibility from the seed, an even spread over seeds, the technical/economic mix;
the presentation order and times (第九条)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime

import pytest

from supervision.core.sampling import rank
from supervision.reviews.rules.committee import (
    CLOSE_RELATIVE,
    DEPARTMENT_STAFF,
    ECONOMIC_INTEREST,
    GROUND_INTEREST,
    GROUND_OTHER,
    GROUND_RELATIVE,
    GROUND_STAFF,
    GROUND_TITLE,
    OTHER,
    Applicant,
    DrawRefused,
    ExpertProfile,
    draw_committee,
    draw_date,
    exclusion_reasons,
    from_snapshot,
    next_reserve,
    normalise_name,
    presentation_order,
    presentation_schedule,
    short_name_problem,
    snapshot,
)

CONVENER = "国家发展改革委、财政部、工业和信息化部相关司局"
DEPARTMENTS = ("工业和信息化部节能与综合利用司", "国家发展改革委环资司")
APPLICANTS = [
    ("济南复兴动力再制造有限公司", "王建国"),
    ("湖南长丰变速箱再制造（集团）有限公司", "赵强"),
    Applicant("上海柏科再制造有限公司", "周洁"),
]


def expert(i, speciality="technical", level="senior", employer="", declarations=(), active=True):
    return ExpertProfile(
        id=i,
        name=f"专家{i}",
        title_level=level,
        speciality=speciality,
        employer=employer or f"大学{i}",
        declarations=tuple(declarations),
        active=active,
    )


def pool(n=14, **overrides):
    """``n`` experts: every third economic or financial, the rest technical."""
    specialities = ["technical", "technical", "economic", "technical", "financial"]
    experts = [expert(i, specialities[i % len(specialities)]) for i in range(1, n + 1)]
    for i, replacement in overrides.items():
        experts[int(i.lstrip("e")) - 1] = replacement
    return experts


def draw(experts, seed="seed-1", **kwargs):
    kwargs.setdefault("convener", CONVENER)
    kwargs.setdefault("departments", DEPARTMENTS)
    return draw_committee(experts, APPLICANTS, 5, seed, **kwargs)


# -- size and order -----------------------------------------------------------------------------


def test_five_members_and_the_rest_reserves_in_rank_order():
    result = draw(pool(14))
    assert len(result.members) == 5
    assert result.pool_count == result.eligible_count == 14
    assert len(result.reserves) == 9
    assert set(result.members) | set(result.reserves) == set(range(1, 15))
    assert result.order == [*result.members, *result.reserves]
    ranks = [rank("seed-1", i) for i in result.reserves]
    assert ranks == sorted(ranks)
    assert not result.excluded
    assert "SHA-256" in result.method and "前 5 位" in result.method


def test_a_committee_of_other_sizes():
    assert len(draw_committee(pool(14), APPLICANTS, 7, "s").members) == 7
    assert len(draw_committee(pool(14), APPLICANTS, 1, "s").members) == 1


def test_no_seed_gives_a_fresh_one_that_redoes_the_draw():
    first = draw_committee(pool(14), APPLICANTS)
    assert len(first.seed) == 32
    again = draw_committee(pool(14), APPLICANTS, seed=first.seed)
    assert again.order == first.order


# -- grounds for recusal ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "ground"),
    [
        (expert(1, level="middle"), GROUND_TITLE),
        # 近亲属 of an applicant's principal, of the applicant, of a body of the convener.
        (expert(1, declarations=[(CLOSE_RELATIVE, "济南复兴动力再制造有限公司")]), GROUND_RELATIVE),
        (expert(1, declarations=[(CLOSE_RELATIVE, "赵强")]), GROUND_RELATIVE),
        (expert(1, declarations=[(CLOSE_RELATIVE, "财政部")]), GROUND_RELATIVE),
        (expert(1, declarations=[(CLOSE_RELATIVE, CONVENER)]), GROUND_RELATIVE),
        # Staff of the departments: by employer, or declared.
        (expert(1, employer="工业和信息化部节能与综合利用司"), GROUND_STAFF),
        (expert(1, declarations=[(DEPARTMENT_STAFF, "商务部流通业发展司")]), GROUND_STAFF),
        # Economic interest: declared, or working for an applicant.
        (expert(1, declarations=[(ECONOMIC_INTEREST, "上海柏科再制造有限公司")]), GROUND_INTEREST),
        (expert(1, employer="济南复兴动力再制造有限公司"), GROUND_INTEREST),
        # Anything else declared about an applicant, the convener or a department.
        (expert(1, declarations=[(OTHER, "上海柏科再制造有限公司")]), GROUND_OTHER),
        (expert(1, declarations=[(OTHER, "国家发展改革委环资司")]), GROUND_OTHER),
        (expert(1, declarations=[(OTHER, "财政部")]), GROUND_OTHER),
    ],
)
def test_each_ground_excludes_with_its_reason(profile, ground):
    experts = pool(14, e1=profile)
    result = draw(experts)
    assert result.pool_count == 14
    assert result.eligible_count == 13
    assert 1 not in result.order
    [(expert_id, name, reasons)] = result.excluded
    assert (expert_id, name) == (1, "专家1")
    assert len(reasons) == 1 and reasons[0].startswith(ground)


def test_the_reason_names_what_matched():
    reasons = exclusion_reasons(
        expert(1, declarations=[(ECONOMIC_INTEREST, "上海柏科再制造有限公司")]),
        APPLICANTS,
        convener=CONVENER,
        departments=DEPARTMENTS,
    )
    assert reasons == (f"{GROUND_INTEREST}（申报：上海柏科再制造有限公司）",)
    reasons = exclusion_reasons(
        expert(1, employer="工业和信息化部节能与综合利用司"), APPLICANTS, departments=DEPARTMENTS
    )
    assert reasons == (f"{GROUND_STAFF}（工作单位：工业和信息化部节能与综合利用司）",)


def test_several_grounds_are_all_given_once():
    profile = expert(
        1,
        level="middle",
        employer="国家发展改革委环资司",
        declarations=[
            (ECONOMIC_INTEREST, "上海柏科再制造有限公司"),
            (ECONOMIC_INTEREST, "上海柏科再制造有限公司"),
        ],
    )
    reasons = exclusion_reasons(profile, APPLICANTS, departments=DEPARTMENTS)
    assert [r.split("（")[0].split("：")[0] for r in reasons] == [
        "职称不符",
        GROUND_STAFF,
        GROUND_INTEREST,
    ]


@pytest.mark.parametrize(
    "written",
    [
        "湖南长丰变速箱再制造(集团)有限公司",
        "湖南长丰变速箱再制造 （集团） 有限公司",
        " 湖南长丰变速箱再制造（集团）有限公司\u3000",
    ],
)
def test_names_match_across_brackets_and_spaces(written):
    assert normalise_name(written) == normalise_name("湖南长丰变速箱再制造（集团）有限公司")
    reasons = exclusion_reasons(expert(1, declarations=[(ECONOMIC_INTEREST, written)]), APPLICANTS)
    assert reasons and reasons[0].startswith(GROUND_INTEREST)


@pytest.mark.parametrize(
    "declaration",
    [
        (ECONOMIC_INTEREST, "北京某某再制造有限公司"),  # not an applicant of this review
        (CLOSE_RELATIVE, "北京某某再制造有限公司"),
        (OTHER, "中国人民大学"),
        (ECONOMIC_INTEREST, "财政部"),  # an interest in the convener is not this ground
    ],
)
def test_declarations_about_others_do_not_exclude(declaration):
    assert (
        exclusion_reasons(
            expert(1, declarations=[declaration]),
            APPLICANTS,
            convener=CONVENER,
            departments=DEPARTMENTS,
        )
        == ()
    )


def test_deputy_senior_is_qualified():
    assert exclusion_reasons(expert(1, level="deputy"), APPLICANTS) == ()


def test_inactive_experts_are_not_in_the_pool_at_all():
    experts = pool(12, e12=expert(12, active=False))
    with pytest.raises(DrawRefused) as refused:
        draw(experts)
    assert (refused.value.reason, refused.value.count) == ("pool", 11)
    result = draw([*pool(12), expert(99, active=False)])
    assert result.pool_count == 12
    assert 99 not in result.order and all(e.id != 99 for e in result.excluded)


# -- refusals -----------------------------------------------------------------------------------


def test_refused_with_eleven_in_the_pool():
    with pytest.raises(DrawRefused) as refused:
        draw(pool(11))
    assert refused.value.reason == "pool"
    assert (refused.value.count, refused.value.needed) == (11, 12)
    assert "11" in refused.value.message and "12" in refused.value.message


def test_twelve_in_the_pool_is_enough():
    assert draw(pool(12)).pool_count == 12


def test_refused_when_fewer_than_five_remain():
    conflicted = {
        f"e{i}": expert(i, declarations=[(ECONOMIC_INTEREST, "上海柏科再制造有限公司")])
        for i in range(1, 9)
    }
    with pytest.raises(DrawRefused) as refused:
        draw(pool(12, **conflicted))
    assert (refused.value.reason, refused.value.count, refused.value.needed) == (
        "eligible",
        4,
        5,
    )
    # One fewer conflict: exactly five remain, all on the committee, no reserves.
    del conflicted["e8"]
    result = draw(pool(12, **conflicted))
    assert result.eligible_count == 5 and len(result.members) == 5 and result.reserves == ()


def test_minimum_pool_is_a_parameter():
    assert draw(pool(8), minimum_pool=8).pool_count == 8
    with pytest.raises(DrawRefused):
        draw(pool(8), minimum_pool=9)


# -- reproducibility and spread -----------------------------------------------------------------


def test_same_seed_same_committee_whatever_the_pool_order():
    experts = pool(14, e4=expert(4, level="middle"))
    first = draw(experts, seed="2014-11-13 监督人报数 8371")
    shuffled = experts[:]
    random.Random(7).shuffle(shuffled)
    second = draw(shuffled, seed="2014-11-13 监督人报数 8371")
    assert first == second


def test_different_seeds_give_different_orders():
    orders = {tuple(draw(pool(14), seed=f"seed-{n}").order) for n in range(20)}
    assert len(orders) == 20
    committees = {frozenset(draw(pool(14), seed=f"seed-{n}").members) for n in range(20)}
    assert len(committees) > 10


def test_every_eligible_expert_is_drawn_about_equally_often():
    """One kind only (the mix rule does not apply): over 3 000 seeds each of 12 experts sits
    5/12 of the time, 1 250 draws expected; ±10 % is over five standard deviations."""
    experts = [expert(i) for i in range(1, 13)]
    counts = Counter()
    for n in range(3000):
        counts.update(draw_committee(experts, APPLICANTS, 5, f"spread-{n}").members)
    assert set(counts) == set(range(1, 13))
    for expert_id, times in counts.items():
        assert 1125 <= times <= 1375, (expert_id, times)


def test_every_place_in_the_order_is_evenly_spread():
    experts = [expert(i) for i in range(1, 13)]
    first = Counter(
        draw_committee(experts, APPLICANTS, 5, f"first-{n}").order[0] for n in range(2400)
    )
    assert all(140 <= first[i] <= 260 for i in range(1, 13)), first


# -- the technical / economic mix ---------------------------------------------------------------


def _seed_where(experts, predicate):
    for n in range(10_000):
        seed = f"mix-{n}"
        by_rank = sorted(experts, key=lambda e: rank(seed, e.id))
        if predicate(by_rank):
            return seed, by_rank
    raise AssertionError("no such seed")


def test_an_all_technical_top_five_gives_its_last_place_to_the_best_economist():
    experts = [expert(i) for i in range(1, 11)] + [
        expert(11, "economic"),
        expert(12, "financial"),
    ]
    seed, by_rank = _seed_where(experts, lambda r: all(e.speciality == "technical" for e in r[:5]))
    result = draw_committee(experts, APPLICANTS, 5, seed)
    best_economist = next(e for e in by_rank if e.speciality != "technical")
    assert list(result.members) == [e.id for e in by_rank[:4]] + [best_economist.id]
    assert result.swap == (by_rank[4].id, best_economist.id)
    assert result.reserves[0] == by_rank[4].id
    assert len(result.order) == 12 and len(set(result.order)) == 12


def test_an_all_economic_top_five_gets_a_technical_expert():
    experts = [expert(i, "economic") for i in range(1, 12)] + [expert(12, "technical")]
    seed, by_rank = _seed_where(
        experts, lambda r: r[0].id != 12 and 12 not in [e.id for e in r[:5]]
    )
    result = draw_committee(experts, APPLICANTS, 5, seed)
    assert 12 in result.members and result.members[-1] == 12
    assert result.swap == (by_rank[4].id, 12)


def test_no_swap_when_only_one_kind_is_eligible():
    experts = [expert(i) for i in range(1, 12)] + [
        expert(12, "financial", declarations=[(ECONOMIC_INTEREST, "上海柏科再制造有限公司")])
    ]
    for n in range(30):
        result = draw_committee(experts, APPLICANTS, 5, f"one-kind-{n}")
        assert result.swap is None
        assert 12 not in result.order


def test_a_mixed_top_five_is_kept():
    experts = pool(14)
    seed, by_rank = _seed_where(
        experts, lambda r: len({e.speciality == "technical" for e in r[:5]}) == 2
    )
    result = draw_committee(experts, APPLICANTS, 5, seed)
    assert result.swap is None
    assert list(result.members) == [e.id for e in by_rank[:5]]


# -- reserves -----------------------------------------------------------------------------------


def test_next_reserve_is_the_next_in_order_not_used():
    kinds = dict.fromkeys(range(1, 10), "technical") | {3: "economic", 7: "economic"}
    order = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert next_reserve(order, [1, 2, 3, 4], [5], kinds) == 6
    assert next_reserve(order, [1, 2, 3, 4, 6], [5], kinds) == 7
    assert next_reserve(order, [1, 2, 3, 4, 6], [5, 7], kinds) == 8
    # The only economist (3) leaves: the next economist (7) comes, not 6.
    assert next_reserve(order, [1, 2, 4, 5], [3], kinds) == 7
    assert next_reserve(order, [1, 2, 3, 4], set(range(5, 10)), kinds) is None


def test_a_snapshot_redoes_the_same_draw():
    experts = pool(14, e2=expert(2, declarations=[(OTHER, "财政部")]))
    stored = [snapshot(e, title="研究员") for e in experts]
    assert stored[1]["declarations"] == [["other", "财政部"]]
    assert draw([from_snapshot(row) for row in stored]) == draw(experts)


# -- dates and presentations --------------------------------------------------------------------


def test_the_draw_is_one_week_before_the_review():
    assert draw_date(date(2014, 11, 20)) == date(2014, 11, 13)
    assert draw_date(date(2015, 1, 3)) == date(2014, 12, 27)


def test_presentations_go_by_english_short_name_case_insensitive_ties_by_name():
    candidates = [
        {"name": "重庆顺驰", "short_name_en": "SHUNCHI"},
        {"name": "济南复兴", "short_name_en": "FUXING"},
        {"name": "上海柏科", "short_name_en": "baike"},
        {"name": "广州威达", "short_name_en": "Weida"},
        {"name": "湖南长丰B", "short_name_en": "CHANGFENG"},
        {"name": "湖南长丰A", "short_name_en": "changfeng"},
    ]
    order = [c["name"] for c in presentation_order(candidates)]
    assert order == ["上海柏科", "湖南长丰A", "湖南长丰B", "济南复兴", "重庆顺驰", "广州威达"]


def test_twenty_plus_ten_minutes_each_back_to_back():
    candidates = [
        {"name": "B", "short_name_en": "BETA"},
        {"name": "A", "short_name_en": "ALPHA"},
        {"name": "C", "short_name_en": "GAMMA"},
    ]
    slots = presentation_schedule(candidates, datetime(2014, 11, 20, 9, 0))
    assert [(s.position, s.candidate["name"]) for s in slots] == [(1, "A"), (2, "B"), (3, "C")]
    assert [s.starts_at.strftime("%H:%M") for s in slots] == ["09:00", "09:30", "10:00"]
    assert slots[0].questions_at.strftime("%H:%M") == "09:20"
    assert slots[-1].ends_at.strftime("%H:%M") == "10:30"
    longer = presentation_schedule(candidates, datetime(2014, 11, 20, 14, 0), 25, 15)
    assert longer[1].starts_at.strftime("%H:%M") == "14:40"


@pytest.mark.parametrize(
    ("name", "problem"),
    [("FUXING", None), ("NJ2", None), ("", "missing"), ("Fuxing", "format"), ("NJ-RE", "format")],
)
def test_short_names(name, problem):
    assert short_name_problem(name) == problem
