"""Daily management's deadlines: each active pilot's monthly packs from its commitment, each
city's quarterly reports, each received report's provincial re-check."""

from __future__ import annotations

from datetime import date

from daily_support import TODAY, city_officers  # noqa: F401
from pilots.pilots_support import piloted  # noqa: F401

from supervision.calendar.service import current_calendar
from supervision.core.workdays import WorkdayCalendar
from supervision.extensions import db
from supervision.pilots import packs, quarters
from supervision.pilots.daily_deadlines import daily_deadlines
from supervision.pilots.daily_models import PackStatus
from supervision.pilots.models import PilotStatus
from supervision.reminders.sources import Unresolved, gather


def by_kind(today=TODAY, calendar=None):
    found = {}
    for spec in daily_deadlines(today, calendar or current_calendar()):
        found.setdefault(spec.kind, []).append(spec)
    return found


def test_each_month_since_the_commitment_owes_a_pack(piloted):
    made = piloted
    monthly = by_kind()["pilot_monthly_pack"]
    # Signed 2014-12-25; today 2015-02-16: December and January are owed.
    assert [(s.subject_key, s.due_on, s.done_on) for s in monthly] == [
        (f"{made.pilot.id}:2014-12", date(2015, 1, 15), None),
        (f"{made.pilot.id}:2015-01", date(2015, 2, 13), None),
    ]
    december = monthly[0]
    assert december.title == f"以旧换再月度材料报送：{made.pilot.name} 2014年12月"
    assert december.link == f"/pilots/packs?pilot={made.pilot.id}"
    assert december.province_id == made.world.a_province.id
    assert december.agency_id == made.world.a_agency.id == december.owner_org_id

    pack = packs.open_pack(
        made.pilot, 2014, 12, actor=None, calendar=current_calendar(), today=TODAY
    )
    packs.submit_pack(pack, [], actor=None, today=date(2015, 1, 14))
    db.session.commit()
    december = by_kind()["pilot_monthly_pack"][0]
    assert december.done_on == date(2015, 1, 14) and december.link == f"/pilots/packs/{pack.id}"
    pack.status = PackStatus.RETURNED  # owed again until it is sent again
    db.session.commit()
    assert by_kind()["pilot_monthly_pack"][0].done_on is None


def test_a_pilot_not_active_owes_no_pack(piloted):
    piloted.pilot.status = PilotStatus.CANCELLED
    db.session.commit()
    found = by_kind()
    assert "pilot_monthly_pack" not in found and "pilot_quarterly" not in found


def test_a_month_without_a_calendar_is_unresolved_not_dropped(piloted):
    only_2014 = WorkdayCalendar(use_official=False, extra_years=frozenset({2014}))
    items = list(daily_deadlines(TODAY, only_2014))
    unresolved = [i for i in items if isinstance(i, Unresolved)]
    assert [(u.kind, u.subject_key) for u in unresolved] == [
        ("pilot_monthly_pack", f"{piloted.pilot.id}:2014-12"),
        ("pilot_monthly_pack", f"{piloted.pilot.id}:2015-01"),
    ]


def test_the_quarterly_report_and_its_recheck(piloted, city_officers):
    made = piloted
    quarterly = by_kind()["pilot_quarterly"]
    assert [(s.subject_key, s.due_on, s.done_on) for s in quarterly] == [
        (f"{made.call.id}:{made.world.a_agency.id}:2014Q4", date(2015, 1, 31), None)
    ]
    assert quarterly[0].link == f"/pilots/quarters/{made.quarter.id}"
    assert quarterly[0].title.endswith("2014年第4季度")
    assert "pilot_recheck" not in by_kind()

    quarters.submit_quarter(
        made.quarter, actor=None, today=date(2015, 2, 2), calendar=current_calendar()
    )
    db.session.commit()
    found = by_kind()
    assert found["pilot_quarterly"][0].done_on == date(2015, 2, 2)
    (recheck,) = found["pilot_recheck"]
    assert (recheck.subject_key, recheck.due_on, recheck.done_on) == (
        f"{made.quarter.id}:2015-02-02",
        date(2015, 2, 15),
        None,
    )
    assert recheck.owner_org_id == recheck.province_id == made.world.a_province.id
    assert recheck.agency_id is None
    quarters.recheck_quarter(made.quarter, passed=True, actor=made.world.a_officer, today=TODAY)
    db.session.commit()
    assert by_kind()["pilot_recheck"][0].done_on == TODAY


def test_the_engine_gathers_them(piloted):
    specs, _unresolved = gather(TODAY)
    kinds = {s.kind for s in specs}
    assert {"pilot_monthly_pack", "pilot_quarterly"} <= kinds
