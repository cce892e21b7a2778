"""send_due against a real SMTP server: exactly the expected messages to the expected people,
never twice, failures retried with backoff, moved deadlines, catch-up, digests."""

import threading
from datetime import date, timedelta

import pytest
from engine_support import deadline, local, notifications_of, reminders_of
from smtp_support import SmtpServer, closed_port, smtp_server  # noqa: F401

from conftest import World
from supervision.core import audit
from supervision.extensions import db
from supervision.plans.service import plan_for_year, update_deliverable
from supervision.reminders import rules
from supervision.reminders.models import Delivery, ReminderPreference, ReminderState
from supervision.reminders.service import explain, send_due
from supervision.tasks.service import filing_for, submit_filing

SUBJECT = "【节能监察】提醒：2020年专项监察任务申报（{}）将于2020年2月20日到期"
JIANGSU, ZHEJIANG = "江苏省", "浙江省"


@pytest.fixture
def mailed(world: World) -> World:
    """The officers of provinces A (江苏) and B (浙江) and a ministry officer have addresses."""
    world.a_officer.email = "a-officer@js.example"
    world.b_officer.email = "b-officer@zj.example"
    world.ministry_officer.email = "m-officer@miit.example"
    db.session.commit()
    return world


def received(server: SmtpServer) -> list[tuple[str, str]]:
    return sorted((m.to, m.subject) for m in server.take())


def submit(world: World, at) -> None:
    filing = filing_for(plan_for_year(2020), world.a_province)
    submit_filing(filing, actor=world.a_officer, now=at)
    db.session.commit()


def move_filing_deadline(to: date) -> None:
    deliverable = plan_for_year(2020).deliverable("task_filing")
    update_deliverable(deliverable, name=deliverable.name, due_on=to)
    db.session.commit()


def test_each_stage_goes_once_to_the_right_people(mailed: World, smtp_server: SmtpServer):
    assert send_due(now=local(2020, 2, 6, 7, 59)).sent == 0  # before 08:00: not yet
    assert smtp_server.take() == []

    result = send_due(now=local(2020, 2, 6, 8, 0))
    assert received(smtp_server) == [
        ("a-officer@js.example", SUBJECT.format(JIANGSU)),
        ("b-officer@zj.example", SUBJECT.format(ZHEJIANG)),
    ]
    assert (result.messages, result.notifications, result.failed) == (2, 2, 0)
    again = send_due(now=local(2020, 2, 6, 15, 0))
    assert (again.sent, again.messages, again.skipped) == (0, 0, 0)
    assert smtp_server.take() == []

    send_due(now=local(2020, 2, 17, 9, 0))
    assert [to for to, _subject in received(smtp_server)] == [
        "a-officer@js.example",
        "b-officer@zj.example",
    ]
    submit(mailed, local(2020, 2, 18, 10, 0))  # 江苏 reports: no more reminders for it

    send_due(now=local(2020, 2, 19, 9, 0))
    assert received(smtp_server) == [("b-officer@zj.example", SUBJECT.format(ZHEJIANG))]
    send_due(now=local(2020, 2, 20, 9, 0))
    assert received(smtp_server) == [
        ("b-officer@zj.example", "【节能监察】今日到期：2020年专项监察任务申报（浙江省）")
    ]

    result = send_due(now=local(2020, 2, 21, 9, 0))
    messages = {m.to: m for m in smtp_server.take()}
    assert set(messages) == {"b-officer@zj.example", "m-officer@miit.example"}
    assert messages["b-officer@zj.example"].subject == (
        "【节能监察】已逾期：2020年专项监察任务申报（浙江省）（2020年2月20日到期）"
    )
    digest = messages["m-officer@miit.example"]
    # The ministry gets one digest of the 31 provinces still owing (江苏 submitted).
    assert digest.subject == "【节能监察】每日提醒汇总：31项截止事项（2020年2月21日）"
    text = digest.part("plain")
    assert "2020年专项监察任务申报（浙江省）已于2020年2月20日到期，已逾期1个工作日" in text
    assert "江苏省" not in text
    assert result.messages == 2
    assert notifications_of(mailed.ministry_officer) == []  # the ministry: digest mail only

    for later in (local(2020, 2, 21, 16, 0), local(2020, 2, 22, 9, 0)):
        assert send_due(now=later).messages == 0
    send_due(now=local(2020, 2, 26, 9, 0))  # overdue every 3 working days
    assert [to for to, _s in received(smtp_server)] == [
        "b-officer@zj.example",
        "m-officer@miit.example",
    ]


