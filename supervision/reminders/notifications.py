"""A person's notification centre and e-mail delivery choice (always his own, never another's)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, case, func, select, update

from ..core import access
from ..extensions import db
from .models import Delivery, Notification, ReminderPreference


def unread_count(user) -> int:
    """Unread entries of ``user``'s notification centre (one COUNT on an indexed column: the
    header shows it on every page)."""
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def notifications_of(user) -> Select:
    """``user``'s notifications, unread first; the page adds newest-first within each."""
    unread_first = case((Notification.read_at.is_(None), 0), else_=1)
    return access.scoped(Notification, user).order_by(unread_first)


def mark_read(user, ids: Iterable[int] | None = None, *, now: datetime) -> int:
    """Mark ``user``'s unread notifications read: all of them, or those of ``ids`` (ids of
    other people's notifications are ignored). Returns how many changed."""
    stmt = (
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session="fetch")
    )
    if ids is not None:
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return 0
        stmt = stmt.where(Notification.id.in_(wanted))
    return db.session.execute(stmt).rowcount


def set_delivery(user, delivery: Delivery) -> ReminderPreference:
    """Record how ``user`` receives reminder e-mails: one per reminder or a daily digest."""
    preference = db.session.get(ReminderPreference, user.id)
    if preference is None:
        preference = ReminderPreference(user_id=user.id)
        db.session.add(preference)
    preference.delivery = Delivery(delivery)
    db.session.flush()
    return preference
