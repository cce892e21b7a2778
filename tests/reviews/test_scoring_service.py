"""Scoring by the committee: each member's own sheets, drafts and submission (fixed after),
blind until every sheet is in, withdrawals, the end of scoring, and the ranking within the
funds with worked figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from reviews_support import reviewed  # noqa: F401
from scoring_support import NOW, TIED, TODAY, member_logins, points_for, score, score_everything

from supervision.core.errors import DomainError
from supervision.core.models import Role
from supervision.extensions import db
from supervision.reviews import scoring
from supervision.reviews.models import Expert, ReviewStatus, Speciality, TitleLevel


@pytest.fixture
def users(reviewed, make_user):  # noqa: F811
    return member_logins(reviewed, make_user)


def test_a_draft_may_be_partial_and_a_submitted_sheet_is_complete_and_fixed(reviewed, users):  # noqa: F811
    expert = users[0]
    candidate = reviewed.candidates[0]
    sheet = scoring.save_sheet(
        reviewed.review,
        candidate,
        points={"overview": "12.5", "scale": ""},
        comment="方案较完整",
        actor=expert,
        now=NOW,
        today=TODAY,
    )
    assert sheet.points == {"overview": "12.5"}
    assert sheet.total is None and sheet.submitted_at is None
    assert sheet.member_id == reviewed.members[0].id  # by name: his own place on the committee

    with pytest.raises(scoring.SheetRefused) as refused:
        scoring.save_sheet(
            reviewed.review,
            candidate,
            points={"overview": "12.5", "scale": "26", "risk": "7.25"},
            comment="",
            actor=expert,
            now=NOW,
            today=TODAY,
            submit=True,
        )
    assert set(refused.value.problems) == {"scale", "risk", "plan"}
    assert refused.value.problems["scale"] == "得分不能超过该项分值 25 分。"
    assert refused.value.problems["risk"] == "得分最多保留一位小数。"
    assert refused.value.problems["plan"] == "请填写该项得分。"
    db.session.rollback()

    sheet = scoring.save_sheet(
        reviewed.review,
        candidate,
        points={"overview": "12.5", "scale": "20.5", "risk": "17", "plan": "25.3"},
        comment="",
        actor=expert,
        now=NOW,
        today=TODAY,
        submit=True,
    )
    assert sheet.total == D("75.3") and sheet.submitted_at == NOW
    with pytest.raises(DomainError, match="已提交，不能修改"):
        scoring.save_sheet(
            reviewed.review,
            candidate,
            points=points_for("90.0"),
            comment="",
            actor=expert,
            now=NOW,
            today=TODAY,
            submit=True,
        )


def test_only_sitting_members_score(reviewed, users, make_user):  # noqa: F811
    outsider = make_user("expert-outside", Role.EXPERT, "ministry")
    reviewed.experts[5].user_id = outsider.id  # in the pool, not on the committee
    db.session.commit()
    with pytest.raises(DomainError, match="只有本评审委员会的委员"):
        score(reviewed, outsider, 0, "80.0")
    # A member replaced by a reserve no longer scores.
    reviewed.members[1].active = False
    db.session.commit()
    with pytest.raises(DomainError, match="只有本评审委员会的委员"):
        score(reviewed, users[1], 0, "80.0")
    assert scoring.member_of(reviewed.review, reviewed.world.ministry_officer) is None


def test_scoring_opens_on_the_meeting_day_and_closes_with_the_review(reviewed, users):  # noqa: F811
    review = reviewed.review
    review.status = ReviewStatus.COMMITTEE
    db.session.commit()
    with pytest.raises(DomainError, match="详细评审尚未开始"):
        scoring.save_sheet(
            review,
            reviewed.candidates[0],
            points={},
            comment="",
            actor=users[0],
            now=NOW,
            today=date(2014, 11, 19),
        )
    score(reviewed, users[0], 0, "80.0", submit=False)  # on 2014-11-20, the meeting day
    assert review.status == ReviewStatus.SCORING
    review.status = ReviewStatus.SCORED
    with pytest.raises(DomainError, match="不在详细评审阶段"):
        score(reviewed, users[0], 1, "80.0")


def test_blind_until_every_sheet_is_in(reviewed, users):  # noqa: F811
    review = reviewed.review
    score_everything(reviewed, users, skip={(4, 5)})
    assert not scoring.all_in(review)
    assert not scoring.sees_points(review)
    progress = scoring.progress(review)
    assert (progress.submitted, progress.expected) == (29, 30)
    assert progress.member_submitted(reviewed.members[4]) == 5
    assert (reviewed.members[4].id, reviewed.candidates[5].id) not in progress.states
    score(reviewed, users[4], 5, "70.2")
    assert scoring.all_in(review) and scoring.sees_points(review)
    # A review that is not blind shows the points as they come.
    review.blind_scoring = False
    assert scoring.sees_points(review)


def test_a_draft_is_not_in(reviewed, users):  # noqa: F811
    score_everything(reviewed, users, skip={(2, 0)})
    score(reviewed, users[2], 0, "84.7", submit=False)
    assert not scoring.all_in(reviewed.review)
    assert (
        scoring.progress(reviewed.review).states[
            (reviewed.members[2].id, reviewed.candidates[0].id)
        ]
        == "draft"
    )


def test_the_ranking_within_the_funds(reviewed, users):  # noqa: F811
    score_everything(reviewed, users)
    ranked = scoring.ranking(reviewed.review)
    names = [r.candidate.short_name_en for r in ranked]
    assert names == ["NJREMAN", "FUXING", "WEIDA", "CHANGFENG", "BAIKE", "SHUNCHI"]
    assert [r.final for r in ranked] == [
        D("88.00"),
        D("85.40"),
        D("85.30"),
        D("80.00"),
        D("75.00"),
        D("70.18"),
    ]
    assert [r.rank for r in ranked] == [1, 2, 3, 4, 5, 6]
    assert [r.within_cap for r in ranked] == [True, True, False, False, False, False]
    assert [r.cumulative_wan for r in ranked[:2]] == [D("600"), D("1400")]
    fuxing = ranked[1]
    assert fuxing.totals == {
        m.id: D(t)
        for m, t in zip(reviewed.members, ["85.3", "86.1", "84.7", "85.0", "85.9"], strict=True)
    }
    assert fuxing.mean == D("85.40") and fuxing.price is None


def test_a_tie_across_the_funds_is_flagged(reviewed, users):  # noqa: F811
    score_everything(reviewed, users, TIED)
    ranked = scoring.ranking(reviewed.review)
    places = [(r.candidate.short_name_en, r.rank, r.within_cap, r.tie_at_cap) for r in ranked]
    assert places[:4] == [
        ("NJREMAN", 1, True, False),
        ("FUXING", 2, False, True),
        ("WEIDA", 2, False, True),
        ("CHANGFENG", 4, False, False),
    ]


def test_price_scores_join_the_final_score(reviewed, users):  # noqa: F811
    quotes = ["38000", "40000", "45000", "38000", "52000", None]
    for candidate, quote in zip(reviewed.candidates, quotes, strict=True):
        candidate.price_quote = D(quote) if quote else None
    score_everything(reviewed, users)
    ranked = {r.candidate.short_name_en: r for r in scoring.ranking(reviewed.review)}
    assert ranked["NJREMAN"].price == D("9.50")  # 10 × 38000 / 40000
    assert ranked["NJREMAN"].final == D("97.50")
    assert ranked["FUXING"].price == D("10.00")
    assert ranked["FUXING"].final == D("95.40")
    assert ranked["CHANGFENG"].price == D("8.44")  # 10 × 38000 / 45000 = 8.444…
    assert ranked["BAIKE"].price == D("7.31")  # 10 × 38000 / 52000 = 7.3076…
    assert ranked["SHUNCHI"].price is None and ranked["SHUNCHI"].final == D("70.18")


def test_a_withdrawn_candidate_is_not_scored(reviewed, users):  # noqa: F811
    weida = reviewed.candidates[3]
    scoring.mark_withdrew(weida, withdrew=True, actor=reviewed.world.ministry_officer)
    assert weida not in scoring.scored_candidates(reviewed.review)
    with pytest.raises(DomainError, match="弃权"):
        score(reviewed, users[0], 3, "80.0")
    score_everything(reviewed, users)
    assert scoring.all_in(reviewed.review)  # 25 sheets: the withdrawn one is not owed
    assert [r.candidate for r in scoring.ranking(reviewed.review)].count(weida) == 0
    # Once a candidate has a sheet, its attendance is settled.
    with pytest.raises(DomainError, match="不能再更改弃权"):
        scoring.mark_withdrew(
            reviewed.candidates[0], withdrew=True, actor=reviewed.world.ministry_officer
        )


def test_a_replaced_members_sheets_do_not_count(reviewed, users, make_user):  # noqa: F811
    score_everything(reviewed, users)
    old = reviewed.members[4]
    old.active = False
    reserve = Expert(
        name="预备专家",
        title="研究员",
        title_level=TitleLevel.SENIOR,
        speciality=Speciality.ECONOMIC,
        employer="中国社会科学院",
    )
    db.session.add(reserve)
    db.session.flush()
    from supervision.reviews.models import CommitteeMember

    new = CommitteeMember(
        review_id=reviewed.review.id, expert_id=reserve.id, draw_id=reviewed.draw.id, position=6
    )
    db.session.add(new)
    login = make_user("expert-reserve", Role.EXPERT, "ministry")
    reserve.user_id = login.id
    db.session.commit()
    db.session.refresh(reviewed.review)
    assert not scoring.all_in(reviewed.review)
    for c in range(6):
        score(reviewed, login, c, "60.0")
    assert scoring.all_in(reviewed.review)
    fuxing = next(
        r for r in scoring.ranking(reviewed.review) if r.candidate.short_name_en == "FUXING"
    )
    assert old.id not in fuxing.totals
    # 85.3 + 86.1 + 84.7 + 85.0 + 60.0 = 401.1 → 80.22
    assert fuxing.final == D("80.22")


def test_close_scoring_needs_every_sheet(reviewed, users):  # noqa: F811
    officer = reviewed.world.ministry_officer
    score_everything(reviewed, users, skip={(0, 0)})
    with pytest.raises(DomainError, match="未提交"):
        scoring.close_scoring(reviewed.review, actor=officer, today=date(2014, 11, 20))
    score(reviewed, users[0], 0, "85.3")
    scoring.close_scoring(reviewed.review, actor=officer, today=date(2014, 11, 20))
    assert reviewed.review.status == ReviewStatus.SCORED
    assert reviewed.review.scored_on == date(2014, 11, 20)
    with pytest.raises(DomainError, match="不在详细评审阶段"):
        score(reviewed, users[0], 1, "80.0")
