"""E-mail of reminders: the wording (subject, plain text, HTML) and the SMTP sender.

The sender is the standard library's ``smtplib``, configured by ``SUPERVISION_SMTP_*``; tests
and other transports inject any object with a ``send(message, *, handing_over=None)`` method
(:class:`Mailer`).

Whether a message went out is certain except in one moment: once its text has been handed to
the server (SMTP DATA) and before the server's answer is read. A failure there (the connection
drops, the answer times out, the process is killed) leaves it unknown whether the server took
the message; :class:`DeliveryUncertain` says so, and the outbox records the row as
"unknown" instead of sending it again (at most once; see README, "Reminders and the
scheduler").
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Protocol

from flask import render_template
from flask_babel import format_date
from flask_babel import gettext as _

from .rules import DAYS, stage_offset

#: Errors that mean "this message did not go out": retried later with backoff. ValueError
#: and MessageError: an address that cannot be written in a header (fixed by correcting it).
DELIVERY_ERRORS = (smtplib.SMTPException, OSError, ValueError, MessageError)


class DeliveryUncertain(Exception):
    """The message's text was handed to the server, but no answer came: it may have been
    delivered. ``__cause__`` is the error."""


class Mailer(Protocol):
    """Anything that hands one message to a mail server (raises on failure).

    ``handing_over`` is called once the server has accepted the sender and the recipients,
    right before the message's text is transmitted; if it raises, nothing is transmitted. A
    failure after that point raises :class:`DeliveryUncertain`.
    """

    def send(
        self, message: EmailMessage, *, handing_over: Callable[[], None] | None = None
    ) -> None: ...


class _HandsOver:
    """An ``smtplib`` client that tells before the DATA command, and tells an unanswered DATA
    (uncertain) from a refused one (certain)."""

    handing_over: Callable[[], None] | None = None

    def data(self, msg):
        if self.handing_over is not None:
            self.handing_over()
        try:
            return super().data(msg)
        except smtplib.SMTPResponseException:
            raise  # the server answered with an error code: certainly not taken
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryUncertain(describe_error(exc)) from exc


class _SMTP(_HandsOver, smtplib.SMTP):
    pass


class _SMTPSSL(_HandsOver, smtplib.SMTP_SSL):
    pass


@dataclass(frozen=True)
class SmtpMailer:
    """Sends each message over its own SMTP connection (STARTTLS, SSL and login optional)."""

    host: str
    port: int = 25
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    use_ssl: bool = False
    timeout: float = 20

    @classmethod
    def from_config(cls, config: Mapping) -> SmtpMailer | None:
        """The mailer the configuration describes; None when no SMTP_HOST is set."""
        if not config.get("SMTP_HOST"):
            return None
        return cls(
            # SUPERVISION_* variables are parsed as JSON: a numeric password arrives as int.
            host=str(config["SMTP_HOST"]),
            port=int(config.get("SMTP_PORT") or 25),
            username=_setting(config.get("SMTP_USERNAME")),
            password=_setting(config.get("SMTP_PASSWORD")),
            starttls=bool(config.get("SMTP_STARTTLS")),
            use_ssl=bool(config.get("SMTP_SSL")),
            timeout=float(config.get("SMTP_TIMEOUT") or 20),
        )

    def send(
        self, message: EmailMessage, *, handing_over: Callable[[], None] | None = None
    ) -> None:
        context = ssl.create_default_context()
        if self.use_ssl:
            smtp = _SMTPSSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = _SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls and not self.use_ssl:
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.handing_over = handing_over
            smtp.send_message(message)
        finally:
            _quit(smtp)


def _quit(smtp: smtplib.SMTP) -> None:
    """Say goodbye, ignoring the answer: once DATA was answered with 250 the message is the
    server's, and a refused or dropped QUIT must not make it count as failed (and be sent
    again). (``with smtp`` would raise for a QUIT answered with anything but 221.)"""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def describe_error(exc: BaseException) -> str:
    """The error as kept on the reminder row (and shown to administrators)."""
    if isinstance(exc, DeliveryUncertain):
        return str(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in exc.recipients.items()
        )
        return f"SMTPRecipientsRefused: {refused}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__}: {exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# -- wording ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One deadline as a message tells it."""

    title: str
    due_on: date
    stage: str
    offset_unit: str
    #: Working days past the due date (overdue stages).
    overdue_workdays: int
    #: Absolute URL of the page where the obligation is met.
    url: str
    kind_label: str = ""


