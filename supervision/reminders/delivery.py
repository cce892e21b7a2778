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

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..calendar.service import current_calendar
from ..core.workdays import CalendarNotAvailable
from ..extensions import db
from . import rules
from .deadlines import CHUNK, Directory, local_date, local_time, recipients, rule_policy
from .defaults import MINISTRY_DIGEST
from .mailer import SmtpMailer, headline, sentence
from .models import Deadline, Delivery, Notification, Reminder, ReminderPolicy, ReminderState
from .outbox import send_waiting
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
from .schedule import catch_up

__all__ = ["SendResult", "send_due", "sendable"]


def send_due(*, now: datetime, mailer=None) -> SendResult:
    """Catch up with changes, then send every reminder due at ``now`` (see the module doc).

    For each open deadline of an enabled policy, the latest stage fallen due (stages of
    today count from REMINDER_SEND_FROM_HOUR local) is told to each recipient in the
    notification centre and by e-mail; earlier stages nobody was told of are recorded as
    superseded. Then pending and retry-due e-mails go out, and digests last, one per person
    and day. ``mailer`` defaults to SMTP from the configuration (None: not configured).

    Only deadlines whose ``next_stage_on`` has come are read; the deadlines are refreshed
    from their sources and their stages computed again only when something they depend on
    changed (``schedule.catch_up``).
    """
    result = SendResult()
    day = rules.reminder_day(
        local_time(now), send_from_hour=int(current_app.config["REMINDER_SEND_FROM_HOUR"])
    )
    work = catch_up(now=now, day=day)
    result.refreshed = work.refreshed
    if work.idle:
        return result
    if mailer is None:
        mailer = SmtpMailer.from_config(current_app.config)
    result.skipped += _skip_obsolete(now)
    db.session.commit()
    _remind_due(day, now, mailer is not None, result)
    send_waiting(now, mailer, result)
    return result


def _skip_obsolete(now: datetime) -> int:
    """Rows still waiting to be sent whose reason went away: the deadline was met or
    cancelled, its date moved, its policy switched off."""
    waiting = or_(
        Reminder.state.in_((ReminderState.PENDING, ReminderState.FAILED)),
        and_(Reminder.state == ReminderState.SENDING, Reminder.next_attempt_at <= now),
    )
    rows = db.session.execute(
        select(
            Reminder.id,
            Reminder.state,
            Reminder.due_on,
            Deadline.due_on,
            Deadline.done_on,
            Deadline.cancelled,
        )
        .join(Deadline, Deadline.id == Reminder.deadline_id)
        .outerjoin(ReminderPolicy, ReminderPolicy.kind == Deadline.kind)
        .where(
            waiting,
            or_(
                Deadline.done_on.is_not(None),
                Deadline.cancelled.is_(True),
                Reminder.due_on != Deadline.due_on,
                ReminderPolicy.enabled.is_(False),
            ),
        )
    ).all()
    if not rows:
        return 0
    reasons = skip_reasons()
    skipped = 0
    for row_id, state, due_on, deadline_due_on, done_on, cancelled in rows:
        if cancelled:
            reason = reasons["cancelled"]
        elif done_on is not None:
            reason = reasons["done"]
        elif due_on != deadline_due_on:
            reason = reasons["moved"]
        else:
            reason = reasons["disabled"]
        skipped += set_state(
            row_id, state, state=ReminderState.SKIPPED, reason=reason, next_attempt_at=None
        )
    return skipped


