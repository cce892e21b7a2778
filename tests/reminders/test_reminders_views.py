"""The deadline page ("why did X not get a reminder?"), the reminders log with its retry, and
the policy editor, each with who may see what."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from reminders_web_support import make_deadline, make_reminder
from sqlalchemy import select

from conftest import World, login
from supervision.calendar.service import load_calendar
from supervision.core.models import AuditEntry
from supervision.extensions import db
from supervision.reminders import deadline_views, rules
from supervision.reminders.defaults import KINDS
from supervision.reminders.forms import parse_offsets
from supervision.reminders.labels import RECIPIENT_LABELS
from supervision.reminders.models import Reminder, ReminderPolicy, ReminderState

TODAY = date(2020, 2, 17)
NOW = datetime(2020, 2, 17, 1, 30, tzinfo=UTC)  # 09:30 in Beijing


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def at_today(monkeypatch):
    monkeypatch.setattr(deadline_views, "local_today", lambda: TODAY)
    monkeypatch.setattr(deadline_views, "utcnow", lambda: NOW)


@pytest.fixture
def filing(world: World, at_today):
    """Province A's 2020 task filing, due 2020-02-20 (default policy: 10, 3, 1 working days
    ahead, the day itself, then every 3 working days)."""
    return make_deadline(
        kind="task_filing",
        title="江苏省2020年专项监察任务申报",
        due_on=date(2020, 2, 20),
        province=world.a_province,
    )


# -- the deadline page ------------------------------------------------------------------------


def timeline_rows(page: str) -> list[tuple[str, str, str]]:
    table = re.search(
        r'<table class="table table-sm small" id="timeline">(.*?)</table>', page, re.S
    )
    rows = re.findall(
        r"<tr[^>]*>\s*<td>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td>(.*?)</td>", table.group(1), re.S
    )
    return [(a.strip(), b.strip(), c.strip()) for a, b, c in rows]


def test_the_timeline_of_a_deadline(client, world, filing):
    login(client, world.a_officer.username)
    page = text(client.get(f"/reminders/deadlines/{filing.id}"))
    # 10 working days before Thursday 2020-02-20 is Thursday 02-06 (weekends off).
    assert timeline_rows(page) == [
        ("提前10个工作日", "2020-02-06", "已过"),
        ("提前3个工作日", "2020-02-17", "当前节点（本节点提醒已发或待发）"),
        ("提前1个工作日", "2020-02-19", "未到"),
        ("到期当日", "2020-02-20", "未到"),
    ]
    assert "专项监察任务申报" in page  # the kind
    assert "省级业务人员" in page and "部级汇总" in page  # the policy's recipients


def test_a_long_overdue_timeline_leaves_out_the_middle(client, world, at_today):
    old = make_deadline(kind="case_due", due_on=date(2019, 10, 8), province=world.a_province)
    login(client, world.a_officer.username)
    page = text(client.get(f"/reminders/deadlines/{old.id}"))
    passed = [
        s
        for s in rules.stages(old.due_on, KINDS["case_due"].policy, load_calendar(), until=TODAY)
        if s.is_overdue
    ]
    # The first working day after the due date, then every 3 working days (10-12 was a
    # Saturday worked in exchange for the National Day holiday).
    assert [s.on for s in passed[:2]] == [date(2019, 10, 9), date(2019, 10, 12)]
    overdue_rows = [r for r in timeline_rows(page) if r[0].startswith("逾期第")]
    assert len(overdue_rows) == 8  # the first 3, the last 4 passed and the next one to come
    assert overdue_rows[0][1] == "2019-10-09" and overdue_rows[2][0] == "逾期第3次提醒"
    assert overdue_rows[-2][2] == "当前节点（本节点提醒已发或待发）"
    assert overdue_rows[-1][2] == "未到"
    assert f"……另有 {len(passed) + 1 - 8} 次逾期提醒" in page


def test_a_met_deadline_needs_no_more_reminders(client, world, at_today):
    met = make_deadline(
        kind="task_filing",
        due_on=date(2020, 2, 20),
        province=world.a_province,
        done_on=date(2020, 2, 12),
    )
    login(client, world.a_officer.username)
    rows = timeline_rows(text(client.get(f"/reminders/deadlines/{met.id}")))
    assert [r[2] for r in rows] == [
        "已过",
        "已办结，无需提醒",
        "已办结，无需提醒",
        "已办结，无需提醒",
    ]


def test_the_page_explains_a_failed_reminder(client, world, filing):
    make_reminder(
        filing,
        world.a_officer,
        stage="before:3",
        stage_on=TODAY,
        state=ReminderState.FAILED,
        error="550 mailbox unavailable",
        attempts=2,
        next_attempt_at=datetime(2020, 2, 17, 1, 50, tzinfo=UTC),
    )
    login(client, world.a_officer.username)
    page = text(client.get(f"/reminders/deadlines/{filing.id}"))
    card = page[page.index("提醒情况") :]
    assert world.a_officer.full_name in card
    assert "550 mailbox unavailable" in card and "发送失败" in card
    assert "已尝试 2 次" in card and "下次重试 2020-02-17 09:50" in card


def test_a_moved_deadline_shows_its_earlier_date(client, world, at_today):
    moved = make_deadline(
        kind="rectification_deadline",
        due_on=date(2020, 3, 20),
        province=world.a_province,
        agency=world.a_agency,
        previous=(date(2020, 2, 28),),
    )
    login(client, world.a_officer.username)
    assert "原期限：2020-02-28" in text(client.get(f"/reminders/deadlines/{moved.id}"))


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("ministry_officer", 200),
        ("ministry_admin", 200),  # runs the mail server: may ask why a mail did not go
        ("a_officer", 200),
        ("a_admin", 200),
        ("b_officer", 404),
        ("b_admin", 404),
        ("b_inspector", 404),
        ("a_inspector", 404),  # not his deadline
    ],
)
def test_who_sees_a_deadline(client, world, filing, actor, status):
    login(client, getattr(world, actor).username)
    assert client.get(f"/reminders/deadlines/{filing.id}").status_code == status


def test_an_inspector_sees_the_deadlines_he_is_responsible_for(client, world, at_today):
    his = make_deadline(
        kind="case_due",
        due_on=date(2020, 5, 29),
        province=world.a_province,
        agency=world.a_agency,
        category=4,
        people=[world.a_inspector],
    )
    login(client, world.a_inspector.username)
    page = text(client.get(f"/reminders/deadlines/{his.id}"))
    assert world.a_inspector.full_name in page
    assert "四、数据中心能效专项监察" in page


# -- the reminders log ------------------------------------------------------------------------


@pytest.fixture
def log_rows(world: World, filing):
    b_filing = make_deadline(
        kind="task_filing",
        title="浙江省2020年专项监察任务申报",
        due_on=date(2020, 2, 20),
        province=world.b_province,
    )
    case = make_deadline(
        kind="case_due",
        title="甲省案件办结",
        due_on=date(2020, 5, 29),
        province=world.a_province,
        agency=world.a_agency,
        people=[world.a_inspector],
    )
    return {
        "sent": make_reminder(
            filing,
            world.a_officer,
            stage="before:10",
            stage_on=date(2020, 2, 6),
            created_at=datetime(2020, 2, 6, 1, tzinfo=UTC),
        ),
        "failed": make_reminder(
            filing,
            world.a_officer,
            stage="before:3",
            stage_on=TODAY,
            channel="email",
            state=ReminderState.FAILED,
            error="550 甲省邮箱不可用",
            attempts=3,
            next_attempt_at=datetime(2020, 2, 17, 3, tzinfo=UTC),
            created_at=datetime(2020, 2, 17, 1, tzinfo=UTC),
        ),
        "skipped": make_reminder(
            case,
            world.a_inspector,
            stage="before:10",
            stage_on=date(2020, 5, 15),
            state=ReminderState.SKIPPED,
            reason="没有电子邮箱",
            created_at=datetime(2020, 5, 15, 1, tzinfo=UTC),
        ),
        "b_failed": make_reminder(
            b_filing,
            world.b_officer,
            stage="before:3",
            stage_on=TODAY,
            state=ReminderState.FAILED,
            error="乙省连接超时",
            created_at=datetime(2020, 2, 17, 1, tzinfo=UTC),
        ),
    }


def log_ids(page: str) -> list[int]:
    table = page[page.index('id="reminder-log"') :]
    return [int(n) for n in re.findall(r'data-reminder="(\d+)"', table)]


def test_the_log_puts_failures_first_for_the_ministry(client, world, log_rows):
    login(client, world.ministry_admin.username)
    page = text(client.get("/reminders/log"))
    ids = log_ids(page)
    assert set(ids[:2]) == {log_rows["failed"].id, log_rows["b_failed"].id}
    assert ids[2:] == [log_rows["skipped"].id, log_rows["sent"].id]  # then newest first
    assert "550 甲省邮箱不可用" in page and "已尝试 3 次" in page
    assert "下次重试 2020-02-17 11:00" in page
    assert page.count("立即重试") == 2


def test_a_province_sees_its_own_reminders_and_cannot_retry(client, world, log_rows):
    login(client, world.a_officer.username)
    page = text(client.get("/reminders/log"))
    assert set(log_ids(page)) == {log_rows[k].id for k in ("sent", "failed", "skipped")}
    assert "乙省连接超时" not in page
    assert "立即重试" not in page


def test_an_inspector_sees_his_own_reminders(client, world, log_rows):
    login(client, world.a_inspector.username)
    assert log_ids(text(client.get("/reminders/log"))) == [log_rows["skipped"].id]


def test_a_province_administrator_sees_and_retries_his_province(client, world, log_rows):
    login(client, world.b_admin.username)
    page = text(client.get("/reminders/log"))
    assert log_ids(page) == [log_rows["b_failed"].id]
    assert "立即重试" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=failed", {"failed", "b_failed"}),
        ("state=skipped", {"skipped"}),
        ("person=a-OFFICER", {"sent", "failed"}),
        ("person=甲监察员", {"skipped"}),
        ("q=浙江", {"b_failed"}),
        ("q=任务申报&state=sent", {"sent"}),
        ("kind=case_due", {"skipped"}),
        ("date_from=2020-02-17&date_to=2020-02-17", {"failed", "b_failed"}),
        ("date_from=2020-05-01", {"skipped"}),
        ("person=%25", set()),  # a literal %, not a wildcard
    ],
)
def test_log_filters(client, world, log_rows, query, expected):
    login(client, world.ministry_officer.username)
    page = text(client.get(f"/reminders/log?{query}"))
    assert set(log_ids(page)) == {log_rows[k].id for k in expected}, query


def test_retry_brings_a_failed_reminder_forward(client, world, log_rows):
    failed = log_rows["failed"]
    login(client, world.ministry_admin.username)
    before = datetime.now(UTC)
    response = client.post("/reminders/log/retry?state=failed", data={"reminder_id": failed.id})
    assert response.status_code == 302
    assert response.headers["Location"] == "/reminders/log?state=failed"
    db.session.expire_all()
    row = db.session.get(Reminder, failed.id)
    assert before - timedelta(seconds=1) <= row.next_attempt_at <= datetime.now(UTC)
    assert row.state is ReminderState.FAILED and row.attempts == 3  # the engine's to change


def test_only_failed_reminders_are_retried(client, world, log_rows):
    login(client, world.ministry_admin.username)
    response = client.post(
        "/reminders/log/retry", data={"reminder_id": log_rows["sent"].id}, follow_redirects=True
    )
    assert "只有发送失败的提醒可以重试。" in text(response)
    assert db.session.get(Reminder, log_rows["sent"].id).next_attempt_at is None


def test_retry_needs_the_permission_and_the_scope(client, world, log_rows):
    failed = log_rows["failed"]
    login(client, world.a_officer.username)
    assert client.post("/reminders/log/retry", data={"reminder_id": failed.id}).status_code == 403
    login(client, world.b_admin.username)
    assert client.post("/reminders/log/retry", data={"reminder_id": failed.id}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Reminder, failed.id).next_attempt_at == datetime(
        2020, 2, 17, 3, tzinfo=UTC
    )


# -- policies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("10, 3, 1", [10, 3, 1]),
        ("1，3、10", [10, 3, 1]),
        ("１０ ３", [10, 3]),  # full-width digits
        ("120", [120]),
        ("1", [1]),
        ("", []),
        ("  ", []),
    ],
)
def test_offsets_are_read(typed, expected):
    assert parse_offsets(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("10, 3, 3", "提前天数“3”重复了。"),
        ("0", "提前天数须在 1 到 120 之间，“0”不符合。"),
        ("121", "提前天数须在 1 到 120 之间，“121”不符合。"),
        ("-3", "提前天数须在 1 到 120 之间，“-3”不符合。"),
        ("3.5", "“3.5”不是整数：请填写用逗号分隔的整数，例如 10, 3, 1。"),
        ("十", "“十”不是整数"),
    ],
)
def test_wrong_offsets_are_refused_with_a_message(typed, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_offsets(typed)


def test_recipient_labels_cover_every_role():
    assert set(RECIPIENT_LABELS) == set(rules.RECIPIENT_ROLES)


GOOD_POLICY = {
    "offsets": "3，10 1",
    "offset_unit": "days",
    "on_due_day": "",
    "overdue_every": "5",
    "recipients": ["provincial_officers", "responsible"],
    "enabled": "y",
}


def test_the_policy_list_shows_every_kind(client, world):
    login(client, world.ministry_admin.username)
    page = text(client.get("/reminders/policies"))
    for kind in KINDS.values():
        assert str(kind.label) in page
    assert "60、30、7" in page  # certificates: calendar days ahead


def test_a_ministry_administrator_edits_a_policy(client, world):
    login(client, world.ministry_admin.username)
    page = text(client.get("/reminders/policies/task_filing"))
    assert 'value="10, 3, 1"' in page and "系统默认规则" in page
    for label in ("责任人", "承担机构业务人员", "省级业务人员", "部级汇总"):
        assert label in page
    response = client.post("/reminders/policies/task_filing", data=GOOD_POLICY)
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(ReminderPolicy, "task_filing")
    assert row.offsets == [10, 3, 1]
    assert (row.offset_unit, row.on_due_day, row.overdue_every) == ("days", False, 5)
    assert row.recipients == ["responsible", "provincial_officers"]  # in the roles' order
    assert row.enabled
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "reminder_policies")
    ).one()
    assert entry.actor_id == world.ministry_admin.id
    again = text(client.get("/reminders/policies/task_filing"))
    assert 'value="10, 3, 1"' in again and "系统默认规则" not in again


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"offsets": "10, 3, 3"}, "提前天数“3”重复了。"),
        ({"offsets": "0, 3"}, "提前天数须在 1 到 120 之间，“0”不符合。"),
        ({"offsets": "a, b"}, "“a”不是整数"),
        (
            {"overdue_every": "31"},
            "逾期提醒间隔须在 0 到 30 个工作日之间（0 表示逾期后不再提醒）。",
        ),
        ({"overdue_every": "-1"}, "逾期提醒间隔须在 0 到 30 个工作日之间"),
        ({"overdue_every": ""}, "请填写逾期提醒间隔（0 表示逾期后不再提醒）。"),
        ({"recipients": []}, "启用提醒时请至少选择一个提醒对象。"),
        ({"offset_unit": "weeks"}, "提前单位"),
    ],
)
def test_a_wrong_policy_is_refused_with_a_message(client, world, changes, message):
    login(client, world.ministry_admin.username)
    response = client.post("/reminders/policies/task_filing", data={**GOOD_POLICY, **changes})
    assert response.status_code == 422
    assert message in text(response)
    assert db.session.get(ReminderPolicy, "task_filing") is None


def test_a_disabled_policy_may_have_no_recipients_and_no_offsets(client, world):
    login(client, world.ministry_admin.username)
    data = {**GOOD_POLICY, "recipients": [], "enabled": "", "offsets": "", "overdue_every": "0"}
    assert client.post("/reminders/policies/case_due", data=data).status_code == 302
    row = db.session.get(ReminderPolicy, "case_due")
    assert (row.offsets, row.recipients, row.enabled, row.overdue_every) == ([], [], False, 0)


def test_a_province_administrator_reads_policies_but_cannot_change_them(client, world):
    login(client, world.a_admin.username)
    page = text(client.get("/reminders/policies/task_filing"))
    assert "仅供查看" in page and "<fieldset disabled>" in page
    assert client.post("/reminders/policies/task_filing", data=GOOD_POLICY).status_code == 403
    assert db.session.get(ReminderPolicy, "task_filing") is None


def test_officers_have_no_policy_pages(client, world):
    login(client, world.a_officer.username)
    assert client.get("/reminders/policies").status_code == 403
    assert client.get("/reminders/policies/task_filing").status_code == 403


def test_an_unknown_kind_is_not_found(client, world):
    login(client, world.ministry_admin.username)
    assert client.get("/reminders/policies/equipment_ledger").status_code == 404


# -- navigation -------------------------------------------------------------------------------


def test_the_navbar_links_to_deadlines_or_to_the_log(client, world):
    login(client, world.a_officer.username)
    assert 'href="/reminders/deadlines">期限与提醒' in text(client.get("/"))
    login(client, world.ministry_admin.username)
    assert 'href="/reminders/log">期限与提醒' in text(client.get("/"))


def test_calendar_day_stages_are_named_in_days(client, world, at_today):
    expiry = make_deadline(
        kind="certificate_expiry",
        title="执法证到期",
        due_on=date(2020, 4, 17),
        province=world.a_province,
        agency=world.a_agency,
        people=[world.a_inspector],
    )
    make_reminder(expiry, world.a_inspector, stage="before:60", stage_on=date(2020, 2, 17))
    login(client, world.a_officer.username)
    assert "提前60天" in text(client.get("/reminders/log"))
    page = text(client.get(f"/reminders/deadlines/{expiry.id}"))
    assert ("提前60天", "2020-02-17", "当前节点（本节点提醒已发或待发）") in timeline_rows(page)
