"""``flask reminders send-due/refresh/status`` driven at chosen times, the demo's 2020-02-17 and
2020-02-21 runs, and the SMTP sender's options."""

from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from engine_support import deadline, reminders_of
from smtp_support import SmtpServer, free_port, smtp_server  # noqa: F401

from conftest import credit_code, org_by_code
from supervision.core.models import Role
from supervision.enterprises.service import EnterpriseData, create_enterprise
from supervision.extensions import db
from supervision.plans.service import plan_for_year
from supervision.reminders.mailer import SmtpMailer
from supervision.reminders.models import ReminderState
from supervision.tasks.models import ReviewMethod
from supervision.tasks.service import add_task, filing_for, submit_filing

NM_SUBJECT = "【节能监察】提醒：2020年专项监察任务申报（内蒙古自治区）将于2020年2月20日到期"
NM_OVERDUE = "【节能监察】已逾期：2020年专项监察任务申报（内蒙古自治区）（2020年2月20日到期）"


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(args=list(args))
        db.session.expire_all()
        return result

    return invoke


@pytest.fixture
def demo_like(make_user):
    """内蒙古 has not submitted its 2020 filing; 河南 submitted on 02-14. Each has an officer
    with an e-mail address, and so has the ministry."""
    nm = make_user("nm-officer", Role.PROVINCIAL_OFFICER, "150000", email="nm-officer@nm.example")
    ha = make_user("ha-officer", Role.PROVINCIAL_OFFICER, "410000", email="ha-officer@ha.example")
    ministry = make_user(
        "ministry", Role.MINISTRY_OFFICER, "ministry", email="ministry@miit.example"
    )
    henan = org_by_code("410000")
    enterprise = create_enterprise(
        henan,
        EnterpriseData(
            credit_code=credit_code(1, prefix="914100"),
            name="河南数据中心有限公司",
            division_code="410100",
            key_energy_unit=True,
        ),
    )
    filing = filing_for(plan_for_year(2020), henan)
    add_task(
        filing,
        enterprise=enterprise,
        category=4,
        industry=None,
        agency=henan,
        inspectors=[],
        planned_month=5,
        method=ReviewMethod.ON_SITE,
    )
    submit_filing(filing, actor=ha, now=datetime(2020, 2, 14, 2, tzinfo=UTC))
    db.session.commit()
    return nm, ha, ministry


def test_the_demo_runs_of_17_and_21_february(cli, demo_like, smtp_server: SmtpServer):
    nm, ha, ministry = demo_like
    result = cli("reminders", "send-due", "--now", "2020-02-17T09:00:00")
    assert result.exit_code == 0, result.output
    assert "1 e-mails" in result.output and "0 failed" in result.output
    [message] = smtp_server.take()
    assert (message.to, message.subject) == ("nm-officer@nm.example", NM_SUBJECT)
    rows = {r.stage: r for r in reminders_of(nm, channel="email")}
    assert rows["before:10"].state is ReminderState.SKIPPED  # 02-06, superseded
    assert rows["before:3"].state is ReminderState.SENT
    assert reminders_of(ha) == []  # 河南 submitted: nothing

    result = cli("reminders", "send-due", "--now", "2020-02-21T09:00:00")
    assert result.exit_code == 0, result.output
    messages = {m.to: m for m in smtp_server.take()}
    assert set(messages) == {"nm-officer@nm.example", "ministry@miit.example"}
    assert messages["nm-officer@nm.example"].subject == NM_OVERDUE
    # 31 provinces owe the filing; the ministry gets them in one digest.
    assert messages["ministry@miit.example"].subject == (
        "【节能监察】每日提醒汇总：31项截止事项（2020年2月21日）"
    )
    again = cli("reminders", "send-due", "--now", "2020-02-21T10:00:00")
    assert "0 sent (0 e-mails, 0 notifications)" in again.output
    assert smtp_server.take() == []

    status = cli("reminders", "status")
    assert status.exit_code == 0
    assert "failed   0" in status.output


