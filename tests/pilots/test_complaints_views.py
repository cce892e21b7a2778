"""Complaint pages: registering, the full workflow through the pages, the register's overdue
marks, the complainant masked (shown on request, audited) and never on the public page;
access (province B 404, experts 403, the public page open to all)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pilots.pilots_support import piloted  # noqa: F401
from sqlalchemy import select

from conftest import World, login
from supervision.core.models import AuditEntry
from supervision.extensions import db
from supervision.pilots.daily_models import Complaint, ComplaintStatus


@pytest.fixture
def today(monkeypatch):
    """The app's today fixed at Tue 10 Feb 2015 (before the Spring Festival)."""
    day = date(2015, 2, 10)
    monkeypatch.setattr("supervision.pilots.complaint_views.local_today", lambda: day)
    monkeypatch.setattr("supervision.pilots.complaints.local_day", lambda now: day)
    return day


def complainant_of(page: str) -> str:
    return re.search(r'id="complainant">([^<]*)', page).group(1).strip()


def newest() -> Complaint:
    return db.session.scalar(select(Complaint).order_by(Complaint.id.desc()).limit(1))


def test_the_full_workflow_through_the_pages(app, piloted, today, monkeypatch):
    made = piloted
    w = made.world
    client = app.test_client()
    login(client, w.a_officer.username)
    form = client.get(f"/pilots/complaints/new?pilot={made.pilot.id}").get_data(as_text=True)
    assert 'value="2015-02-10"' in form and "受理省份" not in form  # a province's officer
    response = client.post(
        "/pilots/complaints/new",
        data={
            "channel": "phone",
            "received_on": "2015-02-10",
            "pilot_id": str(made.pilot.id),
            "outlet_id": str(made.outlet.id),
            "complainant": "王小五",
            "contact": "13912345678",
            "summary": "网点以翻新件冒充再制造发动机",
        },
    )
    assert response.status_code == 302
    complaint = newest()
    assert response.headers["Location"].endswith(f"/pilots/complaints/{complaint.id}")
    assert complaint.number == "苏再制造举〔2015〕1 号"
    assert complaint.due_on == date(2015, 3, 27)  # 30 working days, over the Spring Festival
    url = f"/pilots/complaints/{complaint.id}"
    page = client.get(url).get_data(as_text=True)
    assert "2015-03-27" in page and "王小五" not in page and "王**" in page
    assert "13912345678" not in page and "139****5678" in page

    # Assign the inspector; he writes the investigation.
    assert (
        client.post(f"{url}/assign", data={"investigator_id": str(w.a_inspector.id)}).status_code
        == 302
    )
    login(client, w.a_inspector.username)
    assert (
        client.post(
            f"{url}/investigation", data={"investigation": "调取交易记录，约谈网点负责人。"}
        ).status_code
        == 302
    )
    # The officer concludes and publishes (late: 逾期公开).
    login(client, w.a_officer.username)
    response = client.post(f"{url}/conclude", data={"finding": "", "handling": "整改"})
    assert response.status_code == 422 and "请填写核实情况" in response.get_data(as_text=True)
    later = date(2015, 3, 31)
    monkeypatch.setattr("supervision.pilots.complaint_views.local_today", lambda: later)
    monkeypatch.setattr("supervision.pilots.complaints.local_day", lambda now: later)
    response = client.post(
        f"{url}/conclude",
        data={
            "finding": "经核实，举报属实。",
            "handling": "责令整改，追回补贴 4000 元。",
            "referred_to": "南京市市场监督管理局",
        },
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "已超过公开期限（2015-03-27）" in page
    response = client.post(
        f"{url}/publish", data={"published_on": "2015-03-31", "published_at": "江苏省经信委网站"}
    )
    assert response.status_code == 302
    db.session.refresh(complaint)
    assert complaint.status == ComplaintStatus.PUBLISHED
    assert complaint.investigator_id == w.a_inspector.id
    page = client.get(url).get_data(as_text=True)
    assert 'data-late="1"' in page and "逾期公开" in page
    register = client.get("/pilots/complaints").get_data(as_text=True)
    assert complaint.number in register and "逾期公开" in register

    # The public page: the finding and handling, nothing of the complainant.
    anonymous = app.test_client()
    public = anonymous.get("/pilots/public/complaints")
    assert public.status_code == 200
    body = public.get_data(as_text=True)
    for shown in (complaint.number, "经核实，举报属实。", "责令整改，追回补贴 4000 元。",
                  "2015-02-10", "2015-03-31", made.pilot.name, made.outlet.name):  # fmt: skip
        assert shown in body
    for hidden in ("王", "13912345678", "5678", "网点以翻新件冒充", "调取交易记录"):
        assert hidden not in body
    # The fixture's complaint, not yet published, is not there.
    assert made.complaint.number not in body
    filtered = anonymous.get("/pilots/public/complaints?province=330000&year=2015")
    assert complaint.number not in filtered.get_data(as_text=True)
    assert complaint.number in anonymous.get(
        "/pilots/public/complaints?province=320000&year=2015"
    ).get_data(as_text=True)


def test_the_complainant_is_shown_on_request_and_audited(app, piloted):
    made = piloted
    client = app.test_client()
    login(client, made.world.a_officer.username)
    url = f"/pilots/complaints/{made.complaint.id}"
    masked = complainant_of(client.get(url).get_data(as_text=True))
    assert masked.startswith("匿*") and World.MARKER not in masked
    assert complainant_of(client.get(f"{url}?clear=1").get_data(as_text=True)).startswith(
        f"匿名{World.MARKER}"
    )
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "view_personal_data")
    ).all()
    assert [e.changes["view"] for e in entries] == [[None, "pilot_complainant"]]