def _remind_due(day: date, now: datetime, mail_ready: bool, result: SendResult) -> None:
    """Record the stages fallen due by ``day`` of each open deadline whose next stage has
    come, and move its ``next_stage_on`` to the stage after (commits as it goes)."""
    due = db.session.execute(
        select(Deadline.id, Deadline.kind, Deadline.due_on, Deadline.title).where(
            Deadline.next_stage_on <= day,
            Deadline.done_on.is_(None),
            Deadline.cancelled.is_(False),
        )
        # No ORDER BY: the database would read every deadline in due-date order instead
        # of the few whose next stage has come (the index on next_stage_on).
    ).all()
    if not due:
        return
    due.sort(key=lambda row: (row.due_on, row.id))
    calendar = current_calendar()
    policies = {p.kind: p for p in db.session.scalars(select(ReminderPolicy))}
    plans: dict[tuple[str, date], tuple] = {}
    to_record: dict[int, tuple[date, list[rules.Stage], date | None]] = {}
    later: dict[tuple[date | None, date], list[int]] = {}
    for deadline_id, kind, due_on, title in due:
        policy = policies.get(kind)
        if policy is None or not policy.enabled:
            # Nothing is sent while switched off; switching on looks at every deadline again.
            later.setdefault((None, due_on), []).append(deadline_id)
            continue
        if (kind, due_on) not in plans:
            # Stages depend on the policy and the date only: computed once per pair.
            plans[kind, due_on] = _plan(due_on, rule_policy(policy), calendar, day)
        passed, next_on, problem = plans[kind, due_on]
        if problem is not None:
            # Looked at again on every run, and told every time, until the calendar knows.
            result.problems.append(f"{title}: {problem}")
        elif passed:
            to_record[deadline_id] = (due_on, passed, next_on)
        else:
            later.setdefault((next_on, due_on), []).append(deadline_id)
    if to_record:
        _record_due(to_record, policies, now, mail_ready, result)
    for (next_on, due_on), ids in later.items():
        for first in range(0, len(ids), CHUNK):
            db.session.execute(
                update(Deadline)
                .where(
                    Deadline.id.in_(ids[first : first + CHUNK]),
                    # Unless a concurrent refresh moved it meanwhile (then it is looked at
                    # again): its stages were computed for this date.
                    Deadline.due_on == due_on,
                    Deadline.next_stage_on <= day,
                )
                .values(next_stage_on=next_on)
                .execution_options(synchronize_session=False)
            )
    db.session.commit()


def _plan(due_on: date, policy: rules.Policy, calendar, day: date) -> tuple:
    """(stages fallen due by ``day``, the day of the next one, a problem or None)."""
    try:
        passed = rules.stages(due_on, policy, calendar, until=day)
    except CalendarNotAvailable as exc:
        return [], None, str(exc)
    try:
        next_on = rules.next_stage_day(due_on, policy, calendar, after=day)
    except CalendarNotAvailable:
        # The next stage lies in a year the calendar does not know yet: look again tomorrow.
        next_on = day + timedelta(days=1)
    return passed, next_on, None


def _record_due(to_record: dict, policies: dict, now: datetime, mail_ready, result) -> None:
    """Record the stages of ``to_record`` ({id: (due date, stages, next day)}), a chunk of
    deadlines at a time (committed per chunk: nothing here leaves the building, the outbox
    sends afterwards, and a rolled-back chunk is recorded again by the next run)."""
    directory = Directory()
    ids = list(to_record)
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        deadlines = db.session.scalars(
            select(Deadline).where(Deadline.id.in_(chunk)).options(selectinload(Deadline.people))
        ).all()
        have: dict[int, list] = {}
        for deadline_id, key, created_at in db.session.execute(
            select(Reminder.deadline_id, Reminder.key, Reminder.created_at).where(
                Reminder.deadline_id.in_(chunk)
            )
        ):
            have.setdefault(deadline_id, []).append((key, created_at))
        for deadline in sorted(deadlines, key=lambda d: (d.due_on, d.id)):
            due_on, passed, next_on = to_record[deadline.id]
            if deadline.due_on != due_on or not deadline.is_open:
                continue  # changed by a concurrent refresh: the next run looks at it again
            _record_stages(
                deadline,
                policies[deadline.kind],
                passed,
                have.get(deadline.id, []),
                now,
                mail_ready,
                directory,
                result,
            )
            deadline.next_stage_on = next_on
        db.session.commit()


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
    have: list[tuple[str, datetime]],
    now: datetime,
    mail_ready: bool,
    directory: Directory,
    result: SendResult,
) -> None:
    """Create the rows of the current stage (and of earlier ones nobody was told of);
    ``have``: (key, created_at) of the deadline's rows so far."""
    current = passed[-1]
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
