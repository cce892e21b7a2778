"""Committee pages over HTTP: the witnessed draw from the form, the draw record (seed, counts,
exclusions with reasons, witness, method, order with reserves, re-verified), the warning when
not drawn a week before, redraws, the chair, a reserve called in; who gets in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from reviews_support import CONFLICTED, STAFF, make_review, reviewed  # noqa: F401

from conftest import login
from supervision.core.clock import local_today
from supervision.core.models import Role
from supervision.extensions import db
from supervision.reviews import pool
from supervision.reviews.models import CommitteeDraw, CommitteeMember, DrawStatus
from supervision.reviews.rules import committee as rules


@pytest.fixture
def witness(make_user):
    return make_user("m-witness", Role.MINISTRY_OFFICER, "ministry", full_name="监督人王")


@pytest.fixture
def fresh(world):
    return make_review(world, drawn=False)


@pytest.fixture
def officer(app, world):
    client = app.test_client()
    login(client, "m-officer")
    return client


def _post_draw(client, made, witness, **extra):
    data = {"witness_id": str(witness.id), "seed": "8371"} | extra
    return client.post(f"/reviews/{made.review.id}/committee", data=data)


def test_the_form_proposes_another_officer_as_witness(officer, fresh, witness):
    body = officer.get(f"/reviews/{fresh.review.id}/committee").get_data(as_text=True)
    assert f'<option selected value="{witness.id}">监督人王</option>' in body
    assert "专家名单在库 14 人" in body


def test_a_draw_from_the_form_and_its_record(officer, fresh, witness):
    response = _post_draw(officer, fresh, witness)
    assert response.status_code == 302
    record = db.session.query(CommitteeDraw).one()
    assert response.headers["Location"].endswith(f"/reviews/committee-draws/{record.id}")
    body = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert '<dd class="col-sm-10 font-monospace" id="seed">8371</dd>' in body
    assert "在库 14 人" in body and "12 人（回避或职称不符 2 人）" in body
    assert '<dd class="col-sm-10" id="witness">监督人王</dd>' in body
    assert "SHA-256" in body
    excluded = body[body.index('id="excluded"') : body.index('id="order"')]
    assert fresh.experts[CONFLICTED].name in excluded and fresh.experts[STAFF].name in excluded
    assert (
        "与申请单位有经济利益关系，可能影响公正评审（申报：湖南长丰变速箱再制造有限公司）"
        in excluded
    )
    assert (
        "项目主管部门或者行政监督部门的人员（工作单位：工业和信息化部节能与综合利用司）" in excluded
    )
    order = body[body.index('id="order"') :]
    assert order.count(">委员<") == 5 and order.count(">候补<") == 7
    assert 'id="verify-result" data-ok="1"' in body
    members = db.session.query(CommitteeMember).order_by(CommitteeMember.position).all()
    assert [m.expert_id for m in members] == record.order[:5]


def test_a_record_altered_by_hand_fails_the_check(officer, fresh, witness):
    _post_draw(officer, fresh, witness)
    record = db.session.query(CommitteeDraw).one()
    record.excluded = []
    db.session.commit()
    body = officer.get(f"/reviews/committee-draws/{record.id}").get_data(as_text=True)
    assert 'id="verify-result" data-ok="0"' in body


def test_drawing_oneself_as_witness_is_allowed_with_a_warning(officer, fresh, world):
    response = _post_draw(officer, fresh, world.ministry_officer)
    assert response.status_code == 302
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert "监督人与抽取人为同一人" in page


def test_a_refused_draw_says_why(officer, fresh, witness):
    for expert in fresh.experts[11:]:
        expert.active = False
    db.session.commit()
    response = _post_draw(officer, fresh, witness)
    assert response.status_code == 422
    assert "专家名单在库专家仅 11 人，少于 12 人，不能抽取" in response.get_data(as_text=True)
    no_witness = _post_draw(officer, fresh, witness, witness_id="")
    assert no_witness.status_code == 422


def test_a_redraw_needs_a_reason(officer, fresh, witness):
    _post_draw(officer, fresh, witness)
    again = _post_draw(officer, fresh, witness, seed="9999")
    assert again.status_code == 422
    assert "重新抽取须说明理由" in again.get_data(as_text=True)
    again = _post_draw(officer, fresh, witness, seed="9999", reason="两名委员不能出席")
    assert again.status_code == 302
    statuses = [d.status for d in db.session.query(CommitteeDraw).order_by(CommitteeDraw.id)]
    assert statuses == [DrawStatus.SUPERSEDED, DrawStatus.ACTIVE]
    page = officer.get(f"/reviews/{fresh.review.id}/committee").get_data(as_text=True)
    assert "已被重新抽取取代" in page and "重新抽取理由：两名委员不能出席" in page


@pytest.mark.parametrize(
    ("days_before", "warning"),
    [(7, None), (10, "早于规定时间"), (3, "晚于规定时间"), (-1, "已过")],
)
def test_the_draw_is_due_a_week_before_the_review(officer, fresh, witness, days_before, warning):
    fresh.review.meets_on = local_today() + timedelta(days=days_before)
    db.session.commit()
    page = officer.get(f"/reviews/{fresh.review.id}/committee").get_data(as_text=True)
    if warning is None:
        assert 'id="timing-warning"' not in page
    else:
        assert 'id="timing-warning"' in page and warning in page
    # Drawing anyway is allowed; the record keeps the warning for the day it was drawn.
    response = _post_draw(officer, fresh, witness)
    assert response.status_code == 302
    record_page = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert ('id="timing-warning"' in record_page) == (warning is not None)


def test_electing_the_chair_and_calling_a_reserve(officer, fresh, witness):
    _post_draw(officer, fresh, witness)
    record = db.session.query(CommitteeDraw).one()
    members = db.session.query(CommitteeMember).order_by(CommitteeMember.position).all()
    response = officer.post(
        f"/reviews/{fresh.review.id}/chair", data={"chair-member_id": str(members[2].id)}
    )
    assert response.status_code == 302
    db.session.refresh(members[2])
    assert members[2].is_chair
    page = officer.get(f"/reviews/{fresh.review.id}").get_data(as_text=True)
    assert "主任" in page
    refused = officer.post(
        f"/reviews/members/{members[0].id}/replace",
        data={"replace-reason": ""},
        follow_redirects=True,
    )
    assert "请填写替换理由" in refused.get_data(as_text=True)
    replaced = officer.post(
        f"/reviews/members/{members[0].id}/replace",
        data={"replace-reason": "因病不能出席"},
        follow_redirects=True,
    )
    assert "由候补专家" in replaced.get_data(as_text=True)
    sitting = db.session.query(CommitteeMember).filter_by(active=True).all()
    assert len(sitting) == 5 and members[0].expert_id not in {m.expert_id for m in sitting}
    newcomer = next(m for m in sitting if m.position > 5)
    assert newcomer.expert_id in record.order[5:]
    body = officer.get(f"/reviews/committee-draws/{record.id}").get_data(as_text=True)
    assert "已替换" in body and "因病不能出席" in body and "已递补" in body


@pytest.mark.parametrize("username", ["a-officer", "b-officer", "a-inspector", "expert", "m-admin"])
def test_committee_pages_are_the_ministrys(app, reviewed, witness, username):  # noqa: F811
    client = app.test_client()
    login(client, username)
    review_id = reviewed.review.id
    assert client.get(f"/reviews/{review_id}/committee").status_code == 403
    assert client.get(f"/reviews/committee-draws/{reviewed.draw.id}").status_code == 403
    assert _post_draw(client, reviewed, witness, reason="x").status_code == 403
    assert (
        client.post(
            f"/reviews/{review_id}/chair", data={"chair-member_id": str(reviewed.members[0].id)}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/reviews/members/{reviewed.members[0].id}/replace", data={"replace-reason": "x"}
        ).status_code
        == 403
    )
    assert db.session.query(CommitteeDraw).count() == 1


def test_the_fixtures_draw_page_renders(officer, reviewed):  # noqa: F811
    """A draw recorded without inputs (as the shared fixture does) shows, and fails the check."""
    page = officer.get(f"/reviews/committee-draws/{reviewed.draw.id}")
    assert page.status_code == 200
    assert 'id="verify-result" data-ok="0"' in page.get_data(as_text=True)


def test_the_record_says_when_the_mix_changed_the_committee(officer, fresh, witness):
    """A seed whose five best-ranked are all technical: the best economist takes the fifth
    place, and the page says who gave way to whom."""
    profiles = [pool.profile_of(e) for e in fresh.experts]
    applicants = [(c.name, c.principal) for c in fresh.candidates]
    for n in range(2000):
        result = rules.draw_committee(
            profiles,
            applicants,
            5,
            f"mix-{n}",
            convener=fresh.review.convener,
            departments=fresh.review.departments,
        )
        if result.swap:
            break
    out_id, in_id = result.swap
    names = {e.id: e.name for e in fresh.experts}
    response = _post_draw(officer, fresh, witness, seed=f"mix-{n}")
    body = officer.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="swap"' in body
    assert f"由{names[in_id]}替换排序第 5 位的{names[out_id]}" in body
    assert 'id="verify-result" data-ok="1"' in body
