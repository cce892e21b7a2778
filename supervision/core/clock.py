"""Today's date where the users are (the configured time zone, Asia/Shanghai)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from .types import utcnow


def local_date(moment: datetime) -> date:
    """The day ``moment`` is where the users are."""
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def local_today() -> date:
    return local_date(utcnow())
