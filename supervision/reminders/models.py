"""Deadlines, their reminder policies, each reminder sent (or not, and why), in-app
notifications and each person's delivery choice."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import access
from ..core.models import Audited, Organisation, OrgKind, Role, User, label, str_enum
from ..core.types import UTCDateTime, utcnow
from ..extensions import db

deadline_people = Table(
    "deadline_people",
    db.metadata,
    Column("deadline_id", ForeignKey("deadlines.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Deadline(db.Model):
    """A dated obligation, as its source computes it (refreshed from the source, never typed in).

    ``kind`` + ``subject_key`` name it (e.g. ``task_filing`` / ``2020:410000``); the due date
    comes from the one rule function of its kind, so the page, the reminder and the export agree.
    """

    __tablename__ = "deadlines"
    __table_args__ = (UniqueConstraint("kind", "subject_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    subject_key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(255))
    #: Path of the page where the obligation is met (relative URL).
    link: Mapped[str] = mapped_column(String(255), default="")
    #: The organisation that owes it, and where it sits (dashboards group by these).
    owner_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    category: Mapped[int | None] = mapped_column()
    due_on: Mapped[date] = mapped_column(index=True)
    #: Earlier due dates, oldest first (a moved deadline keeps its history).
    previous_due_dates: Mapped[list] = mapped_column(JSON, default=list)
    done_on: Mapped[date | None] = mapped_column()
    #: The source no longer has the obligation (task removed, …): nothing more is sent.
    cancelled: Mapped[bool] = mapped_column(default=False)
    #: When the sources last changed it (created, moved, met, cancelled …).
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The day of its next reminder stage not yet recorded, so that send-due reads only the
    #: deadlines with something due (``schedule.EVALUATE``: look at it on the next run; None:
    #: closed, or no stage comes any more).
    next_stage_on: Mapped[date | None] = mapped_column(index=True)

    owner_org: Mapped[Organisation | None] = relationship(foreign_keys=[owner_org_id])
    province: Mapped[Organisation | None] = relationship(foreign_keys=[province_id])
    agency: Mapped[Organisation | None] = relationship(foreign_keys=[agency_id])
    people: Mapped[list[User]] = relationship(secondary=deadline_people, order_by=User.username)

    @property
    def is_open(self) -> bool:
        return self.done_on is None and not self.cancelled


class ReminderSchedule(db.Model):
    """What send-due has caught up with, per topic (``changes.TOPICS``): "sources" (the
    deadlines are refreshed from their sources) and "stages" (every open deadline's stages are
    computed again: policies, calendar, who is told).

    Every committed transaction that changes a table a topic watches adds one to ``changes``
    (``changes.install``); a run that handled the topic stores the count it started from.
    """

    __tablename__ = "reminder_schedule"

    topic: Mapped[str] = mapped_column(String(16), primary_key=True)
    changes: Mapped[int] = mapped_column(default=0)
    handled: Mapped[int] = mapped_column(default=0)
    #: Local day of the last refresh: deadlines depend on the day, so each day refreshes once.
    handled_on: Mapped[date | None] = mapped_column()
    #: The configuration (and rules version) it was handled with: a change handles it again.
    stamp: Mapped[str] = mapped_column(String(64), default="")


class ReminderPolicy(Audited, db.Model):
    """How one kind of deadline is reminded; administrators edit it."""

    __tablename__ = "reminder_policies"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: Reminders before the due date, e.g. [10, 3, 1].
    offsets: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("提前提醒")))
    #: "workdays" (working days, the default) or "days" (calendar days: certificates, 60 ahead).
    offset_unit: Mapped[str] = mapped_column(
        String(8), default="workdays", info=label(_l("提前单位"))
    )
    on_due_day: Mapped[bool] = mapped_column(default=True, info=label(_l("到期当日提醒")))
    #: Once overdue, remind every N working days until done (0: never).
    overdue_every: Mapped[int] = mapped_column(default=3, info=label(_l("逾期提醒间隔（工作日）")))
    #: Who is told: responsible, agency_officers, provincial_officers, ministry_digest.
    recipients: Mapped[list] = mapped_column(JSON, default=list, info=label(_l("提醒对象")))
    enabled: Mapped[bool] = mapped_column(default=True, info=label(_l("启用")))

    @property
    def audit_label(self) -> str:
        return self.kind


class ReminderState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    #: Handed to the mail server, which never answered (connection lost, sender killed): it
    #: may have arrived. Never sent again by itself (at most once); an administrator checks
    #: with the recipient and sends it again from the reminders log if it did not.
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return str(REMINDER_STATE_LABELS[self])


REMINDER_STATE_LABELS = {
    ReminderState.PENDING: _l("待发送"),
    ReminderState.SENDING: _l("发送中"),
    ReminderState.SENT: _l("已发送"),
    ReminderState.FAILED: _l("发送失败"),
    ReminderState.SKIPPED: _l("未发送"),
    ReminderState.UNKNOWN: _l("结果不明"),
}


class Reminder(db.Model):
    """One reminder of one deadline stage to one person on one channel, and what became of it.

    ``key`` = kind:subject:due date:stage:user:channel — unique, so a stage is never sent
    twice for the same due date, while a moved deadline gets new keys for its new date.
    """

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    deadline_id: Mapped[int] = mapped_column(
        ForeignKey("deadlines.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: in_app or email.
    channel: Mapped[str] = mapped_column(String(8))
    #: before:10, due, overdue:1 …; ``stage_on`` is the day it fell due.
    stage: Mapped[str] = mapped_column(String(16))
    stage_on: Mapped[date] = mapped_column()
    #: The deadline's due date this reminder is about.
    due_on: Mapped[date] = mapped_column()
    #: Why this person: responsible, agency_officers, provincial_officers, ministry_digest.
    recipient_role: Mapped[str] = mapped_column(String(24), default="responsible")
    #: E-mail only: sent alone or in the person's daily digest.
    digest: Mapped[bool] = mapped_column(default=False)
    state: Mapped[ReminderState] = mapped_column(
        str_enum(ReminderState, 8), default=ReminderState.PENDING, index=True
    )
    #: Why skipped (deadline met, no e-mail address, superseded by a later stage …).
    reason: Mapped[str] = mapped_column(Text, default="")
    #: The last delivery error, kept after a successful retry for the record.
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Message-ID of the e-mail's last attempt (a digest shares one among its reminders): a
    #: new one for each attempt, set when the row is claimed (while "sending", the claim's
    #: token); the one the server took once "sent", the one to look for once "unknown".
    message_id: Mapped[str] = mapped_column(String(200), default="")

    deadline: Mapped[Deadline] = relationship()
    user: Mapped[User] = relationship()


class Notification(db.Model):
    """An entry of a person's in-app notification centre."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    deadline_id: Mapped[int | None] = mapped_column(
        ForeignKey("deadlines.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Delivery(enum.StrEnum):
    EACH = "each"
    DIGEST = "digest"

    @property
    def label(self) -> str:
        return str(_l("每条提醒单独发邮件") if self is Delivery.EACH else _l("每日汇总一封邮件"))


class ReminderPreference(Audited, db.Model):
    """A person's choice: one e-mail per reminder, or one daily digest."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    delivery: Mapped[Delivery] = mapped_column(
        str_enum(Delivery, 8), default=Delivery.EACH, info=label(_l("邮件方式"))
    )

    @property
    def audit_scope_org_id(self) -> int | None:
        user = db.session.get(User, self.user_id)
        return user.organisation_id if user else None


# -- who sees what ------------------------------------------------------------------------


def _deadline_scope(user):
    """The ministry sees all; an officer (or system administrator) his province or agency
    subtree; everybody the deadlines he is responsible for."""
    org = user.organisation
    if org.kind == OrgKind.MINISTRY and (
        Role.MINISTRY_OFFICER in user.roles or Role.SYSADMIN in user.roles
    ):
        return None
    mine = Deadline.id.in_(
        select(deadline_people.c.deadline_id).where(deadline_people.c.user_id == user.id)
    )
    clauses = [mine]
    if Role.PROVINCIAL_OFFICER in user.roles or Role.SYSADMIN in user.roles:
        if org.kind == OrgKind.PROVINCE:
            clauses.append(Deadline.province_id == org.id)
        else:
            clauses.append(access.subtree_clause(org, Deadline.owner_org_id))
    return or_(*clauses)


def _reminder_scope(user):
    clause = _deadline_scope(user)
    if clause is None:
        return None
    return or_(
        Reminder.user_id == user.id, Reminder.deadline_id.in_(select(Deadline.id).where(clause))
    )


access.register_scope(Deadline, _deadline_scope)
access.register_scope(Reminder, _reminder_scope)
# A notification centre is personal: nobody reads another person's, whatever his role.
access.register_scope(Notification, lambda user: Notification.user_id == user.id)
