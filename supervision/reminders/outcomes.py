"""What becomes of a reminder row: the reasons it is skipped, the claim on it, the result of a
run, and the deadline as a message tells it (shared by ``delivery`` and ``outbox``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, or_, update

from ..calendar.service import current_calendar
from ..core.models import User
from ..core.workdays import CalendarNotAvailable
from ..extensions import db
from . import rules
from .deadlines import rule_policy
from .mailer import Item
from .models import Deadline, Reminder, ReminderPolicy, ReminderState

IN_APP, EMAIL = "in_app", "email"


def claim_ttl() -> timedelta:
    """How long a claimed row may stay "sending" before another run takes it over (its sender
    died before handing the message to the mail server): as long as the scheduler's lease.
    A sender still alive after that finds its claim gone and sends nothing (``outbox``)."""
    return timedelta(seconds=int(current_app.config["SCHEDULER_LEASE_SECONDS"]))


def skip_reasons() -> dict[str, str]:
    """Why a row is skipped, as stored on it: in the default language whoever runs the job
    (the administrators' page shows the stored text)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return {
            "superseded": _("已被后续提醒取代（期间未运行）"),
            "done": _("截止事项已完成"),
            "cancelled": _("截止事项已撤销"),
            "moved": _("期限已变更"),
            "disabled": _("该类提醒已停用"),
            "no_email": _("无电子邮箱"),
            "no_smtp": _("未配置邮件服务器"),
            "inactive": _("账号已停用"),
        }


@dataclass
class SendResult:
    """What one run did: reminder rows sent, failed, skipped (newly), retried (failed before,
    tried again now) and unknown (handed to the server, no answer); e-mail messages and in-app
    notifications created."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retried: int = 0
    unknown: int = 0
    messages: int = 0
    notifications: int = 0
    refreshed: dict = field(default_factory=dict)
    #: Deadlines whose reminders could not be computed (e.g. a year without calendar).
    problems: list[str] = field(default_factory=list)


def locale_of(user: User) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def sendable(now: datetime):
    """Rows a run may (re)send now: pending, failed and due for a retry, or claimed by a run
    that has not finished within CLAIM_TTL."""
    return or_(
        Reminder.state == ReminderState.PENDING,
        # A row failed MAX_ATTEMPTS times has no next attempt, until an administrator sets
        # one (the reminders log's "retry").
        and_(Reminder.state == ReminderState.FAILED, Reminder.next_attempt_at <= now),
        and_(Reminder.state == ReminderState.SENDING, Reminder.next_attempt_at <= now),
    )


def set_state(row_id: int, expected, **values) -> bool:
    """Change one row only if nobody else changed it meanwhile (a concurrent run)."""
    changed = db.session.execute(
        update(Reminder)
        .where(Reminder.id == row_id, Reminder.state == expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return changed.rowcount == 1


def item_of(deadline: Deadline, stage: str, policy: ReminderPolicy | None, today: date) -> Item:
    overdue = 0
    if stage.startswith("overdue:"):
        try:
            overdue = rules.overdue_workdays(deadline.due_on, today, current_calendar())
        except CalendarNotAvailable:
            overdue = 0
    base = current_app.config["EXTERNAL_URL"].rstrip("/")
    return Item(
        title=deadline.title,
        due_on=deadline.due_on,
        stage=stage,
        offset_unit=rule_policy(policy, deadline.kind).offset_unit,
        overdue_workdays=overdue,
        url=base + deadline.link if deadline.link.startswith("/") else deadline.link,
    )
