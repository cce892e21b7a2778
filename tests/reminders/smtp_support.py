"""A real SMTP server on a free local port (aiosmtpd), and the app configured to use it."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

__all__ = ["Received", "SmtpServer", "closed_port", "free_port", "smtp_server"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def closed_port() -> int:
    """A port nothing listens on (connecting is refused)."""
    return free_port()


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.rcpt_tos[0]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        return body.get_content() if body is not None else ""


@dataclass
class SmtpServer:
    """What the server received; ``fail_with`` makes it refuse every message with that reply."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    fail_with: str | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.fail_with:
            return self.fail_with
        message = message_from_bytes(envelope.original_content, policy=default_policy)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"

    def take(self) -> list[Received]:
        """The messages received since the last call (and forget them)."""
        taken, self.received = self.received, []
        return taken


def start_smtp(handler) -> Controller:
    """An aiosmtpd server for ``handler`` on 127.0.0.1 and a free port (``handler.port``)."""
    for _attempt in range(5):  # the free port may be taken between probing and binding
        handler.port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
        try:
            controller.start()
        except (OSError, RuntimeError):
            continue
        return controller
    pytest.fail("could not start the test SMTP server")


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A running SMTP server, with the app's SMTP_* settings pointing at it."""
    server = SmtpServer()
    controller = start_smtp(server)
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 5)
    monkeypatch.setitem(app.config, "SMTP_SENDER", "节能监察系统 <noreply@jnjc.example>")
    monkeypatch.setitem(app.config, "EXTERNAL_URL", "https://jnjc.example/")
    yield server
    controller.stop()
