"""Repeat offenders across years on the province dashboard, and violations of a daily-
supervision case reaching the social-credit feed (notice → publication → feed)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from followup_support import add_enterprise, daily_case, special_case
from sqlalchemy import select

from conftest import World, login
from supervision.core.models import Role
from supervision.disclosure import service as disclosure
from supervision.extensions import db
from supervision.followup.repeat import repeat_offenders
from supervision.inspections import progress
from supervision.inspections.models import DAILY_CATEGORY, CaseStatus, Finding, InspectionCase
from supervision.rectification import history
from supervision.rectification import service as rectification
from supervision.rectification.models import DeadlineBasis, NoticeStatus, RectificationNotice


def _notice(world: World, enterprise, *, year: int, case=None, province=None, agency=None):
    notice = RectificationNotice(
        case_id=case.id if case is not None else None,
        province_id=(province or world.a_province).id,
        agency_id=(agency or world.a_agency).id,
        enterprise_id=enterprise.id,
        year=year,
        sequence=None,
        number=f"苏节监改〔{year}〕{enterprise.id}号",
        violation="使用淘汰电机",
        measures="淘汰",
        served_on=date(year, 9, 2) if case is None else date(year, 1, 6),
        deadline_basis=DeadlineBasis.DATE,
        deadline_on=date(year, 12, 31),
        status=NoticeStatus.ISSUED,
        imported=case is None,
    )
    db.session.add(notice)
    db.session.commit()
    return notice


@pytest.fixture
def offenders(world: World):
    """X: 2020 special case (2 findings) + 2021 daily case (1) → 2020, 2021.
    Y: imported 2019 notice + 2020 case (1) → 2019, 2020.
    Z: two cases of the same year 2020 → one year only.
    W: a 2020 case whose notice was served in January 2021 → still one year (the notice is
    not counted beside its case's findings).
    V: province B, 2020 and 2021."""
    inspectors = [world.a_inspector]
    x = special_case(world, serial=51, name="重复违规甲企业", findings=2)
    daily_case(
        world,
        serial=0,
        name="",
        inspectors=inspectors,
        assessed_year=2020,
        enterprise=x.enterprise,
    )
    y_enterprise = add_enterprise(world, 52, "重复违规乙企业")
    _notice(world, y_enterprise, year=2019)
    special_case(world, serial=0, name="", enterprise=y_enterprise)
    z = special_case(world, serial=53, name="同年两案丙企业")
    daily_case(world, serial=0, name="", inspectors=inspectors, enterprise=z.enterprise)
    w = special_case(world, serial=54, name="次年送达丁企业")
    _notice(world, w.enterprise, year=2021, case=w)
    v = special_case(
        world,
        serial=55,
        name="乙省重复企业",
        province=world.b_province,
        inspectors=[world.b_inspector],
    )
    b_daily = InspectionCase(
        province_id=world.b_province.id,
        agency_id=world.b_agency.id,
        enterprise_id=v.enterprise_id,
        category=DAILY_CATEGORY,
        assessed_year=2020,
        status=CaseStatus.FINDINGS,
    )
    db.session.add(b_daily)
    db.session.add(Finding(case=b_daily, kind="daily_check", description="无能源管理岗位"))
    db.session.commit()
    return {"x": x.enterprise, "y": y_enterprise, "z": z.enterprise, "w": w.enterprise, "v": v}


def test_repeat_offenders_of_a_province_with_years_and_counts(world: World, offenders):
    found = repeat_offenders(world.a_officer)
    assert [(o.name, o.counts, o.violations) for o in found] == [
        ("重复违规甲企业", {2020: 2, 2021: 1}, 3),
        ("重复违规乙企业", {2019: 1, 2020: 1}, 2),
    ]
    assert found[0].years == [2020, 2021]
    # Only some years counted: Y has a single year left among 2020–2021.
    assert [o.name for o in repeat_offenders(world.a_officer, years=[2020, 2021])] == [
        "重复违规甲企业"
    ]
    # Each province sees its own; the ministry every province, or one.
    assert [o.name for o in repeat_offenders(world.b_officer)] == ["乙省重复企业"]
    assert {o.name for o in repeat_offenders(world.ministry_officer)} == {
        "重复违规甲企业",
        "重复违规乙企业",
        "乙省重复企业",
    }
    only_b = repeat_offenders(world.ministry_officer, province_id=world.b_province.id)
    assert [o.name for o in only_b] == ["乙省重复企业"]


def test_the_years_agree_with_the_enterprise_history(world: World, offenders):
    """Both count a finding in its case's plan year and an imported notice in its own year.
    A notice issued from a case is not a violation of its own here: W's notice served in
    January 2021 does not make its 2020 case a second year."""
    assert history.violation_years(offenders["x"].id) == {2020, 2021}
    assert history.violation_years(offenders["y"].id) == {2019, 2020}
    assert history.violation_years(offenders["z"].id) == {2020}
    assert offenders["w"].name not in [o.name for o in repeat_offenders(world.a_officer)]


def test_the_dashboard_highlights_repeat_offenders(world: World, offenders, client):
    login(client, world.a_officer.username)
    page = client.get("/cases/progress").get_data(as_text=True)
    section = page[page.index('id="repeat-section"') :]
    assert "多年重复违规企业" in section
    assert f'/rectification/enterprises/{offenders["x"].id}"' in section
    assert "2020 年（2）、2021 年（1）" in section
    assert "重复违规乙企业" in section and "同年两案丙企业" not in section
    assert "乙省重复企业" not in page
    # Daily cases count on the dashboard: a row of their own, their findings by industry.
    figures = progress.progress(world.a_officer)
    assert figures.by_category[-1] == (DAILY_CATEGORY, 2)
    assert figures.total == sum(n for _c, n in figures.by_category)
    assert sum(n for _name, n in figures.findings_by_industry) == 7
    assert "日常监察" in page
    # The enterprise's history opens from the link.
    login(client, world.a_officer.username)
    assert client.get(f"/rectification/enterprises/{offenders['x'].id}").status_code == 200


def test_the_ministry_dashboard_lists_every_provinces_offenders(world: World, offenders, client):
    login(client, world.ministry_officer.username)
    page = client.get("/cases/progress").get_data(as_text=True)
    assert "重复违规甲企业" in page and "乙省重复企业" in page
    page = client.get("/cases/progress?province=330000").get_data(as_text=True)
    assert "乙省重复企业" in page and "重复违规甲企业" not in page


# -- social credit --------------------------------------------------------------------------------


def test_a_daily_case_violation_reaches_the_social_credit_feed(world: World, make_user, client):
    """日常监察 case (category 0, no task, two drawn inspectors) with a finding → the
    inspector issues a 限期整改通知书 → the province publishes the violator → the feeds."""
    partner = make_user("a-inspector-2", Role.INSPECTOR, world.a_agency, full_name="乙监察员")
    case = daily_case(
        world, serial=61, name="日常监察违规企业", inspectors=[world.a_inspector, partner]
    )
    assert case.task_id is None and case.is_daily
    now = datetime(2020, 12, 1, 2, 0, tzinfo=UTC)
    notice = rectification.issue_notice(
        case,
        actor=world.a_inspector,
        now=now,
        finding_ids=[f.id for f in rectification.available_findings(case)],
        measures="设立能源管理岗位，聘任能源管理负责人并备案",
        basis="workdays",
        days=15,
        served_on=date(2020, 9, 25),
    )
    db.session.commit()
    assert notice.deadline_on == date(2020, 10, 22)
    assert case.status == CaseStatus.RECTIFICATION
    entry = disclosure.prepare(
        actor=world.a_officer,
        enterprise=case.enterprise,
        texts=disclosure.texts_from_notice(notice),
        notice=notice,
        now=now,
    )
    disclosure.publish(entry, actor=world.a_officer, today=date(2020, 12, 2))
    db.session.commit()

    feed = client.get("/disclosure/feed.json").json
    [item] = feed["items"]
    assert item["enterprise_name"] == "日常监察违规企业"
    assert item["violation"] == "未设立能源管理岗位 1"
    assert item["decision"] == f"责令限期整改（{notice.number}）"
    assert item["credit_code"] == case.enterprise.credit_code
    rows = list(
        csv.reader(io.StringIO(client.get("/disclosure/feed.csv").data.decode("utf-8-sig")))
    )
    assert rows[1][2] == "日常监察违规企业"
    # The notice's own pages work for a case without a task.
    login(client, world.a_officer.username)
    for url in (
        f"/rectification/{notice.id}",
        f"/rectification/{notice.id}/print",
        f"/rectification/{notice.id}/notice.docx",
        f"/rectification/enterprises/{case.enterprise_id}",
    ):
        assert client.get(url).status_code == 200, url
    assert db.session.scalar(select(RectificationNotice.case_id)) == case.id
