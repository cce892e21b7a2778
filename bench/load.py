"""Load test (issue 10): wrk against the ten busiest pages and the API under gunicorn.

    make load                                            # SQLite
    SUPERVISION_DATABASE_URL=postgresql+psycopg://… make load      # PostgreSQL
    python -m bench.load [--seconds 30] [--connections 64] [--only my_cases,mixed]

- The server: gunicorn as in production (``supervision.wsgi:app``, the project's
  ``gunicorn.conf.py``: its sync workers, 2 × cores + 1 of them, timeouts and access log) on
  127.0.0.1:``PORT``, its output kept in ``instance/load/gunicorn-<dialect>.log``.
- The database: on SQLite, the bench's national data set when ``make bench`` has built one
  (``instance/bench/national-*.sqlite``), otherwise the demo data set (``flask init`` + ``flask
  demo``, built once into ``instance/load/demo-<key>.sqlite`` and copied fresh for every run).
  On PostgreSQL, the database ``SUPERVISION_DATABASE_URL`` names, brought up to date with
  ``flask init`` and given the demo data set when it holds no data yet.
- The pages: those of ``bench/pages.py`` (the ten busiest of issue 9), each requested as the
  role that uses it: the session cookie of a login through the real login form, the API's
  bearer token made for the run (deleted afterwards), the public page anonymously.
- One wrk run per page: ``SECONDS`` s with ``CONNECTIONS`` connections (``THREADS`` threads),
  then a mixed run: the ten pages and two writes in turn (a form draft saved by the inspector,
  as the case forms do while one types; the officer's notifications marked read), so that
  writers and readers meet.
- Errors: wrk's socket errors and non-2xx/3xx answers, gunicorn's access log (every status
  ≥ 400) and its error output ("database is locked", tracebacks, worker timeouts). Any of them
  fails the run (exit status 1).

Results go to ``instance/load/latest-<dialect>.json`` and are printed as a Markdown table. The
database is left as found: the run's token and drafts are deleted, the notifications it marked
read are unread again and the logged-in users' ``last_login_at`` restored.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from .dataset import _hide_password, _with_journals, engine_url, generator_key, run_generator
from .load_wrk import THREADS, check_log, mixed_script, read_from, run_wrk
from .pages import Page, discover, make_token
from .pages_http import ROOT, USER_AGENT, Client, Server

SECONDS = 30
CONNECTIONS = 64
#: Where the server listens (127.0.0.1 only).
PORT = 5161
WORK = ROOT / "instance" / "load"
#: The form name of the draft the mixed run saves.
DRAFT_FORM = "load-test"


# -- the database -----------------------------------------------------------------------------


@dataclass
class Database:
    url: str
    dialect: str
    #: What it holds, for the report ("demo data set (…)", "national data set …").
    what: str


def _national_sqlite() -> Path | None:
    found = sorted(
        (ROOT / "instance" / "bench").glob("national-*.sqlite"), key=lambda p: p.stat().st_mtime
    )
    return found[-1] if found else None


def prepare_database(env: dict[str, str], echo=print) -> Database:
    url = env.get("SUPERVISION_DATABASE_URL", "")
    if url and not url.startswith("sqlite"):
        url = engine_url(url)
        echo(f"load: bringing {_hide_password(url)} up to date (flask init, flask demo) …")
        run_generator(ROOT, url, seed=0, sales=0, env=env, echo=_quiet(echo), scale="demo")
        return Database(url, "postgresql", f"demo data set in {_hide_password(url)}")
    national = _national_sqlite()
    if national is not None:
        return Database(f"sqlite:///{national}", "sqlite", f"national data set {national.name}")
    WORK.mkdir(parents=True, exist_ok=True)
    key = generator_key(ROOT, 0, 0)
    template = WORK / f"demo-{key}.sqlite"
    if not template.exists():
        for old in WORK.glob("demo-*.sqlite"):
            for path in _with_journals(old):
                path.unlink(missing_ok=True)
        part = WORK / f".demo-{key}.{os.getpid()}.part.sqlite"
        echo("load: building the demo data set (flask init, flask demo) …")
        try:
            run_generator(
                ROOT, f"sqlite:///{part}", seed=0, sales=0, env=env, echo=_quiet(echo), scale="demo"
            )
            _checkpoint(part)
            os.replace(part, template)
        finally:
            for leftover in _with_journals(part):
                leftover.unlink(missing_ok=True)
    run = WORK / "demo-run.sqlite"
    for path in _with_journals(run):
        path.unlink(missing_ok=True)
    shutil.copyfile(template, run)
    return Database(
        f"sqlite:///{run}", "sqlite", f"demo data set (a fresh copy of {template.name})"
    )


def _quiet(echo):
    """Only the generator's summary lines, not every migration."""

    def show(line: str) -> None:
        if "Running upgrade" not in line:
            echo(line)

    return show


