"""Figures per unit (GROUP BY queries), progress scoped to what each user sees, and the
report's submit / return / accept flow in the service."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from results_support import add_results_data
from verification_support import verification  # noqa: F401

from supervision.core.errors import DomainError
from supervision.extensions import db
from supervision.verification import result_reports, results
from supervision.verification.models import ReportStatus, Target, VerificationTask

IN_TIME = datetime(2013, 4, 15, 15, 59, tzinfo=UTC)  # 23:59 on 4-15 in Beijing
LATE = datetime(2013, 4, 15, 16, 0, tzinfo=UTC)  # 00:00 on 4-16 in Beijing


@pytest.fixture
def data(verification):
    expected = add_results_data(verification)
    return verification, expected


def test_figures_of_a_unit(data):
    made, expected = data
    f = results.figures_of(made.campaign, made.world.a_province)
    assert f.records == {
        "producer_stock": 1,
        "outlet_stock": 0,
        "production": 3,
        "shipments": 2,
        "dealer_purchases": 1,
        "consumer_sales": expected["consumer_sales"],
    }
    # 12 units on one invoice, 4 + 1 on two invoices, 2 + 3 under a 15- and an 18-digit ID;
    # a buyer of 4 is not one.
    assert f.bulk_buyers == expected["bulk_buyers"] == 3
    assert f.bulk_buyers_checked == 1
    assert (f.population, f.phone_drawn, f.visit_drawn) == (20, 3, 1)
    assert f.outcomes["phone"] == {"confirmed": 2, "unreachable": 1, "discrepancy": 0, "pending": 1}
    assert f.outcomes["visit"] == {"confirmed": 0, "unreachable": 0, "discrepancy": 1, "pending": 0}
    assert f.top_ups == 1
    assert (f.claims, f.claims_checked, f.claims_with_differences) == (3, 2, 1)
    assert (f.tasks_done, f.tasks_total) == (1, 3)
    # One model whose stages differ from the 2 declared shipments (helper C's reconciliation).
    assert f.reconciliation_differences == 1


def test_a_unit_with_nothing_to_reconcile_shows_unknown_not_zero(verification):
    b = results.figures_of(verification.campaign, verification.world.b_province)
    assert b.reconciliation_differences is None and b.sales_records == 0


def test_figures_follow_the_campaign_bulk_threshold(data):
    made, _expected = data
    made.campaign.bulk_threshold = 6  # the 5-unit buyers drop out; the 12-unit one stays
    db.session.commit()
    assert results.figures_of(made.campaign, made.world.a_province).bulk_buyers == 1
    assert results.figures_of(made.campaign, made.world.b_province).bulk_buyers == 0


def test_a_unit_without_anything_has_zero_figures(data):
    made, _expected = data
    b = results.figures_of(made.campaign, made.world.b_province)
    assert b.records["consumer_sales"] == 5 and b.bulk_buyers == 1
    assert b.sampled("phone") == 0 and b.claims == 0 and b.tasks_total == 3


def test_the_ministry_sees_every_unit_and_the_totals(data):
    made, expected = data
    w = made.world
    progress = results.progress(made.campaign, today=date(2013, 4, 10), user=w.ministry_officer)
    assert [r.unit.id for r in progress.rows] == [w.a_province.id, w.b_province.id]
    assert progress.total.records["consumer_sales"] == expected["consumer_sales"] + 5
    assert progress.total.bulk_buyers == 4
    assert progress.total.tasks_total == 6
    assert not any(r.overdue for r in progress.rows)


@pytest.mark.parametrize(
    ("actor", "units"),
    [
        ("a_officer", ["a_province"]),
        ("a_inspector", ["a_province"]),
        ("b_officer", ["b_province"]),
        ("b_inspector", []),
        ("b_agency_officer", []),
    ],
)
def test_a_province_sees_only_its_own_units(data, actor, units):
    made, _expected = data
    w = made.world
    progress = results.progress(made.campaign, today=date(2013, 4, 10), user=getattr(w, actor))
    assert [r.unit.id for r in progress.rows] == [getattr(w, u).id for u in units]
    if actor == "b_officer":
        assert progress.total.records["consumer_sales"] == 5


def test_an_agency_officer_sees_the_unit_of_a_task_split_to_his_agency(data):
    made, _expected = data
    w = made.world
    task = made.b_tasks[Target.OUTLET]
    task.agency_id = w.b_agency.id
    db.session.commit()
    progress = results.progress(made.campaign, today=date(2013, 4, 10), user=w.b_agency_officer)
    assert [r.unit.id for r in progress.rows] == [w.b_province.id]


def test_overdue_the_day_after_the_deadline(data):
    made, _expected = data
    w = made.world
    on_time = results.progress(made.campaign, today=date(2013, 4, 15), user=w.ministry_officer)
    after = results.progress(made.campaign, today=date(2013, 4, 16), user=w.ministry_officer)
    assert [r.overdue for r in on_time.rows] == [False, False]
    assert [r.overdue for r in after.rows] == [True, True]
    assert after.overdue == 2


def _save(made, actor, *, version, submit=False, now=IN_TIME, summary="已完成核查。"):
    return result_reports.save_report(
        made.campaign,
        made.world.a_province,
        summary=summary,
        problems="发现一户大宗用户以福利名义购买 12 台。",
        suggestions="",
        actor=actor,
        now=now,
        version=version,
        submit=submit,
    )


def test_submit_freezes_the_figures_and_progress_shows_them(data):
    made, expected = data
    w = made.world
    report = _save(made, w.a_officer, version=made.report.version, submit=True)
    db.session.commit()
    assert report.status == ReportStatus.SUBMITTED
    assert report.figures["records"]["consumer_sales"] == expected["consumer_sales"]
    assert report.figures["bulk_buyers"] == 3
    assert report.figures["late"] is False and report.figures["submitted_on"] == "2013-04-15"
    # Work after the submission changes the live figures, not the submitted ones.
    made.a_tasks[Target.END_USER].status = made.a_tasks[Target.PRODUCTION].status
    db.session.commit()
    assert results.figures_of(made.campaign, w.a_province).tasks_done == 2
    progress = results.progress(made.campaign, today=date(2013, 4, 20), user=w.ministry_officer)
    a_row = progress.rows[0]
    assert a_row.frozen and a_row.figures.tasks_done == 1
    assert not a_row.late and not a_row.overdue
    assert progress.handed_in == 1


def test_a_submission_after_the_deadline_is_taken_and_marked_late(data):
    made, _expected = data
    report = _save(made, made.world.a_officer, version=made.report.version, submit=True, now=LATE)
    db.session.commit()
    assert report.status == ReportStatus.SUBMITTED
    assert report.figures["late"] is True and report.figures["submitted_on"] == "2013-04-16"
    assert result_reports.is_late(report, made.campaign)


def test_a_stale_form_is_refused(data):
    made, _expected = data
    w = made.world
    opened = made.report.version
    _save(made, w.a_officer, version=opened)
    db.session.commit()
    with pytest.raises(DomainError, match="已被他人修改"):
        _save(made, w.a_officer, version=opened, summary="覆盖别人的修改")
    db.session.rollback()


def test_no_submission_without_the_summary(data):
    made, _expected = data
    with pytest.raises(DomainError) as refused:
        _save(made, made.world.a_officer, version=made.report.version, submit=True, summary="")
    assert refused.value.field == "summary"
    db.session.rollback()


@pytest.mark.parametrize("actor", ["a_inspector", "b_officer", "ministry_officer"])
def test_only_the_units_own_officers_write_its_report(data, actor):
    made, _expected = data
    with pytest.raises(DomainError, match="本单位"):
        _save(made, getattr(made.world, actor), version=made.report.version)
    db.session.rollback()


def test_return_then_resubmit_then_accept(data):
    made, _expected = data
    w = made.world
    report = _save(made, w.a_officer, version=made.report.version, submit=True)
    db.session.commit()
    with pytest.raises(DomainError, match="退回时请写明"):
        result_reports.review_report(
            report,
            accept=False,
            comment="",
            actor=w.ministry_officer,
            now=LATE,
            version=report.version,
        )
    db.session.rollback()
    result_reports.review_report(
        report,
        accept=False,
        comment="请补充入户核查情况",
        actor=w.ministry_officer,
        now=LATE,
        version=report.version,
    )
    db.session.commit()
    assert report.status == ReportStatus.RETURNED and report.reviewed_by_id == w.ministry_officer.id
    # Returned: the unit edits and submits again (after the deadline now: late).
    with pytest.raises(DomainError, match="只能审核已上报"):
        result_reports.review_report(
            report,
            accept=True,
            comment="",
            actor=w.ministry_officer,
            now=LATE,
            version=report.version,
        )
    db.session.rollback()
    report = _save(made, w.a_officer, version=report.version, submit=True, now=LATE)
    db.session.commit()
    assert report.status == ReportStatus.SUBMITTED and report.figures["late"] is True
    with pytest.raises(DomainError, match="部里审核期间不能修改"):
        _save(made, w.a_officer, version=report.version)
    db.session.rollback()
    result_reports.review_report(
        report,
        accept=True,
        comment="",
        actor=w.ministry_officer,
        now=LATE,
        version=report.version,
    )
    db.session.commit()
    assert report.status == ReportStatus.ACCEPTED


def test_a_unit_without_a_report_gets_one_on_first_save(data):
    made, _expected = data
    w = made.world
    report = result_reports.save_report(
        made.campaign,
        w.b_province,
        summary="",
        problems="",
        suggestions="",
        actor=w.b_officer,
        now=IN_TIME,
        version=None,
    )
    db.session.commit()
    assert report.province_id == w.b_province.id and report.status == ReportStatus.DRAFT
    with pytest.raises(DomainError, match="已被他人修改"):
        result_reports.save_report(
            made.campaign,
            w.b_province,
            summary="",
            problems="",
            suggestions="",
            actor=w.b_officer,
            now=IN_TIME,
            version=None,
        )
    db.session.rollback()


def test_sampled_records_of_the_active_draw_phone_first(data):
    made, _expected = data
    records = list(results.sampled_records(made.campaign, made.world.a_province))
    assert [(r.method, r.position) for r in records] == [
        ("phone", 1),
        ("phone", 2),
        ("phone", 3),
        ("phone", 4),
        ("visit", 1),
    ]
    assert [r.top_up for r in records] == [False, False, False, True, False]
    assert records[-1].outcome == "discrepancy" and records[-1].detail == "用户称未购买该型号"


def test_unit_tasks_are_the_units_own(data):
    made, _expected = data
    tasks = results.unit_tasks(made.campaign, made.world.a_province)
    assert [t.target for t in tasks] == [Target.PRODUCTION, Target.OUTLET, Target.END_USER]
    assert all(isinstance(t, VerificationTask) for t in tasks)
