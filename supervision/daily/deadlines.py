"""Daily supervision's dated obligations for the deadline engine: each draw's results are
public by the day the province set (``daily_publication``), done on the day they were
published (in the users' time zone)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from ..core.clock import local_date
from ..core.workdays import WorkdayCalendar
from ..extensions import db
from ..reminders.sources import DeadlineSpec
from .models import DailyDraw


def _path(endpoint: str, fallback: str, **values) -> str:
    """The page's path, built without a request (the jobs run outside one)."""
    try:
        return current_app.url_map.bind("localhost").build(endpoint, values)
    except BuildError:
        return fallback


def _title(text: str) -> str:
    return text if len(text) <= 255 else text[:254] + "…"


def daily_deadlines(today: date, calendar: WorkdayCalendar) -> Iterator[DeadlineSpec]:
    """One ``daily_publication`` per draw with a publication day: the province owes it, the
    officer who created the draw is told."""
    draws = db.session.scalars(
        select(DailyDraw)
        .where(DailyDraw.publish_by.is_not(None))
        .options(selectinload(DailyDraw.province))
        .order_by(DailyDraw.id)
    )
    for draw in draws:
        yield DeadlineSpec(
            kind="daily_publication",
            subject_key=str(draw.id),
            title=_title(f"双随机抽查结果公开：{draw.title}（{draw.province.name}）"),
            due_on=draw.publish_by,
            done_on=local_date(draw.published_at) if draw.published_at else None,
            link=_path("daily.detail", f"/daily/{draw.id}", daily_draw_id=draw.id),
            owner_org_id=draw.province_id,
            province_id=draw.province_id,
            agency_id=None,
            category=None,
            people_ids=(draw.created_by_id,) if draw.created_by_id else (),
        )
