"""Why did X (not) get a reminder? Each recipient, channel by channel, in one sentence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from ..calendar.service import current_calendar
from ..core.models import User
from ..core.workdays import CalendarNotAvailable
from ..extensions import db
from . import rules
from .deadlines import Directory, local_time, policy_of, recipients, rule_policy
from .defaults import MINISTRY_DIGEST
from .mailer import stage_label
from .models import Deadline, Delivery, Reminder, ReminderState

IN_APP, EMAIL = "in_app", "email"


@dataclass
class RecipientExplanation:
    """One person and channel of a deadline: the stages, the rows, and the answer."""

    user: User
    #: Why he is told (responsible, …); "" when he no longer is.
    role: str
    channel: str
    #: E-mail collected into a daily digest.
    digest: bool
    #: Stages fallen due by now (for the deadline's current due date), in date order.
    stages: list[rules.Stage] = field(default_factory=list)
    current: rules.Stage | None = None
    next: rules.Stage | None = None
    #: Every reminder row of this person and channel for the deadline, oldest stage first.
    reminders: list[Reminder] = field(default_factory=list)
    #: The answer, in a sentence.
    reason: str = ""

    @property
    def text(self) -> str:  # the name the deadline page reads
        return self.reason

    @property
    def rows(self) -> list[Reminder]:
        return self.reminders


def explain(deadline: Deadline, *, now: datetime) -> list[RecipientExplanation]:
    """For each current recipient and channel (and anybody reminded before who no longer is):
    the stages computed, the reminder rows, and why nothing (more) was sent."""
    policy = policy_of(deadline.kind)
    pure = rule_policy(policy, deadline.kind)
    calendar = current_calendar()
    day = rules.reminder_day(
        local_time(now), send_from_hour=int(current_app.config["REMINDER_SEND_FROM_HOUR"])
    )
    calendar_error = None
    passed: list[rules.Stage] = []
    upcoming = None
    try:
        passed = rules.stages(deadline.due_on, pure, calendar, until=day)
        upcoming = rules.next_stage(deadline.due_on, pure, calendar, today=day)
    except CalendarNotAvailable as exc:
        calendar_error = exc
    rows: dict[tuple[int, str], list[Reminder]] = {}
    for row in db.session.scalars(
        select(Reminder)
        .where(Reminder.deadline_id == deadline.id)
        .order_by(Reminder.due_on, Reminder.stage_on, Reminder.id)
    ):
        rows.setdefault((row.user_id, row.channel), []).append(row)

    directory = Directory()
    found: list[RecipientExplanation] = []
    listed: set[tuple[int, str]] = set()
    for user, role in recipients(deadline, policy, directory=directory):
        channels = (EMAIL,) if role == MINISTRY_DIGEST else (IN_APP, EMAIL)
        for channel in channels:
            digest = channel == EMAIL and (
                role == MINISTRY_DIGEST or directory.delivery_of(user) is Delivery.DIGEST
            )
            stages = [s for s in passed if s.is_overdue] if role == MINISTRY_DIGEST else passed
            entry = RecipientExplanation(
                user=user,
                role=role,
                channel=channel,
                digest=digest,
                stages=stages,
                current=stages[-1] if stages else None,
                next=upcoming,
                reminders=rows.get((user.id, channel), []),
            )
            entry.reason = _reason(entry, deadline, policy, calendar_error)
            found.append(entry)
            listed.add((user.id, channel))
    for (user_id, channel), user_rows in rows.items():
        if (user_id, channel) in listed:
            continue
        found.append(
            RecipientExplanation(
                user=user_rows[0].user,
                role="",
                channel=channel,
                digest=user_rows[-1].digest,
                reminders=user_rows,
                reason=_("已不在提醒对象之列（不再提醒）。"),
            )
        )
    return found


def _when(at: datetime | None) -> str:
    return format_datetime(at, "yyyy-MM-dd HH:mm") if at else ""


def _reason(entry: RecipientExplanation, deadline, policy, calendar_error) -> str:
    if policy is not None and not policy.enabled:
        return _("该类截止事项的提醒已停用。")
    if deadline.cancelled:
        return _("截止事项已撤销，不再提醒。")
    if deadline.done_on is not None:
        return _("截止事项已于%(date)s完成，不再提醒。", date=format_date(deadline.done_on, "long"))
    if calendar_error is not None:
        return _("%(error)s，无法计算提醒日期。", error=str(calendar_error))
    unit = rule_policy(policy, deadline.kind).offset_unit
    current = entry.current
    row = next(
        (
            r
            for r in entry.reminders
            if current is not None and r.due_on == deadline.due_on and r.stage == current.key
        ),
        None,
    )
    if row is not None:
        return _row_reason(row, entry, unit)
    if entry.channel == EMAIL and not entry.user.email:
        return _("没有电子邮箱，无法发送邮件提醒（站内通知照常）。")
    if entry.channel == EMAIL and not current_app.config.get("SMTP_HOST"):
        return _("未配置邮件服务器，无法发送邮件提醒（站内通知照常）。")
    if current is None:
        if entry.role == MINISTRY_DIGEST:
            return _("部级汇总只在截止事项逾期后发送。")
        if entry.next is None:
            return _("没有待发的提醒。")
        return _(
            "尚未到提醒时间：下一次提醒在%(date)s（%(stage)s）。",
            date=format_date(entry.next.on, "long"),
            stage=stage_label(entry.next.key, unit),
        )
    return _(
        "%(stage)s的提醒已到时间，尚未生成：提醒任务自那以后没有运行（请检查定时任务）。",
        stage=stage_label(current.key, unit),
    )


def _row_reason(row: Reminder, entry: RecipientExplanation, unit: str) -> str:
    stage = stage_label(row.stage, unit)
    upcoming = (
        _("下一次提醒在%(date)s。", date=format_date(entry.next.on, "long")) if entry.next else ""
    )
    if row.state is ReminderState.SENT:
        return _("%(stage)s的提醒已于%(at)s发送。", stage=stage, at=_when(row.sent_at)) + upcoming
    if row.state is ReminderState.SKIPPED:
        return _("%(stage)s的提醒未发送：%(reason)s。", stage=stage, reason=row.reason)
    if row.state is ReminderState.FAILED:
        if row.next_attempt_at is None:
            return _(
                "%(stage)s的提醒发送失败（%(error)s），已尝试%(n)s次，不再自动重试。",
                stage=stage,
                error=row.error,
                n=row.attempts,
            )
        return _(
            "%(stage)s的提醒发送失败（%(error)s），将于%(at)s后重试。",
            stage=stage,
            error=row.error,
            at=_when(row.next_attempt_at),
        )
    if row.state is ReminderState.SENDING:
        return _("%(stage)s的提醒正在发送。", stage=stage)
    if row.state is ReminderState.UNKNOWN:
        return _(
            "%(stage)s的提醒邮件已交给邮件服务器，但未收到服务器的确认（%(error)s），"
            "可能已送达：不会自动重发，请向收件人核实，必要时在提醒记录中重发。",
            stage=stage,
            error=row.error or _("发送进程中断"),
        )
    if row.digest:
        return _("%(stage)s的提醒待发送，将并入当日的汇总邮件。", stage=stage)
    return _("%(stage)s的提醒待发送（提醒任务下次运行时发出）。", stage=stage)
