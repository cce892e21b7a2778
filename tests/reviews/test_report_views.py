"""The report pages over HTTP: the organiser generates the report, each member signs it in the
app, it cannot be submitted before every member signed, the .docx carries the signature table,
and the convener's decision is recorded; province officers are refused."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document
from reviews_support import reviewed  # noqa: F401
from scoring_support import member_logins, score_everything

from conftest import login
from supervision.extensions import db
from supervision.reviews import reporting, scoring
from supervision.reviews.models import ReviewStatus


@pytest.fixture
def scored(reviewed, make_user):  # noqa: F811
    users = member_logins(reviewed, make_user)
    score_everything(reviewed, users)
    scoring.close_scoring(
        reviewed.review, actor=reviewed.world.ministry_officer, today=date(2014, 11, 20)
    )
    db.session.commit()
    return reviewed, users


def _url(made, tail=""):
    return f"/reviews/{made.review.id}/report{tail}"


def _version(made) -> str:
    db.session.expire_all()
    return str(reporting.report_of(made.review).version)


def test_generate_sign_submit_and_decide(app, scored):
    made, users = scored
    officer = app.test_client()
    login(officer, made.world.ministry_officer.username)
    page = officer.get(_url(made)).get_data(as_text=True)
    assert 'id="report-form"' in page and "共有6家申请单位进入详细评审" in page
    response = officer.post(
        _url(made),
        data={"version": "", "formal_summary": "形式审查于 11 月 5 日完成。", "recommendation": ""},
    )
    assert response.status_code == 302
    page = officer.get(_url(made)).get_data(as_text=True)
    assert "形式审查于 11 月 5 日完成。" in page and 'id="ranking"' in page
    assert "刘振华" in page and "未签名" in page

    # Not before every member signed.
    refused = officer.post(
        _url(made, "/submit"), data={"version": _version(made)}, follow_redirects=True
    )
    assert "以下委员尚未签名，不能提交" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert made.review.status == ReviewStatus.SCORED

    for n, user in enumerate(users):
        client = app.test_client()
        login(client, user.username)
        shown = client.get(_url(made)).get_data(as_text=True)
        assert 'id="sign-form"' in shown
        signed = client.post(_url(made, "/sign"), data={"version": _version(made)})
        assert signed.status_code == 302, n
        assert 'id="signed"' in client.get(_url(made)).get_data(as_text=True)

    docx = officer.get(_url(made, ".docx"))
    assert docx.status_code == 200
    document = Document(io.BytesIO(docx.data))
    signatures = document.tables[-1]
    rows = [[c.text for c in row.cells] for row in signatures.rows]
    assert rows[0] == ["序号", "姓名", "职务", "职称", "工作单位", "签名时间"]
    assert [r[1] for r in rows[1:]] == ["刘振华", "孙立新", "马晓燕", "郑海", "彭涛"]
    assert rows[2][2] == "主任"  # the fixture's chair is the second member
    assert all(r[5].startswith("20") for r in rows[1:])
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2014 年再制造产品“以旧换再”推广试点企业评审报告" in text
    assert "四、推荐意见" in text and "（待全体评审委员签名后提交）" in text

    submitted = officer.post(_url(made, "/submit"), data={"version": _version(made)})
    assert submitted.status_code == 302
    db.session.expire_all()
    assert made.review.status == ReviewStatus.REPORTED and made.review.reported_on is not None

    page = officer.get(_url(made)).get_data(as_text=True)
    assert 'id="decide-form"' in page
    nanjing, fuxing = made.candidates[1].id, made.candidates[0].id
    # The defaults (the recommendation) are ticked.
    boxes = re.findall(r'<input[^>]*name="selected"[^>]*>', page)
    ticked = {int(re.search(r'value="(\d+)"', b).group(1)) for b in boxes if "checked" in b}
    assert len(boxes) == 6 and ticked == {nanjing, fuxing}
    refused = officer.post(
        f"/reviews/{made.review.id}/decide",
        data={"version": str(made.review.version), "selected": [nanjing]},
    )
    assert refused.status_code == 422
    assert "写明理由" in refused.get_data(as_text=True)
    decided = officer.post(
        f"/reviews/{made.review.id}/decide",
        data={"version": str(made.review.version), "selected": [nanjing, fuxing]},
    )
    assert decided.status_code == 302
    db.session.expire_all()
    assert made.review.status == ReviewStatus.DECIDED
    assert [c.selected for c in made.candidates] == [True, True, False, False, False, False]
    assert 'id="decision"' in officer.get(_url(made)).get_data(as_text=True)


def test_a_member_signs_only_the_report_he_read(app, scored):
    made, users = scored
    officer = app.test_client()
    login(officer, made.world.ministry_officer.username)
    officer.post(_url(made), data={"version": "", "formal_summary": "", "recommendation": ""})
    read = _version(made)
    officer.post(_url(made), data={"version": read, "formal_summary": "改", "recommendation": ""})
    expert = app.test_client()
    login(expert, "expert")
    response = expert.post(_url(made, "/sign"), data={"version": read}, follow_redirects=True)
    assert "评审报告已重新生成" in response.get_data(as_text=True)
    db.session.expire_all()
    assert reporting.report_of(made.review).signatures == []


def test_before_the_report_the_pages_still_answer(app, reviewed):  # noqa: F811
    client = app.test_client()
    login(client, "expert")
    assert client.get(f"/reviews/{reviewed.review.id}/report").status_code == 200
    assert client.get(f"/reviews/{reviewed.review.id}/report.docx").status_code == 302
    officer = app.test_client()
    login(officer, reviewed.world.ministry_officer.username)
    refused = officer.post(
        f"/reviews/{reviewed.review.id}/report",
        data={"version": "", "formal_summary": "", "recommendation": ""},
    )
    assert refused.status_code == 422 and "评分尚未结束" in refused.get_data(as_text=True)


@pytest.mark.parametrize("who", ["a_officer", "b_officer", "a_inspector"])
def test_province_officers_are_refused(app, scored, who):
    made, _users = scored
    client = app.test_client()
    login(client, getattr(made.world, who).username)
    assert client.get(_url(made)).status_code == 403
    assert client.get(_url(made, ".docx")).status_code == 403
    for tail in ("", "/sign", "/submit"):
        assert client.post(_url(made, tail), data={}).status_code == 403
    assert client.post(f"/reviews/{made.review.id}/decide", data={}).status_code == 403


def test_the_organiser_cannot_sign_and_an_expert_cannot_submit(app, scored):
    made, _users = scored
    officer = app.test_client()
    login(officer, made.world.ministry_officer.username)
    officer.post(_url(made), data={"version": "", "formal_summary": "", "recommendation": ""})
    assert officer.post(_url(made, "/sign"), data={"version": _version(made)}).status_code == 403
    expert = app.test_client()
    login(expert, "expert")
    assert expert.post(_url(made, "/submit"), data={"version": _version(made)}).status_code == 403
    assert expert.post(_url(made), data={}).status_code == 403
    assert expert.post(f"/reviews/{made.review.id}/decide", data={}).status_code == 403
