"""The deadline of daily supervision: each draw's results public by its ``publish_by``."""

from __future__ import annotations

from datetime import UTC, date, datetime

from daily.draw_support import TODAY, finish_case, make_daily

from supervision.calendar.service import current_calendar
from supervision.daily import service
from supervision.daily.deadlines import daily_deadlines
from supervision.extensions import db
from supervision.reminders.sources import gather


def publications(today=TODAY):
    return [s for s in daily_deadlines(today, current_calendar()) if s.kind == "daily_publication"]


def test_a_draw_owes_its_publication_by_the_day_set(world):
    made = make_daily(world)
    (spec,) = publications()
    draw = made.draw
    assert spec.subject_key == str(draw.id)
    assert spec.due_on == date(2020, 9, 30) and spec.done_on is None
    assert spec.link == f"/daily/{draw.id}"
    assert (spec.owner_org_id, spec.province_id) == (world.a_province.id, world.a_province.id)
    assert spec.agency_id is None and spec.category is None
    assert spec.people_ids == (world.a_officer.id,)
    assert draw.title in spec.title and world.a_province.name in spec.title
    assert spec in gather(TODAY)[0]


def test_done_on_the_local_day_of_publication(world):
    made = make_daily(world)
    for case in made.cases:
        finish_case(case)
    # 17:30 UTC on 29 September is 01:30 on 30 September in Beijing.
    service.publish_results(
        made.draw, actor=made.officer, now=datetime(2020, 9, 29, 17, 30, tzinfo=UTC)
    )
    db.session.commit()
    (spec,) = publications()
    assert spec.done_on == date(2020, 9, 30)


def test_a_draw_without_a_publication_day_owes_nothing(world):
    made = make_daily(world)
    made.draw.publish_by = None
    db.session.flush()
    assert publications() == []