def _checkpoint(path: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


# -- the run ----------------------------------------------------------------------------------


@dataclass
class Setup:
    """What the run needs from the database, and what to put back afterwards."""

    pages: list[Page]
    token: str
    token_id: int
    inspector: str
    case_id: int
    officer: str
    last_login: dict[int, datetime | None]
    unread: list[int]
    drafts_before: set[int]


def setup(app) -> Setup:
    from sqlalchemy import select

    from supervision.core.models import User
    from supervision.extensions import db
    from supervision.inspections import service as cases
    from supervision.inspections.models import FormDraft
    from supervision.reminders.models import Notification

    with app.app_context():
        plan = discover(db.session)
        byname = {p.name: p for p in plan.pages}
        inspector, officer = byname["case_detail"].user, byname["notices_overdue"].user
        names = {p.user for p in plan.pages if p.user} | {plan.api_user}
        users = {
            u.username: u for u in db.session.scalars(select(User).where(User.username.in_(names)))
        }
        # The draft is saved on a case the inspector may still write (as the forms do).
        writable = (
            case
            for case in db.session.scalars(cases.cases_query(users[inspector]).limit(200))
            if cases.may_record(case, users[inspector])
        )
        case_id = next(writable).id
        unread = list(
            db.session.scalars(
                select(Notification.id).where(
                    Notification.user_id == users[officer].id, Notification.read_at.is_(None)
                )
            )
        )
        drafts = set(db.session.scalars(select(FormDraft.id)))
        token, token_id = make_token(db.session, users[plan.api_user])
        db.session.commit()
        return Setup(
            pages=plan.pages,
            token=token,
            token_id=token_id,
            inspector=inspector,
            case_id=case_id,
            officer=officer,
            last_login={u.id: u.last_login_at for u in users.values()},
            unread=unread,
            drafts_before=drafts,
        )


def restore(app, done: Setup) -> None:
    from sqlalchemy import delete, select, update

    from supervision.api.models import ApiToken
    from supervision.core.models import User
    from supervision.extensions import db
    from supervision.inspections.models import FormDraft
    from supervision.reminders.models import Notification

    with app.app_context():
        db.session.execute(delete(ApiToken).where(ApiToken.id == done.token_id))
        db.session.execute(delete(FormDraft).where(FormDraft.id.not_in(done.drafts_before)))
        if done.unread:
            db.session.execute(
                update(Notification).where(Notification.id.in_(done.unread)).values(read_at=None)
            )
        for user in db.session.scalars(select(User).where(User.id.in_(list(done.last_login)))):
            user.last_login_at = done.last_login[user.id]
        db.session.commit()


def _csrf(client: Client, path: str) -> str:
    """The CSRF token of ``client``'s session, from the page's meta tag (as drafts.js reads it)."""
    status, page, _h = client.request("GET", path)
    found = re.search(rb'<meta name="csrf-token" content="([^"]+)"', page)
    if status != 200 or found is None:
        raise RuntimeError(f"no CSRF token on {path} ({status})")
    return found[1].decode()


def _cookie(client: Client) -> str:
    return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def requests_of(done: Setup, clients: dict[str | None, Client]) -> list[dict]:
    """Each page's request as its user sends it, then the mixed run's two writes."""
    common = {"User-Agent": USER_AGENT, "Accept-Language": "zh"}

    def headers_of(page: Page) -> dict[str, str]:
        if page.api:
            return common | {"Authorization": f"Bearer {done.token}"}
        if page.user:
            return common | {"Cookie": _cookie(clients[page.user])}
        return dict(common)

    reads = [
        {"name": p.name, "method": "GET", "path": p.path, "headers": headers_of(p), "body": None}
        for p in done.pages
    ]
    inspector, officer = clients[done.inspector], clients[done.officer]
    # First the tokens: making one stores it in the session, i.e. changes the cookie.
    draft_token = _csrf(inspector, f"/cases/{done.case_id}")
    read_token = _csrf(officer, "/reminders/notifications")
    draft = {
        "name": "draft",
        "method": "PUT",
        "path": f"/cases/{done.case_id}/drafts/{DRAFT_FORM}",
        "headers": common
        | {
            "Cookie": _cookie(inspector),
            "Content-Type": "application/json",
            "X-CSRFToken": draft_token,
        },
        "body": json.dumps({"note": "负载测试草稿", "visit_on": "2020-05-12"}),
    }
    read = {
        "name": "notifications_read",
        "method": "POST",
        "path": "/reminders/notifications/read",
        "headers": common
        | {
            "Cookie": _cookie(officer),
            "Content-Type": "application/x-www-form-urlencoded",
        },
        "body": "csrf_token=" + read_token,
    }
    return [*reads, draft, read]


def run(args, env: dict[str, str], echo=print) -> dict:
    """Every wrk run against a fresh gunicorn; the report (also saved as JSON)."""
    from supervision import create_app
    from supervision.demo.service import DEMO_PASSWORD

    database = prepare_database(env, echo)
    echo(f"load: {database.dialect}, {database.what}")
    app = create_app({"DATABASE_URL": database.url})
    done = setup(app)
    WORK.mkdir(parents=True, exist_ok=True)
    log = WORK / f"gunicorn-{database.dialect}.log"
    script = Path(tempfile.mkstemp(suffix=".lua", prefix="load-", dir=WORK)[1])
    results: list[dict] = []
    try:
        with Server(
            "supervision.wsgi:app", database.url, log, workers=None, port=args.port
        ) as server:
            clients: dict[str | None, Client] = {}
            for username in sorted({p.user for p in done.pages if p.user}):
                clients[username] = Client(server.port)
                clients[username].login(username, DEMO_PASSWORD)
            *reads, draft, read = requests_of(done, clients)
            # Five reads, a write, five reads, the other write: one request in six writes.
            script.write_text(mixed_script([*reads[:5], draft, *reads[5:], read]))
            runs = [(r["name"], r["path"], r["headers"], None) for r in reads]
            runs.append(("mixed", "/", {}, script))  # the script sets every header
            for name, path, headers, lua in runs:
                if args.only and name not in args.only:
                    continue
                echo(f"load: {name}: wrk {args.seconds} s × {args.connections} connections …")
                offset = log.stat().st_size
                load_before = os.getloadavg()[0]
                measured = run_wrk(
                    f"http://127.0.0.1:{server.port}{path}",
                    headers=headers,
                    script=lua,
                    seconds=args.seconds,
                    connections=args.connections,
                )
                checked = check_log(read_from(log, offset))
                row = {
                    "page": name,
                    "path": path if lua is None else "(the ten pages and two writes in turn)",
                    "wrk": asdict(measured),
                    "log": asdict(checked),
                    "failed": measured.errors + checked.failed,
                    "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
                }
                results.append(row)
                echo("  " + _line(row))
    finally:
        script.unlink(missing_ok=True)
        restore(app, done)
    report = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dialect": database.dialect,
        "database": database.what,
        "seconds": args.seconds,
        "connections": args.connections,
        "threads": THREADS,
        "workers": _workers(),
        "cores": os.cpu_count(),
        "results": results,
        "log": str(log.relative_to(ROOT)),
    }
    saved = WORK / f"latest-{database.dialect}.json"
    saved.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    return report


