"""Deadlines in scope with the overdue dashboard, and one deadline's reminders explained."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..calendar.service import current_calendar
from ..core import access
from ..core.access import Permission, requires, requires_any
from ..core.clock import local_today
from ..core.forms import as_choices
from ..core.models import Organisation, OrgKind
from ..core.tables import paginate
from ..core.types import utcnow
from ..core.workdays import CalendarNotAvailable, WorkdayCalendar
from ..extensions import db
from . import bp, dashboard, labels, policies, rules
from .forms import DeadlineFilterForm
from .models import Deadline

#: Overdue stages shown in full before the timeline elides the middle ones.
TIMELINE_OVERDUE_SHOWN = 8


def kind_choices(first_label: str) -> list:
    return as_choices(
        [("", first_label), *((k, v.label) for k, v in policies.deadline_kinds().items())]
    )


def overdue_days(deadline: Deadline, today: date, calendar: WorkdayCalendar) -> int | None:
    """Working days an open deadline is overdue (None when the calendar lacks a year)."""
    if not deadline.is_open:
        return 0
    try:
        return rules.overdue_workdays(deadline.due_on, today, calendar)
    except CalendarNotAvailable:
        return None


def _filter_form(today: date) -> tuple[DeadlineFilterForm, dashboard.DeadlineFilters]:
    form = DeadlineFilterForm(request.args)
    form.kind.choices = kind_choices(_("全部类型"))
    provinces = db.session.scalars(
        access.scoped(Organisation)
        .where(Organisation.kind == OrgKind.PROVINCE)
        .order_by(Organisation.division_code)
    )
    form.province.choices = as_choices(
        [("", _("全部省份")), *((str(o.id), o.name) for o in provinces)]
    )
    form.category.choices = as_choices(
        [
            ("", _("全部类别")),
            *((str(n), text) for n, text in labels.CATEGORY_LABELS.items()),
            (dashboard.NONE, labels.category_label(None)),
        ]
    )
    status = form.status.data if form.status.data in dashboard.STATUSES else "open"
    filters = dashboard.DeadlineFilters(
        kind=form.kind.data or "",
        province=form.province.data or "",
        agency=form.agency.data or "",
        category=form.category.data or "",
        overdue=bool(form.overdue.data),
        status=status,
        today=today,
    )
    return form, filters


def _agency_name(value: str) -> str | None:
    if value == dashboard.NONE:
        return _("无承担机构（省级事项）")
    if value.isdigit():
        org = db.session.scalar(access.scoped(Organisation).where(Organisation.id == int(value)))
        return org.name if org is not None else _("机构 #%(id)s", id=value)
    return None


@bp.get("/deadlines")
@requires(Permission.VIEW_DOMAIN)
def deadlines():
    """Deadlines in my scope, filterable, with the overdue figures by province, agency and
    category (each figure links to the list filtered to exactly those rows)."""
    today = local_today()
    form, filters = _filter_form(today)
    pagination, sort = paginate(
        dashboard.deadlines_query(current_user, filters),
        {"due": Deadline.due_on, "title": Deadline.title, "kind": Deadline.kind},
        "due",
        tiebreak=Deadline.id,
    )
    figures = {d: dashboard.overdue_by(current_user, d, today=today) for d in dashboard.DIMENSIONS}
    calendar = current_calendar()
    return render_template(
        "reminders/deadlines.html",
        form=form,
        filters=filters,
        pagination=pagination,
        sort=sort,
        figures=figures,
        today=today,
        overdue_days={d.id: overdue_days(d, today, calendar) for d in pagination.items},
        kinds=policies.deadline_kinds(),
        agency_name=_agency_name(filters.agency),
    )


@dataclass(frozen=True)
class TimelineEntry:
    """A stage of the timeline, or (``stage`` None) ``elided`` stages left out."""

    stage: rules.Stage | None
    state: str = ""  # passed, current, upcoming, not_needed
    elided: int = 0


def timeline(deadline: Deadline, policy: rules.Policy, today: date, calendar) -> list:
    """The deadline's stages up to today (or its due date) and, while open, the next one.

    The latest passed stage of an open deadline is "current" (the one a run sends; earlier
    ones it missed are superseded); a closed deadline's stages from the day it was met (or
    still to come when it was cancelled) are "not_needed".
    """
    end = today if deadline.is_open else min(today, deadline.done_on or today)
    found = rules.stages(deadline.due_on, policy, calendar, until=max(end, deadline.due_on))
    current = None
    if deadline.is_open:
        upcoming = rules.next_stage(deadline.due_on, policy, calendar, today=today)
        if upcoming is not None and upcoming not in found:
            found.append(upcoming)
        current = rules.current_stage(deadline.due_on, policy, calendar, today=today)
    entries = []
    for stage in found:
        if not deadline.is_open and (
            stage.on > today or (deadline.done_on is not None and stage.on >= deadline.done_on)
        ):
            state = "not_needed"
        elif stage == current:
            state = "current"
        elif stage.on <= today:
            state = "passed"
        else:
            state = "upcoming"
        entries.append(TimelineEntry(stage, state))
    return _elide_overdue(entries)


def _elide_overdue(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    overdue = [i for i, e in enumerate(entries) if e.stage.is_overdue]
    if len(overdue) <= TIMELINE_OVERDUE_SHOWN:
        return entries
    head, tail = 3, TIMELINE_OVERDUE_SHOWN - 3
    cut = overdue[head : len(overdue) - tail]
    return [
        *entries[: cut[0]],
        TimelineEntry(None, elided=len(cut)),
        *entries[cut[-1] + 1 :],
    ]


@bp.get("/deadlines/<int:deadline_id>")
@requires_any(Permission.VIEW_DOMAIN, Permission.MANAGE_REMINDERS)
def deadline(deadline_id: int):
    """One deadline: its policy's stages and, per recipient and channel, what was sent,
    failed or skipped and why ("why did X not get a reminder?")."""
    from .service import explain  # the engine's: the same reasoning as the sending run

    found = access.get_or_404(Deadline, deadline_id)
    today = local_today()
    kinds = policies.deadline_kinds()
    policy_row = policies.policy_row(found.kind) if found.kind in kinds else None
    entries, missing_year = [], None
    if policy_row is not None:
        try:
            entries = timeline(found, policies.as_rule(policy_row), today, current_calendar())
        except CalendarNotAvailable as error:
            missing_year = error.year
    return render_template(
        "reminders/deadline.html",
        deadline=found,
        kind=kinds.get(found.kind),
        policy=policy_row,
        timeline=entries,
        missing_year=missing_year,
        explanations=explain(found, now=utcnow()),
        today=today,
        overdue=overdue_days(found, today, current_calendar()),
        may_edit_policy=policies.may_edit(current_user),
    )
