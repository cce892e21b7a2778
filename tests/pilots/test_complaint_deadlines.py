"""The complaints' deadline (pilot_complaint): each complaint's finding published within 30
working days of receipt, met when published, the investigator reminded; kept by the engine."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pilots.pilots_support import piloted  # noqa: F401
from sqlalchemy import select

from supervision.extensions import db
from supervision.pilots import complaints
from supervision.pilots.daily_models import ComplaintChannel
from supervision.reminders import sources
from supervision.reminders.defaults import KINDS
from supervision.reminders.models import Deadline
from supervision.reminders.service import refresh_deadlines

TODAY = date(2015, 2, 10)
NOW = datetime(2015, 2, 10, 2, 0, tzinfo=UTC)


def specs() -> dict[str, sources.DeadlineSpec]:
    return {s.subject_key: s for s in sources.collect(TODAY) if s.kind == "pilot_complaint"}


def test_the_kind_is_known():
    assert "pilot_complaint" in KINDS
    assert KINDS["pilot_complaint"].policy.offsets == (10, 3, 1)


def test_each_complaint_is_due_30_working_days_after_receipt_until_published(piloted):
    made = piloted
    w = made.world
    complaint = complaints.register_complaint(
        actor=w.a_officer,
        now=NOW,
        channel=ComplaintChannel.PHONE,
        received_on=date(2015, 2, 10),
        summary="网点未按承诺价格销售",
        pilot=made.pilot,
    )
    db.session.commit()
    found = specs()
    assert set(found) == {str(made.complaint.id), str(complaint.id)}
    spec = found[str(complaint.id)]
    assert spec.title == f"举报核实情况公开：苏再制造举〔2015〕1 号（{made.pilot.name}）"
    # Spring Festival 2015: Tue 10 Feb → Fri 27 Mar.
    assert (spec.due_on, spec.done_on) == (date(2015, 3, 27), None)
    assert (spec.province_id, spec.owner_org_id) == (w.a_province.id, w.a_province.id)
    assert spec.agency_id is None and spec.people_ids == ()
    assert spec.link == f"/pilots/complaints/{complaint.id}"
    fixture = found[str(made.complaint.id)]
    assert (fixture.due_on, fixture.done_on) == (date(2014, 12, 15), None)
    # The investigator is the person reminded.
    complaints.assign_investigator(complaint, w.a_inspector, actor=w.a_officer, now=NOW)
    complaints.record_investigation(complaint, "已调查", actor=w.a_inspector, now=NOW)
    db.session.commit()
    assert specs()[str(complaint.id)].people_ids == (w.a_inspector.id,)
    # Published late: met on the day it was published.
    later = datetime(2015, 4, 1, 2, 0, tzinfo=UTC)
    concluded = datetime(2015, 3, 30, 2, 0, tzinfo=UTC)
    complaints.conclude(
        complaint, finding="属实", handling="整改", actor=w.a_officer, now=concluded
    )
    complaints.publish(
        complaint, published_on=date(2015, 3, 31), published_at="省经信委网站",
        actor=w.a_officer, now=later,
    )  # fmt: skip
    db.session.commit()
    assert specs()[str(complaint.id)].done_on == date(2015, 3, 31)


def test_the_engine_keeps_them(piloted):
    made = piloted
    counts = refresh_deadlines(now=NOW)
    db.session.commit()
    assert counts["created"] >= 1
    row = db.session.scalar(
        select(Deadline).where(
            Deadline.kind == "pilot_complaint", Deadline.subject_key == str(made.complaint.id)
        )
    )
    assert row.due_on == date(2014, 12, 15) and row.done_on is None
    assert row.province_id == made.world.a_province.id
    assert row.title.startswith("举报核实情况公开：苏再制造举〔2014〕1 号")
