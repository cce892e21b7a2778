"""The annual summary pages: the province writes and submits, the ministry returns and
accepts; who sees what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from summaries_support import TEXTS, make_summary, write_summary

from conftest import World, login
from supervision.extensions import db
from supervision.summaries import views
from supervision.summaries.models import AnnualSummary
from supervision.tasks.models import FilingStatus
from tests.inspections.inspections_support import Casework, casework  # noqa: F401

PAGE = "/summaries/2020/320000"


def client_of(app, user):
    client = app.test_client()
    login(client, user.username)
    return client


def form_of(**values) -> dict:
    return {"funds_used": "8.00", "funds_text": "", **TEXTS, **values}


def status_of(world: World) -> FilingStatus | None:
    summary = db.session.scalar(
        db.select(AnnualSummary).where(AnnualSummary.province_id == world.a_province.id)
    )
    return summary.status if summary else None


def test_start_sends_each_user_to_his_page(app, world):
    officer = client_of(app, world.a_officer)
    assert officer.get("/summaries/").headers["Location"] == PAGE
    assert officer.get("/summaries/2020").headers["Location"] == PAGE
    agency_officer = client_of(app, world.b_agency_officer)
    assert agency_officer.get("/summaries/").headers["Location"] == "/summaries/2020/330000"
    ministry = client_of(app, world.ministry_officer)
    assert ministry.get("/summaries/").headers["Location"] == "/summaries/2020"


def test_the_province_writes_and_submits_its_summary(app, world):
    officer = client_of(app, world.a_officer)
    page = officer.get(PAGE).get_data(as_text=True)
    assert "江苏省 2020 年节能监察工作总结" in page and "未开始" in page
    assert "截止 2020-09-30" in page and 'action="/summaries/2020/320000/edit"' in page
    assert status_of(world) is None  # reading the page opens nothing

    # Submitting an empty summary is refused, naming what is missing.
    refused = officer.post(f"{PAGE}/submit", follow_redirects=True).get_data(as_text=True)
    assert "请先填写以下部分再报送：专项监察工作总结、日常监察工作总结" in refused
    assert status_of(world) is None  # the refusal leaves nothing behind

    saved = officer.post(f"{PAGE}/edit", data=form_of(version=""))
    assert saved.status_code == 302 and saved.headers["Location"] == PAGE
    page = officer.get(PAGE).get_data(as_text=True)
    assert TEXTS["daily_text"] in page and "填报中" in page and 'value="8.00"' in page

    response = officer.post(f"{PAGE}/submit", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "年度工作总结已报送工业和信息化部" in page
    assert "已报送" in page and f"{PAGE}/edit" not in page and f"{PAGE}/submit" not in page
    assert TEXTS["daily_text"] in page  # shown read-only
    summary = db.session.scalar(db.select(AnnualSummary))
    [event] = summary.events
    assert f"/summaries/events/{event.id}/report.docx" in page
    assert f"/summaries/events/{event.id}/results.xlsx" in page
    assert "报送时的数据" in page
    # Locked: a save is refused with the reason.
    again = officer.post(
        f"{PAGE}/edit", data=form_of(version=str(summary.version)), follow_redirects=True
    )
    assert "锁定期间不能修改" in again.get_data(as_text=True)


def test_edit_errors_are_shown_beside_their_fields(app, world):
    summary = write_summary(world)
    officer = client_of(app, world.a_officer)
    version = str(summary.version)
    negative = officer.post(f"{PAGE}/edit", data=form_of(funds_used="-1", version=version))
    assert negative.status_code == 200 and "经费金额不能为负数" in negative.get_data(as_text=True)
    three = officer.post(f"{PAGE}/edit", data=form_of(funds_used="1.005", version=version))
    assert "两位小数" in three.get_data(as_text=True)
    long = officer.post(f"{PAGE}/edit", data=form_of(problems_text="字" * 20_001, version=version))
    assert "不能超过 20,000 字" in long.get_data(as_text=True)
    stale = officer.post(f"{PAGE}/edit", data=form_of(version=str(summary.version - 1)))
    assert "该记录已被他人修改" in stale.get_data(as_text=True)
    db.session.refresh(summary)
    assert summary.funds_used == Decimal("12.50")  # nothing saved


def test_the_ministry_returns_with_a_comment_then_accepts(app, world):
    make_summary(world)
    ministry = client_of(app, world.ministry_officer)
    page = ministry.get(PAGE).get_data(as_text=True)
    assert "/summaries/2020/320000/accept" in page and "/summaries/2020/320000/return" in page
    assert f"{PAGE}/edit" not in page  # the ministry reads, never writes

    no_comment = ministry.post(f"{PAGE}/return", data={"comment": " "}, follow_redirects=True)
    assert "退回时请填写修改意见" in no_comment.get_data(as_text=True)
    assert status_of(world) == FilingStatus.SUBMITTED
    ministry.post(f"{PAGE}/return", data={"comment": "请补充日常监察的整改跟踪情况"})
    assert status_of(world) == FilingStatus.RETURNED

    officer = client_of(app, world.a_officer)
    page = officer.get(PAGE).get_data(as_text=True)
    assert "请补充日常监察的整改跟踪情况" in page and "已退回" in page
    assert f"{PAGE}/edit" in page and "重新报送" in page
    assert "前修改后重新报送" in page  # the correction deadline
    summary = db.session.scalar(db.select(AnnualSummary))
    officer.post(
        f"{PAGE}/edit", data=form_of(daily_text="已补充整改跟踪。", version=str(summary.version))
    )
    officer.post(f"{PAGE}/submit")
    assert status_of(world) == FilingStatus.SUBMITTED
    ministry.post(f"{PAGE}/accept", data={"comment": ""})
    assert status_of(world) == FilingStatus.ACCEPTED
    page = ministry.get(PAGE).get_data(as_text=True)
    assert "已接收" in page and f"{PAGE}/accept" not in page
    for label in ("报送", "退回", "重新报送", "接收"):
        assert f"<td>{label}</td>" in page


def test_other_provinces_get_nothing_and_roles_without_the_right_are_refused(app, world):
    made = make_summary(world)
    event = made.ids()["summary_event"]
    urls = [
        PAGE,
        f"{PAGE}/report.docx",
        f"{PAGE}/results.xlsx",
        f"/summaries/events/{event}/report.docx",
        f"/summaries/events/{event}/results.xlsx",
    ]
    for user in (world.b_officer, world.b_agency_officer):
        other = client_of(app, user)
        for url in urls:
            assert other.get(url).status_code == 404, (user.username, url)
        for step in ("edit", "submit"):
            assert other.post(f"{PAGE}/{step}", data=form_of()).status_code == 404
        assert World.MARKER not in other.get("/summaries/2020/330000").get_data(as_text=True)
    for user in (world.a_inspector, world.a_admin, world.ministry_admin, world.expert):
        refused = client_of(app, user)
        for url in [*urls, "/summaries/2020", "/summaries/2020/reports.zip"]:
            assert refused.get(url).status_code == 403, (user.username, url)
    officer = client_of(app, world.a_officer)
    assert officer.get("/summaries/2020/reports.zip").status_code == 403
    assert officer.get("/summaries/2020/national.xlsx").status_code == 403
    assert officer.post(f"{PAGE}/accept").status_code == 403
    assert officer.post(f"{PAGE}/return", data={"comment": "x"}).status_code == 403
    ministry = client_of(app, world.ministry_officer)
    assert ministry.post(f"{PAGE}/edit", data=form_of()).status_code == 403
    assert ministry.post(f"{PAGE}/submit").status_code == 403
    assert ministry.get("/summaries/2020/990000").status_code == 404
    assert ministry.get("/summaries/2031/320000").status_code == 404
    # A city agency's officer reads his province's summary but only the province files it.
    agency = client_of(app, world.b_agency_officer)
    page = agency.get("/summaries/2020/330000").get_data(as_text=True)
    assert "未开始" in page and "/edit" not in page
    assert agency.post("/summaries/2020/330000/submit").status_code == 403


def test_the_page_lists_the_first_results_and_counts_all(app, world, casework, monkeypatch):
    for n, day in ((1, date(2020, 6, 2)), (2, date(2020, 6, 3))):
        case = casework.open(4, name=f"监察企业{n}号")
        case.visit_on = day
    casework.open(4, name="未监察企业")  # planned, never visited: not in the list
    db.session.commit()
    monkeypatch.setattr(views, "RESULTS_SHOWN", 1)
    page = client_of(app, world.a_officer).get(PAGE).get_data(as_text=True)
    assert "共 2 家次" in page
    assert "监察企业1号" in page and "监察企业2号" not in page and "未监察企业" not in page
    assert "仅显示前 1 条，共 2 条" in page
    special = page[page.index('id="special-figures"') :].split("</table>")[0]
    row = special[special.index("四、") :].split("</tr>")[0]
    # Tasks 4 (the world's + three), two actually supervised, none in violation.
    assert [c.split(">")[-1] for c in row.split("</td>")[1:6]] == ["4", "2", "0", "0", "0"]
