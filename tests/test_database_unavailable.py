"""A database that cannot be used at start (PostgreSQL not listening, a wrong password, a SQLite
file in a missing or read-only folder): every way of starting the application says so in one
message naming the database without its password, and exits non-zero, without a traceback.
Real processes: the ``flask`` commands, ``flask run`` and gunicorn."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "Not-This-Pw-42"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_url() -> str | None:
    url = os.environ.get("SUPERVISION_TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@contextmanager
def _read_only(folder: Path):
    """A folder nobody may write into, root included (root ignores the mode bits: the
    immutable attribute stops it too)."""
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(folder)]).returncode != 0:
        pytest.skip("cannot make a folder read-only for root here (no chattr +i)")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def _commands(port: int) -> dict[str, list[str]]:
    flask = [sys.executable, "-m", "flask", "--app", "supervision"]
    return {
        "init": [*flask, "init"],
        "demo": [*flask, "demo"],
        "scheduler": [*flask, "scheduler"],
        "reminders send-due": [*flask, "reminders", "send-due"],
        "flask run": [*flask, "run", "--host", "127.0.0.1", "--port", str(port)],
        "gunicorn": [GUNICORN, "--bind", f"127.0.0.1:{port}", "supervision.wsgi:app"],
    }


def _run_all(url: str, instance: Path) -> dict[str, subprocess.CompletedProcess]:
    env = {
        **os.environ,
        "SUPERVISION_DATABASE_URL": url,
        "SUPERVISION_INSTANCE_PATH": str(instance),
        "SUPERVISION_SECRET_KEY": "test-only",
        "WEB_CONCURRENCY": "2",
        "PYTHONWARNINGS": "ignore",
    }
    env.pop("SUPERVISION_SMTP_HOST", None)

    def run(argv: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(
            argv, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=180
        )

    commands = _commands(_free_port())
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = dict(zip(commands, pool.map(run, commands.values()), strict=True))
    return results


CASES = ["postgresql-closed-port", "postgresql-wrong-password", "sqlite-missing-folder"]


@pytest.mark.parametrize("case", [*CASES, "sqlite-read-only-folder"])
def test_every_start_says_what_is_wrong_with_the_database_and_exits(case, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    if case == "postgresql-closed-port":
        url = f"postgresql://supervision:{PASSWORD}@127.0.0.1:{_free_port()}/supervision"
        shown = url.replace(PASSWORD, "***").replace("postgresql:", "postgresql+psycopg:")
        reasons = ["Connection refused"]
    elif case == "postgresql-wrong-password":
        server = _postgres_url()
        if server is None:
            pytest.skip("needs a PostgreSQL server (SUPERVISION_TEST_DATABASE_URL)")
        url = make_url(server).set(password=PASSWORD).render_as_string(hide_password=False)
        shown = make_url(url).render_as_string(hide_password=True)
        reasons = ["password authentication failed"]
    elif case == "sqlite-missing-folder":
        url = f"sqlite:///{tmp_path / 'missing' / 'supervision.sqlite'}"
        shown = url
        reasons = [f"(the folder {tmp_path / 'missing'} does not exist)"]
    else:
        folder = tmp_path / "read-only"
        url = f"sqlite:///{folder / 'supervision.sqlite'}"
        shown = url
        reasons = [f"(the folder {folder} is not writable"]
    with _read_only(tmp_path / "read-only") if case == "sqlite-read-only-folder" else _noop():
        results = _run_all(url, instance)

    message = f"Cannot reach the database {shown}: "
    for name, result in results.items():
        output = result.stdout + result.stderr
        assert result.returncode != 0, (name, output)
        assert "Traceback" not in output, (name, output)
        assert PASSWORD not in output, (name, output)
        lines = [line for line in output.splitlines() if message in line]
        assert lines, (name, output)
        assert all(reason in lines[0] for reason in reasons), (name, output)
        # gunicorn checks once, before any worker starts (gunicorn.conf.py, on_starting), and
        # exits with its "application failed to load" code instead of booting workers.
        assert result.returncode == (4 if name == "gunicorn" else 1), (name, output)
        assert len(lines) == 1, (name, output)


@contextmanager
def _noop():
    yield


def test_a_database_without_the_schema_is_told_to_run_init(tmp_path):
    """Reachable but empty (``flask init`` never ran): the commands that need the tables say
    so; ``init`` creates them."""
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    env = {
        **os.environ,
        "SUPERVISION_DATABASE_URL": url,
        "SUPERVISION_INSTANCE_PATH": str(tmp_path),
        "SUPERVISION_SECRET_KEY": "test-only",
        "PYTHONWARNINGS": "ignore",
    }
    flask = [sys.executable, "-m", "flask", "--app", "supervision"]
    result = subprocess.run(
        [*flask, "reminders", "send-due"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"The database {url} has no tables yet: run `flask --app supervision init` first."
    )

    # Flask-Migrate's commands are left alone: `db upgrade` is how an empty database gets its
    # tables (and `db current` tells an operator which revision it is at).
    upgraded = subprocess.run(
        [*flask, "db", "upgrade"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert upgraded.returncode == 0, upgraded.stderr
    assert "has no tables yet" not in upgraded.stderr
    current = subprocess.run(
        [*flask, "db", "current"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=180
    )
    assert current.returncode == 0, current.stderr
    assert "(head)" in current.stdout
