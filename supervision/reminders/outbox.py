"""The e-mail outbox: each waiting row claimed, sent, and its outcome recorded; digests last,
one message per person and day. Commits per message (see ``delivery``).

A row goes pending → sending (claimed: ``message_id`` is the claim's token, ``next_attempt_at``
its expiry) → unknown (committed just before the message's text is handed to the server, and
only while the claim is still ours) → sent or failed. A sender killed before the hand-over
leaves a "sending" row that another run takes over once the claim expires: nothing went out,
so sending it then is safe. One killed after it leaves an "unknown" row, never sent again by
itself: the message may have arrived, and a reminder sent twice is worse than one an
administrator is shown to check (at most once).
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select, update

from ..core.models import User
from ..extensions import db
from . import rules
from .deadlines import local_date
from .mailer import DELIVERY_ERRORS, DeliveryUncertain, compose, describe_error, new_message_id
from .models import Deadline, Reminder, ReminderPolicy, ReminderState
from .outcomes import (
    EMAIL,
    SendResult,
    claim_ttl,
    item_of,
    locale_of,
    sendable,
    set_state,
    skip_reasons,
)


def _waiting_rows(now: datetime):
    return (
        select(Reminder)
        .join(Deadline, Deadline.id == Reminder.deadline_id)
        .where(
            Reminder.channel == EMAIL,
            sendable(now),
            Deadline.done_on.is_(None),
            Deadline.cancelled.is_(False),
            Reminder.due_on == Deadline.due_on,
        )
        .order_by(Reminder.user_id, Reminder.due_on, Reminder.id)
    )


class ClaimLost(Exception):
    """Another run took the rows over while this one was still connecting (its claim expired)."""


def _claim(row: Reminder, token: str, now: datetime, mailer, result: SendResult) -> bool:
    """Take the row for this run (conditional UPDATE, committed), with ``token`` (the
    message's Message-ID) as the claim; False if another run has it, or if it cannot be sent
    at all (then it is skipped with the reason)."""
    reasons = skip_reasons()
    reason = None
    if not row.user.active:
        reason = reasons["inactive"]
    elif not row.user.email:
        reason = reasons["no_email"]
    elif mailer is None:
        reason = reasons["no_smtp"]
    state = row.state
    if reason is not None:
        if set_state(row.id, state, state=ReminderState.SKIPPED, reason=reason):
            result.skipped += 1
        db.session.commit()
        return False
    claimed = db.session.execute(
        update(Reminder)
        .where(Reminder.id == row.id, sendable(now))
        .values(state=ReminderState.SENDING, next_attempt_at=now + claim_ttl(), message_id=token)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return False
    if state is ReminderState.FAILED:
        result.retried += 1
    return True


def _hand_over(ids: list[int], token: str) -> None:
    """Record that the message's text is about to leave (state unknown, committed), if this
    run's claim on every row still holds; otherwise raise ClaimLost and send nothing."""
    marked = db.session.execute(
        update(Reminder)
        .where(
            Reminder.id.in_(ids),
            Reminder.state == ReminderState.SENDING,
            Reminder.message_id == token,
        )
        .values(state=ReminderState.UNKNOWN)
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != len(ids):
        db.session.rollback()
        raise ClaimLost
    db.session.commit()


def _deliver(
    user: User, rows: list[Reminder], token: str, *, digest: bool, now, mailer, result
) -> None:
    """Send one message about ``rows`` (claimed with ``token``) and record the outcome on
    every row (committed)."""
    today = local_date(now)
    policies = {p.kind: p for p in db.session.scalars(select(ReminderPolicy))}
    for row in rows:
        db.session.refresh(row)
    items = [item_of(r.deadline, r.stage, policies.get(r.deadline.kind), today) for r in rows]
    ids = [row.id for row in rows]
    try:
        with force_locale(locale_of(user)):
            message = compose(
                sender=current_app.config["SMTP_SENDER"],
                to_name=user.full_name,
                to_address=user.email,
                items=items,
                digest=digest,
                now=now,
                day=today,
                message_id=token,
            )
        mailer.send(message, handing_over=lambda: _hand_over(ids, token))
    except ClaimLost:
        current_app.logger.warning("reminder rows %s were taken over by another run", ids)
        return
    except DeliveryUncertain as exc:
        for row in rows:
            row.state = ReminderState.UNKNOWN
            row.error = describe_error(exc)
            row.next_attempt_at = None
        result.unknown += len(rows)
        current_app.logger.warning(
            "reminder e-mail %s to %s: no answer after the message was handed over (%s);"
            " not sent again, check with the recipient",
            token,
            user.username,
            exc,
        )
    except DELIVERY_ERRORS as exc:
        error = describe_error(exc)
        for row in rows:
            row.state = ReminderState.FAILED
            row.error = error
            row.attempts += 1
            row.next_attempt_at = (
                now + rules.retry_delay(row.attempts) if row.attempts < rules.MAX_ATTEMPTS else None
            )
        result.failed += len(rows)
        current_app.logger.warning("reminder e-mail to %s failed: %s", user.username, error)
    else:
        for row in rows:
            row.state = ReminderState.SENT
            row.sent_at = now
            row.next_attempt_at = None
            row.message_id = token
        result.sent += len(rows)
        result.messages += 1
    db.session.commit()


def send_waiting(now: datetime, mailer, result: SendResult) -> None:
    """Send each waiting e-mail: those not collected into a digest one message per row, then
    the digests (one query finds both)."""
    waiting = db.session.scalars(_waiting_rows(now)).all()
    if not waiting:
        return
    _send_single([row for row in waiting if not row.digest], now, mailer, result)
    _send_digests([row for row in waiting if row.digest], now, mailer, result)


def _send_single(rows: list[Reminder], now: datetime, mailer, result: SendResult) -> None:
    """One message per row."""
    sender = current_app.config["SMTP_SENDER"]
    for row in rows:
        token = new_message_id(sender, row.id)
        if _claim(row, token, now, mailer, result):
            _deliver(row.user, [row], token, digest=False, now=now, mailer=mailer, result=result)


def _day_start(now: datetime) -> datetime:
    """The start of the users' current day, as an aware datetime."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return datetime.combine(local_date(now), time(0), tzinfo=zone)


def _send_digests(rows: list[Reminder], now: datetime, mailer, result: SendResult) -> None:
    """One message per person and day with everything his digest collected."""
    by_user: dict[int, list[Reminder]] = {}
    for row in rows:
        by_user.setdefault(row.user_id, []).append(row)
    for user_id, rows in by_user.items():
        user = rows[0].user
        had_today = db.session.scalar(
            select(Reminder.id)
            .where(
                Reminder.user_id == user_id,
                Reminder.channel == EMAIL,
                Reminder.digest.is_(True),
                Reminder.state == ReminderState.SENT,
                Reminder.sent_at >= _day_start(now),
            )
            .limit(1)
        )
        if had_today is not None:
            continue  # today's digest went out: these wait for tomorrow's
        token = new_message_id(current_app.config["SMTP_SENDER"], rows[0].id)
        claimed = [row for row in rows if _claim(row, token, now, mailer, result)]
        if claimed:
            _deliver(user, claimed, token, digest=True, now=now, mailer=mailer, result=result)
