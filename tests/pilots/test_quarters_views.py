"""Quarterly report pages: the reports and the quarters still owed, starting one from the
owed list, refreshing and sending it, the province's re-check."""

from __future__ import annotations

from datetime import date

from daily_support import TODAY, city_officers  # noqa: F401
from pilots.pilots_support import piloted  # noqa: F401
from sqlalchemy import select

from conftest import World, login
from supervision.extensions import db
from supervision.pilots import quarter_views
from supervision.pilots.daily_models import QuarterlyReport, QuarterStatus


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_owed_quarters_and_starting_one(client, piloted, city_officers, monkeypatch):
    made = piloted
    monkeypatch.setattr(quarter_views, "local_today", lambda: date(2015, 4, 20))
    db.session.delete(made.quarter)
    db.session.commit()
    login(client, city_officers[0].username)
    page = text(client.get("/pilots/quarters"))
    assert "2014 年第 4 季度" in page and "2015 年第 1 季度" in page
    assert "2015-01-31" in page and "2015-04-30" in page
    assert page.count("开始填报") == 2
    response = client.post(
        "/pilots/quarters/new",
        data={
            "call_id": made.call.id,
            "city_id": made.world.a_agency.id,
            "year": 2015,
            "quarter": 1,
        },
    )
    report = db.session.scalars(select(QuarterlyReport)).one()
    assert response.headers["Location"].endswith(f"/pilots/quarters/{report.id}")
    assert (report.year, report.quarter, report.due_on) == (2015, 1, date(2015, 4, 30))
    login(client, made.world.a_inspector.username)
    page = text(client.get("/pilots/quarters"))
    assert "开始填报" not in page and "2015 年第 1 季度" in page
    login(client, made.world.b_officer.username)
    page = text(client.get("/pilots/quarters"))
    assert "没有符合条件的季度数据。" in page and World.MARKER not in page
    assert client.get(f"/pilots/quarters/{report.id}").status_code == 404
    refused = client.post(
        "/pilots/quarters/new",
        data={
            "call_id": made.call.id,
            "city_id": made.world.a_agency.id,
            "year": 2014,
            "quarter": 4,
        },
    )
    assert refused.status_code == 404


def test_sending_and_rechecking(client, piloted, city_officers, monkeypatch):
    made = piloted
    report = made.quarter
    monkeypatch.setattr(quarter_views, "local_today", lambda: date(2015, 1, 30))
    login(client, city_officers[0].username)
    page = text(client.get(f"/pilots/quarters/{report.id}"))
    assert "报送省级" in page and "提交复核结论" not in page
    client.post(f"/pilots/quarters/{report.id}/refresh", data={"version": str(report.version)})
    db.session.refresh(report)
    page = text(client.get(f"/pilots/quarters/{report.id}"))
    assert made.pilot.name in page and "已报送市级" in page  # October's pack status
    assert "以下月份的材料尚未通过财政审核" in page
    response = client.post(
        f"/pilots/quarters/{report.id}/submit", data={"version": str(report.version)}
    )
    assert "省级应于 2015-02-13 前完成复核" in text(client.get(response.headers["Location"]))
    db.session.refresh(report)
    assert report.status == QuarterStatus.SUBMITTED

    login(client, made.world.a_officer.username)
    monkeypatch.setattr(quarter_views, "local_today", lambda: TODAY)
    page = text(client.get(f"/pilots/quarters/{report.id}"))
    assert "提交复核结论" in page and "逾期" in page  # 2015-02-16 is past the 13th
    client.post(
        f"/pilots/quarters/{report.id}/recheck",
        data={"decision": "return", "note": "请补报 11 月", "version": str(report.version)},
    )
    db.session.refresh(report)
    assert report.status == QuarterStatus.RETURNED and report.return_reason == "请补报 11 月"
    assert "请补报 11 月" in text(client.get(f"/pilots/quarters/{report.id}"))
