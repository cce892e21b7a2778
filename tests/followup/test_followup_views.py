"""Result-use pages: a case's follow-up, a referral, the referrals list, excellent cases and
the public pages; who may do what."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

import pytest
from followup_support import WRITE_UP, FollowUp, make_followup, special_case
from sqlalchemy import select

from conftest import World, login
from supervision.core.clock import local_today
from supervision.extensions import db
from supervision.followup.models import (
    DiagnosisReferral,
    DiagnosisStatus,
    ExcellentCase,
    ExcellentStatus,
    ImprovementSuggestion,
)
from supervision.inspections.models import CaseStatus


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def made(world: World) -> FollowUp:
    return make_followup(world)


# -- the case's follow-up ------------------------------------------------------------------------


def test_the_officer_sees_and_writes_the_case_follow_up(made: FollowUp, client):
    world, case, finding = made.world, made.case, made.finding
    login(client, world.a_officer.username)
    page = text(client.get(f"/followup/cases/{case.id}"))
    assert f"使用淘汰电机{World.MARKER}" in page
    assert "淘汰 Y 系列电机，更换为二级能效电机" in page
    assert "节能诊断中心" in page and "已推荐诊断" in page
    assert f"/followup/cases/{case.id}/findings/{finding.id}/suggestions" in page
    assert "结果运用" in page  # the case tab
    done = client.post(
        f"/followup/cases/{case.id}/findings/{finding.id}/suggestions",
        data={f"s{finding.id}-text": "加装电能计量器具"},
    )
    assert done.status_code == 302
    assert done.location.endswith(f"/followup/cases/{case.id}#finding-{finding.id}")
    texts = db.session.scalars(
        select(ImprovementSuggestion.text).order_by(ImprovementSuggestion.id)
    ).all()
    assert texts[-1] == "加装电能计量器具"
    refused = client.post(
        f"/followup/cases/{case.id}/findings/{finding.id}/suggestions",
        data={f"s{finding.id}-text": " "},
    )
    assert refused.status_code == 422 and "请填写改进建议" in text(refused)
    suggestion_id = made.suggestion.id
    gone = client.post(f"/followup/suggestions/{suggestion_id}/delete")
    assert gone.status_code == 302
    assert db.session.get(ImprovementSuggestion, suggestion_id) is None


def test_the_case_inspector_reads_only(made: FollowUp, client):
    world, case, finding = made.world, made.case, made.finding
    login(client, world.a_inspector.username)
    page = text(client.get(f"/followup/cases/{case.id}"))
    assert "淘汰 Y 系列电机" in page and "只读" in page
    assert '/suggestions"' not in page and "记录建议" not in page
    assert "推荐为优秀案例" not in page
    # The tab on the case's pages, and the line under each finding.
    findings_page = text(client.get(f"/cases/{case.id}/findings"))
    assert f'href="/followup/cases/{case.id}"' in findings_page
    assert f"/followup/cases/{case.id}#finding-{finding.id}" in findings_page
    assert "1 条建议 · 已推荐诊断" in findings_page
    # Writing is for officers: 403 before anything is looked up.
    for url in (
        f"/followup/cases/{case.id}/findings/{finding.id}/suggestions",
        f"/followup/cases/{case.id}/findings/{finding.id}/referral",
        f"/followup/suggestions/{made.suggestion.id}/delete",
        f"/followup/cases/{case.id}/nominate",
    ):
        assert client.post(url, data={"text": "x"}).status_code == 403, url
    assert client.post(f"/followup/referrals/{made.referral.id}", data={}).status_code == 403
    assert client.get(f"/followup/referrals/{made.referral.id}").status_code == 200
    assert client.get("/followup/referrals").status_code == 403
    assert client.get(f"/followup/excellent/{made.excellent.id}").status_code == 403


def test_another_province_finds_nothing(made: FollowUp, client):
    world, case, finding = made.world, made.case, made.finding
    for user in (world.b_officer, world.b_inspector, world.b_agency_officer):
        login(client, user.username)
        assert client.get(f"/followup/cases/{case.id}").status_code == 404
        assert client.get(f"/followup/referrals/{made.referral.id}").status_code == 404
    login(client, world.b_officer.username)
    for url in (
        f"/followup/cases/{case.id}/findings/{finding.id}/suggestions",
        f"/followup/cases/{case.id}/findings/{finding.id}/referral",
        f"/followup/suggestions/{made.suggestion.id}/delete",
        f"/followup/referrals/{made.referral.id}",
        f"/followup/cases/{case.id}/nominate",
    ):
        assert client.post(url, data={"text": "x"}).status_code == 404, url
    assert client.get(f"/followup/excellent/{made.excellent.id}").status_code == 404
    for url in ("/followup/referrals", "/followup/excellent"):
        assert World.MARKER not in text(client.get(url)), url
    assert db.session.get(ImprovementSuggestion, made.suggestion.id) is not None


def test_an_unassigned_inspector_sees_no_tab_and_no_case(world: World, make_user, client):
    from supervision.core.models import Role

    other = make_user("a-inspector-3", Role.INSPECTOR, world.a_agency)
    case = special_case(world, serial=71, name="别人的案件")
    login(client, other.username)
    assert client.get(f"/followup/cases/{case.id}").status_code == 404


def test_a_finding_of_another_case_is_not_found(made: FollowUp, client):
    other = special_case(made.world, serial=72, name="另一案件")
    login(client, made.world.a_officer.username)
    url = f"/followup/cases/{made.case.id}/findings/{other.findings[0].id}/suggestions"
    assert client.post(url, data={"text": "x"}).status_code == 404


# -- referrals --------------------------------------------------------------------------------------


def _prefixed(finding, **fields) -> dict:
    """The referral form of ``finding`` on the case page (one form per finding)."""
    return {f"r{finding.id}-{name}": value for name, value in fields.items()}


def test_refer_then_record_the_diagnosis_and_the_retrofit(world: World, client):
    case = special_case(world, serial=73, name="诊断企业")
    finding = case.findings[0]
    login(client, world.a_officer.username)
    bad = client.post(
        f"/followup/cases/{case.id}/findings/{finding.id}/referral",
        data=_prefixed(
            finding, provider="省节能中心", referred_on="2020-10-09", estimated_savings_tce="-1"
        ),
    )
    assert bad.status_code == 422 and "节能量不能为负数" in text(bad)
    done = client.post(
        f"/followup/cases/{case.id}/findings/{finding.id}/referral",
        data=_prefixed(
            finding, provider="省节能中心", referred_on="2020-10-09", estimated_savings_tce="80"
        ),
    )
    referral = db.session.scalars(select(DiagnosisReferral)).one()
    assert done.location.endswith(f"/followup/referrals/{referral.id}")
    page = text(client.get(done.location))
    assert "省节能中心" in page and "已推荐诊断" in page

    def save(**fields):
        data = {
            "version": str(db.session.get(DiagnosisReferral, referral.id).version),
            "provider": "省节能中心",
            "referred_on": "2020-10-09",
            "diagnosis_start_on": "2020-10-12",
            "diagnosis_end_on": "2020-10-30",
            "measures": "空压站集中控制",
            "estimated_savings_tce": "80.5",
            "retrofit_text": "",
            "retrofit_done_on": "",
            "actual_savings_tce": "",
        }
        data.update(fields)
        return client.post(f"/followup/referrals/{referral.id}", data=data)

    assert save().status_code == 302
    db.session.refresh(referral)
    assert referral.status == DiagnosisStatus.DIAGNOSED
    assert referral.estimated_savings_tce == Decimal("80.50")
    refused = save(retrofit_done_on="2020-10-29", retrofit_text="改造", actual_savings_tce="90")
    assert refused.status_code == 422 and "改造完成日期不能早于诊断完成日期" in text(refused)
    tomorrow = date.fromordinal(local_today().toordinal() + 1).isoformat()
    assert save(retrofit_done_on=tomorrow, retrofit_text="改造").status_code == 422
    assert save(actual_savings_tce="1.234", retrofit_done_on="2020-11-30").status_code == 422
    ok = save(retrofit_done_on="2020-11-30", retrofit_text="完成改造", actual_savings_tce="90.25")
    assert ok.status_code == 302
    db.session.refresh(referral)
    assert (referral.status, referral.actual_savings_tce) == (
        DiagnosisStatus.RETROFITTED,
        Decimal("90.25"),
    )
    stale = save(version="1", measures="旧页面")
    assert stale.status_code == 422 and "已被他人修改" in text(stale)


def test_the_referrals_list_with_totals(made: FollowUp, client):
    world = made.world
    second = special_case(world, serial=74, name="第二家企业")
    from supervision.core.types import utcnow
    from supervision.followup import service

    service.refer(
        second,
        second.findings[0],
        provider="乙诊断机构",
        referred_on=date(2020, 11, 2),
        estimated_savings=Decimal("12.34"),
        actor=world.a_officer,
        now=utcnow(),
        today=date(2020, 12, 1),
    )
    db.session.commit()
    login(client, world.a_officer.username)
    page = text(client.get("/followup/referrals"))
    # 148.00 + 12.34 = 160.34 estimated; nothing actual yet.
    assert "160.34" in page and "0.00" in page
    assert "第二家企业" in page and f"结果运用{World.MARKER}有限公司" in page
    login(client, world.ministry_officer.username)
    national = text(client.get("/followup/referrals"))
    assert "160.34" in national and world.a_province.name in national
    assert client.get("/followup/referrals?province=999999").status_code == 404
    filtered = text(client.get("/followup/referrals?status=retrofitted"))
    assert "第二家企业" not in filtered


# -- excellent cases --------------------------------------------------------------------------------


def test_nominate_from_the_case_page(world: World, client):
    case = special_case(world, serial=75, name="优秀案例企业", status=CaseStatus.CLOSED, findings=0)
    open_case = special_case(world, serial=76, name="办理中企业", status=CaseStatus.FINDINGS)
    login(client, world.a_officer.username)
    assert "案件办结（或转入整改）后可推荐" in text(client.get(f"/followup/cases/{open_case.id}"))
    assert "只有已办结或已转入整改" in text(client.get(f"/followup/cases/{open_case.id}/nominate"))
    assert f"/followup/cases/{case.id}/nominate" in text(client.get(f"/followup/cases/{case.id}"))
    short = client.post(
        f"/followup/cases/{case.id}/nominate", data={"title": "案例", "write_up": "太短"}
    )
    assert short.status_code == 422 and "不少于 200 字" in text(short)
    done = client.post(
        f"/followup/cases/{case.id}/nominate",
        data={"title": "电机能效提升", "write_up": WRITE_UP, "savings_tce": "148"},
    )
    item = db.session.scalars(select(ExcellentCase)).one()
    assert done.location.endswith(f"/followup/excellent/{item.id}")
    assert (item.year, item.status) == (2020, ExcellentStatus.NOMINATED)
    # The form edits the same nomination.
    again = text(client.get(f"/followup/cases/{case.id}/nominate"))
    assert "电机能效提升" in again
    client.post(
        f"/followup/cases/{case.id}/nominate",
        data={
            "title": "电机能效提升（修订）",
            "write_up": WRITE_UP,
            "savings_tce": "",
            "version": str(item.version),
        },
    )
    db.session.refresh(item)
    assert (item.title, item.savings_tce) == ("电机能效提升（修订）", None)
    assert len(db.session.scalars(select(ExcellentCase)).all()) == 1


def test_the_ministry_decides_and_publishes(made: FollowUp, client):
    world, item = made.world, made.excellent
    login(client, world.a_officer.username)
    assert client.post(f"/followup/excellent/{item.id}/decide", data={}).status_code == 403
    assert client.post(f"/followup/excellent/{item.id}/publish", data={}).status_code == 403
    listed = text(client.get("/followup/excellent"))
    assert item.title in listed
    login(client, world.ministry_officer.username)
    listed = text(client.get("/followup/excellent?year=2020&status=nominated"))
    assert item.title in listed and world.a_province.name in listed
    assert item.title not in text(client.get("/followup/excellent?status=published"))
    detail = text(client.get(f"/followup/excellent/{item.id}"))
    assert "保存评选结果" in detail and f"/followup/excellent/{item.id}/publish" not in detail
    early = client.post(f"/followup/excellent/{item.id}/publish", data={"version": "1"})
    assert "只有已入选的案例可以发布" in text(client.get(early.location))
    declined = client.post(
        f"/followup/excellent/{item.id}/decide",
        data={"decision": "decline", "note": "", "version": str(item.version)},
    )
    assert "请填写评选意见" in text(client.get(declined.location))
    client.post(
        f"/followup/excellent/{item.id}/decide",
        data={"decision": "select", "note": "执法规范", "version": str(item.version)},
    )
    db.session.refresh(item)
    assert item.status == ExcellentStatus.SELECTED
    client.post(f"/followup/excellent/{item.id}/publish", data={"version": str(item.version)})
    db.session.refresh(item)
    assert (item.status, item.published_on) == (ExcellentStatus.PUBLISHED, local_today())


def test_public_pages_show_published_cases_only_and_nothing_personal(made: FollowUp, client):
    world, item = made.world, made.excellent
    assert client.get(f"/followup/public/excellent-cases/{item.id}").status_code == 404
    assert item.title not in text(client.get("/followup/public/excellent-cases"))
    item.write_up = WRITE_UP + "<script>alert(1)</script>"
    item.status = ExcellentStatus.PUBLISHED
    item.published_on = date(2020, 12, 8)
    db.session.commit()
    listing = text(client.get("/followup/public/excellent-cases"))
    assert item.title in listing and "2020 年" in listing and "148.00" in listing
    assert "/followup/excellent" not in listing.replace("/followup/public/excellent", "")
    response = client.get(f"/followup/public/excellent-cases/{item.id}")
    raw = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "<script>alert" not in raw
    page = html.unescape(raw)
    assert world.a_province.name in page and "2020 年" in page and "148.00" in page
    for person in (world.a_inspector.full_name, world.a_officer.full_name, "乙监察员"):
        assert person not in page
    assert "breadcrumb" not in raw
    assert client.get("/followup/public/excellent-cases?year=2019").status_code == 200
    assert item.title not in text(client.get("/followup/public/excellent-cases?year=2019"))
