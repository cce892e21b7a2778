"""The annual summary's deadlines: the 30 September deliverable, met by the first submission,
and a returned summary owed again within the correction working days."""

from __future__ import annotations

from datetime import UTC, date, datetime

from summaries_support import make_summary, write_summary

from supervision.calendar.service import current_calendar
from supervision.extensions import db
from supervision.reminders import sources
from supervision.summaries import service
from supervision.summaries.deadlines import summary_deadlines
from supervision.summaries.models import SummaryEvent

TODAY = date(2020, 9, 1)


def specs(kind: str) -> dict[str, sources.DeadlineSpec]:
    return {s.subject_key: s for s in sources.collect(TODAY) if s.kind == kind}


def corrections() -> dict:
    return {s.subject_key: s for s in summary_deadlines(TODAY, current_calendar())}


def test_the_deliverable_is_owed_by_every_province_until_its_first_submission(world):
    owed = specs("annual_summary")
    assert len(owed) == 32
    jiangsu = owed["2020:320000"]
    assert (jiangsu.due_on, jiangsu.done_on) == (date(2020, 9, 30), None)
    assert jiangsu.link == "/summaries/2020/320000"
    assert jiangsu.title == "2020年节能监察工作总结报送（江苏省）"

    write_summary(world)  # a draft meets nothing
    assert specs("annual_summary")["2020:320000"].done_on is None

    # 00:30 on 1 October in Beijing: done that (local) day, not on 30 September.
    made = make_summary(world, now=datetime(2020, 9, 30, 16, 30, tzinfo=UTC))
    owed = specs("annual_summary")
    assert owed["2020:320000"].done_on == date(2020, 10, 1)
    assert owed["2020:330000"].done_on is None

    # Returned and resubmitted: the deliverable stays met on the first submission's day.
    service.return_summary(
        made.summary,
        actor=world.ministry_officer,
        now=datetime(2020, 10, 9, 2, 0, tzinfo=UTC),
        comment="补充",
    )
    service.submit_summary(
        made.summary, actor=world.a_officer, now=datetime(2020, 10, 12, 2, 0, tzinfo=UTC)
    )
    db.session.commit()
    assert specs("annual_summary")["2020:320000"].done_on == date(2020, 10, 1)


def test_a_returned_summary_is_owed_again_within_five_working_days(world, app):
    assert app.config["FILING_CORRECTION_WORKDAYS"] == 5
    made = make_summary(world)
    assert corrections() == {}
    # Returned on Wednesday 30 September: 10-01…10-08 are holidays, Saturday 10-10 is worked.
    event = service.return_summary(
        made.summary,
        actor=world.ministry_officer,
        now=datetime(2020, 9, 30, 2, 0, tzinfo=UTC),
        comment="补充日常监察情况",
    )
    db.session.commit()
    key = f"2020:320000:{event.id}"
    correction = corrections()[key]
    assert (correction.kind, correction.due_on, correction.done_on) == (
        "summary_correction",
        date(2020, 10, 14),  # 10-09, 10-10, 10-12, 10-13, 10-14
        None,
    )
    assert correction.title == "2020年节能监察工作总结退回修改（江苏省）"
    assert correction.link == "/summaries/2020/320000"
    assert (correction.owner_org_id, correction.province_id) == (world.a_province.id,) * 2
    assert service.correction_due_on(made.summary) == date(2020, 10, 14)
    assert key in specs("summary_correction")  # gathered with every other deadline

    service.submit_summary(
        made.summary, actor=world.a_officer, now=datetime(2020, 10, 13, 1, 0, tzinfo=UTC)
    )
    db.session.commit()
    assert corrections()[key].done_on == date(2020, 10, 13)


def test_a_return_beyond_the_known_calendar_is_unresolved_not_dropped(world):
    made = make_summary(world)
    late = SummaryEvent(
        summary=made.summary,
        action="returned",
        at=datetime(2099, 12, 28, 2, 0, tzinfo=UTC),
        actor_name="test",
        comment="x",
    )
    db.session.add(late)
    db.session.commit()
    [item] = list(summary_deadlines(TODAY, current_calendar()))
    assert isinstance(item, sources.Unresolved)
    assert (item.kind, item.subject_key) == ("summary_correction", f"2020:320000:{late.id}")