def test_the_message_links_to_the_page_and_has_both_parts(mailed: World, smtp_server):
    send_due(now=local(2020, 2, 17, 9, 0))
    message = next(m for m in smtp_server.take() if m.to == "b-officer@zj.example")
    assert message.mail_from == "noreply@jnjc.example"
    assert message.message["Message-ID"].endswith("@jnjc.example>")
    text, html = message.part("plain"), message.part("html")
    assert "https://jnjc.example/tasks/2020/330000" in text
    assert "还有3个工作日" in text
    assert '<a href="https://jnjc.example/tasks/2020/330000">' in html
    row = next(r for r in reminders_of(mailed.b_officer, channel="email") if r.stage == "before:3")
    assert (row.state, row.message_id) == (ReminderState.SENT, message.message["Message-ID"])
    [note] = notifications_of(mailed.b_officer)
    assert note.title == "提醒：2020年专项监察任务申报（浙江省）将于2020年2月20日到期"
    assert note.link == "/tasks/2020/330000"


def test_missed_days_are_caught_up_with_one_message(mailed: World, smtp_server):
    send_due(now=local(2020, 2, 17, 9, 0))
    smtp_server.take()
    # The scheduler was stopped on the 18th, 19th and 20th.
    send_due(now=local(2020, 2, 21, 9, 0))
    to_a = [m.subject for m in smtp_server.take() if m.to == "a-officer@js.example"]
    assert to_a == ["【节能监察】已逾期：2020年专项监察任务申报（江苏省）（2020年2月20日到期）"]
    rows = {(r.stage, r.channel): r for r in reminders_of(mailed.a_officer)}
    for stage in ("before:1", "due"):
        for channel in ("in_app", "email"):
            assert rows[stage, channel].state is ReminderState.SKIPPED
            assert rows[stage, channel].reason == "已被后续提醒取代（期间未运行）"
    assert len(notifications_of(mailed.a_officer)) == 2  # before:3 and overdue:1


def test_a_first_run_records_the_earlier_stages_as_superseded(mailed: World, smtp_server):
    send_due(now=local(2020, 2, 17, 9, 0))
    rows = {(r.stage, r.channel): r.state for r in reminders_of(mailed.a_officer)}
    assert rows == {
        ("before:10", "in_app"): ReminderState.SKIPPED,
        ("before:10", "email"): ReminderState.SKIPPED,
        ("before:3", "in_app"): ReminderState.SENT,
        ("before:3", "email"): ReminderState.SENT,
    }


def test_a_failing_server_leaves_failed_rows_that_a_later_run_retries(
    mailed: World, smtp_server: SmtpServer
):
    smtp_server.fail_with = "451 4.3.0 Try again later"
    start = local(2020, 2, 17, 9, 0)
    result = send_due(now=start)
    assert (result.failed, result.messages, result.notifications) == (2, 0, 2)
    row = next(r for r in reminders_of(mailed.a_officer, channel="email") if r.stage == "before:3")
    assert row.state is ReminderState.FAILED
    assert row.error == "SMTPDataError: 451 4.3.0 Try again later"
    assert row.attempts == 1
    assert row.next_attempt_at == start + timedelta(minutes=5)

    assert send_due(now=start + timedelta(minutes=4)).retried == 0  # backoff not over
    smtp_server.fail_with = None
    result = send_due(now=start + timedelta(minutes=5))
    assert (result.retried, result.sent, result.failed) == (2, 2, 0)
    assert sorted(m.to for m in smtp_server.take()) == [
        "a-officer@js.example",
        "b-officer@zj.example",
    ]
    db.session.refresh(row)
    assert (row.state, row.attempts, row.next_attempt_at) == (ReminderState.SENT, 1, None)
    assert row.error.startswith("SMTPDataError")  # kept for the record
    assert send_due(now=start + timedelta(minutes=30)).messages == 0


def test_an_unreachable_server_is_retried_until_the_last_attempt(mailed: World, monkeypatch, app):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", closed_port())
    mailed.b_officer.email = None
    db.session.commit()
    at = local(2020, 2, 17, 9, 0)
    send_due(now=at)
    [row] = reminders_of(mailed.a_officer, channel="email", state="failed")
    assert row.error.startswith("ConnectionRefusedError")
    for attempt in range(2, rules.MAX_ATTEMPTS + 1):
        at = row.next_attempt_at
        assert send_due(now=at).retried == 1
        db.session.refresh(row)
        assert row.attempts == attempt
    assert row.state is ReminderState.FAILED and row.next_attempt_at is None
    later = at + timedelta(hours=3)  # still the 17th: no new stage
    assert send_due(now=later).retried == 0  # left failed, for the admins
    [explained] = [
        e
        for e in explain(deadline("task_filing", "2020:320000"), now=later)
        if e.user.id == mailed.a_officer.id and e.channel == "email"
    ]
    assert explained.reason == (
        "提前3个工作日的提醒发送失败（ConnectionRefusedError: [Errno 111] Connection refused），"
        "已尝试8次，不再自动重试。"
    )
    row.next_attempt_at = later  # an administrator's "retry" on the reminders log
    db.session.commit()
    assert send_due(now=later).retried == 1
    db.session.refresh(row)
    assert (row.state, row.attempts, row.next_attempt_at) == (ReminderState.FAILED, 9, None)


