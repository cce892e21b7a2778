"""The pilots' dated obligations for the deadline engine (``reminders.sources.gather``), one
function per part: the call's (formal review within 15 working days of the close, commitment
letters), daily management's (monthly packs by the 10th working day, quarterly reports by the
end of the quarter's first month, provincial re-checks within 10 working days) and the
complaints' (findings published within 30 working days).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import chain

from ..core.workdays import WorkdayCalendar
from ..reminders.sources import DeadlineSpec
from .call_deadlines import call_deadlines
from .complaint_deadlines import complaint_deadlines
from .daily_deadlines import daily_deadlines


def pilot_deadlines(today: date, calendar: WorkdayCalendar) -> Iterator[DeadlineSpec]:
    return chain(
        call_deadlines(today, calendar),
        daily_deadlines(today, calendar),
        complaint_deadlines(today, calendar),
    )
