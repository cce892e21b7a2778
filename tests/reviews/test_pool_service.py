"""The expert pool (services): experts of 副高 or above only, their login, declarations added
and withdrawn, what the draw reads of them."""

from __future__ import annotations

from datetime import date

import pytest
from reviews_support import CONFLICTED, make_review

from conftest import NOW
from supervision.core.errors import DomainError
from supervision.core.models import Role
from supervision.core.versions import CHANGED_MEANWHILE
from supervision.extensions import db
from supervision.reviews import pool
from supervision.reviews.models import Expert, RelationKind, Speciality, TitleLevel


def _data(**changes) -> pool.ExpertData:
    values = {
        "name": "林海",
        "title": "高级会计师",
        "title_level": "deputy",
        "speciality": "financial",
        "employer": "中国财政科学研究院",
        "phone": "13600001111",
        "recommended_by": "财政部经济建设司",
    }
    return pool.ExpertData(**(values | changes))


def test_an_expert_goes_on_the_list(world):
    expert = pool.create_expert(_data(), actor=world.ministry_officer, now=NOW)
    db.session.commit()
    assert expert.title_level == TitleLevel.DEPUTY_SENIOR
    assert expert.speciality == Speciality.FINANCIAL
    assert expert.active and expert.user_id is None


@pytest.mark.parametrize("level", ["senior", "deputy"])
def test_senior_and_deputy_senior_titles_are_accepted(world, level):
    expert = pool.create_expert(_data(title_level=level), actor=world.ministry_officer, now=NOW)
    assert expert.title_level.value == level


def test_a_title_below_deputy_senior_is_refused_with_the_reason(world):
    with pytest.raises(DomainError) as refused:
        pool.create_expert(
            _data(title="工程师", title_level="middle"), actor=world.ministry_officer, now=NOW
        )
    assert refused.value.field == "title_level"
    assert "副高以上职称" in str(refused.value)
    assert db.session.query(Expert).count() == 0


def test_an_expert_cannot_be_downgraded_below_deputy_senior(world):
    expert = pool.create_expert(_data(), actor=world.ministry_officer, now=NOW)
    db.session.commit()
    with pytest.raises(DomainError):
        pool.update_expert(
            expert,
            _data(title_level="middle"),
            version=expert.version,
            actor=world.ministry_officer,
            now=NOW,
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"title": ""}, "title"),
        ({"speciality": "legal"}, "speciality"),
        ({"employer": ""}, "employer"),
    ],
)
def test_required_facts(world, changes, field):
    with pytest.raises(DomainError) as refused:
        pool.create_expert(_data(**changes), actor=world.ministry_officer, now=NOW)
    assert refused.value.field == field


def test_the_login_must_be_an_experts_and_nobody_elses(world, make_user):
    expert = pool.create_expert(
        _data(user_id=world.expert.id), actor=world.ministry_officer, now=NOW
    )
    db.session.commit()
    assert expert.user_id == world.expert.id
    with pytest.raises(DomainError) as refused:
        pool.create_expert(
            _data(name="另一位", user_id=world.expert.id), actor=world.ministry_officer, now=NOW
        )
    assert refused.value.field == "user_id" and "林海" in str(refused.value)
    with pytest.raises(DomainError) as refused:
        pool.create_expert(
            _data(name="另一位", user_id=world.a_officer.id), actor=world.ministry_officer, now=NOW
        )
    assert refused.value.field == "user_id"
    second = make_user("expert-2", Role.EXPERT, "ministry")
    assert {u.username for u in pool.expert_accounts()} == {"expert", "expert-2"}
    assert (
        pool.create_expert(
            _data(name="另一位", user_id=second.id), actor=world.ministry_officer, now=NOW
        ).user_id
        == second.id
    )


def test_an_edit_against_an_old_version_is_refused(world):
    expert = pool.create_expert(_data(), actor=world.ministry_officer, now=NOW)
    db.session.commit()
    pool.update_expert(
        expert, _data(phone="1"), version=expert.version, actor=world.ministry_officer, now=NOW
    )
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        pool.update_expert(expert, _data(), version=1, actor=world.ministry_officer, now=NOW)
    # The refusal says who changed the record last, and when (the audit log's last entry).
    assert str(refused.value).startswith(str(CHANGED_MEANWHILE) + "（test fixture 于 ")


def test_only_the_ministry_keeps_the_pool(world):
    with pytest.raises(DomainError):
        pool.create_expert(_data(), actor=world.a_officer, now=NOW)


def test_declarations_are_added_and_withdrawn(world):
    expert = pool.create_expert(_data(), actor=world.ministry_officer, now=NOW)
    declaration = pool.add_declaration(
        expert,
        kind="interest",
        party=" 湖南长丰变速箱再制造有限公司 ",
        detail="持股",
        declared_on=date(2014, 10, 8),
        actor=world.ministry_officer,
    )
    db.session.commit()
    assert declaration.kind == RelationKind.ECONOMIC_INTEREST
    assert declaration.party == "湖南长丰变速箱再制造有限公司"
    assert pool.profile_of(expert).declarations == (("interest", "湖南长丰变速箱再制造有限公司"),)
    with pytest.raises(DomainError) as refused:
        pool.add_declaration(
            expert, kind="interest", party="", declared_on=date(2014, 10, 8), actor=None
        )
    assert refused.value.field == "party"
    with pytest.raises(DomainError) as refused:
        pool.add_declaration(
            expert, kind="friend", party="某公司", declared_on=date(2014, 10, 8), actor=None
        )
    assert refused.value.field == "kind"
    pool.remove_declaration(expert, declaration.id, actor=world.ministry_officer)
    db.session.commit()
    assert expert.declarations == []
    with pytest.raises(DomainError):
        pool.remove_declaration(expert, declaration.id, actor=world.ministry_officer)


def test_pool_counts_and_the_active_pool(world):
    made = make_review(world, drawn=False)
    made.experts[0].active = False
    db.session.commit()
    counts = pool.pool_counts()
    assert counts["total"] == 13
    assert counts["technical"] + counts["economic"] + counts["financial"] == 13
    assert made.experts[0] not in pool.active_pool()
    profile = pool.profile_of(made.experts[CONFLICTED])
    assert profile.declarations == (("interest", "湖南长丰变速箱再制造有限公司"),)
