"""Complaints (seed 003 第二十三条): registered with a number of the province and year and a
due day 30 working days after receipt, assigned, investigated, concluded and published —
late publication allowed and shown — and refused outside the province."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pilots.pilots_support import piloted  # noqa: F401

from supervision.core.errors import DomainError
from supervision.core.models import Role
from supervision.extensions import db
from supervision.pilots import complaints
from supervision.pilots.daily_models import Complaint, ComplaintChannel, ComplaintStatus
from supervision.pilots.rules.complaints import published_late

# 2015-02-10 10:00 in Beijing.
NOW = datetime(2015, 2, 10, 2, 0, tzinfo=UTC)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def register(made, **kwargs) -> Complaint:
    kwargs.setdefault("actor", made.world.a_officer)
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("channel", ComplaintChannel.MAILBOX)
    kwargs.setdefault("received_on", date(2015, 2, 10))
    kwargs.setdefault("summary", "网点以翻新件冒充再制造发动机")
    complaint = complaints.register_complaint(**kwargs)
    db.session.commit()
    return complaint


def test_registration_numbers_within_the_province_and_year_and_sets_the_due_day(piloted):
    made = piloted
    first = register(made, pilot=made.pilot, complainant="王五", contact="13912345678")
    assert first.number == "苏再制造举〔2015〕1 号"  # the fixture's is 〔2014〕1 号
    assert first.province_id == made.world.a_province.id and first.call_id == made.call.id
    # 30 working days after Tue 10 Feb 2015, over the Spring Festival: Fri 27 Mar 2015.
    assert first.due_on == date(2015, 3, 27)
    assert first.status == ComplaintStatus.REGISTERED
    assert first.created_by_id == made.world.a_officer.id
    second = register(made, outlet=made.outlet, channel="phone")  # anonymous, by the outlet
    assert second.number == "苏再制造举〔2015〕2 号"
    assert (second.complainant, second.contact) == ("", "")
    assert second.pilot_id == made.pilot.id and second.outlet_id == made.outlet.id
    late_2014 = register(made, received_on=date(2014, 12, 29), summary="补贴未到账")
    assert late_2014.number == "苏再制造举〔2014〕2 号"  # the year of receipt


def test_the_province_comes_from_the_pilot_the_actor_or_the_ministrys_choice(piloted):
    made = piloted
    w = made.world
    # A provincial officer without a pilot: his province.
    own = register(made)
    assert own.province_id == w.a_province.id and own.pilot_id is None
    # The ministry names the province, or the pilot does.
    with pytest.raises(DomainError) as refused:
        register(made, actor=w.ministry_officer)
    assert refused.value.field == "province_id"
    db.session.rollback()
    zhejiang = register(made, actor=w.ministry_officer, province=w.b_province)
    assert zhejiang.number == "浙再制造举〔2015〕1 号"
    by_pilot = register(made, actor=w.ministry_officer, pilot=made.pilot)
    assert by_pilot.province_id == w.a_province.id


def test_registration_is_refused_outside_the_province_and_without_the_essentials(piloted):
    made = piloted
    w = made.world
    with pytest.raises(DomainError):
        register(made, actor=w.b_officer, pilot=made.pilot)
    db.session.rollback()
    with pytest.raises(DomainError) as refused:
        register(made, summary="  ")
    assert refused.value.field == "summary"
    with pytest.raises(DomainError) as refused:
        register(made, received_on=date(2015, 2, 11))  # tomorrow
    assert refused.value.field == "received_on"
    with pytest.raises(DomainError) as refused:
        register(made, channel="fax")
    assert refused.value.field == "channel"


def test_the_full_workflow_published_in_time(piloted, make_user):
    made = piloted
    w = made.world
    complaint = register(made, pilot=made.pilot, complainant="王五")
    # Only officers and inspectors of the province investigate.
    for wrong in (w.b_inspector, w.a_admin, w.expert):
        with pytest.raises(DomainError):
            complaints.assign_investigator(complaint, wrong, actor=w.a_officer, now=NOW)
    complaints.assign_investigator(complaint, w.a_inspector, actor=w.a_officer, now=NOW)
    db.session.commit()
    assert complaint.status == ComplaintStatus.INVESTIGATING
    assert complaint.investigator_id == w.a_inspector.id
    # Another inspector of the province may not write the investigation; the investigator may.
    other = make_user("a-inspector-2", Role.INSPECTOR, w.a_agency)
    with pytest.raises(DomainError):
        complaints.record_investigation(complaint, "查看了发票", actor=other, now=NOW)
    with pytest.raises(DomainError) as refused:
        complaints.conclude(complaint, finding="x", handling="y", actor=w.a_officer, now=NOW)
    db.session.rollback()
    complaints.record_investigation(
        complaint, "调取网点 2015 年 1 月交易记录及发票，约谈网点负责人。", actor=w.a_inspector,
        now=at(date(2015, 3, 2)),
    )  # fmt: skip
    with pytest.raises(DomainError) as refused:
        complaints.conclude(complaint, finding="", handling="y", actor=w.a_officer, now=NOW)
    assert refused.value.field == "finding"
    complaints.conclude(
        complaint,
        finding="经核实，该网点 1 笔交易所售产品为翻新件，举报属实。",
        handling="责令试点企业整改，追回补贴资金 4000 元。",
        referred_to="南京市市场监督管理局",
        actor=w.a_officer,
        now=at(date(2015, 3, 20)),
    )
    db.session.commit()
    assert complaint.status == ComplaintStatus.CONCLUDED
    assert complaint.concluded_on == date(2015, 3, 20)
    with pytest.raises(DomainError) as refused:
        complaints.publish(
            complaint, published_on=date(2015, 3, 19), published_at="江苏省经信委网站",
            actor=w.a_officer, now=at(date(2015, 3, 26)),
        )  # fmt: skip
    assert refused.value.field == "published_on"  # before it was concluded
    with pytest.raises(DomainError) as refused:
        complaints.publish(
            complaint, published_on=date(2015, 3, 25), published_at=" ",
            actor=w.a_officer, now=at(date(2015, 3, 26)),
        )  # fmt: skip
    assert refused.value.field == "published_at"
    complaints.publish(
        complaint, published_on=date(2015, 3, 27), published_at="江苏省经济和信息化委员会网站",
        actor=w.a_officer, now=at(date(2015, 3, 27)),
    )  # fmt: skip
    db.session.commit()
    assert complaint.status == ComplaintStatus.PUBLISHED
    assert not published_late(complaint.due_on, complaint.published_on)  # on the due day
    # Nothing more once published.
    with pytest.raises(DomainError):
        complaints.conclude(complaint, finding="x", handling="y", actor=w.a_officer, now=NOW)


def test_publishing_late_is_allowed_and_marked(piloted):
    made = piloted
    w = made.world
    complaint = register(made)
    complaints.assign_investigator(complaint, w.a_officer, actor=w.a_officer, now=NOW)
    complaints.record_investigation(complaint, "已调查", actor=w.a_officer, now=NOW)
    complaints.conclude(complaint, finding="不属实", handling="不予处理", actor=w.a_officer,
                        now=at(date(2015, 3, 30)))  # fmt: skip
    complaints.publish(
        complaint, published_on=date(2015, 3, 30), published_at="省经信委网站",
        actor=w.a_officer, now=at(date(2015, 3, 30)),
    )  # fmt: skip
    db.session.commit()
    assert complaint.status == ComplaintStatus.PUBLISHED
    assert complaint.due_on == date(2015, 3, 27)
    assert published_late(complaint.due_on, complaint.published_on)  # 逾期公开


def test_another_provinces_officer_cannot_work_on_it(piloted):
    made = piloted
    w = made.world
    complaint = made.complaint
    with pytest.raises(DomainError):
        complaints.assign_investigator(complaint, w.b_inspector, actor=w.b_officer, now=NOW)
    with pytest.raises(DomainError):
        complaints.assign_investigator(complaint, w.a_inspector, actor=w.b_officer, now=NOW)
