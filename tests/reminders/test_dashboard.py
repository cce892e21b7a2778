"""Overdue figures by province, agency and category: scoped, and reconciling with the list."""

from __future__ import annotations

import re
from datetime import date

import pytest
from reminders_web_support import make_deadline
from sqlalchemy import func, select

from conftest import World, login
from supervision.extensions import db
from supervision.reminders import dashboard, deadline_views
from supervision.reminders.dashboard import DeadlineFilters, OverdueRow, overdue_by

TODAY = date(2020, 3, 2)  # a Monday


@pytest.fixture
def deadlines(world: World, monkeypatch):
    """Province A: three overdue (two of agency A, category 四 and 五; one province-level),
    one due today, one met, one cancelled; province B: one overdue of agency B."""
    monkeypatch.setattr(deadline_views, "local_today", lambda: TODAY)
    a, b = world.a_province, world.b_province
    made = {
        "a_case": make_deadline(
            kind="case_due",
            due_on=date(2020, 2, 28),  # the last working day before TODAY: overdue
            province=a,
            agency=world.a_agency,
            category=4,
            people=[world.a_inspector],
        ),
        "a_review": make_deadline(
            kind="reinspection",
            due_on=date(2020, 1, 15),
            province=a,
            agency=world.a_agency,
            category=5,
        ),
        "a_filing": make_deadline(kind="task_filing", due_on=date(2020, 2, 20), province=a),
        "a_today": make_deadline(
            kind="case_due", due_on=TODAY, province=a, agency=world.a_agency, category=4
        ),
        "a_met": make_deadline(
            kind="task_filing", due_on=date(2020, 2, 1), province=a, done_on=date(2020, 2, 3)
        ),
        "a_cancelled": make_deadline(
            kind="case_due",
            due_on=date(2020, 2, 1),
            province=a,
            agency=world.a_agency,
            category=4,
            cancelled=True,
        ),
        "b_case": make_deadline(
            kind="case_due",
            due_on=date(2020, 2, 10),
            province=b,
            agency=world.b_agency,
            category=4,
            people=[world.b_inspector],
        ),
    }
    return made


def figures(user, dimension):
    return {(r.key, r.count, r.oldest_due_on) for r in overdue_by(user, dimension, today=TODAY)}


def test_the_ministry_sees_every_province(world, deadlines):
    a, b = world.a_province.id, world.b_province.id
    assert figures(world.ministry_officer, "province") == {
        (a, 3, date(2020, 1, 15)),
        (b, 1, date(2020, 2, 10)),
    }
    assert figures(world.ministry_officer, "agency") == {
        (world.a_agency.id, 2, date(2020, 1, 15)),
        (None, 1, date(2020, 2, 20)),
        (world.b_agency.id, 1, date(2020, 2, 10)),
    }
    assert figures(world.ministry_officer, "category") == {
        (4, 2, date(2020, 2, 10)),
        (5, 1, date(2020, 1, 15)),
        (None, 1, date(2020, 2, 20)),
    }


def test_rows_are_named_and_the_largest_comes_first(world, deadlines):
    rows = overdue_by(world.ministry_officer, "province", today=TODAY)
    assert [r.name for r in rows] == ["江苏省", "浙江省"]
    agency_rows = overdue_by(world.a_officer, "agency", today=TODAY)
    assert agency_rows[0] == OverdueRow(
        world.a_agency.id, world.a_agency.name, 2, date(2020, 1, 15)
    )
    assert agency_rows[1].name == "无承担机构（省级事项）" and agency_rows[1].key_arg == "none"
    categories = {
        r.key: r.name for r in overdue_by(world.ministry_officer, "category", today=TODAY)
    }
    assert categories == {
        4: "四、数据中心能效专项监察",
        5: "五、2019年违规企业整改落实情况专项监察",
        None: "非专项监察事项",
    }


def test_due_today_is_not_overdue_yet_and_tomorrow_it_is(world, deadlines):
    assert figures(world.a_officer, "province") == {(world.a_province.id, 3, date(2020, 1, 15))}
    tomorrow = overdue_by(world.a_officer, "province", today=date(2020, 3, 3))
    assert [(r.key, r.count) for r in tomorrow] == [(world.a_province.id, 4)]


