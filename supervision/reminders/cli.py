"""``flask reminders …``: send what is due now (cron or tests drive ``--now``)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..core import audit
from ..core.types import utcnow
from ..extensions import db

reminders_cli = AppGroup("reminders", help="Deadlines and reminders.")

CLI_ACTOR = audit.Actor(None, "reminders command", source="cli")


def parse_now(value: str | None) -> datetime:
    """``--now``: an ISO time; without an offset it is local time (the configured TIMEZONE,
    Asia/Shanghai), as people and cron tables write it. Default: the current time."""
    if not value:
        return utcnow()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO date-time (e.g. 2020-02-17T09:00:00)", param_hint="--now"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
    return parsed


NOW_OPTION = click.option(
    "--now",
    "now_text",
    metavar="ISO",
    help="Act as if it were this time (local time unless an offset is given).",
)


@reminders_cli.command("send-due")
@NOW_OPTION
def send_due_command(now_text: str | None) -> None:
    """Send every reminder due now (or at --now), retry failed ones, and exit."""
    from .service import send_due

    now = parse_now(now_text)
    with audit.acting_as(CLI_ACTOR):
        try:
            result = send_due(now=now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    refreshed = result.refreshed
    click.echo(
        f"Deadlines: {refreshed.get('created', 0)} new, {refreshed.get('moved', 0)} moved,"
        f" {refreshed.get('cancelled', 0)} cancelled."
    )
    click.echo(
        f"Reminders at {now.isoformat()}: {result.sent} sent ({result.messages} e-mails,"
        f" {result.notifications} notifications), {result.failed} failed,"
        f" {result.skipped} skipped, {result.retried} retried, {result.unknown} unknown."
    )
    if result.unknown:
        click.echo(
            click.style(
                f"{result.unknown} reminder(s) handed to the mail server got no answer: they may"
                " have arrived and are not sent again by themselves (check with the recipients;"
                " `flask reminders status` lists them).",
                fg="yellow",
            ),
            err=True,
        )
    for problem in result.problems:
        click.echo(click.style(f"Not computed: {problem}", fg="yellow"), err=True)
    if result.failed:
        click.echo(
            click.style(
                f"{result.failed} reminder(s) failed; they are retried by later runs"
                " (`flask reminders status` lists the errors).",
                fg="red",
            ),
            err=True,
        )


@reminders_cli.command("refresh")
@NOW_OPTION
def refresh_command(now_text: str | None) -> None:
    """Recompute every deadline from its source (sends nothing)."""
    from .service import refresh_deadlines, seed_policies

    now = parse_now(now_text)
    with audit.acting_as(CLI_ACTOR):
        seed_policies()
        counts = refresh_deadlines(now=now)
        db.session.commit()
    click.echo(", ".join(f"{count} {name}" for name, count in counts.items()))


@reminders_cli.command("status")
@click.option("--limit", default=20, show_default=True, help="Failed reminders listed at most.")
def status_command(limit: int) -> None:
    """Reminders by state, the failed ones with their error, and those of unknown outcome."""
    from .models import Deadline, Reminder, ReminderState

    counts = dict(
        db.session.execute(select(Reminder.state, func.count()).group_by(Reminder.state)).all()
    )
    for state in ReminderState:
        click.echo(f"{state.value:<8} {counts.get(state, 0)}")
    open_count = db.session.scalar(
        select(func.count())
        .select_from(Deadline)
        .where(Deadline.done_on.is_(None), Deadline.cancelled.is_(False))
    )
    click.echo(f"open deadlines: {open_count}")
    failed = db.session.scalars(
        select(Reminder)
        .where(Reminder.state == ReminderState.FAILED)
        .order_by(Reminder.next_attempt_at.is_(None), Reminder.next_attempt_at, Reminder.id)
        .limit(limit)
    ).all()
    if failed:
        click.echo("failed:")
    for row in failed:
        retry = (
            f"retry after {row.next_attempt_at.isoformat()}"
            if row.next_attempt_at
            else "no more retries"
        )
        click.echo(
            f"  #{row.id} {row.deadline.title} / {row.stage} → {row.user.username}"
            f" ({row.channel}): {row.error} [{row.attempts} attempt(s), {retry}]"
        )
    unknown = db.session.scalars(
        select(Reminder)
        .where(Reminder.state == ReminderState.UNKNOWN)
        .order_by(Reminder.id)
        .limit(limit)
    ).all()
    if unknown:
        click.echo("unknown (handed to the mail server, no answer; check, then resend on the log):")
    for row in unknown:
        click.echo(
            f"  #{row.id} {row.deadline.title} / {row.stage} → {row.user.username}:"
            f" {row.message_id} {row.error}"
        )
