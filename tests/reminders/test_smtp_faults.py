"""A real SMTP server that is down, refuses, drops the connection or falls silent: reminders
stay failed with the reason (shown on the reminders log) and go out exactly once when it is
back; a message handed over without an answer is "unknown", never sent twice by itself."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from engine_support import local, reminders_of
from smtp_support import closed_port

from conftest import World, login
from supervision.extensions import db
from supervision.reminders.models import Reminder, ReminderState
from supervision.reminders.service import explain, send_due

A_ADDRESS, B_ADDRESS = "a-officer@js.example", "b-officer@zj.example"
START = local(2020, 2, 17, 9, 0)  # before:3 of the 2020 task filing (due 02-20)
FIRST_RETRY = START + timedelta(minutes=5)


@dataclass
class FaultyServer:
    """An aiosmtpd handler that misbehaves as ``fault`` says, and counts what it was given:
    ``received`` (Message-ID, recipient) for each message whose text reached it."""

    fault: str | None = None
    received: list[tuple[str, str]] = field(default_factory=list)

    @staticmethod
    def _drop(server) -> str:
        server.transport.close()
        return "421 4.4.2 closing"  # never reaches the client: the connection is gone

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        if self.fault == "drop-at-ehlo":
            return [self._drop(server)]
        if self.fault == "silent-at-ehlo":
            await asyncio.sleep(3)  # longer than SMTP_TIMEOUT
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.fault == "refuse-rcpt":
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if self.fault == "drop-at-rcpt":
            return self._drop(server)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.fault == "refuse-data-451":
            return "451 4.3.0 Mailbox busy, try again later"
        if self.fault == "refuse-data-554":
            return "554 5.7.1 Message rejected"
        message = message_from_bytes(envelope.original_content, policy=default_policy)
        for rcpt in envelope.rcpt_tos:
            self.received.append((str(message["Message-ID"]), rcpt))
        if self.fault == "drop-after-data":
            return self._drop(server)
        if self.fault == "silent-after-data":
            await asyncio.sleep(3)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        if self.fault == "refuse-quit":
            return "421 4.3.2 Service shutting down"
        return "221 Bye"

    def recipients(self) -> Counter:
        return Counter(rcpt for _message_id, rcpt in self.received)


@pytest.fixture
def mail_port(app, monkeypatch) -> int:
    """The app's SMTP settings point at a port where nothing listens yet."""
    port = closed_port()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 1)
    monkeypatch.setitem(app.config, "SMTP_SENDER", "节能监察系统 <noreply@jnjc.example>")
    return port


@pytest.fixture
def start_server(mail_port):
    """Start the SMTP server on the app's port (the server coming up, or back)."""
    controllers: list[Controller] = []

    def start(handler: FaultyServer) -> FaultyServer:
        controller = Controller(handler, hostname="127.0.0.1", port=mail_port)
        controller.start()
        controllers.append(controller)
        return handler

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def mailed(world: World) -> World:
    world.a_officer.email = A_ADDRESS
    world.b_officer.email = B_ADDRESS
    db.session.commit()
    return world


def email_rows() -> list[Reminder]:
    """The e-mail rows of the stage due at START (the earlier ones are superseded)."""
    db.session.expire_all()
    return [r for r in reminders_of(channel="email") if r.stage == "before:3"]


def log_page(client, world: World) -> str:
    login(client, world.ministry_admin.username)
    return client.get("/reminders/log").get_data(as_text=True)


