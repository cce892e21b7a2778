"""Expert pool pages over HTTP: the list, adding (副高 or above only), editing, declarations;
only the ministry's officers get in."""

from __future__ import annotations

import pytest
from reviews_support import CONFLICTED, reviewed  # noqa: F401

from conftest import login
from supervision.extensions import db
from supervision.reviews.models import Expert, ExpertDeclaration

FORM = {
    "name": "林海",
    "title": "高级会计师",
    "title_level": "deputy",
    "speciality": "financial",
    "employer": "中国财政科学研究院",
    "phone": "13600001111",
    "email": "",
    "recommended_by": "财政部经济建设司",
    "user_id": "",
    "active": "y",
}


@pytest.fixture
def officer(app, world):
    client = app.test_client()
    login(client, "m-officer")
    return client


def test_the_list_shows_the_pool_with_counts(officer, reviewed):  # noqa: F811
    page = officer.get("/reviews/experts")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "在库专家 14 人" in body
    assert all(e.name in body for e in reviewed.experts)


def test_an_expert_taken_off_the_list_shows_only_with_all(officer, reviewed):  # noqa: F811
    reviewed.experts[5].active = False
    db.session.commit()
    assert "钱小平" not in officer.get("/reviews/experts").get_data(as_text=True)
    assert "钱小平" in officer.get("/reviews/experts?all=1").get_data(as_text=True)


def test_adding_an_expert(officer, world):
    response = officer.post("/reviews/experts/new", data=FORM | {"user_id": str(world.expert.id)})
    assert response.status_code == 302
    expert = db.session.query(Expert).one()
    assert response.headers["Location"].endswith(f"/reviews/experts/{expert.id}")
    assert (expert.name, expert.user_id) == ("林海", world.expert.id)
    page = officer.get(f"/reviews/experts/{expert.id}").get_data(as_text=True)
    assert "中国财政科学研究院" in page and "expert" in page


def test_an_intermediate_title_is_refused_with_a_clear_message(officer):
    response = officer.post("/reviews/experts/new", data=FORM | {"title_level": "middle"})
    assert response.status_code == 422
    assert "评审委员须具有副高以上职称" in response.get_data(as_text=True)
    assert db.session.query(Expert).count() == 0


def test_editing_an_expert(officer, reviewed):  # noqa: F811
    expert = reviewed.experts[1]
    page = officer.get(f"/reviews/experts/{expert.id}/edit")
    assert page.status_code == 200 and "孙立新" in page.get_data(as_text=True)
    response = officer.post(
        f"/reviews/experts/{expert.id}/edit",
        data=FORM | {"name": "孙立新", "employer": "清华大学", "version": str(expert.version)},
    )
    assert response.status_code == 302
    db.session.refresh(expert)
    assert expert.employer == "清华大学"
    stale = officer.post(
        f"/reviews/experts/{expert.id}/edit", data=FORM | {"name": "孙立新", "version": "1"}
    )
    assert stale.status_code == 422
    assert "已被他人修改" in stale.get_data(as_text=True)


def test_declarations_are_recorded_and_withdrawn(officer, reviewed):  # noqa: F811
    expert = reviewed.experts[2]
    response = officer.post(
        f"/reviews/experts/{expert.id}/declarations",
        data={
            "kind": "relative",
            "party": "上海柏科再制造有限公司",
            "detail": "配偶为该公司法定代表人",
            "declared_on": "2014-11-01",
        },
    )
    assert response.status_code == 302
    declaration = db.session.query(ExpertDeclaration).filter_by(expert_id=expert.id).one()
    assert declaration.party == "上海柏科再制造有限公司"
    body = officer.get(f"/reviews/experts/{expert.id}").get_data(as_text=True)
    assert "征集人或申请单位主要负责人的近亲属" in body and "配偶为该公司法定代表人" in body
    missing = officer.post(
        f"/reviews/experts/{expert.id}/declarations",
        data={"kind": "relative", "party": "", "declared_on": "2014-11-01"},
    )
    assert missing.status_code == 422
    removed = officer.post(
        f"/reviews/experts/{expert.id}/declarations/remove",
        data={"declaration": str(declaration.id)},
    )
    assert removed.status_code == 302
    assert db.session.query(ExpertDeclaration).filter_by(expert_id=expert.id).count() == 0


def test_the_expert_page_lists_his_committees(officer, reviewed):  # noqa: F811
    body = officer.get(f"/reviews/experts/{reviewed.experts[1].id}").get_data(as_text=True)
    assert reviewed.review.title in body and "主任" in body
    conflicted = reviewed.experts[CONFLICTED]
    body = officer.get(f"/reviews/experts/{conflicted.id}").get_data(as_text=True)
    assert "持有该公司股份" in body and "尚未被抽中参加评审" in body


@pytest.mark.parametrize("username", ["a-officer", "b-officer", "a-inspector", "expert", "m-admin"])
def test_nobody_but_the_ministrys_officers(app, reviewed, username):  # noqa: F811
    client = app.test_client()
    login(client, username)
    expert_id = reviewed.experts[0].id
    assert client.get("/reviews/experts").status_code == 403
    assert client.get(f"/reviews/experts/{expert_id}").status_code == 403
    assert client.post("/reviews/experts/new", data=FORM).status_code == 403
    assert (
        client.post(
            f"/reviews/experts/{expert_id}/declarations",
            data={"kind": "other", "party": "x", "declared_on": "2014-11-01"},
        ).status_code
        == 403
    )
