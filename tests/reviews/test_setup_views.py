"""Review pages over HTTP: the list, a new review, THE review page with its candidates in
presentation order and their 20 + 10 minute times, candidates added, edited and removed, the
schedule from another start, an expert's own reviews; who gets in."""

from __future__ import annotations

import re

import pytest
from reviews_support import reviewed  # noqa: F401

from conftest import login
from supervision.extensions import db
from supervision.reviews.models import Review, ReviewCandidate

REVIEW_FORM = {
    "title": "2015 年再制造试点评审",
    "convener": "国家发展改革委、财政部相关司局",
    "organiser": "中国机电产品进出口商会",
    "departments_text": "国家发展改革委环资司\n工业和信息化部节能与综合利用司\n",
    "meets_on": "2015-06-18",
    "venue": "北京",
    "committee_size": "5",
    "minimum_pool": "12",
    "blind_scoring": "y",
    "scoring_items_text": "公司综合概况|15\n管理规模与收益|25\n风险防控体系与制度|20\n"
    "本项目投资服务方案|30\n价格|10|价格",
    "funding_cap_wan": "3000",
    "max_selected": "5",
}
CANDIDATE_FORM = {
    "name": "西安秦川再制造有限公司",
    "short_name_en": "qinchuan",
    "principal": "贾平",
    "requested_wan": "300",
    "price_quote": "",
    "presenters_text": "贾平\n技术总监",
}


@pytest.fixture
def officer(app, world):
    client = app.test_client()
    login(client, "m-officer")
    return client


def test_creating_a_review(officer):
    assert officer.get("/reviews/new").status_code == 200
    response = officer.post("/reviews/new", data=REVIEW_FORM)
    assert response.status_code == 302
    review = db.session.query(Review).one()
    assert review.departments == ["国家发展改革委环资司", "工业和信息化部节能与综合利用司"]
    assert [i["price"] for i in review.scoring_items] == [False] * 4 + [True]
    index = officer.get("/reviews/").get_data(as_text=True)
    assert "2015 年再制造试点评审" in index and "准备中" in index


def test_a_bad_item_line_is_shown_beside_the_field(officer):
    response = officer.post(
        "/reviews/new", data=REVIEW_FORM | {"scoring_items_text": "公司综合概况 15"}
    )
    assert response.status_code == 422
    assert "第 1 行应为“名称|满分”" in response.get_data(as_text=True)


def test_the_review_page_lists_candidates_in_presentation_order_with_times(officer, reviewed):  # noqa: F811
    body = officer.get(f"/reviews/{reviewed.review.id}").get_data(as_text=True)
    table = body[body.index('id="candidates"') :]
    shorts = re.findall(r'font-monospace">([A-Z]+)</td>', table)
    assert shorts == ["BAIKE", "CHANGFENG", "FUXING", "NJREMAN", "SHUNCHI", "WEIDA"]
    assert "09:00–09:20" in table and "09:20–09:30" in table
    assert "11:30–11:50" in table and "11:50–12:00" in table  # the sixth
    # The committee and the way to the other parts.
    assert "刘振华" in body and "主任" in body
    for part in ("committee", "scores", "results", "report", "schedule"):
        assert f"/reviews/{reviewed.review.id}/{part}" in body
    assert "合计" in body and ">100<" in body


def test_the_schedule_from_another_start(officer, reviewed):  # noqa: F811
    body = officer.get(f"/reviews/{reviewed.review.id}/schedule?start=14:00").get_data(as_text=True)
    assert "14:00–14:20" in body and "16:50–17:00" in body
    assert "陈述和答疑结束时间：17:00" in body
    fallback = officer.get(f"/reviews/{reviewed.review.id}/schedule?start=nonsense")
    assert "09:00–09:20" in fallback.get_data(as_text=True)