def test_a_moved_deadline_is_reminded_for_its_new_date_never_twice_for_a_date(
    mailed: World, smtp_server: SmtpServer
):
    send_due(now=local(2020, 2, 17, 9, 0))
    smtp_server.take()
    move_filing_deadline(date(2020, 2, 27))
    send_due(now=local(2020, 2, 17, 15, 0))
    moved = "【节能监察】提醒：2020年专项监察任务申报（江苏省）将于2020年2月27日到期"
    assert (
        "a-officer@js.example",
        moved,
    ) in received(smtp_server)
    assert deadline("task_filing", "2020:320000").previous_due_dates == ["2020-02-20"]

    move_filing_deadline(date(2020, 2, 20))  # back: before:3 for the 20th went out already
    assert send_due(now=local(2020, 2, 17, 16, 0)).messages == 0
    send_due(now=local(2020, 2, 19, 9, 0))
    assert received(smtp_server) == [
        ("a-officer@js.example", SUBJECT.format(JIANGSU)),
        ("b-officer@zj.example", SUBJECT.format(ZHEJIANG)),
    ]


def test_rows_waiting_for_an_old_date_or_a_met_deadline_are_skipped(
    mailed: World, smtp_server: SmtpServer
):
    smtp_server.fail_with = "451 busy"
    send_due(now=local(2020, 2, 17, 9, 0))
    smtp_server.fail_with = None
    move_filing_deadline(date(2020, 3, 5))
    submit(mailed, local(2020, 2, 17, 9, 30))  # 江苏 met it
    result = send_due(now=local(2020, 2, 17, 10, 0))
    a_row = next(
        r for r in reminders_of(mailed.a_officer, channel="email") if r.stage == "before:3"
    )
    b_row = next(
        r for r in reminders_of(mailed.b_officer, channel="email") if r.stage == "before:3"
    )
    assert (a_row.state, a_row.reason) == (ReminderState.SKIPPED, "截止事项已完成")
    assert (b_row.state, b_row.reason) == (ReminderState.SKIPPED, "期限已变更")
    # 浙江's new date (03-05): its current stage, before:10 on 02-20, is not due yet.
    assert result.messages == 0 and smtp_server.take() == []


def test_a_claimed_row_is_left_alone_until_its_claim_is_stale(
    mailed: World, smtp_server: SmtpServer
):
    smtp_server.fail_with = "451 busy"
    start = local(2020, 2, 17, 9, 0)
    send_due(now=start)
    smtp_server.fail_with = None
    for row in reminders_of(channel="email", state="failed"):
        # Another run claimed them a minute after our failure and is still sending.
        row.state = ReminderState.SENDING
        row.next_attempt_at = start + timedelta(minutes=16)
    db.session.commit()
    assert send_due(now=start + timedelta(minutes=10)).messages == 0
    assert smtp_server.take() == []
    result = send_due(now=start + timedelta(minutes=16))  # that run died: take over
    assert result.messages == 2


def test_digest_users_get_one_message_listing_their_deadlines(
    mailed: World, smtp_server: SmtpServer
):
    db.session.add(ReminderPreference(user_id=mailed.a_officer.id, delivery=Delivery.DIGEST))
    summary = plan_for_year(2020).deliverable("annual_summary")
    update_deliverable(summary, name=summary.name, due_on=date(2020, 2, 21))
    db.session.commit()
    send_due(now=local(2020, 2, 21, 9, 0))
    to_a = [m for m in smtp_server.take() if m.to == "a-officer@js.example"]
    assert len(to_a) == 1
    assert to_a[0].subject == "【节能监察】每日提醒汇总：2项截止事项（2020年2月21日）"
    text = to_a[0].part("plain")
    assert "1. 2020年专项监察任务申报（江苏省）已于2020年2月20日到期" in text
    assert "2. 2020年节能监察工作总结报送（江苏省）今日到期" in text
    assert len(notifications_of(mailed.a_officer)) == 2  # the notification centre: each
    assert send_due(now=local(2020, 2, 21, 17, 0)).messages == 0


