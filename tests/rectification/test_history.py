"""An enterprise's violations over the years; 多次违规 from two years on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from violators_support import make_notice, violators  # noqa: F401 -- fixture

from conftest import login
from supervision.extensions import db
from supervision.inspections.models import Finding, InspectionCase
from supervision.inspections.service import open_cases
from supervision.rectification import history
from supervision.rectification.models import (
    HandlingDecision,
    NoticeStatus,
    Reinspection,
    ReinspectionResult,
)


def _case_with_finding(world):
    """Province A's 2020 category-四 case of its data centre, with a PUE finding."""
    open_cases(world.a_task.filing)
    case = db.session.scalar(
        select(InspectionCase).where(InspectionCase.task_id == world.a_task.id)
    )
    db.session.add(
        Finding(
            case=case,
            kind="pue",
            description="PUE 实测值 1.62，高于目标值 1.40",
            basis_text="《工业节能管理办法》第二十六条",
        )
    )
    db.session.commit()
    return case


def test_violation_years_count_findings_and_notices_per_supervision_year(app, world, violators):
    e = world.a_enterprise
    assert history.violation_years(e.id) == set()
    notice = make_notice(
        world,
        e,
        "苏节监改〔2019〕7号",
        extended_deadline_on=date(2020, 6, 30),
        status=NoticeStatus.HANDLED,
    )
    assert history.violation_years(e.id) == {2019}
    assert not history.is_repeat_offender({2019})
    case = _case_with_finding(world)
    assert case.assessed_year == 2019  # the 2020 supervision of 2019's operation
    assert history.violation_years(e.id) == {2019, 2020}
    assert history.is_repeat_offender(history.violation_years(e.id))
    by_enterprise = history.violation_years_by_enterprise([e.id, violators["cement"].id])
    assert by_enterprise == {e.id: {2019, 2020}, violators["cement"].id: set()}
    records = history.enterprise_history(e, world.a_officer)
    assert [(r.year, len(r.cases), len(r.notices)) for r in records] == [(2020, 1, 0), (2019, 0, 1)]
    assert records[1].notices[0].id == notice.id and records[0].violated


def test_the_page_lists_every_year_and_marks_a_repeat_offender(app, world, violators):
    e = world.a_enterprise
    notice = make_notice(
        world,
        e,
        "苏节监改〔2019〕7号",
        extended_deadline_on=date(2020, 6, 30),
        status=NoticeStatus.HANDLED,
    )
    db.session.add(
        Reinspection(
            notice=notice, inspected_on=date(2020, 7, 10), result=ReinspectionResult.NOT_RECTIFIED
        )
    )
    db.session.add(
        HandlingDecision(
            notice=notice,
            decided_on=date(2020, 7, 20),
            penalty_number="苏工信罚〔2020〕9号",
            penalty_amount=Decimal("30000"),
            ladder_price_applied=False,
            referral="省市场监管局",
        )
    )
    db.session.commit()
    client = app.test_client()
    login(client, world.a_officer.username)
    page = client.get(f"/rectification/enterprises/{e.id}").get_data(as_text=True)
    assert "多次违规" not in page  # one year so far
    assert "苏节监改〔2019〕7号" in page
    assert "2020-03-31" in page and "2020-06-30" in page  # both deadlines
    assert "未整改" in page and "苏工信罚〔2020〕9号" in page and "30,000.00" in page
    assert "省市场监管局" in page

    _case_with_finding(world)
    page = client.get(f"/rectification/enterprises/{e.id}").get_data(as_text=True)
    assert 'id="repeat-offender"' in page and "多次违规" in page
    assert page.index('data-year="2020"') < page.index('data-year="2019"')
    assert "PUE 实测值 1.62" in page and "《工业节能管理办法》第二十六条" in page
    # The inspector of the case sees the page; his case's finding and the earlier notice.
    login(client, world.a_inspector.username)
    page = client.get(f"/rectification/enterprises/{e.id}").get_data(as_text=True)
    assert "PUE 实测值 1.62" in page and "苏节监改〔2019〕7号" in page


def test_an_enterprise_without_record_and_who_may_see_it(app, world, violators):
    cement = violators["cement"]
    client = app.test_client()
    login(client, world.a_officer.username)
    page = client.get(f"/rectification/enterprises/{cement.id}").get_data(as_text=True)
    assert "尚无监察案件和整改通知书记录" in page and "多次违规" not in page
    detail = client.get(f"/enterprises/{cement.id}").get_data(as_text=True)
    assert f"/rectification/enterprises/{cement.id}" in detail and "违规及整改记录" in detail
    login(client, world.b_officer.username)
    assert client.get(f"/rectification/enterprises/{cement.id}").status_code == 404
    login(client, world.a_admin.username)
    assert client.get(f"/rectification/enterprises/{cement.id}").status_code == 403
    login(client, world.ministry_officer.username)
    assert client.get(f"/rectification/enterprises/{cement.id}").status_code == 200