def _workers() -> int:
    """The number of workers gunicorn.conf.py gives (WEB_CONCURRENCY or 2 × cores + 1)."""
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    settings = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(settings)
    return int(settings.workers)


def _line(row: dict) -> str:
    w = row["wrk"]
    p = w["latency_ms"]
    return (
        f"{row['page']}: {w['requests']} requests, {w['rate']:.1f}/s, p50 {p.get('50')} ms, "
        f"p90 {p.get('90')} ms, p99 {p.get('99')} ms, non-2xx/3xx {w['non_2xx_3xx']}, "
        f"socket errors {sum(w['socket_errors'].values())}, log {row['log']['statuses']}, "
        f"locked {row['log']['locked']}, error lines {row['log']['error_lines']}"
    )


def markdown(report: dict) -> str:
    """The results as the README's table rows."""
    lines = [
        '| page | requests | req/s | p50 ms | p90 ms | p99 ms | errors | "database is locked" |',
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in report["results"]:
        w = row["wrk"]
        p = w["latency_ms"]
        lines.append(
            f"| {row['page']} | {w['requests']} | {w['rate']:.1f} | {p.get('50', '–')} | "
            f"{p.get('90', '–')} | {p.get('99', '–')} | {row['failed']} | {row['log']['locked']} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=int, default=SECONDS)
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument(
        "--only", type=lambda s: set(s.split(",")), default=None, help="page names, and/or mixed"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("load: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    report = run(args, dict(os.environ))
    print()
    print(
        f"{report['dialect']}, {report['database']}: {report['workers']} gunicorn workers, "
        f"wrk {report['seconds']} s × {report['connections']} connections per row"
    )
    print(markdown(report))
    failed = [r for r in report["results"] if r["failed"]]
    for row in failed:
        print(f"FAILED {row['page']}: {row['log']['errors']}", file=sys.stderr)
    print(f"load: {'FAILED' if failed else 'no errors'}; gunicorn's log: {report['log']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
