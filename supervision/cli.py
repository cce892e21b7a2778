"""Command-line interface: ``flask --app supervision <command>``."""

from __future__ import annotations

import csv
import functools
import os
import sys
import time
from pathlib import Path

import click
from flask import Flask, has_app_context
from flask.cli import AppGroup
from sqlalchemy import inspect, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from .core import audit
from .core.errors import DomainError
from .core.models import Organisation, OrgKind, Role, User
from .core.types import utcnow
from .extensions import db

users_cli = AppGroup("users", help="Create, list and disable user accounts.")
calendar_cli = AppGroup("calendar", help="Maintain the working-day calendar.")

CLI_ACTOR = audit.Actor(None, "command line", source="cli")


def _fail(message: str) -> None:
    click.echo(click.style(message, fg="red"), err=True)
    sys.exit(1)


def database_problem(*, initialised: bool = True) -> str | None:
    """Why the configured database cannot be used, in one message naming it without its
    password; None when it can. ``initialised``: also require the schema (``flask init``)."""
    url = db.engine.url
    shown = url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as connection:
            ready = not initialised or inspect(connection).has_table("alembic_version")
    except DBAPIError as exc:
        reason = " ".join(str(exc.orig).split())  # psycopg's hint comes on a second line
        if url.password:
            reason = reason.replace(str(url.password), "***")
        return f"Cannot reach the database {shown}: {reason}{_sqlite_hint(url)}"
    if not ready:
        return f"The database {shown} has no tables yet: run `flask --app supervision init` first."
    return None


