"""The annual summary's workflow: editing, submission with its files, return, acceptance,
lateness in working days, and what is refused."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select
from summaries_support import SUBMITTED_AT, TEXTS, make_summary, write_summary

from supervision.core.errors import DomainError
from supervision.core.models import AuditEntry
from supervision.extensions import db
from supervision.plans.service import plan_for_year
from supervision.summaries import service
from supervision.summaries.figures import SummaryFigures
from supervision.summaries.models import AnnualSummary
from supervision.tasks.models import FilingStatus


def test_a_summary_is_opened_once_as_a_draft(world):
    plan = plan_for_year(2020)
    assert service.find_summary(plan, world.a_province) is None
    first = service.summary_for(plan, world.a_province)
    again = service.summary_for(plan, world.a_province)
    assert first.id == again.id and first.status == FilingStatus.DRAFT
    assert not first.is_locked
    blank = service.blank_summary(plan, world.b_province)
    assert blank.id is None and blank not in db.session


def test_submission_locks_the_summary_and_keeps_figures_and_files(world):
    made = make_summary(world)
    summary, event = made.summary, made.event
    assert summary.status == FilingStatus.SUBMITTED and summary.is_locked
    assert summary.submitted_at == SUBMITTED_AT and summary.late_workdays == 0
    assert (event.action, event.actor_id, event.late_workdays) == (
        "submitted",
        world.a_officer.id,
        0,
    )
    figures = SummaryFigures.from_json(event.figures)
    assert (figures.year, figures.province) == (2020, world.a_province.name)
    assert figures.funds.used == Decimal("12.50")
    document = Document(io.BytesIO(event.report_docx))
    assert any(TEXTS["daily_text"] in p.text for p in document.paragraphs)
    assert load_workbook(io.BytesIO(event.results_xlsx), read_only=True).sheetnames
    with pytest.raises(DomainError, match="已报送"):
        service.update_summary(
            summary, actor=world.a_officer, version=summary.version, values={"daily_text": "x"}
        )
    with pytest.raises(DomainError, match="不能重复报送"):
        service.submit_summary(summary, actor=world.a_officer, now=SUBMITTED_AT)


def test_every_step_is_audited(world):
    made = make_summary(world)
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == AnnualSummary.__tablename__)
        .where(AuditEntry.entity_id == str(made.summary.id))
        .order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries][:1] == ["create"]
    statuses = [e.changes["status"][1] for e in entries if "status" in (e.changes or {})]
    assert statuses[-1] == "submitted"
    assert all(e.scope_org_id == world.a_province.id for e in entries)


@pytest.mark.parametrize(
    ("empty", "named", "not_named"),
    [
        (("special_text", "daily_text"), ["专项监察工作总结", "日常监察工作总结"], []),
        (("daily_text",), ["日常监察工作总结"], ["专项监察工作总结"]),
        (("special_text",), ["专项监察工作总结"], ["日常监察工作总结"]),
    ],
)
def test_the_special_and_daily_summaries_are_required(world, empty, named, not_named):
    summary = write_summary(world, **dict.fromkeys(empty, "   "))
    with pytest.raises(DomainError) as refused:
        service.submit_summary(summary, actor=world.a_officer, now=SUBMITTED_AT)
    message = str(refused.value)
    assert message.startswith("请先填写以下部分再报送")
    for heading in named:
        assert heading in message
    for heading in not_named:
        assert heading not in message
    db.session.rollback()
    assert summary.status == FilingStatus.DRAFT and not summary.events


def test_the_optional_sections_may_stay_empty(world):
    summary = write_summary(
        world, mechanism_text="", training_text="", informatisation_text="", problems_text=""
    )
    service.submit_summary(summary, actor=world.a_officer, now=SUBMITTED_AT)
    assert summary.status == FilingStatus.SUBMITTED


def test_return_needs_a_comment_then_the_province_corrects_and_resubmits(world):
    made = make_summary(world)
    summary = made.summary
    returned_at = datetime(2020, 10, 9, 3, 0, tzinfo=UTC)
    with pytest.raises(DomainError, match="修改意见"):
        service.return_summary(summary, actor=world.ministry_officer, now=returned_at, comment=" ")
    event = service.return_summary(
        summary, actor=world.ministry_officer, now=returned_at, comment="补充日常监察情况"
    )
    db.session.commit()
    assert (event.action, event.comment) == ("returned", "补充日常监察情况")
    assert summary.status == FilingStatus.RETURNED and not summary.is_locked
    # Returned Friday 10-09; five working days: 10-10 (Saturday, worked), 12, 13, 14, 15.
    assert service.correction_due_on(summary) == datetime(2020, 10, 15).date()
    with pytest.raises(DomainError, match="只有已报送"):
        service.accept_summary(summary, actor=world.ministry_officer, now=returned_at)

    service.update_summary(
        summary,
        actor=world.a_officer,
        version=summary.version,
        values={"daily_text": "补充：双随机抽查 30 家。"},
    )
    again = service.submit_summary(
        summary, actor=world.a_officer, now=datetime(2020, 10, 12, 2, 0, tzinfo=UTC)
    )
    db.session.commit()
    assert again.action == "resubmitted"
    # Resubmitted Monday 10-12: 10-09, 10-10 and 10-12 are working days after 09-30.
    assert summary.late_workdays == again.late_workdays == 3
    assert summary.submitted_at == datetime(2020, 10, 12, 2, 0, tzinfo=UTC)
    assert service.correction_due_on(summary) is None

    accepted = service.accept_summary(
        summary, actor=world.ministry_officer, now=datetime(2020, 10, 13, 2, 0, tzinfo=UTC)
    )
    db.session.commit()
    assert accepted.action == "accepted" and summary.status == FilingStatus.ACCEPTED
    assert summary.is_locked
    assert [e.action for e in summary.events] == [
        "submitted",
        "returned",
        "resubmitted",
        "accepted",
    ]
    with pytest.raises(DomainError, match="只有已报送"):
        service.return_summary(
            summary, actor=world.ministry_officer, now=returned_at, comment="再改"
        )
    latest = service.latest_submissions(plan_for_year(2020))
    assert latest[world.a_province.id].id == again.id
    assert service.first_submissions(plan_for_year(2020).id) == {world.a_province.id: SUBMITTED_AT}


@pytest.mark.parametrize(
    ("submitted_at", "late"),
    [
        # 30 September 2020 is a Wednesday; 1–8 October are the National Day and Mid-Autumn
        # holiday; Sunday 27 September and Saturday 10 October are worked.
        (datetime(2020, 9, 27, 2, 0, tzinfo=UTC), 0),
        (datetime(2020, 9, 30, 15, 59, tzinfo=UTC), 0),  # 23:59 on 09-30 in Beijing
        (datetime(2020, 9, 30, 16, 30, tzinfo=UTC), 0),  # 00:30 on 10-01: a holiday
        (datetime(2020, 10, 8, 9, 0, tzinfo=UTC), 0),  # the last day of the holiday
        (datetime(2020, 10, 8, 16, 30, tzinfo=UTC), 1),  # 00:30 on Friday 10-09
        (datetime(2020, 10, 10, 2, 0, tzinfo=UTC), 2),  # Saturday, worked
        (datetime(2020, 10, 11, 2, 0, tzinfo=UTC), 2),  # Sunday
        (datetime(2020, 10, 12, 2, 0, tzinfo=UTC), 3),
    ],
)
def test_lateness_counts_working_days_after_30_september(world, submitted_at, late):
    summary = write_summary(world)
    event = service.submit_summary(summary, actor=world.a_officer, now=submitted_at)
    assert summary.late_workdays == event.late_workdays == late


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"funds_used": "-0.01"}, "funds_used", "不能为负数"),
        ({"funds_used": "1.005"}, "funds_used", "两位小数"),
        ({"funds_used": "abc"}, "funds_used", "应为数字"),
        ({"funds_used": "NaN"}, "funds_used", "应为数字"),
        ({"funds_used": "10000000000"}, "funds_used", "过大"),
        ({"problems_text": "字" * 20_001}, "problems_text", "不能超过"),
        ({"funds_text": "字" * 20_001}, "funds_text", "不能超过"),
    ],
)
def test_edits_are_checked(world, values, field, message):
    summary = service.summary_for(plan_for_year(2020), world.a_province)
    with pytest.raises(DomainError, match=message) as refused:
        service.update_summary(summary, actor=world.a_officer, version=None, values=values)
    assert refused.value.field == field


def test_edits_keep_two_decimals_and_limits_are_inclusive(world):
    summary = service.summary_for(plan_for_year(2020), world.a_province)
    service.update_summary(
        summary,
        actor=world.a_officer,
        version=summary.version,
        values={"funds_used": Decimal("0"), "problems_text": "字" * 20_000},
    )
    assert summary.funds_used == Decimal("0.00") and len(summary.problems_text) == 20_000
    service.update_summary(
        summary, actor=world.a_officer, version=None, values={"funds_used": "12.5"}
    )
    assert summary.funds_used == Decimal("12.50")
    assert len(summary.problems_text) == 20_000  # keys not given stay as they were
    service.update_summary(summary, actor=world.a_officer, version=None, values={"funds_used": ""})
    assert summary.funds_used is None


def test_an_edit_from_a_stale_page_is_refused(world):
    summary = service.summary_for(plan_for_year(2020), world.a_province)
    db.session.commit()
    seen = summary.version
    service.update_summary(
        summary, actor=world.a_officer, version=seen, values={"special_text": "第一次"}
    )
    db.session.commit()
    with pytest.raises(DomainError, match="已被他人修改"):
        service.update_summary(
            summary, actor=world.a_officer, version=seen, values={"special_text": "第二次"}
        )