def long_date(d: date) -> str:
    return format_date(d, "long")


def stage_label(stage: str, offset_unit: str = "workdays") -> str:
    """before:10 → 提前10个工作日 …, for people."""
    n = stage_offset(stage)
    if stage.startswith("before:"):
        if offset_unit == DAYS:
            return _("提前%(n)s天", n=n)
        return _("提前%(n)s个工作日", n=n)
    if stage == "due":
        return _("到期当日")
    return _("逾期第%(n)s次提醒", n=n)


def headline(item: Item) -> str:
    """What the reminder says in one line (notification title, e-mail subject)."""
    if item.stage.startswith("overdue:"):
        return _("已逾期：%(title)s（%(date)s到期）", title=item.title, date=long_date(item.due_on))
    if item.stage == "due":
        return _("今日到期：%(title)s", title=item.title)
    return _("提醒：%(title)s将于%(date)s到期", title=item.title, date=long_date(item.due_on))


def sentence(item: Item) -> str:
    """The reminder in a sentence (notification body, first line of the e-mail)."""
    if item.stage.startswith("overdue:"):
        return _(
            "%(title)s已于%(date)s到期，已逾期%(n)s个工作日，请尽快办理。",
            title=item.title,
            date=long_date(item.due_on),
            n=item.overdue_workdays,
        )
    if item.stage == "due":
        return _("%(title)s今日到期，请按时办理。", title=item.title)
    n = stage_offset(item.stage)
    if item.offset_unit == DAYS:
        return _(
            "%(title)s将于%(date)s到期（还有%(n)s天）。",
            title=item.title,
            date=long_date(item.due_on),
            n=n,
        )
    return _(
        "%(title)s将于%(date)s到期（还有%(n)s个工作日）。",
        title=item.title,
        date=long_date(item.due_on),
        n=n,
    )


def subject_of(items: Sequence[Item], *, digest: bool, day: date) -> str:
    prefix = _("【节能监察】")
    if digest:
        return prefix + _(
            "每日提醒汇总：%(n)s项截止事项（%(day)s）", n=len(items), day=long_date(day)
        )
    return prefix + headline(items[0])


def _plain_text(name: str, items: Sequence[Item], *, digest: bool) -> str:
    lines = [_("%(name)s：", name=name), ""]
    if digest:
        lines += [_("以下截止事项需要您关注："), ""]
    for number, item in enumerate(items, 1):
        head = f"{number}. " if digest else ""
        lines += [
            head + sentence(item),
            "   " + _("截止日期：%(date)s", date=long_date(item.due_on)),
            "   " + _("提醒：%(stage)s", stage=stage_label(item.stage, item.offset_unit)),
            "   " + _("办理：%(url)s", url=item.url),
            "",
        ]
    lines += [
        "--",
        _("此邮件由节能监察系统自动发送，请勿直接回复。"),
        _("可在系统的提醒设置中选择每条提醒单独发邮件或每日汇总一封邮件。"),
    ]
    return "\n".join(lines) + "\n"


def compose(
    *,
    sender: str,
    to_name: str,
    to_address: str,
    items: Sequence[Item],
    digest: bool,
    now: datetime,
    day: date,
    message_id: str | None = None,
) -> EmailMessage:
    """The message for one person: one reminder, or a digest of several (plain text + HTML).
    ``message_id``: its Message-ID (default: a new one, see :func:`new_message_id`).

    Raises ValueError for an address that cannot be written in a header.
    """
    message = EmailMessage()
    message["Subject"] = subject_of(items, digest=digest, day=day)
    message["From"] = sender
    message["To"] = Address(display_name=to_name, addr_spec=to_address)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id or new_message_id(sender)
    message.set_content(_plain_text(to_name, items, digest=digest))
    html = render_template(
        "reminders/email/reminder.html",
        subject=message["Subject"],
        name=to_name,
        items=items,
        digest=digest,
        sentence=sentence,
        stage_label=stage_label,
        long_date=long_date,
    )
    message.add_alternative(html, subtype="html")
    return message


def new_message_id(sender: str, first_row: int | None = None) -> str:
    """A new, unique Message-ID in the sender's domain; ``first_row`` (the first reminder row
    it tells of) is written into it, so that the mail server's log leads back to the row."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    idstring = f"reminder-{first_row}" if first_row is not None else None
    return make_msgid(idstring=idstring, domain=domain)


def _setting(value) -> str | None:
    return None if value in (None, "") else str(value)
