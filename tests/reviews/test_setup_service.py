"""Setting up a review (services): its facts, the scoring items as "名称|满分" lines with one
price item, the candidates with unique upper-case English short names and at most three
presenters; what may no longer change once the committee is drawn or sheets are in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from reviews_support import reviewed  # noqa: F401

from conftest import NOW
from supervision.core.errors import DomainError
from supervision.extensions import db
from supervision.reviews import setup
from supervision.reviews.models import ReviewStatus, ScoreSheet

ITEMS = (
    "公司综合概况|15\n管理规模与收益|25\n风险防控体系与制度|20\n本项目投资服务方案|30\n价格|10|价格"
)


def _data(**changes) -> setup.ReviewData:
    values = {
        "title": "2015 年再制造试点评审",
        "convener": "国家发展改革委、财政部相关司局",
        "organiser": "中国机电产品进出口商会",
        "meets_on": date(2015, 6, 18),
        "departments": ["国家发展改革委环资司", "工业和信息化部节能与综合利用司"],
        "scoring_items_text": ITEMS,
        "funding_cap_wan": Decimal("3000"),
        "max_selected": 5,
    }
    return setup.ReviewData(**(values | changes))


def _candidate(**changes) -> setup.CandidateData:
    values = {
        "name": "济南复兴动力再制造有限公司",
        "short_name_en": "fuxing",
        "principal": "王建国",
        "requested_wan": Decimal("800"),
        "presenters": ["王建国", "项目负责人"],
    }
    return setup.CandidateData(**(values | changes))


def test_a_review_with_its_scoring_items(world):
    review = setup.create_review(_data(), actor=world.ministry_officer, now=NOW)
    db.session.commit()
    assert review.status == ReviewStatus.PREPARING
    assert (review.committee_size, review.minimum_pool) == (5, 12)
    assert review.created_by_id == world.ministry_officer.id
    assert review.scoring_items == [
        {"key": "item1", "name": "公司综合概况", "max_points": "15", "price": False},
        {"key": "item2", "name": "管理规模与收益", "max_points": "25", "price": False},
        {"key": "item3", "name": "风险防控体系与制度", "max_points": "20", "price": False},
        {"key": "item4", "name": "本项目投资服务方案", "max_points": "30", "price": False},
        {"key": "item5", "name": "价格", "max_points": "10", "price": True},
    ]
    assert setup.total_points(review.scoring_items) == Decimal("100")
    assert setup.scoring_items_text(review.scoring_items) == ITEMS


def test_items_keep_their_keys_when_renamed_around_them():
    existing = setup.parse_scoring_items("甲|10\n乙|20")
    again = setup.parse_scoring_items("乙|25\n丙|5.5\n甲|10", existing)
    assert [(i["key"], i["name"], i["max_points"]) for i in again] == [
        ("item2", "乙", "25"),
        ("item3", "丙", "5.5"),
        ("item1", "甲", "10"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("公司综合概况", "第 1 行应为"),
        ("甲|10\n乙|十", "第 2 行：满分须为大于 0 的数"),
        ("甲|0", "满分须为大于 0 的数"),
        ("甲|-5", "满分须为大于 0 的数"),
        ("甲|7.25", "最多保留一位小数"),
        ("甲|10\n甲|5", "重复"),
        ("价格|10|价格\n报价|5|价格", "价格计分项只能有一项"),
        ("甲|10|是", "第三栏只能填“价格”"),
    ],
)
def test_bad_scoring_items_are_refused_with_the_line(text, message):
    with pytest.raises(DomainError) as refused:
        setup.parse_scoring_items(text)
    assert message in str(refused.value)
    assert refused.value.field == "scoring_items_text"


def test_full_width_bar_and_blank_lines_are_fine():
    items = setup.parse_scoring_items("\n甲｜10\n\n乙 | 20 \n")
    assert [(i["name"], i["max_points"]) for i in items] == [("甲", "10"), ("乙", "20")]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"convener": " "}, "convener"),
        ({"meets_on": None}, "meets_on"),
        ({"committee_size": 0}, "committee_size"),
        ({"minimum_pool": 4}, "minimum_pool"),
        ({"scoring_items_text": ""}, "scoring_items_text"),
        ({"max_selected": 0}, "max_selected"),
    ],
)
def test_required_and_consistent_facts(world, changes, field):
    with pytest.raises(DomainError) as refused:
        setup.create_review(_data(**changes), actor=world.ministry_officer, now=NOW)
    assert refused.value.field == field


def test_candidates_get_upper_case_unique_short_names(world):
    review = setup.create_review(_data(), actor=world.ministry_officer, now=NOW)
    first = setup.add_candidate(review, _candidate(), actor=world.ministry_officer)
    assert first.short_name_en == "FUXING"
    with pytest.raises(DomainError) as refused:
        setup.add_candidate(
            review, _candidate(name="另一家公司", short_name_en="Fuxing"), actor=None
        )
    assert refused.value.field == "short_name_en" and "济南复兴" in str(refused.value)
    with pytest.raises(DomainError) as refused:
        setup.add_candidate(review, _candidate(name="另一家", short_name_en="FU XING"), actor=None)
    assert refused.value.field == "short_name_en"
    with pytest.raises(DomainError) as refused:
        setup.add_candidate(review, _candidate(short_name_en="FX"), actor=None)
    assert refused.value.field == "name"


def test_at_most_three_presenters(world):
    review = setup.create_review(_data(), actor=world.ministry_officer, now=NOW)
    three = setup.add_candidate(
        review, _candidate(presenters=["甲", "乙", "丙"]), actor=world.ministry_officer
    )
    assert three.presenters == ["甲", "乙", "丙"]
    with pytest.raises(DomainError) as refused:
        setup.update_candidate(three, _candidate(presenters=["甲", "乙", "丙", "丁"]), actor=None)
    assert refused.value.field == "presenters"


def test_negative_amounts_are_refused(world):
    review = setup.create_review(_data(), actor=world.ministry_officer, now=NOW)
    with pytest.raises(DomainError) as refused:
        setup.add_candidate(review, _candidate(price_quote=Decimal("-1")), actor=None)
    assert refused.value.field == "price_quote"


def test_size_and_minimum_stay_once_the_committee_is_drawn(reviewed):  # noqa: F811
    review = reviewed.review
    data = _data(
        committee_size=7, scoring_items_text=setup.scoring_items_text(review.scoring_items)
    )
    with pytest.raises(DomainError) as refused:
        setup.update_review(review, data, version=review.version, actor=None, now=NOW)
    assert refused.value.field == "committee_size"
    db.session.rollback()
    data.committee_size = 5
    data.minimum_pool = 12
    setup.update_review(review, data, version=review.version, actor=None, now=NOW)
    db.session.commit()
    assert review.title == "2015 年再制造试点评审"
    # Keys survive the round trip through the form.
    assert [i["key"] for i in review.scoring_items] == [
        "overview",
        "scale",
        "risk",
        "plan",
        "price",
    ]


def test_items_stay_once_a_sheet_is_submitted(reviewed):  # noqa: F811
    review = reviewed.review
    db.session.add(
        ScoreSheet(
            review_id=review.id,
            member_id=reviewed.members[0].id,
            candidate_id=reviewed.candidates[0].id,
            points={},
            submitted_at=NOW,
        )
    )
    db.session.commit()
    text = setup.scoring_items_text(review.scoring_items)
    unchanged = _data(scoring_items_text=text)
    setup.update_review(review, unchanged, version=review.version, actor=None, now=NOW)
    with pytest.raises(DomainError) as refused:
        setup.update_review(
            review,
            _data(scoring_items_text=text.replace("|15", "|20")),
            version=review.version,
            actor=None,
            now=NOW,
        )
    assert refused.value.field == "scoring_items_text"
    with pytest.raises(DomainError):
        setup.add_candidate(review, _candidate(name="新公司", short_name_en="NEW"), actor=None)
    with pytest.raises(DomainError):
        setup.remove_candidate(reviewed.candidates[0], actor=None)


def test_a_candidate_is_removed_unless_it_came_from_a_pilot_application(reviewed):  # noqa: F811
    last = reviewed.candidates[-1]
    setup.remove_candidate(last, actor=reviewed.world.ministry_officer)
    db.session.commit()
    assert len(reviewed.review.candidates) == 5
    first = reviewed.candidates[0]
    first.source = "pilot_application:1"
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        setup.remove_candidate(first, actor=None)
    assert "征集页面" in str(refused.value)


def test_nothing_changes_once_scored(reviewed):  # noqa: F811
    reviewed.review.status = ReviewStatus.SCORED
    db.session.commit()
    with pytest.raises(DomainError):
        setup.update_candidate(reviewed.candidates[0], _candidate(), actor=None)
    reviewed.review.status = ReviewStatus.REPORTED
    db.session.commit()
    with pytest.raises(DomainError):
        setup.update_review(reviewed.review, _data(), version=None, actor=None, now=NOW)