def test_without_address_or_mail_server_the_notification_centre_still_tells(world: World):
    world.b_officer.email = "b-officer@zj.example"
    db.session.commit()
    result = send_due(now=local(2020, 2, 17, 9, 0))  # no SMTP_HOST configured
    assert result.notifications == 2 and result.messages == 0
    [a_mail] = [r for r in reminders_of(world.a_officer, channel="email") if r.stage == "before:3"]
    [b_mail] = [r for r in reminders_of(world.b_officer, channel="email") if r.stage == "before:3"]
    assert (a_mail.state, a_mail.reason) == (ReminderState.SKIPPED, "无电子邮箱")
    assert (b_mail.state, b_mail.reason) == (ReminderState.SKIPPED, "未配置邮件服务器")
    assert [n.title for n in notifications_of(world.a_officer)] == [
        "提醒：2020年专项监察任务申报（江苏省）将于2020年2月20日到期"
    ]


def test_certificates_are_reminded_sixty_days_ahead(world: World, smtp_server: SmtpServer):
    world.b_inspector.email = "b-inspector@zj.example"
    world.b_inspector.certificate_expires_on = date(2020, 4, 20)
    world.b_agency_officer.email = "b-head@zj.example"
    db.session.commit()
    send_due(now=local(2020, 2, 19, 9, 0))
    assert smtp_server.take() == []
    send_due(now=local(2020, 2, 20, 9, 0))  # 60 calendar days before 04-20
    subject = (
        "【节能监察】提醒：行政执法证到期：b-inspector（执法证-b-inspector）将于2020年4月20日到期"
    )
    messages = sorted(smtp_server.take(), key=lambda m: m.to)
    assert [(m.to, m.subject) for m in messages] == [
        ("b-head@zj.example", subject),
        ("b-inspector@zj.example", subject),
    ]
    assert all("还有60天" in m.part("plain") for m in messages)
    send_due(now=local(2020, 3, 21, 9, 0))  # 30 days ahead (a Saturday: calendar days)
    texts = [m.part("plain") for m in smtp_server.take()]
    assert len(texts) == 2 and all("还有30天" in t for t in texts)


def test_explain_answers_why_not_yet(mailed: World, smtp_server: SmtpServer):
    mailed.b_officer.email = None
    db.session.commit()
    send_due(now=local(2020, 2, 17, 9, 0))
    found = {
        (e.user.username, e.channel): e
        for e in explain(deadline("task_filing", "2020:330000"), now=local(2020, 2, 17, 10, 0))
    }
    sent = found["b-officer", "in_app"]
    assert [s.key for s in sent.stages] == ["before:10", "before:3"]
    assert sent.reason.startswith("提前3个工作日的提醒已于2020-02-17 09:00发送。")
    assert "下一次提醒在2020年2月19日" in sent.reason
    assert found["b-officer", "email"].reason == "提前3个工作日的提醒未发送：无电子邮箱。"
    ministry = found["m-officer", "email"]
    assert ministry.digest and ministry.reason == "部级汇总只在截止事项逾期后发送。"

    early = explain(deadline("task_filing", "2020:330000"), now=local(2020, 2, 1, 9, 0))
    assert {e.reason for e in early if e.channel == "in_app"} == {
        "尚未到提醒时间：下一次提醒在2020年2月6日（提前10个工作日）。"
    }
    submit(mailed, local(2020, 2, 18, 10, 0))
    send_due(now=local(2020, 2, 18, 11, 0))
    done = explain(deadline("task_filing", "2020:320000"), now=local(2020, 2, 18, 11, 0))
    assert {e.reason for e in done} == {"截止事项已于2020年2月18日完成，不再提醒。"}


def test_two_runs_at_once_send_each_message_once(app, mailed: World, smtp_server: SmtpServer):
    """Cron and the scheduler (or two schedulers) running at the same moment."""
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        with app.app_context():
            token = audit.set_actor(audit.Actor(None, "test run", source="test"))
            try:
                barrier.wait(timeout=10)
                results.append(send_due(now=local(2020, 2, 17, 9, 0)))
            except Exception as exc:  # re-raised in the test's thread
                errors.append(exc)
            finally:
                audit.reset_actor(token)
                db.session.remove()

    db.session.commit()
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert received(smtp_server) == [
        ("a-officer@js.example", SUBJECT.format(JIANGSU)),
        ("b-officer@zj.example", SUBJECT.format(ZHEJIANG)),
    ]
    assert sum(r.messages for r in results) == 2
    assert sum(r.notifications for r in results) == 2
    db.session.expire_all()
    assert len(notifications_of(mailed.a_officer)) == 1


def test_an_address_that_cannot_be_written_fails_visibly(mailed: World, smtp_server):
    mailed.a_officer.email = "a-officer@js@example"
    db.session.commit()
    result = send_due(now=local(2020, 2, 17, 9, 0))
    assert (result.failed, result.messages) == (1, 1)  # 浙江's officer is mailed all the same
    [row] = reminders_of(mailed.a_officer, channel="email", state="failed")
    assert row.error.startswith("HeaderParseError")
