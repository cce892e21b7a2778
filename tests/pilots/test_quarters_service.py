"""A city's quarterly report: figures from the packs its finance passed, due by the end of the
next quarter's first month, sent to the province, re-checked within 10 working days or
returned; the quarters each city still owes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from daily_support import TODAY, city_officers, trade_in_data  # noqa: F401
from pilots.pilots_support import piloted  # noqa: F401

from supervision.calendar.service import current_calendar
from supervision.core.errors import DomainError
from supervision.extensions import db
from supervision.pilots import packs, quarters, trade_ins
from supervision.pilots.daily_models import PackStatus, QuarterStatus

ALL = list(packs.MATERIALS)


def paid_q4(made, city_officers) -> None:
    """October (3 records, 12 000 yuan) and November (2 records, 8 000 yuan) passed by the
    finance; December's pack started but not sent."""
    city, finance = city_officers
    for n in (1, 2):
        trade_ins.add_trade_in(made.pilot, trade_in_data(made, n), actor=None, today=TODAY)
    november = packs.open_pack(
        made.pilot, 2014, 11, actor=None, calendar=current_calendar(), today=TODAY
    )
    packs.submit_pack(november, ALL, actor=None, today=date(2014, 12, 10))
    for pack in (made.pack, november):
        packs.city_review(pack, passed=True, actor=city, today=date(2014, 12, 15))
        packs.finance_review(pack, passed=True, reviewer="赵会计", actor=finance, today=TODAY)
    packs.open_pack(made.pilot, 2014, 12, actor=None, calendar=current_calendar(), today=TODAY)
    db.session.commit()


def test_the_figures_count_only_what_the_finance_passed(piloted, city_officers):
    made = piloted
    paid_q4(made, city_officers)
    figures = quarters.compute_figures(made.call.id, made.world.a_agency.id, 2014, 4)
    assert figures == {
        "months": [10, 11, 12],
        "pilots": [
            {
                "pilot_id": made.pilot.id,
                "number": 1,
                "name": made.pilot.name,
                "records": 5,
                "subsidy_yuan": "20000.00",
                "months": {"10": "finance", "11": "finance", "12": "draft"},
            }
        ],
        "records": 5,
        "subsidy_yuan": "20000.00",
    }
    assert quarters.unpaid_months(figures) == [(made.pilot.name, 12)]
    # A pack the finance has not passed counts nothing.
    made.pack.status = PackStatus.CITY_PASSED
    db.session.commit()
    figures = quarters.compute_figures(made.call.id, made.world.a_agency.id, 2014, 4)
    assert figures["records"] == 2 and figures["subsidy_yuan"] == "8000.00"


def test_a_quarter_is_opened_once_it_is_over(piloted, city_officers):
    made = piloted
    city = made.world.a_agency
    existing = quarters.open_quarter(made.call, city, 2014, 4, actor=city_officers[0], today=TODAY)
    assert existing.id == made.quarter.id  # the fixture's draft
    third = quarters.open_quarter(made.call, city, 2014, 3, actor=made.world.a_officer, today=TODAY)
    assert third.due_on == date(2014, 10, 31) and third.status == QuarterStatus.DRAFT
    assert third.province_id == made.world.a_province.id
    with pytest.raises(DomainError, match="2015 年第 1 季度尚未结束，季度结束后才能报送。"):
        quarters.open_quarter(made.call, city, 2015, 1, actor=None, today=date(2015, 3, 31))
    assert quarters.open_quarter(made.call, city, 2015, 1, actor=None, today=date(2015, 4, 1))
    with pytest.raises(DomainError, match="杭州市节能监察中心没有本次征集的试点企业"):
        quarters.open_quarter(made.call, made.world.b_agency, 2014, 4, actor=None, today=TODAY)
    for stranger in (made.world.b_officer, made.world.a_inspector):
        with pytest.raises(DomainError, match="只有该地市（或代为报送的省级）主管部门"):
            quarters.open_quarter(made.call, city, 2014, 2, actor=stranger, today=TODAY)


