"""send-due reads only what is due: the deadlines are refreshed only after a change to a source
(or on a new day), stages computed again only after a change to a policy, the calendar or who
is told; a run with nothing to do is one query."""

import re
from contextlib import contextmanager
from datetime import date

import pytest
from engine_support import deadline, local, notifications_of, reminders_of
from sqlalchemy import event, select, text, update

from conftest import World
from supervision.calendar.models import CalendarDay
from supervision.calendar.service import forget_cached_calendar
from supervision.core.models import Role, User
from supervision.extensions import db
from supervision.plans.service import plan_for_year, update_deliverable
from supervision.reminders import changes
from supervision.reminders.changes import SOURCES, STAGES, topics_of
from supervision.reminders.models import ReminderPolicy, ReminderSchedule
from supervision.reminders.policies import save_policy
from supervision.reminders.service import send_due

JIANGSU = "2020:320000"


@contextmanager
def statements():
    """The SQL statements run inside the block (the database's, not the pool's pings)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def counts() -> dict[str, int]:
    db.session.expire_all()
    return {row.topic: row.changes for row in db.session.scalars(select(ReminderSchedule))}


def move_filing_deadline(to: date) -> None:
    deliverable = plan_for_year(2020).deliverable("task_filing")
    update_deliverable(deliverable, name=deliverable.name, due_on=to)


def stages_told(user) -> list[str]:
    return [r.stage for r in reminders_of(user, channel="in_app")]


@pytest.fixture
def started(world: World) -> World:
    """A first run on 02-06 (before:10 of the 2020 task filing, due 02-20), then one that
    finds nothing to do."""
    send_due(now=local(2020, 2, 6, 9, 0))
    db.session.commit()
    assert send_due(now=local(2020, 2, 6, 10, 0)).refreshed == {}
    db.session.commit()
    return world


def test_a_run_with_nothing_to_do_is_one_query(started: World):
    with statements() as seen:
        result = send_due(now=local(2020, 2, 6, 15, 0))
    assert (result.refreshed, result.sent, result.skipped) == ({}, 0, 0)
    [probe] = seen
    assert set(re.findall(r"FROM (\w+)", probe)) == {"reminder_schedule", "deadlines", "reminders"}


def test_the_next_stage_is_stored_and_a_deadline_is_left_alone_until_it_comes(started: World):
    assert deadline("task_filing", JIANGSU).next_stage_on == date(2020, 2, 17)  # before:3
    send_due(now=local(2020, 2, 16, 9, 0))  # Sunday, the day before
    send_due(now=local(2020, 2, 17, 7, 59))  # the 17th's stages go out from 08:00
    assert stages_told(started.a_officer) == ["before:10"]
    assert deadline("task_filing", JIANGSU).next_stage_on == date(2020, 2, 17)

    result = send_due(now=local(2020, 2, 17, 8, 0))
    assert result.notifications == 2  # the officers of 江苏 and 浙江
    assert stages_told(started.a_officer) == ["before:10", "before:3"]
    assert deadline("task_filing", JIANGSU).next_stage_on == date(2020, 2, 19)  # before:1


def test_a_change_to_a_source_makes_the_next_run_refresh(started: World):
    move_filing_deadline(date(2020, 2, 27))
    db.session.commit()
    result = send_due(now=local(2020, 2, 6, 11, 0))
    assert result.refreshed["moved"] == 32
    moved = deadline("task_filing", JIANGSU)
    assert (moved.due_on, moved.next_stage_on) == (date(2020, 2, 27), date(2020, 2, 13))
    assert send_due(now=local(2020, 2, 6, 12, 0)).refreshed == {}


def test_uncommitted_changes_of_the_caller_are_seen(started: World):
    move_filing_deadline(date(2020, 2, 27))  # flushed, not committed
    assert send_due(now=local(2020, 2, 6, 11, 0)).refreshed["moved"] == 32


def test_plain_sql_and_bulk_statements_count_and_a_rollback_does_not(started: World):
    before = counts()
    db.session.execute(text("UPDATE supervision_plans SET year = year"))
    db.session.rollback()
    assert counts() == before
    db.session.execute(text("UPDATE supervision_plans SET year = year"))
    db.session.commit()
    assert counts() == {SOURCES: before[SOURCES] + 1, STAGES: before[STAGES]}
    assert send_due(now=local(2020, 2, 6, 11, 0)).refreshed["created"] == 0
    with db.engine.begin() as conn:  # outside the session: counted all the same
        conn.execute(
            update(ReminderPolicy).where(ReminderPolicy.kind == "case_due").values(enabled=True)
        )
        conn.execute(update(CalendarDay.__table__).values(name=""))
    assert counts()[STAGES] == before[STAGES] + 1


def test_logins_and_address_changes_do_not_count(started: World):
    before = counts()
    user = started.a_officer
    user.last_login_at = local(2020, 2, 6, 10, 30)
    user.email = "a-officer@js.example"
    db.session.commit()
    assert counts() == before
    assert send_due(now=local(2020, 2, 6, 11, 0)).refreshed == {}


def test_a_new_day_refreshes(started: World):
    assert send_due(now=local(2020, 2, 6, 23, 0)).refreshed == {}
    # 07:00 on the 7th: still the 6th's reminders, but the sources are asked on the new day.
    assert send_due(now=local(2020, 2, 7, 7, 0)).refreshed == {
        "created": 0,
        "moved": 0,
        "updated": 0,
        "cancelled": 0,
        "unresolved": 0,
    }
    assert send_due(now=local(2020, 2, 7, 9, 0)).refreshed == {}


def test_a_policy_change_computes_every_stage_again(started: World):
    assert deadline("task_filing", JIANGSU).next_stage_on == date(2020, 2, 17)
    save_policy(
        "task_filing",
        offsets=[10, 5, 3, 1],
        offset_unit="workdays",
        on_due_day=True,
        overdue_every=3,
        recipients=["provincial_officers", "ministry_digest"],
        enabled=True,
    )
    db.session.commit()
    send_due(now=local(2020, 2, 12, 9, 0))
    assert deadline("task_filing", JIANGSU).next_stage_on == date(2020, 2, 13)  # before:5
    send_due(now=local(2020, 2, 13, 9, 0))
    assert stages_told(started.a_officer) == ["before:10", "before:5"]


def test_a_switched_off_policy_sends_nothing_until_switched_on(started: World):
    policy = db.session.get(ReminderPolicy, "task_filing")
    policy.enabled = False
    db.session.commit()
    send_due(now=local(2020, 2, 17, 9, 0))
    assert stages_told(started.a_officer) == ["before:10"]
    assert deadline("task_filing", JIANGSU).next_stage_on is None
    policy = db.session.get(ReminderPolicy, "task_filing")
    policy.enabled = True
    db.session.commit()
    send_due(now=local(2020, 2, 17, 10, 0))
    assert stages_told(started.a_officer) == ["before:10", "before:3"]


def test_a_calendar_change_computes_every_stage_again(started: World):
    db.session.add(CalendarDay(on=date(2020, 2, 17), is_workday=False, name="调整"))
    db.session.commit()
    forget_cached_calendar()
    send_due(now=local(2020, 2, 14, 9, 0))  # 3 working days before 02-20 is now the 14th
    assert stages_told(started.a_officer) == ["before:10", "before:3"]
    assert deadline("task_filing", JIANGSU).next_stage_on == date(2020, 2, 19)


def test_a_new_officer_is_told_the_current_stage(started: World, make_user):
    newcomer = make_user("a-officer-2", Role.PROVINCIAL_OFFICER, "320000")
    result = send_due(now=local(2020, 2, 6, 11, 0))
    assert stages_told(newcomer) == ["before:10"]
    assert [n.title for n in notifications_of(newcomer)] == [
        "提醒：2020年专项监察任务申报（江苏省）将于2020年2月20日到期"
    ]
    assert result.notifications == 1


def test_a_closed_deadline_leaves_the_index(started: World):
    from supervision.tasks.service import filing_for, submit_filing

    submit_filing(
        filing_for(plan_for_year(2020), started.a_province),
        actor=started.a_officer,
        now=local(2020, 2, 7, 10, 0),
    )
    db.session.commit()
    send_due(now=local(2020, 2, 7, 11, 0))
    met = deadline("task_filing", JIANGSU)
    assert met.done_on == date(2020, 2, 7) and met.next_stage_on is None


@pytest.mark.parametrize(
    ("table", "columns", "topics"),
    [
        ("users", frozenset({"last_login_at"}), set()),
        ("users", frozenset({"email", "phone"}), set()),
        ("users", frozenset({"certificate_expires_on"}), {SOURCES}),
        ("users", frozenset({"active"}), {SOURCES, STAGES}),
        ("users", None, {SOURCES, STAGES}),
        ("user_roles", None, {SOURCES, STAGES}),
        ("inspection_cases", frozenset({"status"}), {SOURCES}),
        ("reminder_policies", frozenset({"offsets"}), {STAGES}),
        ("calendar_days", None, {SOURCES, STAGES}),
        ("audit_entries", None, set()),
        ("reminders", None, set()),
        ("deadlines", None, set()),
    ],
)
def test_which_writes_concern_which_topic(table, columns, topics):
    assert topics_of(table, columns) == topics


def test_the_source_tables_are_every_table_the_sources_read(app, database, monkeypatch):
    """On the demo data set, which fills every source: a table missing from the list would
    let a change to it go unnoticed until the next day."""
    from supervision.core import audit
    from supervision.core.types import utcnow
    from supervision.demo.service import load_demo
    from supervision.reminders import sources

    monkeypatch.setitem(app.config, "DEMO_VERIFICATION_ROWS", 50)
    with audit.acting_as(audit.Actor(None, "command line", source="cli")):
        load_demo(now=utcnow())
        db.session.commit()
    tables = set(db.metadata.tables)
    read: set[str] = set()
    with statements() as seen:
        for day in (date(2020, 2, 17), date(2020, 9, 1), date(2021, 3, 1)):
            specs, _unresolved = sources.gather(day)
            assert specs
    for statement in seen:
        read.update(t for t in re.findall(r'(?:FROM|JOIN) "?(\w+)"?', statement) if t in tables)
    assert read <= changes.SOURCE_TABLES, read - changes.SOURCE_TABLES
    assert {"inspection_cases", "verification_subsidy_products", "pilot_calls"} <= read
    assert db.session.scalar(select(User.id).limit(1)) is not None
