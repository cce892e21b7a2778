"""The scheduler killed in the middle of a run (SIGKILL, while the mail server is still taking a
message) and started again: every due reminder reaches its recipient once, none twice, and
none is left pending or "sending"."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from reminders.smtp_support import start_smtp
from sqlalchemy import select

from conftest import org_by_code
from supervision.core.models import Role
from supervision.core.types import utcnow
from supervision.extensions import db
from supervision.reminders.models import Reminder, ReminderState
from supervision.reminders.service import seed_policies

PROJECT = Path(__file__).resolve().parent.parent
INSPECTORS = 8
#: Each message is held this long after its text arrived, before the server answers.
DELAY = 1.0
LEASE_SECONDS = 4


class SlowServer:
    """Receives every message, then waits DELAY before answering 250: a run of several
    messages takes seconds, and a kill lands while a message is with the server."""

    def __init__(self) -> None:
        self.port = 0
        self.received: list[tuple[str, str]] = []  # (Message-ID, recipient)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        message = message_from_bytes(envelope.original_content, policy=default_policy)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append((str(message["Message-ID"]), rcpt))
        await asyncio.sleep(DELAY)
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.received)


@pytest.fixture
def slow_server():
    handler = SlowServer()
    controller = start_smtp(handler)
    yield handler
    controller.stop()


@pytest.fixture
def expiring(make_user) -> list[str]:
    """Inspectors whose certificates expire in five days: each is due the "7 days ahead"
    reminder now (calendar days: no working-day calendar needed, whatever today is)."""
    today = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date()
    addresses = []
    for n in range(INSPECTORS):
        address = f"inspector{n}@js.example"
        make_user(
            f"inspector{n}",
            Role.INSPECTOR,
            org_by_code("320000"),
            email=address,
            certificate_expires_on=today + timedelta(days=5),
        )
        addresses.append(address)
    seed_policies()
    db.session.commit()
    return addresses


def _wait(condition, timeout: float, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    shown = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')}" for log in logs)
    raise AssertionError(f"timed out waiting for {what}\n{shown}")


def _email_rows() -> list[Reminder]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Reminder).where(
                Reminder.channel == "email", Reminder.state != ReminderState.SKIPPED
            )
        )
    )


def test_a_scheduler_killed_mid_run_and_restarted_sends_each_reminder_once(
    app, database, expiring, slow_server, tmp_path
):
    env = {
        **os.environ,
        "SUPERVISION_DATABASE_URL": app.config["DATABASE_URL"],
        "SUPERVISION_INSTANCE_PATH": app.instance_path,
        "SUPERVISION_SECRET_KEY": "test-only",
        "SUPERVISION_SMTP_HOST": "127.0.0.1",
        "SUPERVISION_SMTP_PORT": str(slow_server.port),
        "SUPERVISION_SMTP_TIMEOUT": "10",
        "SUPERVISION_SMTP_SENDER": "节能监察系统 <noreply@jnjc.example>",
        "SUPERVISION_REMINDER_SEND_FROM_HOUR": "0",
        "SUPERVISION_SCHEDULER_LEASE_SECONDS": str(LEASE_SECONDS),
        "PYTHONWARNINGS": "ignore",
    }
    command = [sys.executable, "-m", "flask", "--app", "supervision", "scheduler"]
    logs = [tmp_path / "killed.log", tmp_path / "restarted.log"]
    processes: list[subprocess.Popen] = []

    def start(log: Path) -> subprocess.Popen:
        with log.open("w") as out:
            process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=out, stderr=out)
        processes.append(process)
        return process

    try:
        first = start(logs[0])
        # Killed while the server holds the third message (received, not yet answered).
        _wait(lambda: slow_server.count() >= 3, 90, "three messages", logs)
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL
        killed_at = slow_server.count()
        assert killed_at < INSPECTORS  # the run was cut short

        second = start(logs[1])  # as systemd's Restart=always does
        # It takes the lease once the killed one's has expired (at its start, or, standing by
        # till then, at a renewal: then it sends at once), and sends what was left.
        _wait(
            lambda: re.search(r"reminders due at .*: sent=", logs[1].read_text()) is not None,
            120,
            "the restarted scheduler's run",
            logs,
        )
        restarted_log = logs[1].read_text()
        if "stands by" in restarted_log:
            assert "took the lease over from a stopped scheduler" in restarted_log
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    rows = _email_rows()
    states = Counter(row.state for row in rows)
    assert len(rows) == INSPECTORS
    # Nothing stuck: every row is sent, or (the message the kill interrupted) unknown.
    assert set(states) <= {ReminderState.SENT, ReminderState.UNKNOWN}, states
    assert states[ReminderState.UNKNOWN] <= 1
    received = Counter(rcpt for _message_id, rcpt in slow_server.received)
    by_message = Counter(message_id for message_id, _rcpt in slow_server.received)
    assert max(by_message.values()) == 1  # no message twice
    for row in rows:
        if row.state is ReminderState.SENT:
            # Exactly once: the Message-ID recorded on the row is the one the server got,
            # and no other message went to that person.
            assert by_message[row.message_id] == 1
            assert received[row.user.email] == 1
        else:
            # Handed over when the scheduler was killed: it reached the server, and is not
            # sent again (an administrator checks it on the reminders log).
            assert received[row.user.email] <= 1
            assert row.message_id in by_message or received[row.user.email] == 0
    assert set(received) <= set(expiring)
    assert sum(received.values()) == len(slow_server.received) <= INSPECTORS
    delivered = sum(1 for address in expiring if received[address] == 1)
    assert delivered >= INSPECTORS - states[ReminderState.UNKNOWN]
    killed_log = logs[0].read_text()
    assert "reminders due at" not in killed_log  # the first run never finished
