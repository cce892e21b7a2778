"""Which committed changes concern the reminders, counted per topic in ``reminder_schedule``.

A send-due run refreshes the deadlines from their sources only after a change to a table the
sources read (or on a new day), and computes every open deadline's stages again only after a
change to the policies, the calendar or who is told; otherwise it reads only what is due.

Every statement that writes a watched table (ORM flushes, Core and ORM bulk statements, plain
``text()`` DML) marks its connection; when that connection commits, the same transaction adds
one to the topic's counter. The counter row is locked only for the commit itself, never for a
long import. Writes that bypass SQLAlchemy (``COPY``, another program) are not seen: they are
picked up by the next day's refresh, or at once after ``mark_changed`` / ``flask reminders
refresh``.
"""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import Delete, ExecutableDDLElement, Insert, TextClause, Update, event, update

from ..extensions import db

SOURCES, STAGES = "sources", "stages"
TOPICS = (SOURCES, STAGES)

#: Every table ``sources.gather`` reads (the sources of each feature included); the tests
#: check it against the statements a refresh of the demo data set runs.
SOURCE_TABLES = frozenset(
    {
        "annual_summaries",
        "annual_summary_events",
        "calendar_days",
        "calendar_years",
        "case_inspectors",
        "daily_draws",
        "enterprises",
        "filing_events",
        "inspection_cases",
        "organisations",
        "pilot_applications",
        "pilot_calls",
        "pilot_complaints",
        "pilot_enterprises",
        "pilot_monthly_packs",
        "pilot_quarterly_reports",
        "plan_deliverables",
        "rectification_notices",
        "rectification_reports",
        "reinspections",
        "result_reports",
        "review_committee_members",
        "review_experts",
        "reviews",
        "supervision_plans",
        "supervision_tasks",
        "task_filings",
        "task_inspectors",
        "user_roles",
        "users",
        "verification_campaigns",
        "verification_reports",
        "verification_subsidy_claims",
        "verification_subsidy_products",
        "verification_task_people",
        "verification_tasks",
        "verification_training_registrations",
        "verification_training_sessions",
        "verification_training_units",
    }
)
#: What the stages and their recipients depend on besides the deadline itself: the policies,
#: the working-day calendar, the officers' roles and accounts.
STAGE_TABLES = frozenset(
    {"reminder_policies", "calendar_days", "calendar_years", "user_roles", "users"}
)
#: UPDATEs that set only these columns concern no topic (logins, passwords, contact details).
QUIET_COLUMNS = {
    "users": frozenset(
        {
            "last_login_at",
            "session_token",
            "password_hash",
            "password_changed_at",
            "locale",
            "phone",
            "email",
        }
    )
}
#: Of an account, only where it is and whether it is active decides whom a stage tells.
RECIPIENT_COLUMNS = frozenset({"active", "organisation_id"})

_FLAG = "reminders.changed_topics"
_DDL = "reminders.changed_schema"
_TEXT_DML = re.compile(r"\s*(?:insert\s+into|update|delete\s+from)\s+[\"`]?(\w+)", re.IGNORECASE)
_TEXT_DDL = re.compile(r"\s*(?:create|alter|drop)\s", re.IGNORECASE)


def topics_of(table: str, columns: frozenset[str] | None = None) -> set[str]:
    """The topics a write to ``table`` concerns; ``columns``: those an UPDATE sets (None for
    an INSERT, a DELETE or an UPDATE whose columns are unknown)."""
    topics = set()
    if table in SOURCE_TABLES:
        topics.add(SOURCES)
    if table in STAGE_TABLES:
        topics.add(STAGES)
    if columns is None or not topics:
        return topics
    if columns <= QUIET_COLUMNS.get(table, frozenset()):
        return set()
    if table == "users" and not columns & RECIPIENT_COLUMNS:
        topics.discard(STAGES)
    return topics


def _updated_columns(statement: Update, multiparams, params) -> frozenset[str] | None:
    names = set()
    for key in getattr(statement, "_values", None) or ():
        names.add(getattr(key, "key", key))
    for key, _value in getattr(statement, "_ordered_values", None) or ():
        names.add(getattr(key, "key", key))
    for given in (params, *(multiparams or ())):
        for row in given if isinstance(given, list | tuple) else (given,):
            if isinstance(row, dict):
                names.update(row)
    columns = frozenset(n for n in names if isinstance(n, str) and n in statement.table.c)
    return columns or None


def _before_execute(conn, clauseelement, multiparams, params, execution_options):
    if isinstance(clauseelement, Insert | Update | Delete):
        name = getattr(clauseelement.table, "name", None)
        if name not in SOURCE_TABLES and name not in STAGE_TABLES:
            return
        columns = None
        if isinstance(clauseelement, Update):
            columns = _updated_columns(clauseelement, multiparams, params)
        topics = topics_of(name, columns)
    elif isinstance(clauseelement, TextClause):
        found = _TEXT_DML.match(clauseelement.text)
        if found is None:
            if _TEXT_DDL.match(clauseelement.text):
                conn.info[_DDL] = True
            return
        topics = topics_of(found.group(1).lower())
    elif isinstance(clauseelement, ExecutableDDLElement):
        conn.info[_DDL] = True
        return
    else:
        return
    if topics:
        conn.info.setdefault(_FLAG, set()).update(topics)


def _count(conn, topics) -> None:
    from .models import ReminderSchedule

    table = ReminderSchedule.__table__
    conn.execute(
        update(table).where(table.c.topic.in_(sorted(topics))).values(changes=table.c.changes + 1)
    )


def _on_commit(conn) -> None:
    topics = conn.info.pop(_FLAG, None)
    if conn.info.pop(_DDL, False):
        # A migration (or a schema rebuild): ``reminder_schedule`` may not exist yet. A new
        # database starts with everything to do anyway; see ``schedule.RULES_VERSION``.
        return
    if topics:
        # Inside the committing transaction: the change and its count are one.
        _count(conn, topics)


def _on_rollback(conn) -> None:
    conn.info.pop(_FLAG, None)
    conn.info.pop(_DDL, None)


def install(app: Flask) -> None:
    """Watch the writes of ``app``'s database engines (once per engine)."""
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        for name, listener in (
            ("before_execute", _before_execute),
            ("commit", _on_commit),
            ("rollback", _on_rollback),
        ):
            if not event.contains(engine, name, listener):
                event.listen(engine, name, listener)


def uncommitted_topics() -> set[str]:
    """Topics the current session's transaction has changed and not yet committed."""
    session = db.session()
    session.flush()
    if not session.in_transaction():
        return set()
    return set(session.connection().info.get(_FLAG, ()))


def mark_changed(*topics: str) -> None:
    """Count a change of ``topics`` (default: all) in the current transaction, for writes the
    listeners cannot see (``COPY``, raw DBAPI)."""
    db.session.flush()
    _count(db.session.connection(), topics or TOPICS)
