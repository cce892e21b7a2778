"""Downloads: who gets which workbook, and how it is sent."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from annexes_support import (
    filed_fixture,  # noqa: F401 (the ``filed`` fixture)
    open_xlsx,
    row_where,
)

from conftest import World, login
from supervision.annexes import service
from supervision.annexes.views import XLSX
from supervision.extensions import db
from supervision.plans.service import plan_for_year

PROVINCE_A = "/annexes/2020/320000.xlsx"
TEMPLATE_A = "/annexes/2020/320000/annex2-template.xlsx"
NATIONAL = "/annexes/2020/national.xlsx"


def get(app, user, url):
    """The response, read and closed (a streamed file is closed with its response)."""
    client = app.test_client()
    login(client, user.username)
    response = client.get(url)
    response.get_data()
    response.close()
    return response


@pytest.mark.parametrize(
    ("actor", "url", "status"),
    [
        ("ministry_officer", PROVINCE_A, 200),
        ("a_officer", PROVINCE_A, 200),
        ("b_officer", PROVINCE_A, 404),
        ("b_agency_officer", PROVINCE_A, 404),
        ("a_inspector", PROVINCE_A, 403),
        ("a_admin", PROVINCE_A, 403),
        ("b_officer", TEMPLATE_A, 404),
        ("a_officer", TEMPLATE_A, 200),
        ("a_inspector", TEMPLATE_A, 403),
        ("ministry_officer", NATIONAL, 200),
        ("a_officer", NATIONAL, 403),
        ("a_inspector", NATIONAL, 403),
        ("ministry_admin", NATIONAL, 403),
    ],
)
def test_who_may_download_what(app, filed, actor, url, status):
    response = get(app, getattr(filed.world, actor), url)
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == XLSX
    if actor.startswith("b_"):
        assert World.MARKER not in response.get_data(as_text=True)


def test_the_province_download_is_the_annexes_with_a_utf8_file_name(app, filed):
    response = get(app, filed.world.a_officer, PROVINCE_A)
    name = "2020年江苏省国家重大工业专项节能监察任务汇总表及企业名单.xlsx"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert response.headers["Cache-Control"].startswith(("no-cache", "public, max-age=0"))
    book = open_xlsx(response.data)
    assert book.sheetnames == ["附件1", "附件2"]
    assert book["附件2"]["B6"].value  # the filed tasks are in it


def test_templates_empty_or_filled(app, filed):
    empty = open_xlsx(get(app, filed.world.a_officer, TEMPLATE_A).data)["附件2"]
    filled = open_xlsx(get(app, filed.world.a_officer, TEMPLATE_A + "?filled=1").data)["附件2"]
    assert empty["B6"].value is None
    assert filled["B6"].value
    response = get(app, filed.world.a_officer, TEMPLATE_A)
    assert quote("企业名单（填报模板）.xlsx") in response.headers["Content-Disposition"]


def test_the_national_workbook_download(app, filed):
    response = get(app, filed.world.ministry_officer, NATIONAL)
    assert response.status_code == 200 and response.mimetype == XLSX
    assert (
        quote("2020年国家重大工业专项节能监察任务全国汇总.xlsx")
        in response.headers["Content-Disposition"]
    )
    book = open_xlsx(response.data)
    assert book.sheetnames[0] == "全国汇总" and "江苏省-附件2" in book.sheetnames


@pytest.mark.parametrize(
    "url",
    ["/annexes/1999/320000.xlsx", "/annexes/2020/999999.xlsx", "/annexes/2020/320100.xlsx"],
)
def test_unknown_plans_and_provinces_are_not_found(app, filed, url):
    assert get(app, filed.world.ministry_officer, url).status_code == 404


def test_a_province_without_a_filing_row(app, world: World):
    """Its own officers and the ministry get empty annexes; others still 404."""
    plan = plan_for_year(2020)
    db.session.delete(service.find_filing(plan, world.b_province))
    db.session.commit()
    url = "/annexes/2020/330000.xlsx"
    assert get(app, world.b_officer, url).status_code == 200
    assert get(app, world.ministry_officer, url).status_code == 200
    assert get(app, world.a_officer, url).status_code == 404


def test_the_index_lists_what_one_may_download(app, filed):
    ministry = get(app, filed.world.ministry_officer, "/annexes/2020/").get_data(as_text=True)
    assert "national.xlsx" in ministry and "330000.xlsx" in ministry and "320000.xlsx" in ministry
    own = get(app, filed.world.b_officer, "/annexes/2020/").get_data(as_text=True)
    assert "330000.xlsx" in own and "320000.xlsx" not in own and "national.xlsx" not in own


def _numbers_of_row(html: str, marker: str) -> list[int]:
    """The right-aligned figures of the table row containing ``marker``."""
    row = next(r for r in re.split(r"<tr[ >]", html) if marker in r)
    return [int(n) for n in re.findall(r'<td class="text-end">(\d+)</td>', row)]


def test_the_overview_page_and_the_national_workbook_show_the_same_figures(app, filed):
    """Both come from filing_counts(): per province and in the 合计 row."""
    ministry = filed.world.ministry_officer
    page = get(app, ministry, "/tasks/2020").get_data(as_text=True)
    ws = open_xlsx(get(app, ministry, NATIONAL).data)["全国汇总"]
    jiangsu = row_where(ws, "B", "江苏省")
    total = row_where(ws, "A", "合计")
    in_book = [ws[f"{c}{jiangsu}"].value for c in "CDEFGIJ"]
    assert _numbers_of_row(page, "江苏省</a>") == in_book == [3, 2, 1, 1, 2, 7, 1]
    assert _numbers_of_row(page, "fw-bold") == [ws[f"{c}{total}"].value for c in "CDEFGIJ"]