def test_sent_rechecked_by_the_province_within_ten_working_days(piloted, city_officers):
    made = piloted
    paid_q4(made, city_officers)
    report = made.quarter
    quarters.refresh_figures(report, actor=city_officers[0])
    assert report.figures["records"] == 5
    quarters.submit_quarter(
        report, actor=city_officers[0], today=date(2015, 1, 30), calendar=current_calendar()
    )
    db.session.commit()
    assert report.status == QuarterStatus.SUBMITTED and report.submitted_on == date(2015, 1, 30)
    assert report.recheck_due_on == date(2015, 2, 13)
    assert report.submitted_by_id == city_officers[0].id
    with pytest.raises(DomainError, match="已报送的季度数据不能再更新"):
        quarters.refresh_figures(report, actor=city_officers[0])
    for stranger in (city_officers[0], made.world.ministry_officer, made.world.b_officer):
        with pytest.raises(DomainError, match="只有省级主管部门的人员可以复核"):
            quarters.recheck_quarter(report, passed=True, actor=stranger, today=TODAY)
    quarters.recheck_quarter(
        report, passed=True, note="与抽查结果一致", actor=made.world.a_officer, today=TODAY
    )
    assert report.status == QuarterStatus.RECHECKED and report.rechecked_on == TODAY
    assert report.recheck_note == "与抽查结果一致"
    with pytest.raises(DomainError, match="只有已报送、待复核的季度数据可以复核"):
        quarters.recheck_quarter(report, passed=True, actor=made.world.a_officer, today=TODAY)


def test_a_returned_report_is_sent_again_with_a_new_recheck_date(piloted, city_officers):
    made = piloted
    report = made.quarter
    quarters.submit_quarter(
        report, actor=made.world.a_officer, today=date(2015, 1, 30), calendar=current_calendar()
    )
    with pytest.raises(DomainError, match="退回时请写明退回原因。"):
        quarters.recheck_quarter(report, passed=False, actor=made.world.a_officer, today=TODAY)
    quarters.recheck_quarter(
        report, passed=False, note="11 月数据缺失", actor=made.world.a_officer, today=TODAY
    )
    assert report.status == QuarterStatus.RETURNED and report.return_reason == "11 月数据缺失"
    # Sent again on Monday 2 February 2015: ten working days end on Sunday the 15th, a
    # working day before the Spring Festival (调休).
    quarters.submit_quarter(
        report, actor=city_officers[0], today=date(2015, 2, 2), calendar=current_calendar()
    )
    assert report.recheck_due_on == date(2015, 2, 15) and report.rechecked_on is None
    with pytest.raises(DomainError, match="该季度数据已报送（已报送省级），不能重复报送。"):
        quarters.submit_quarter(
            report, actor=city_officers[0], today=TODAY, calendar=current_calendar()
        )
    with pytest.raises(DomainError, match="该记录已被他人修改"):
        quarters.recheck_quarter(
            report,
            passed=True,
            actor=made.world.a_officer,
            today=TODAY,
            version=report.version + 5,
        )


def test_the_quarters_each_city_owes(piloted):
    made = piloted
    # Pilot 01 signed on 2014-12-25: its city owes 2014 Q4 from then on.
    owed = quarters.owed_quarters(TODAY)
    assert [(o.city.id, o.year, o.quarter, o.due_on) for o in owed] == [
        (made.world.a_agency.id, 2014, 4, date(2015, 1, 31))
    ]
    later = quarters.owed_quarters(date(2015, 7, 1))
    assert [(o.year, o.quarter) for o in later] == [(2014, 4), (2015, 1), (2015, 2)]
    assert quarters.owed_quarters(TODAY, made.world.b_officer) == []
    assert len(quarters.owed_quarters(TODAY, made.world.a_inspector)) == 1
    assert Decimal(made.pack.subsidy_yuan) == Decimal("12000.00")