def _sqlite_hint(url: URL) -> str:
    """What is wrong with a SQLite file's folder, the usual reason it cannot be opened."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return ""
    folder = Path(url.database).resolve().parent
    if not folder.is_dir():
        return f" (the folder {folder} does not exist)"
    if not os.access(folder, os.W_OK):
        return (
            f" (the folder {folder} is not writable: SQLite keeps its -wal and -shm files"
            " beside the database)"
        )
    return ""


def _checks_database(command: click.Command, *, initialised: bool) -> None:
    """Make ``command`` stop with one clear message, before doing anything, when the database
    cannot be used (instead of a traceback from the first query)."""
    callback = command.callback
    if callback is None or getattr(callback, "checks_database", False):
        return  # a group, or wrapped by an earlier app of this process

    @functools.wraps(callback)
    def checked(*args, **kwargs):
        # Invoked through `flask`, a command runs in the application's context; called
        # directly (as a plain click command) it has none to check.
        problem = database_problem(initialised=initialised) if has_app_context() else None
        if problem is not None:
            _fail(problem)
        return callback(*args, **kwargs)

    checked.checks_database = True
    command.callback = checked


def _leaf_commands(group: click.Group, *, skip: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if name in skip:
            continue
        if isinstance(command, click.Group):
            yield from _leaf_commands(command)
        else:
            yield command


def _org_by_code(code: str) -> Organisation:
    if code.lower() == "ministry":
        stmt = select(Organisation).where(Organisation.kind == OrgKind.MINISTRY)
    else:
        stmt = (
            select(Organisation)
            .where(Organisation.division_code == code)
            .order_by(Organisation.kind)
        )
    org = db.session.scalars(stmt).first()
    if org is None:
        _fail(f"No organisation with code {code!r} (use a GB/T 2260 code or 'ministry').")
    return org


@click.command("init")
def init_command() -> None:
    """Create or upgrade the database and load the reference data (idempotent)."""
    from flask_migrate import upgrade

    from .industries.service import seed_catalogue
    from .organisations.service import seed_national_units
    from .plans.service import seed_plan
    from .reference.service import seed_reference_tables
    from .reminders.service import seed_policies

    url = db.engine.url.render_as_string(hide_password=True)
    upgrade()
    with audit.acting_as(CLI_ACTOR):
        created = seed_national_units()
        industries = seed_catalogue()
        plans = int(seed_plan())
        tables = seed_reference_tables()
        policies = seed_policies()
        db.session.commit()
    click.echo(
        f"Database ready ({url}); added {created} organisations, {industries} industries,"
        f" {plans} plans, {tables} reference tables, {policies} reminder policies."
    )


@click.command("demo")
@click.option(
    "--scale",
    type=click.Choice(["demo", "national"]),
    default="demo",
    show_default=True,
    help="demo: the walkthrough data set; national: the demo plus every province at full size "
    "(40 000 enterprises, 50 000 tasks … generated in bulk, for benchmarks).",
)
@click.option(
    "--seed", type=int, default=2020, show_default=True, help="National data: same seed, same rows."
)
@click.option(
    "--sales",
    type=click.IntRange(min=0),
    default=None,
    help="National data: consumer sales records of the verification campaign [default: 1000000].",
)
def demo_command(scale: str, seed: int, sales: int | None) -> None:
    """Load the demonstration data set for the 2020 plan (idempotent; demo databases only)."""
    from .demo.service import NotADemoDatabase, demo_accounts, load_demo

    with audit.acting_as(CLI_ACTOR):
        try:
            accounts = load_demo(now=utcnow())
        except NotADemoDatabase as exc:
            db.session.rollback()
            _fail(str(exc))
        db.session.commit()
    if scale == "national":
        _load_national(seed, sales)
    click.echo(
        f"Demo data ready ({len(accounts)} accounts added). Demo accounts (also in README.md):"
    )
    for username, password, role, org in demo_accounts():
        click.echo(f"  {username:<14} {password:<16} {role:<20} {org}")


def _load_national(seed: int, sales: int | None) -> None:
    from .demo.national import DEFAULT_SALES, already_loaded, load_national

    sales = DEFAULT_SALES if sales is None else sales
    if already_loaded(seed=seed, sales=sales):
        click.echo(f"National data (seed {seed}, {sales:,} sales records) already loaded.")
        return
    started = time.perf_counter()
    with audit.acting_as(CLI_ACTOR):
        try:
            timings = load_national(seed=seed, sales=sales, now=utcnow(), echo=click.echo)
        except ValueError as exc:
            db.session.rollback()
            _fail(str(exc))
        db.session.commit()
    parts = ", ".join(f"{k} {v:.0f} s" for k, v in timings.items())
    click.echo(f"National data ready in {time.perf_counter() - started:.0f} s ({parts}).")
    click.echo(
        "National accounts (demo password): provincial officers off-<province code>-1 … 3, "
        "inspectors insp-<agency code>-001 … (e.g. off-130000-1, insp-130100-001)."
    )


@users_cli.command("create")
@click.option("--username", required=True)
@click.option("--name", "full_name", required=True, help="Full name shown in the app.")
@click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role])
)
@click.option("--org", "org_code", required=True, help="GB/T 2260 code, or 'ministry'.")
@click.option("--email")
@click.option("--certificate", help="Law-enforcement certificate number (inspectors).")
@click.option("--certificate-expires", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.password_option(help="Prompted for when not given.")
def create_user_command(
    username, full_name, roles, org_code, email, certificate, certificate_expires, password
) -> None:
    """Create an account."""
    from .accounts.service import create_user

    org = _org_by_code(org_code)
    with audit.acting_as(CLI_ACTOR):
        try:
            user = create_user(
                actor=None,
                username=username,
                full_name=full_name,
                organisation=org,
                roles={Role(r) for r in roles},
                password=password,
                email=email,
                certificate_number=certificate,
                certificate_expires_on=certificate_expires.date() if certificate_expires else None,
                now=utcnow(),
            )
        except DomainError as exc:
            db.session.rollback()
            _fail(str(exc))
        db.session.commit()
    click.echo(f"Created {user.username} ({', '.join(sorted(roles))}) in {org.name}.")


@users_cli.command("list")
@click.option("--org", "org_code", help="Only this organisation (GB/T 2260 code).")
def list_users_command(org_code) -> None:
    """List accounts."""
    stmt = select(User).join(User.organisation).order_by(Organisation.division_code, User.username)
    if org_code:
        stmt = stmt.where(User.organisation_id == _org_by_code(org_code).id)
    for user in db.session.scalars(stmt):
        state = "active" if user.active else "disabled"
        roles = ",".join(sorted(r.value for r in user.roles))
        click.echo(f"{user.username:<16} {state:<8} {roles:<40} {user.organisation.name}")


@users_cli.command("disable")
@click.argument("username")
def disable_user_command(username) -> None:
    """Disable an account (ends its sessions)."""
    from .accounts.service import by_username, set_active

    user = by_username(username)
    if user is None:
        _fail(f"No account {username!r}.")
    with audit.acting_as(CLI_ACTOR):
        set_active(user, False, actor=None)
        db.session.commit()
    click.echo(f"Disabled {user.username}.")


@calendar_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--source", required=True, help="The State Council notice, e.g. 国办发明电〔2026〕X号."
)
def import_calendar_command(csv_file: Path, source: str) -> None:
    """Import holidays and adjusted workdays from a date,kind,name CSV (all or nothing)."""
    from .calendar.service import import_days
    from .core.workdays import parse_calendar_rows

    try:
        with csv_file.open(encoding="utf-8-sig", newline="") as fh:
            rows, errors = parse_calendar_rows(csv.DictReader(fh))
    except UnicodeDecodeError:
        _fail("The file is not UTF-8 text.")
    except csv.Error as exc:  # e.g. a field longer than csv.field_size_limit()
        _fail(f"The file is not a readable CSV table ({exc}); nothing imported.")
    if errors:
        for error in errors:
            click.echo(f"line {error.line}, {error.column}: {error.message}", err=True)
        _fail(f"{len(errors)} error(s); nothing imported.")
    if not rows:
        _fail("The file has no data rows; nothing imported.")
    with audit.acting_as(CLI_ACTOR):
        imported = import_days(rows, source=source, file_name=csv_file.name)
        db.session.commit()
    for year, count in sorted(imported.items()):
        click.echo(f"{year}: {count} days imported.")


def init_app(app: Flask) -> None:
    for command in (init_command, demo_command):
        app.cli.add_command(command)
    app.cli.add_command(users_cli)
    app.cli.add_command(calendar_cli)
    from .annexes.cli import annexes_cli

    app.cli.add_command(annexes_cli)
    from .enterprises.cli import enterprises_cli

    app.cli.add_command(enterprises_cli)
    from .imports.cli import imports_cli

    app.cli.add_command(imports_cli)
    from .reminders.cli import reminders_cli
    from .scheduler import scheduler_command

    app.cli.add_command(reminders_cli)
    app.cli.add_command(scheduler_command)
    from .verification.cli import sample_file_command, verification_cli

    app.cli.add_command(verification_cli)
    from .backup.cli import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    # Every command of the application but the sample-file generator needs the database:
    # each first checks that it can be reached (flask's own commands, run and shell, are not
    # here, and Flask-Migrate's `db` is left alone: `db upgrade` is how an empty database gets
    # its tables; `run` is checked below).
    for command in _leaf_commands(app.cli, skip=("db",)):
        if command is not sample_file_command:
            _checks_database(command, initialised=command not in (init_command, restore_command))
    _check_database_when_serving(app)


def _check_database_when_serving(app: Flask) -> None:
    """``flask run`` loads the application inside its command: stop there with one message
    when the database cannot be reached (gunicorn's entry does the same, ``wsgi.checked``)."""
    context = click.get_current_context(silent=True)
    if context is None or context.info_name != "run":
        return
    with app.app_context():
        problem = database_problem(initialised=False)
    if problem is not None:
        _fail(problem)
