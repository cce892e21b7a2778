"""The whole round over HTTP, from the definition to the public page: create → run before a
witness → a redraw refused without its reason → open the cases → the inspectors find them
under /cases/ → the cases closed → published → the public page shows each enterprise, what
was checked and the outcome, and no one's name."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from views_support import pages  # noqa: F401

from conftest import login
from supervision.daily.models import DailyDraw, DrawStatus
from supervision.extensions import db
from supervision.inspections.models import (
    CaseStatus,
    ChecklistEntry,
    CheckResult,
    Finding,
    InspectionCase,
)


@pytest.fixture
def officer(app, pages):
    client = app.test_client()
    login(client, "a-officer")
    return client


def _draw_and_open(officer, pages) -> DailyDraw:
    assert officer.post("/daily/new", data=pages.form()).status_code == 302
    draw = pages.latest_draw()
    run = {"witness_id": str(pages.witness.id), "seed": "4711"}
    assert officer.post(f"/daily/{draw.id}/run", data=run).status_code == 302
    refused = officer.post(f"/daily/{draw.id}/run", data=run | {"seed": "4712"})
    assert refused.status_code == 422
    assert "重新抽取须说明理由" in refused.get_data(as_text=True)
    assert officer.post(f"/daily/{draw.id}/open-cases").status_code == 302
    db.session.refresh(draw)
    assert draw.status == DrawStatus.OPENED
    return draw


def test_the_whole_round_ends_on_the_public_page_without_names(app, officer, pages, world):
    draw = _draw_and_open(officer, pages)
    assignments = draw.current_run.assignments
    assert len(assignments) == 4

    # Each drawn inspector finds his enterprise's case under /cases/.
    first = assignments[0]
    inspector = app.test_client()
    login(inspector, first.inspector_a.username)
    body = inspector.get("/cases/").get_data(as_text=True)
    assert first.enterprise.name in body and "日常节能监察" in body
    assert inspector.get(f"/cases/{first.case_id}").status_code == 200

    # Not public before the cases are done.
    response = officer.post(f"/daily/{draw.id}/publish")
    assert response.status_code == 302
    body = officer.get(f"/daily/{draw.id}").get_data(as_text=True)
    assert "尚有 4 家企业的检查未办结" in body
    assert first.enterprise.name not in app.test_client().get("/daily/public").get_data(
        as_text=True
    )

    # The checks done: the first enterprise failed its metering check (a finding), the
    # others passed everything; every case closed.
    cases = {a.enterprise_id: db.session.get(InspectionCase, a.case_id) for a in assignments}
    for enterprise_id, case in cases.items():
        failed = enterprise_id == first.enterprise_id
        case.status = CaseStatus.CLOSED
        db.session.add(
            ChecklistEntry(
                case=case,
                item="metering",
                result=CheckResult.FAIL if failed else CheckResult.PASS,
            )
        )
        db.session.add(ChecklistEntry(case=case, item="training", result=CheckResult.PASS))
        if failed:
            db.session.add(Finding(case=case, kind="daily_check", description="计量器具配备率不足"))
    db.session.commit()

    response = officer.post(f"/daily/{draw.id}/publish")
    assert response.status_code == 302
    body = officer.get(f"/daily/{draw.id}").get_data(as_text=True)
    assert "抽查结果已向社会公开" in body
    db.session.refresh(draw)
    assert draw.status == DrawStatus.PUBLISHED
    listing = officer.get("/daily/").get_data(as_text=True)
    assert "结果已公开" in listing and "逾期未公开" not in listing

    public = app.test_client()  # nobody logged in
    response = public.get("/daily/public?province=320000&year=2026")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert draw.title in body and world.a_province.name in body
    for a in assignments:
        assert a.enterprise.name in body and a.enterprise.credit_code in body
    row = body[body.index(first.enterprise.name) :]
    row = row[: row.index("</tr>")]
    assert "能源计量制度执行情况：不符合" in row and "发现1项问题" in row
    other = next(a for a in assignments if a.enterprise_id != first.enterprise_id)
    row = body[body.index(other.enterprise.name) :]
    row = row[: row.index("</tr>")]
    assert "能源计量制度执行情况：符合" in row and "未发现问题" in row
    # No one's name: not the inspectors, the officer who drew, nor the witness.
    names = {u.full_name for u in pages.inspectors} | {pages.witness.full_name}
    names |= {world.a_officer.full_name}
    for name in names:
        assert name not in body, name
    # Another year, another province: nothing.
    assert first.enterprise.name not in public.get("/daily/public?year=2025").get_data(as_text=True)
    assert first.enterprise.name not in public.get("/daily/public?province=330000").get_data(
        as_text=True
    )
    # The latest year with results is shown by default.
    assert first.enterprise.name in public.get("/daily/public").get_data(as_text=True)


def test_the_public_page_shows_nothing_unpublished(app, officer, pages):
    draw = _draw_and_open(officer, pages)
    body = app.test_client().get("/daily/public").get_data(as_text=True)
    assert "暂无公开的抽查结果" in body
    assert draw.title not in body
    for a in draw.current_run.assignments:
        assert a.enterprise.name not in body
    assert db.session.scalar(select(DailyDraw.status)) == DrawStatus.OPENED