def test_adding_a_candidate_upper_cases_its_short_name(officer, reviewed):  # noqa: F811
    review_id = reviewed.review.id
    response = officer.post(f"/reviews/{review_id}/candidates/new", data=CANDIDATE_FORM)
    assert response.status_code == 302
    added = db.session.query(ReviewCandidate).filter_by(name="西安秦川再制造有限公司").one()
    assert added.short_name_en == "QINCHUAN" and added.presenters == ["贾平", "技术总监"]
    body = officer.get(f"/reviews/{review_id}").get_data(as_text=True)
    table = body[body.index('id="candidates"') :]
    assert re.findall(r'font-monospace">([A-Z]+)</td>', table)[4] == "QINCHUAN"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"short_name_en": "FUXING"}, "英文简称 FUXING 已由“济南复兴动力再制造有限公司”使用"),
        ({"short_name_en": "QIN-CHUAN"}, "英文简称只能由大写英文字母和数字组成"),
        ({"presenters_text": "甲\n乙\n丙\n丁"}, "陈述参加人每家申请单位不超过 3 人"),
    ],
)
def test_bad_candidates_are_refused_with_the_reason(officer, reviewed, changes, message):  # noqa: F811
    response = officer.post(
        f"/reviews/{reviewed.review.id}/candidates/new", data=CANDIDATE_FORM | changes
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_editing_and_removing_a_candidate(officer, reviewed):  # noqa: F811
    candidate = reviewed.candidates[4]
    page = officer.get(f"/reviews/candidates/{candidate.id}/edit")
    assert page.status_code == 200 and "BAIKE" in page.get_data(as_text=True)
    response = officer.post(
        f"/reviews/candidates/{candidate.id}/edit",
        data=CANDIDATE_FORM | {"name": candidate.name, "short_name_en": "BK"},
    )
    assert response.status_code == 302
    db.session.refresh(candidate)
    assert candidate.short_name_en == "BK"
    candidate_id = candidate.id
    response = officer.post(f"/reviews/candidates/{candidate_id}/delete")
    assert response.status_code == 302
    assert db.session.query(ReviewCandidate).filter_by(id=candidate_id).count() == 0


def test_a_candidate_that_puts_a_member_in_conflict_is_flagged(officer, reviewed):  # noqa: F811
    """刘振华 works for 机械科学研究总院: an applicant of that name means he must recuse."""
    response = officer.post(
        f"/reviews/{reviewed.review.id}/candidates/new",
        data=CANDIDATE_FORM | {"name": "机械科学研究总院", "short_name_en": "CAM"},
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    assert "评审委员“刘振华”存在应当回避的情形" in body


def test_an_expert_sees_his_reviews_with_his_sheets(app, reviewed):  # noqa: F811
    client = app.test_client()
    login(client, "expert")
    page = client.get("/reviews/mine")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert reviewed.review.title in body
    review_id = reviewed.review.id
    for candidate in reviewed.candidates:
        assert f"/reviews/{review_id}/scores/{candidate.id}" in body
    assert f"/reviews/{review_id}/report" in body
    assert body.index("BAIKE") < body.index("WEIDA")
    # Replaced: the review is no longer his.
    reviewed.members[0].active = False
    db.session.commit()
    assert reviewed.review.title not in client.get("/reviews/mine").get_data(as_text=True)


@pytest.mark.parametrize("username", ["a-officer", "b-officer", "a-inspector", "expert", "m-admin"])
def test_organiser_pages_are_the_ministrys(app, reviewed, username):  # noqa: F811
    client = app.test_client()
    login(client, username)
    review_id = reviewed.review.id
    for url in ("/reviews/", f"/reviews/{review_id}", f"/reviews/{review_id}/schedule"):
        assert client.get(url).status_code == 403, url
    assert client.post("/reviews/new", data=REVIEW_FORM).status_code == 403
    assert (
        client.post(f"/reviews/{review_id}/candidates/new", data=CANDIDATE_FORM).status_code == 403
    )


@pytest.mark.parametrize("username", ["m-officer", "a-officer", "m-admin"])
def test_my_reviews_are_for_experts(app, world, username):
    client = app.test_client()
    login(client, username)
    assert client.get("/reviews/mine").status_code == 403
