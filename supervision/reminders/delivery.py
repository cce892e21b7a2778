"""Sending what is due: one row per reminder, claimed before it is sent, never sent twice.

``send_due`` **commits** as it goes, unlike other services. An e-mail cannot be taken back:
the row saying it went out must be durable the moment the message leaves, or a later rollback
(or a crash) would make the next run send it again. Likewise a row must be claimed (state
``sending``, committed) before its message is handed to the mail server, so that a second run
started at the same moment (cron and the scheduler, two schedulers) sees the claim and leaves
the row alone. Callers (the CLI command, the scheduler job) still own the session: they call
this inside their app context and commit or roll back whatever else they did.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from ..calendar.service import current_calendar
from ..core.workdays import CalendarNotAvailable
from ..extensions import db
from . import rules
from .deadlines import (
    Directory,
    local_date,
    local_time,
    recipients,
    refresh_deadlines,
    rule_policy,
    seed_policies,
)
from .defaults import MINISTRY_DIGEST
from .mailer import SmtpMailer, headline, sentence
from .models import Deadline, Delivery, Notification, Reminder, ReminderPolicy, ReminderState
from .outbox import send_digests, send_single
from .outcomes import (
    EMAIL,
    IN_APP,
    SendResult,
    item_of,
    locale_of,
    sendable,
    set_state,
    skip_reasons,
)

__all__ = ["SendResult", "send_due", "sendable"]


def send_due(*, now: datetime, mailer=None) -> SendResult:
    """Refresh the deadlines, then send every reminder due at ``now`` (see the module doc).

    For each open deadline of an enabled policy, the latest stage fallen due (stages of
    today count from REMINDER_SEND_FROM_HOUR local) is told to each recipient in the
    notification centre and by e-mail; earlier stages nobody was told of are recorded as
    superseded. Then pending and retry-due e-mails go out, and digests last, one per person
    and day. ``mailer`` defaults to SMTP from the configuration (None: not configured).
    """
    result = SendResult()
    try:
        seed_policies()
        result.refreshed = refresh_deadlines(now=now)
        db.session.commit()
    except IntegrityError:
        # A concurrent run added the same new deadlines (or policies) first: use its rows.
        db.session.rollback()
        seed_policies()
        result.refreshed = refresh_deadlines(now=now)
        db.session.commit()
    if mailer is None:
        mailer = SmtpMailer.from_config(current_app.config)
    policies = {p.kind: p for p in db.session.scalars(select(ReminderPolicy))}
    result.skipped += _skip_obsolete(now, policies)
    db.session.commit()

    calendar = current_calendar()
    day = rules.reminder_day(
        local_time(now), send_from_hour=int(current_app.config["REMINDER_SEND_FROM_HOUR"])
    )
    directory = Directory()
    open_deadlines = db.session.scalars(
        select(Deadline)
        .where(Deadline.done_on.is_(None), Deadline.cancelled.is_(False))
        .order_by(Deadline.due_on, Deadline.id)
    ).all()
    for deadline in open_deadlines:
        policy = policies.get(deadline.kind)
        if policy is None or not policy.enabled:
            continue
        try:
            passed = rules.stages(deadline.due_on, rule_policy(policy), calendar, until=day)
        except CalendarNotAvailable as exc:
            result.problems.append(f"{deadline.title}: {exc}")
            continue
        if passed:
            _record_stages(deadline, policy, passed, now, mailer is not None, directory, result)
            db.session.commit()

    send_single(now, mailer, result)
    send_digests(now, mailer, result)
    return result


def _skip_obsolete(now: datetime, policies: dict[str, ReminderPolicy]) -> int:
    """Rows still waiting to be sent whose reason went away: the deadline was met or
    cancelled, its date moved, its policy switched off."""
    disabled = [k for k, p in policies.items() if not p.enabled]
    waiting = or_(
        Reminder.state.in_((ReminderState.PENDING, ReminderState.FAILED)),
        and_(Reminder.state == ReminderState.SENDING, Reminder.next_attempt_at <= now),
    )
    rows = db.session.execute(
        select(Reminder.id, Reminder.state, Reminder.due_on, Deadline)
        .join(Deadline, Deadline.id == Reminder.deadline_id)
        .where(
            waiting,
            or_(
                Deadline.done_on.is_not(None),
                Deadline.cancelled.is_(True),
                Reminder.due_on != Deadline.due_on,
                Deadline.kind.in_(disabled),
            ),
        )
    ).all()
    reasons = skip_reasons()
    skipped = 0
    for row_id, state, due_on, deadline in rows:
        if deadline.cancelled:
            reason = reasons["cancelled"]
        elif deadline.done_on is not None:
            reason = reasons["done"]
        elif due_on != deadline.due_on:
            reason = reasons["moved"]
        else:
            reason = reasons["disabled"]
        skipped += set_state(
            row_id, state, state=ReminderState.SKIPPED, reason=reason, next_attempt_at=None
        )
    return skipped


def _insert(*objects) -> bool:
    """Insert in a savepoint; False if a concurrent run inserted the same key first."""
    try:
        with db.session.begin_nested():
            db.session.add_all(objects)
    except IntegrityError:
        return False
    return True


def _record_stages(
    deadline: Deadline,
    policy: ReminderPolicy,
    passed: list[rules.Stage],
    now: datetime,
    mail_ready: bool,
    directory: Directory,
    result: SendResult,
) -> None:
    """Create the rows of the current stage (and of earlier ones nobody was told of)."""
    current = passed[-1]
    have = db.session.execute(
        select(Reminder.key, Reminder.created_at).where(Reminder.deadline_id == deadline.id)
    ).all()
    keys = {key for key, _created in have}
    first_seen = local_date(min(c for _k, c in have)) if have else None
    earlier = rules.superseded(passed, first_seen=first_seen)
    reasons = skip_reasons()
    today = local_date(now)
    for user, role in recipients(deadline, policy, directory=directory):
        channels = (EMAIL,) if role == MINISTRY_DIGEST else (IN_APP, EMAIL)
        digest = role == MINISTRY_DIGEST or directory.delivery_of(user) is Delivery.DIGEST
        for stage in (*earlier, current):
            if role == MINISTRY_DIGEST and not stage.is_overdue:
                continue
            for channel in channels:
                key = rules.reminder_key(
                    deadline.kind,
                    deadline.subject_key,
                    deadline.due_on,
                    stage.key,
                    user.id,
                    channel,
                )
                if key in keys:
                    continue
                row = Reminder(
                    key=key,
                    deadline_id=deadline.id,
                    user_id=user.id,
                    channel=channel,
                    stage=stage.key,
                    stage_on=stage.on,
                    due_on=deadline.due_on,
                    recipient_role=role,
                    digest=digest if channel == EMAIL else False,
                    created_at=now,
                )
                extra = []
                if stage is not current:
                    row.state, row.reason = ReminderState.SKIPPED, reasons["superseded"]
                elif channel == IN_APP:
                    row.state, row.sent_at = ReminderState.SENT, now
                    extra.append(_notification(deadline, stage.key, policy, user, now, today))
                elif not user.email:
                    row.state, row.reason = ReminderState.SKIPPED, reasons["no_email"]
                elif not mail_ready:
                    row.state, row.reason = ReminderState.SKIPPED, reasons["no_smtp"]
                else:
                    row.state = ReminderState.PENDING
                if not _insert(row, *extra):
                    continue
                keys.add(key)
                if row.state is ReminderState.SKIPPED:
                    result.skipped += 1
                elif row.state is ReminderState.SENT:
                    result.sent += 1
                    result.notifications += 1


def _notification(deadline, stage, policy, user, now, today) -> Notification:
    item = item_of(deadline, stage, policy, today)
    with force_locale(locale_of(user)):
        title, body = headline(item), sentence(item)
    return Notification(
        user_id=user.id,
        deadline_id=deadline.id,
        title=title[:255],
        body=body,
        link=deadline.link,
        created_at=now,
    )