def test_now_takes_an_offset_and_refuses_nonsense(cli, demo_like, smtp_server: SmtpServer):
    nm, _ha, _ministry = demo_like
    # 00:30 UTC is 08:30 in Beijing: the 17th's stage (read as local 00:30 it would be the 16th's).
    result = cli("reminders", "send-due", "--now", "2020-02-17T00:30:00+00:00")
    assert "Reminders at 2020-02-17T00:30:00+00:00" in result.output
    assert [m.subject for m in smtp_server.take()] == [NM_SUBJECT]
    [sent] = reminders_of(nm, channel="email", state="sent")
    assert sent.stage == "before:3"
    bad = cli("reminders", "send-due", "--now", "17 February")
    assert bad.exit_code == 2
    assert "is not an ISO date-time" in bad.output


def test_status_lists_failures_with_their_error(cli, demo_like, smtp_server: SmtpServer):
    smtp_server.fail_with = "451 4.3.0 Mailbox busy"
    result = cli("reminders", "send-due", "--now", "2020-02-17T09:00:00")
    assert result.exit_code == 0
    assert "1 failed" in result.output
    assert "retried by later runs" in result.output
    status = cli("reminders", "status")
    assert "failed   1" in status.output
    assert "SMTPDataError: 451 4.3.0 Mailbox busy" in status.output
    assert "nm-officer (email)" in status.output


def test_refresh_prints_what_changed(cli, demo_like):
    first = cli("reminders", "refresh", "--now", "2020-02-17T09:00:00")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("64 created, 0 moved")  # 32 filings + 32 summaries
    assert deadline("task_filing", "2020:410000").done_on == date(2020, 2, 14)
    second = cli("reminders", "refresh")
    assert second.output.startswith("0 created, 0 moved, 0 updated, 0 cancelled")


def test_init_seeds_the_reminder_policies(cli, database):
    assert "23 reminder policies" in cli("init").output
    assert "0 reminder policies" in cli("init").output


# -- the SMTP sender ---------------------------------------------------------------------------


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "noreply@jnjc.example"
    message["To"] = "someone@example.org"
    message["Subject"] = "【节能监察】测试"
    message.set_content("正文")
    return message


def test_the_sender_logs_in_when_configured():
    class Recorder:
        def __init__(self):
            self.authenticated = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.authenticated.append(session.authenticated)
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"jnjc", b"s3cret"))

    recorder = Recorder()
    port = free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_required=False,
        auth_require_tls=False,
    )
    controller.start()
    try:
        SmtpMailer("127.0.0.1", port, username="jnjc", password="s3cret", timeout=5).send(
            _message()
        )
        SmtpMailer("127.0.0.1", port, timeout=5).send(_message())
    finally:
        controller.stop()
    assert recorder.authenticated == [True, None]


def test_the_configuration_makes_the_sender():
    assert SmtpMailer.from_config({"SMTP_HOST": None}) is None
    mailer = SmtpMailer.from_config(
        {
            "SMTP_HOST": "mail.example",
            "SMTP_PORT": "465",
            "SMTP_SSL": True,
            "SMTP_USERNAME": "u",
            "SMTP_PASSWORD": "p",
            "SMTP_TIMEOUT": 7,
        }
    )
    assert mailer == SmtpMailer("mail.example", 465, "u", "p", False, True, 7.0)


def test_numeric_smtp_credentials_from_the_environment_are_text():
    """SUPERVISION_* variables are parsed as JSON: a password of digits arrives as an int."""
    from supervision.reminders.mailer import SmtpMailer

    mailer = SmtpMailer.from_config(
        {"SMTP_HOST": "mail.example", "SMTP_USERNAME": 1001, "SMTP_PASSWORD": 123456}
    )
    assert (mailer.username, mailer.password) == ("1001", "123456")
    assert SmtpMailer.from_config({"SMTP_HOST": ""}) is None