def test_a_province_sees_only_its_own(world, deadlines):
    assert {r.key for r in overdue_by(world.a_officer, "province", today=TODAY)} == {
        world.a_province.id
    }
    assert figures(world.b_officer, "agency") == {(world.b_agency.id, 1, date(2020, 2, 10))}
    assert figures(world.b_agency_officer, "category") == {(4, 1, date(2020, 2, 10))}


def test_an_inspector_sees_only_the_deadlines_he_is_responsible_for(world, deadlines):
    assert figures(world.a_inspector, "category") == {(4, 1, date(2020, 2, 28))}
    assert figures(world.b_inspector, "province") == {(world.b_province.id, 1, date(2020, 2, 10))}


def test_a_system_administrator_of_a_province_sees_its_deadlines(world, deadlines):
    assert figures(world.a_admin, "province") == {(world.a_province.id, 3, date(2020, 1, 15))}


def count(user, filters: DeadlineFilters) -> int:
    stmt = dashboard.deadlines_query(user, filters)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


@pytest.mark.parametrize("dimension", dashboard.DIMENSIONS)
@pytest.mark.parametrize("actor", ["ministry_officer", "a_officer", "a_inspector", "b_officer"])
def test_each_figure_equals_the_filtered_list(world, deadlines, dimension, actor):
    user = getattr(world, actor)
    for row in overdue_by(user, dimension, today=TODAY):
        filters = DeadlineFilters(overdue=True, today=TODAY, **{dimension: row.key_arg})
        assert count(user, filters) == row.count, (dimension, row)


def test_list_filters(world, deadlines):
    user = world.ministry_officer
    assert count(user, DeadlineFilters()) == 5  # open: everything but met and cancelled
    assert count(user, DeadlineFilters(status="done")) == 1
    assert count(user, DeadlineFilters(status="all")) == 7
    assert count(user, DeadlineFilters(status="all", kind="task_filing")) == 2
    assert count(user, DeadlineFilters(province=str(world.b_province.id))) == 1
    assert count(user, DeadlineFilters(status="all", category="none")) == 2
    assert count(user, DeadlineFilters(agency="none")) == 1
    assert count(user, DeadlineFilters(province="garbage")) == 5  # ignored, not an error


def test_the_page_figures_link_to_lists_of_exactly_that_many(client, world, deadlines):
    login(client, world.ministry_officer.username)
    page = client.get("/reminders/deadlines").get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)" data-count="(\d+)">', page)
    assert len(links) == 2 + 3 + 3
    for href, n in links:
        listed = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
        assert f"共 {n} 条" in listed, href
        assert listed.count('href="/reminders/deadlines/') == int(n), href


def test_the_page_shows_working_days_overdue_and_earlier_due_dates(client, world, deadlines):
    moved = make_deadline(
        kind="rectification_deadline",
        title="整改期限已延长",
        due_on=date(2020, 2, 26),
        previous=(date(2020, 2, 12),),
        province=world.a_province,
        agency=world.a_agency,
    )
    login(client, world.a_officer.username)
    page = client.get("/reminders/deadlines?sort=title").get_data(as_text=True)
    row = re.search(r"整改期限已延长</a>(.*?)</tr>", page, re.S).group(1)
    # 02-27, 02-28, 03-02 are working days after 02-26
    assert "原期限：2020-02-12" in row and '<span class="badge text-bg-danger">3</span>' in row
    assert "限期整改期限" in row  # the kind's label
    assert f'href="/reminders/deadlines/{moved.id}"' in page


def test_an_inspector_lists_only_his_deadlines(client, world, deadlines):
    login(client, world.a_inspector.username)
    page = client.get("/reminders/deadlines?status=all").get_data(as_text=True)
    assert page.count('href="/reminders/deadlines/') == 1
    assert f'href="/reminders/deadlines/{deadlines["a_case"].id}"' in page


def test_a_system_administrator_has_no_deadline_list(client, world, deadlines):
    login(client, world.ministry_admin.username)
    assert client.get("/reminders/deadlines").status_code == 403
