"""Daily management's dated obligations for the deadline engine:

- ``pilot_monthly_pack``: every active pilot, every month from its commitment to last month,
  due on the 10th working day of the next month, done when the month's pack is sent to the
  city (a returned pack is owed again);
- ``pilot_quarterly``: every city with active pilots, every ended quarter from its first
  pilot's commitment, due at the end of the next quarter's first month, done when reported;
- ``pilot_recheck``: every report the province received, due 10 working days after receipt,
  done when re-checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from ..core.workdays import CalendarNotAvailable, WorkdayCalendar
from ..extensions import db
from ..reminders.sources import DeadlineSpec, Unresolved
from .daily_models import MonthlyPack, QuarterlyReport, QuarterStatus
from .models import PilotEnterprise, PilotStatus
from .packs import SENT
from .quarters import REPORTED, owed_quarters
from .rules.periods import monthly_pack_due, months_from, previous_month


def _path(endpoint: str, fallback: str, **values) -> str:
    """The page's path, built without a request (the jobs run outside one)."""
    try:
        return current_app.url_map.bind("localhost").build(endpoint, values)
    except BuildError:
        return fallback


def _title(text: str) -> str:
    return text if len(text) <= 255 else text[:254] + "…"


def daily_deadlines(today: date, calendar: WorkdayCalendar) -> Iterator[DeadlineSpec]:
    yield from _monthly_packs(today, calendar)
    yield from _quarterly(today)
    yield from _rechecks()


def _monthly_packs(today: date, calendar: WorkdayCalendar):
    pilots = list(
        db.session.scalars(
            select(PilotEnterprise)
            .where(
                PilotEnterprise.status == PilotStatus.ACTIVE,
                PilotEnterprise.commitment_signed_on.is_not(None),
            )
            .order_by(PilotEnterprise.id)
        )
    )
    if not pilots:
        return
    packs = {
        (p.pilot_id, p.year, p.month): p
        for p in db.session.scalars(
            select(MonthlyPack).where(MonthlyPack.pilot_id.in_([p.id for p in pilots]))
        )
    }
    owed_until = previous_month(today.year, today.month)
    for pilot in pilots:
        signed = pilot.commitment_signed_on
        last = owed_until
        ends = pilot.call.trading_ends_on
        if ends is not None:
            last = min(last, (ends.year, ends.month))
        for year, month in months_from((signed.year, signed.month), last):
            key = f"{pilot.id}:{year}-{month:02d}"
            try:
                due_on = monthly_pack_due(year, month, calendar)
            except CalendarNotAvailable as exc:
                yield Unresolved("pilot_monthly_pack", key, str(exc))
                continue
            pack = packs.get((pilot.id, year, month))
            if pack is not None:
                link = _path("pilots.pack", f"/pilots/packs/{pack.id}", pack_id=pack.id)
            else:
                link = _path("pilots.packs", "/pilots/packs", pilot=pilot.id)
            yield DeadlineSpec(
                kind="pilot_monthly_pack",
                subject_key=key,
                title=_title(f"以旧换再月度材料报送：{pilot.name} {year}年{month}月"),
                due_on=due_on,
                done_on=pack.submitted_on if pack is not None and pack.status in SENT else None,
                link=link,
                owner_org_id=pilot.city_id or pilot.province_id,
                province_id=pilot.province_id,
                agency_id=pilot.city_id,
                category=None,
            )


def _quarterly(today: date):
    owed = owed_quarters(today)
    if not owed:
        return
    reports = {
        (r.call_id, r.city_id, r.year, r.quarter): r
        for r in db.session.scalars(
            select(QuarterlyReport).where(
                QuarterlyReport.call_id.in_(sorted({o.call.id for o in owed}))
            )
        )
    }
    for item in owed:
        city = item.city
        report = reports.get((item.call.id, city.id, item.year, item.quarter))
        if report is not None:
            link = _path("pilots.quarter", f"/pilots/quarters/{report.id}", quarter_id=report.id)
        else:
            link = _path("pilots.quarters", "/pilots/quarters")
        done = report is not None and report.status in REPORTED
        yield DeadlineSpec(
            kind="pilot_quarterly",
            subject_key=f"{item.call.id}:{city.id}:{item.year}Q{item.quarter}",
            title=_title(f"以旧换再季度数据报送：{city.name} {item.year}年第{item.quarter}季度"),
            due_on=item.due_on,
            done_on=report.submitted_on if done else None,
            link=link,
            owner_org_id=city.id,
            province_id=city.province_org_id,
            agency_id=city.id,
            category=None,
        )


def _rechecks():
    reports = db.session.scalars(
        select(QuarterlyReport)
        .where(
            QuarterlyReport.status.in_([s.value for s in REPORTED]),
            QuarterlyReport.recheck_due_on.is_not(None),
            QuarterlyReport.submitted_on.is_not(None),
        )
        .options(selectinload(QuarterlyReport.city))
        .order_by(QuarterlyReport.id)
    )
    for report in reports:
        city = report.city
        yield DeadlineSpec(
            kind="pilot_recheck",
            # Each submission is its own obligation (a returned report is sent again).
            subject_key=f"{report.id}:{report.submitted_on.isoformat()}",
            title=_title(
                f"以旧换再季度数据省级复核：{city.name} {report.year}年第{report.quarter}季度"
            ),
            due_on=report.recheck_due_on,
            done_on=report.rechecked_on if report.status == QuarterStatus.RECHECKED else None,
            link=_path("pilots.quarter", f"/pilots/quarters/{report.id}", quarter_id=report.id),
            owner_org_id=report.province_id,
            province_id=report.province_id,
            agency_id=None,
            category=None,
        )
