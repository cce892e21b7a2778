"""Administrator-maintained calendar data: published years and per-day statuses."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import Audited, label
from ..extensions import db


class CalendarYear(Audited, db.Model):
    """A year whose official holiday schedule an administrator has entered in full.

    Needed for years the ``chinesecalendar`` package does not know (it covers 2004–2026).
    """

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: The State Council notice the schedule comes from (e.g. 国办发明电〔2026〕N号).
    source: Mapped[str] = mapped_column(String(120), default="", info=label(_l("依据文件")))

    @property
    def audit_label(self) -> str:
        return str(self.year)


class CalendarDay(Audited, db.Model):
    """One day's status set by an administrator; wins over every other source."""

    __tablename__ = "calendar_days"

    on: Mapped[date] = mapped_column(primary_key=True)
    #: True: a working day (e.g. an adjusted weekend workday, 调休); False: a day off.
    is_workday: Mapped[bool] = mapped_column(info=label(_l("工作日")))
    name: Mapped[str] = mapped_column(String(60), default="", info=label(_l("名称")))

    @property
    def audit_label(self) -> str:
        return self.on.isoformat()
