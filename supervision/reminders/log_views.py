"""The reminders log: every reminder row in scope, failed first, and a retry for failed ones."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, requires, requires_any
from ..core.tables import paginate
from ..core.types import utcnow
from ..extensions import db
from . import bp, dashboard, policies
from .deadline_views import kind_choices
from .forms import ReminderLogFilterForm, RetryForm
from .models import Reminder, ReminderState


@bp.get("/log")
@requires_any(Permission.VIEW_DOMAIN, Permission.MANAGE_REMINDERS)
def log():
    """Every reminder in my scope (administrators: all they run the mail for; officers: their
    province's; anyone: his own), failed first, searchable by person and deadline."""
    form = ReminderLogFilterForm(request.args)
    form.kind.choices = kind_choices(_("全部类型"))
    filters = dashboard.ReminderFilters()
    if form.validate():
        filters = dashboard.ReminderFilters(
            state=form.state.data or "",
            kind=form.kind.data or "",
            person=form.person.data or "",
            title=form.q.data or "",
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    pagination, _sort = paginate(
        dashboard.reminders_query(current_user, filters),
        {"created": Reminder.created_at},
        "-created",
        tiebreak=Reminder.id.desc(),
    )
    kinds = policies.deadline_kinds()
    return render_template(
        "reminders/log.html",
        form=form,
        pagination=pagination,
        kinds=kinds,
        # "before:60" of a certificate is 60 calendar days: each kind's unit names its stages
        units={kind: policies.policy_row(kind).offset_unit for kind in kinds},
        may_retry=access.can(current_user, Permission.MANAGE_REMINDERS),
        retry_form=RetryForm(formdata=None),
        FAILED=ReminderState.FAILED,
        UNKNOWN=ReminderState.UNKNOWN,
    )


@bp.post("/log/retry")
@requires(Permission.MANAGE_REMINDERS)
def retry():
    """Retry a failed reminder at the next sending run (its backoff is cut short); or send
    again one whose outcome is unknown, once the administrator has checked it did not arrive."""
    form = RetryForm()
    if not form.validate_on_submit():
        abort(400)
    reminder = access.get_or_404(Reminder, form.reminder_id.data)
    now = utcnow()
    if reminder.state == ReminderState.UNKNOWN and (
        reminder.next_attempt_at is None or reminder.next_attempt_at <= now
    ):
        # Failed, for the next run to send it: the error stays for the record.
        reminder.state, reminder.next_attempt_at = ReminderState.FAILED, now
        db.session.commit()
        flash(_("该提醒将在下一次发送时重发。"), "success")
    elif reminder.state != ReminderState.FAILED:
        flash(_("只有发送失败的提醒可以重试。"), "warning")
    else:
        reminder.next_attempt_at = now
        db.session.commit()
        flash(_("该提醒将在下一次发送时重试。"), "success")
    return redirect(url_for(".log", **request.args))
