"""Today's date where the users are (the configured time zone, Asia/Shanghai)."""

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app

from .types import utcnow


def local_today() -> date:
    return utcnow().astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()