def send_due_command(app, at) -> str:
    """``flask reminders send-due --now …``: its output."""
    result = app.test_cli_runner().invoke(args=["reminders", "send-due", "--now", at.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_server_that_is_down_leaves_failed_rows_then_each_goes_out_once(
    app, mailed: World, client, start_server, mail_port
):
    output = send_due_command(app, START)
    assert "2 failed" in output and "2 reminder(s) failed; they are retried" in output
    rows = email_rows()
    assert {r.state for r in rows} == {ReminderState.FAILED}
    assert {r.error for r in rows} == {"ConnectionRefusedError: [Errno 111] Connection refused"}
    assert {r.next_attempt_at for r in rows} == {FIRST_RETRY}
    page = log_page(client, mailed)
    assert page.count("ConnectionRefusedError: [Errno 111] Connection refused") == 2
    assert "发送失败" in page and "下次重试" in page

    server = start_server(FaultyServer())  # the server is back
    assert send_due(now=FIRST_RETRY - timedelta(seconds=1)).messages == 0  # backoff first
    output = send_due_command(app, FIRST_RETRY)
    assert "2 sent (2 e-mails, 0 notifications), 0 failed" in output and "2 retried" in output
    assert server.recipients() == Counter({A_ADDRESS: 1, B_ADDRESS: 1})
    assert {r.state for r in email_rows()} == {ReminderState.SENT}
    # Later runs (the same day, or once the next stage is due) send nothing of these again.
    assert send_due(now=START + timedelta(hours=3)).messages == 0
    assert server.recipients() == Counter({A_ADDRESS: 1, B_ADDRESS: 1})


REFUSALS = [
    ("refuse-rcpt", "SMTPRecipientsRefused: {address}: 550 5.1.1 <{address}>: mailbox unavailable"),
    ("refuse-data-451", "SMTPDataError: 451 4.3.0 Mailbox busy, try again later"),
    ("refuse-data-554", "SMTPDataError: 554 5.7.1 Message rejected"),
    ("drop-at-ehlo", "SMTPServerDisconnected: Connection unexpectedly closed"),
    ("drop-at-rcpt", "SMTPServerDisconnected: Connection unexpectedly closed"),
    ("silent-at-ehlo", "SMTPServerDisconnected: Connection unexpectedly closed: timed out"),
]


@pytest.mark.parametrize(("fault", "error"), REFUSALS, ids=[fault for fault, _e in REFUSALS])
def test_a_refusing_server_leaves_failed_rows_with_its_reason_then_each_goes_out_once(
    mailed: World, client, start_server, fault, error
):
    server = start_server(FaultyServer(fault))
    result = send_due(now=START)
    assert (result.failed, result.messages, result.unknown) == (2, 0, 0)
    rows = email_rows()
    assert {(r.state, r.attempts) for r in rows} == {(ReminderState.FAILED, 1)}
    by_address = {r.user.email: r.error for r in rows}
    assert by_address == {a: error.format(address=a) for a in (A_ADDRESS, B_ADDRESS)}
    assert server.received == []  # no message text was accepted
    page = log_page(client, mailed)
    for address in (A_ADDRESS, B_ADDRESS):
        assert error.format(address=address).replace("<", "&lt;").replace(">", "&gt;") in page

    server.fault = None  # the server works again
    result = send_due(now=FIRST_RETRY)
    assert (result.retried, result.sent, result.failed) == (2, 2, 0)
    assert server.recipients() == Counter({A_ADDRESS: 1, B_ADDRESS: 1})
    rows = email_rows()
    assert {r.state for r in rows} == {ReminderState.SENT}
    assert {r.message_id for r in rows} == {message_id for message_id, _rcpt in server.received}
    assert send_due(now=FIRST_RETRY + timedelta(hours=1)).messages == 0
    assert len(server.received) == 2


def test_a_refused_goodbye_after_the_message_was_taken_does_not_send_it_again(
    mailed: World, start_server
):
    server = start_server(FaultyServer("refuse-quit"))
    result = send_due(now=START)
    assert (result.messages, result.failed, result.unknown) == (2, 0, 0)
    assert {r.state for r in email_rows()} == {ReminderState.SENT}
    send_due(now=START + timedelta(hours=1))
    assert server.recipients() == Counter({A_ADDRESS: 1, B_ADDRESS: 1})


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("drop-after-data", "SMTPServerDisconnected: Connection unexpectedly closed"),
        ("silent-after-data", "SMTPServerDisconnected: Connection unexpectedly closed: timed out"),
    ],
    ids=["drop-after-data", "silent-after-data"],
)
def test_a_message_handed_over_without_an_answer_is_unknown_and_never_resent_by_itself(
    mailed: World, client, start_server, fault, error
):
    server = start_server(FaultyServer(fault))
    result = send_due(now=START)
    assert (result.unknown, result.failed, result.messages) == (2, 0, 0)
    # The server did get both texts: sending them again would have doubled them.
    assert server.recipients() == Counter({A_ADDRESS: 1, B_ADDRESS: 1})
    rows = email_rows()
    assert {(r.state, r.error, r.next_attempt_at) for r in rows} == {
        (ReminderState.UNKNOWN, error, None)
    }
    # The Message-ID kept on the row is the one the server received (to look it up there).
    assert {r.message_id for r in rows} == {message_id for message_id, _rcpt in server.received}

    server.fault = None
    for later in (FIRST_RETRY, START + timedelta(days=1, hours=1)):
        assert send_due(now=later).messages == 0  # the next stage (before:1) is on the 19th
    assert server.recipients() == Counter({A_ADDRESS: 1, B_ADDRESS: 1})
    a_row = next(r for r in rows if r.user.email == A_ADDRESS)
    [explained] = [
        e
        for e in explain(a_row.deadline, now=FIRST_RETRY)
        if e.user.id == mailed.a_officer.id and e.channel == "email"
    ]
    assert "可能已送达：不会自动重发" in explained.reason

    page = log_page(client, mailed)
    assert page.count("结果不明") >= 2 and page.count(error) == 2
    # The administrator asked the recipient: it did not arrive. "Resend" sends it once more,
    # at the next run (on the wall clock: the button acts now).
    response = client.post("/reminders/log/retry", data={"reminder_id": a_row.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Reminder, a_row.id).state is ReminderState.FAILED
    send_due(now=datetime.now(UTC) + timedelta(seconds=1))
    resent = [(m, rcpt) for m, rcpt in server.received if f".reminder-{a_row.id}@" in m]
    assert [rcpt for _m, rcpt in resent] == [A_ADDRESS, A_ADDRESS]  # handed over, then resent
    assert resent[0][0] != resent[1][0]  # each attempt its own Message-ID, the row's in both
    db.session.expire_all()
    row = db.session.get(Reminder, a_row.id)
    assert (row.state, row.message_id) == (ReminderState.SENT, resent[1][0])
    b_row = next(r for r in rows if r.user.email == B_ADDRESS)
    assert db.session.get(Reminder, b_row.id).state is ReminderState.UNKNOWN  # left to check