def test_the_register_marks_overdue_complaints(app, piloted):
    made = piloted
    client = app.test_client()
    login(client, made.world.a_officer.username)
    page = client.get("/pilots/complaints").get_data(as_text=True)
    assert made.complaint.number in page and 'data-overdue="1"' in page  # due 2014-12-15
    only = client.get("/pilots/complaints?overdue=1").get_data(as_text=True)
    assert made.complaint.number in only
    investigating = client.get("/pilots/complaints?status=investigating").get_data(as_text=True)
    assert made.complaint.number not in investigating
    by_pilot = client.get(f"/pilots/complaints?pilot={made.pilot.id}").get_data(as_text=True)
    assert made.complaint.number in by_pilot
    other = client.get(f"/pilots/complaints?pilot={made.pilot.id + 999}").get_data(as_text=True)
    assert made.complaint.number not in other


def test_the_ministry_names_the_province_when_no_pilot_is_concerned(app, piloted, today):
    made = piloted
    client = app.test_client()
    login(client, made.world.ministry_officer.username)
    assert "受理省份" in client.get("/pilots/complaints/new").get_data(as_text=True)
    data = {"channel": "email", "received_on": "2015-02-09", "summary": "补贴迟迟未发放"}
    response = client.post("/pilots/complaints/new", data=data)
    assert response.status_code == 422
    assert "请选择受理举报的省份或涉及的试点企业" in response.get_data(as_text=True)
    response = client.post(
        "/pilots/complaints/new", data={**data, "province_id": str(made.world.b_province.id)}
    )
    assert response.status_code == 302
    assert newest().number == "浙再制造举〔2015〕1 号"


def test_access(app, piloted):
    made = piloted
    w = made.world
    client = app.test_client()
    url = f"/pilots/complaints/{made.complaint.id}"
    steps = {
        "assign": {"investigator_id": str(w.a_inspector.id)},
        "investigation": {"investigation": "x"},
        "conclude": {"finding": "x", "handling": "y"},
        "publish": {"published_on": "2014-12-01", "published_at": "网站"},
    }
    login(client, w.b_officer.username)
    assert client.get(url).status_code == 404
    for step, data in steps.items():
        assert client.post(f"{url}/{step}", data=data).status_code == 404, step
    b_register = client.get("/pilots/complaints").get_data(as_text=True)
    assert made.complaint.number not in b_register
    # B's officer cannot name A's pilot when registering.
    response = client.post(
        "/pilots/complaints/new",
        data={"channel": "phone", "received_on": "2014-12-01", "summary": "x",
              "pilot_id": str(made.pilot.id)},
    )  # fmt: skip
    assert response.status_code in (404, 422)
    assert (
        db.session.scalar(select(Complaint).where(Complaint.province_id == w.b_province.id)) is None
    )
    login(client, w.expert.username)
    assert client.get(url).status_code == 403
    assert client.get("/pilots/complaints").status_code == 403
    assert client.get("/pilots/public/complaints").status_code == 200
    # An inspector reads but does not register or conclude.
    login(client, w.a_inspector.username)
    assert client.get(url).status_code == 200
    assert client.get("/pilots/complaints/new").status_code == 403
    assert client.post(f"{url}/conclude", data=steps["conclude"]).status_code == 403
    # Not the investigator: the investigation step is refused with the reason.
    response = client.post(f"{url}/investigation", data=steps["investigation"])
    assert response.status_code == 422
