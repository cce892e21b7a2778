"""Scoring pages over HTTP: a member fills and submits his own sheets by name, sees nobody
else's points until all are in; the organiser sees who has submitted, records withdrawals and
ends the scoring; results and the workbook once every sheet is in; nobody else gets in."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from reviews_support import reviewed  # noqa: F401
from scoring_support import member_logins, score, score_everything

from conftest import login
from supervision.extensions import db
from supervision.reviews.models import ReviewStatus, ScoreSheet


@pytest.fixture
def users(reviewed, make_user):  # noqa: F811
    return member_logins(reviewed, make_user)


def _sheet_url(made, n):
    return f"/reviews/{made.review.id}/scores/{made.candidates[n].id}"


def _post_sheet(client, made, n, values, *, submit=False):
    data = {f"item_{i}": v for i, v in enumerate(values)}
    data["comment"] = "陈述清楚"
    data["submit" if submit else "save"] = "1"
    return client.post(_sheet_url(made, n), data=data)


def test_a_member_scores_by_name_saves_then_submits_and_cannot_change(app, reviewed, users):  # noqa: F811
    client = app.test_client()
    login(client, "expert")
    page = client.get(f"/reviews/{reviewed.review.id}/scores")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "刘振华" in body and "FUXING" in body and "未评分" in body

    sheet = client.get(_sheet_url(reviewed, 0))
    assert sheet.status_code == 200
    assert "评审委员（记名）：刘振华" in sheet.get_data(as_text=True)

    draft = _post_sheet(client, reviewed, 0, ["12.5", "20", "", ""])
    assert draft.status_code == 302
    saved = db.session.query(ScoreSheet).one()
    assert saved.points == {"overview": "12.5", "scale": "20"} and saved.submitted_at is None

    refused = _post_sheet(client, reviewed, 0, ["12.5", "20", "18", "31"], submit=True)
    assert refused.status_code == 422
    assert "得分不能超过该项分值 30 分。" in refused.get_data(as_text=True)

    done = _post_sheet(client, reviewed, 0, ["12.5", "20", "18", "28.5"], submit=True)
    assert done.status_code == 302
    db.session.expire_all()
    saved = db.session.query(ScoreSheet).one()
    assert str(saved.total) == "79.0" and saved.submitted_at is not None

    again = _post_sheet(client, reviewed, 0, ["15", "25", "20", "30"], submit=True)
    assert again.status_code == 422
    assert "评分表已提交，不能修改。" in again.get_data(as_text=True)
    db.session.expire_all()
    assert str(db.session.query(ScoreSheet).one().total) == "79.0"
    shown = client.get(_sheet_url(reviewed, 0)).get_data(as_text=True)
    assert "不能修改" in shown and 'id="sheet-form"' not in shown


def test_experts_see_only_their_own_sheets_until_all_are_in(app, reviewed, users):  # noqa: F811
    score_everything(reviewed, users, skip={(0, 5)})
    client = app.test_client()
    login(client, "expert2")  # 孙立新: all his sheets are in, 刘振华 still owes one
    mine = client.get(f"/reviews/{reviewed.review.id}/scores").get_data(as_text=True)
    assert "87.5" in mine  # his own total for 南京
    assert "88.0" not in mine and "86.1" in mine  # 刘振华's 88.0 for 南京 is not shown
    results = client.get(f"/reviews/{reviewed.review.id}/results")
    assert results.status_code == 200
    body = results.get_data(as_text=True)
    assert 'id="not-yet"' in body and "85.3" not in body and "88.0" not in body
    # Another member's sheet is not his to open: he has his own sheet for that candidate.
    xlsx = client.get(f"/reviews/{reviewed.review.id}/results.xlsx")
    assert xlsx.status_code == 302

    officer = app.test_client()
    login(officer, reviewed.world.ministry_officer.username)
    progress = officer.get(f"/reviews/{reviewed.review.id}/scores").get_data(as_text=True)
    assert "已提交" in progress and "29 / 30" in progress
    assert "86.1" not in progress and 'id="blind-note"' in progress
    assert 'id="close-form"' not in progress

    score(reviewed, users[0], 5, "70.1")
    db.session.commit()
    body = client.get(f"/reviews/{reviewed.review.id}/results").get_data(as_text=True)
    assert 'id="ranking"' in body and "88.00" in body and "85.40" in body


def test_the_organiser_ends_scoring_and_downloads_the_results(app, reviewed, users):  # noqa: F811
    score_everything(reviewed, users)
    client = app.test_client()
    login(client, reviewed.world.ministry_officer.username)
    page = client.get(f"/reviews/{reviewed.review.id}/results").get_data(as_text=True)
    assert 'id="ranking"' in page and 'id="close-form"' in page
    assert "70.18" in page

    response = client.get(f"/reviews/{reviewed.review.id}/results.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    ranking = book["评审结果"]
    header = [c.value for c in ranking[3]]
    assert header[:3] == ["排序", "申请单位", "英文简称"]
    assert header[3:8] == ["刘振华", "孙立新", "马晓燕", "郑海", "彭涛"]
    first = [c.value for c in ranking[4]]
    assert first[0] == 1 and first[2] == "NJREMAN" and first[8:11] == [88.0, None, 88.0]
    assert first[-1] == "是"
    third = [c.value for c in ranking[6]]
    assert third[2] == "WEIDA" and third[-1] == "否"
    assert book["评分明细"].max_row == 31  # header + 30 sheets

    close = client.post(f"/reviews/{reviewed.review.id}/scores/close", data={})
    assert close.status_code == 302
    db.session.expire_all()
    assert reviewed.review.status == ReviewStatus.SCORED
    assert reviewed.review.scored_on is not None


def test_withdrawal_before_scoring(app, reviewed, users):  # noqa: F811
    client = app.test_client()
    login(client, reviewed.world.ministry_officer.username)
    baike = reviewed.candidates[4]
    response = client.post(f"/reviews/candidates/{baike.id}/withdraw", data={"withdrew": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert baike.withdrew
    expert = app.test_client()
    login(expert, "expert")
    assert "BAIKE" not in expert.get(f"/reviews/{reviewed.review.id}/scores").get_data(as_text=True)
    assert expert.get(_sheet_url(reviewed, 4)).status_code == 404
    client.post(f"/reviews/candidates/{baike.id}/withdraw", data={"withdrew": "0"})
    db.session.expire_all()
    assert not baike.withdrew
    score(reviewed, users[0], 4, "75.0", submit=False)
    db.session.commit()
    refused = client.post(
        f"/reviews/candidates/{baike.id}/withdraw", data={"withdrew": "1"}, follow_redirects=True
    )
    assert "不能再更改弃权" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert not baike.withdrew


@pytest.mark.parametrize("who", ["a_officer", "b_officer", "a_inspector", "ministry_admin"])
def test_others_are_refused(app, reviewed, users, who):  # noqa: F811
    client = app.test_client()
    login(client, getattr(reviewed.world, who).username)
    rid = reviewed.review.id
    for url in (
        f"/reviews/{rid}/scores",
        _sheet_url(reviewed, 0),
        f"/reviews/{rid}/results",
        f"/reviews/{rid}/results.xlsx",
    ):
        assert client.get(url).status_code == 403, url
    assert _post_sheet(client, reviewed, 0, ["1", "1", "1", "1"]).status_code == 403


def test_the_organiser_does_not_score_and_an_outside_expert_sees_nothing(
    app,
    reviewed,  # noqa: F811
    users,
    make_user,
):
    from supervision.core.models import Role

    officer = app.test_client()
    login(officer, reviewed.world.ministry_officer.username)
    assert officer.get(_sheet_url(reviewed, 0)).status_code == 403
    outsider = make_user("expert-outside", Role.EXPERT, "ministry")
    reviewed.experts[5].user_id = outsider.id
    db.session.commit()
    client = app.test_client()
    login(client, "expert-outside")
    assert client.get(f"/reviews/{reviewed.review.id}/scores").status_code == 404
    assert client.get(_sheet_url(reviewed, 0)).status_code == 404
    assert client.get(f"/reviews/{reviewed.review.id}/results").status_code == 404
