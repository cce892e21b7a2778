"""Production serving: gunicorn.conf.py, the WSGI entry and the systemd units of deploy/."""

from __future__ import annotations

import importlib
import os
import re
import shlex
import sys
import threading
from pathlib import Path

import pytest
from flask import Flask, request
from gunicorn.config import Config as GunicornConfig
from gunicorn.workers.sync import SyncWorker

import config
from supervision import create_app

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "gunicorn.conf.py"
DEPLOY = ROOT / "deploy"


# -- gunicorn.conf.py ------------------------------------------------------------------------


def load_conf(monkeypatch, **env) -> dict:
    """The names gunicorn.conf.py defines, loaded as gunicorn loads it, in ``env``."""
    for name in ("GUNICORN_BIND", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("__gunicorn_conf__", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


def gunicorn_settings(namespace: dict) -> GunicornConfig:
    """gunicorn's own validation of every setting the file makes (as ``gunicorn`` does)."""
    cfg = GunicornConfig()
    for name, value in namespace.items():
        if name in cfg.settings:
            cfg.set(name, value)
    return cfg


def test_conf_sets_only_real_gunicorn_settings(monkeypatch):
    """A misspelt setting would be ignored by gunicorn without a word."""
    namespace = load_conf(monkeypatch)
    known = GunicornConfig().settings
    made = {
        name
        for name, value in namespace.items()
        if name.islower()
        and not name.startswith("_")
        and not callable(value)
        and type(value).__name__ != "module"
    }
    assert made - set(known) == set()
    gunicorn_settings(namespace)  # every value passes gunicorn's validators


def test_sync_workers_serving_the_wsgi_entry(monkeypatch):
    cfg = gunicorn_settings(load_conf(monkeypatch))
    assert issubclass(cfg.worker_class, SyncWorker)
    assert cfg.threads == 1  # more would turn gunicorn to its threaded worker
    assert cfg.wsgi_app == "supervision.wsgi:app"
    assert cfg.preload_app is False
    assert cfg.max_requests == 0  # recycling a worker would end its imports
    assert cfg.timeout >= 300
    assert cfg.graceful_timeout >= cfg.timeout


def test_bind_and_workers_come_from_the_environment(monkeypatch):
    cfg = gunicorn_settings(load_conf(monkeypatch))
    assert cfg.bind == ["127.0.0.1:8000"]
    cores = len(os.sched_getaffinity(0))
    assert cfg.workers == 2 * cores + 1

    cfg = gunicorn_settings(
        load_conf(
            monkeypatch,
            GUNICORN_BIND="127.0.0.1:8001, unix:/run/supervision/web.sock",
            WEB_CONCURRENCY="3",
        )
    )
    assert cfg.bind == ["127.0.0.1:8001", "unix:/run/supervision/web.sock"]
    assert cfg.workers == 3


class _Listener:
    closed = False

    def close(self):
        self.closed = True


class _Log:
    def __init__(self):
        self.lines = []

    def info(self, message, *args):
        self.lines.append(message % args)


def _worker(namespace, monkeypatch):
    cfg = gunicorn_settings(namespace)
    worker = cfg.worker_class(1, 1, [_Listener()], None, 1.0, cfg, _Log())
    monkeypatch.setattr(worker, "notify", lambda: setattr(worker, "notified", True))
    return worker


def test_a_stopping_worker_finishes_its_imports_first(monkeypatch):
    namespace = load_conf(monkeypatch)
    worker = _worker(namespace, monkeypatch)
    done = threading.Event()
    importing = threading.Thread(target=done.wait, name="import-7-import", daemon=True)
    importing.start()
    threading.Timer(0.3, done.set).start()
    try:
        worker.finish_imports()
        assert not importing.is_alive()
        assert worker.sockets[0].closed  # no new requests meanwhile
        assert worker.notified  # the master was told it is alive
        assert "1 running import" in worker.log.lines[0]
    finally:
        done.set()
        worker.tmp.close()


def test_a_worker_without_imports_exits_at_once(monkeypatch):
    worker = _worker(load_conf(monkeypatch), monkeypatch)
    try:
        worker.finish_imports()
        assert not worker.sockets[0].closed
        assert worker.log.lines == []
    finally:
        worker.tmp.close()


@pytest.fixture
def bare_app(tmp_path, monkeypatch):
    """The application without a database (enough for the CLI and the threads)."""
    monkeypatch.setenv("SUPERVISION_INSTANCE_PATH", str(tmp_path))
    settings = {k: getattr(config.TestConfig, k) for k in dir(config.TestConfig) if k.isupper()}
    settings["DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.sqlite'}"
    return create_app(settings)


def test_the_worker_recognises_the_threads_imports_run_in(bare_app, monkeypatch):
    from supervision.imports import service

    namespace = load_conf(monkeypatch)
    done = threading.Event()
    monkeypatch.setattr(service, "import_job", lambda app, job_id: done.wait(5))
    bare_app.config["IMPORTS_INLINE"] = False
    service.start(bare_app, 12, "import")
    try:
        names = [thread.name for thread in namespace["running_imports"]()]
        assert any(name.startswith("import-12") for name in names)
    finally:
        done.set()


# -- the WSGI entry ----------------------------------------------------------------------------


@pytest.fixture
def wsgi(tmp_path, monkeypatch):
    """supervision.wsgi imported afresh (it creates the app on import) in a scratch instance."""
    monkeypatch.setenv("SUPERVISION_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SUPERVISION_DATABASE_URL", f"sqlite:///{tmp_path / 'wsgi.sqlite'}")
    monkeypatch.delenv("SUPERVISION_PROXY_COUNT", raising=False)
    sys.modules.pop("supervision.wsgi", None)
    try:
        yield importlib.import_module("supervision.wsgi")
    finally:
        sys.modules.pop("supervision.wsgi", None)


def test_the_wsgi_entry_creates_the_app(wsgi, tmp_path):
    assert isinstance(wsgi.app, Flask)
    assert wsgi.app.instance_path == str(tmp_path)
    assert "accounts" in wsgi.app.blueprints
    assert wsgi.app.wsgi_app.__class__.__name__ != "ProxyFix"  # no proxy trusted by default


def _client_address(trust_proxies, proxies: int) -> str:
    app = Flask("probe")
    app.config["PROXY_COUNT"] = proxies
    app.add_url_rule("/ip", "ip", lambda: request.remote_addr)
    trust_proxies(app)
    client = app.test_client()
    response = client.get(
        "/ip",
        headers={"X-Forwarded-For": "10.9.8.7, 203.0.113.5"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    return response.get_data(as_text=True)


def test_the_client_address_comes_from_the_proxies_it_trusts(wsgi):
    trust = wsgi.trust_proxies
    assert _client_address(trust, 0) == "127.0.0.1"  # nothing trusted: the header is forgeable
    assert _client_address(trust, 1) == "203.0.113.5"  # what the one proxy in front saw
    assert _client_address(trust, 2) == "10.9.8.7"


# -- systemd units ----------------------------------------------------------------------------


def read_unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values in order]}} (keys such as ExecReload repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def flask_command(exec_line: str) -> list[str]:
    """``…/flask --app supervision init`` → ["init"]."""
    argv = shlex.split(exec_line)
    assert argv[0].endswith("/.venv/bin/flask"), exec_line
    assert argv[1:3] == ["--app", "supervision"], exec_line
    return argv[3:]


@pytest.mark.parametrize(
    ("unit", "key", "command"),
    [
        ("supervision-web.service", "ExecStartPre", ["init"]),
        ("supervision-web.service", "ExecReload", ["init"]),
        ("supervision-scheduler.service", "ExecStart", ["scheduler"]),
    ],
)
def test_units_run_commands_the_cli_has(bare_app, unit, key, command):
    flask_lines = [v for v in read_unit(unit)["Service"][key] if "/bin/flask " in v]
    assert [flask_command(line) for line in flask_lines] == [command]
    assert command[0] in bare_app.cli.commands
    result = bare_app.test_cli_runner().invoke(args=[*command, "--help"])
    assert result.exit_code == 0, result.output


def test_web_unit_serves_the_configured_entry_and_reloads_with_sighup(monkeypatch):
    service = read_unit("supervision-web.service")["Service"]
    (start,) = service["ExecStart"]
    argv = shlex.split(start)
    assert argv[0].endswith("/.venv/bin/gunicorn")
    assert argv[1:] == [load_conf(monkeypatch)["wsgi_app"]]
    assert service["ExecReload"][-1] == "/bin/kill -s HUP $MAINPID"  # after the migration
    assert service["Type"] == ["notify"]
    assert service["KillMode"] == ["mixed"]  # SIGTERM to the master, which stops its workers


def _seconds(span: str) -> int:
    total = 0
    for number, unit in re.findall(r"(\d+)\s*(min|s)?", span):
        total += int(number) * (60 if unit == "min" else 1)
    return total


def test_systemd_waits_longer_than_gunicorn_for_imports(monkeypatch):
    cfg = gunicorn_settings(load_conf(monkeypatch))
    (stop,) = read_unit("supervision-web.service")["Service"]["TimeoutStopSec"]
    assert _seconds(stop) > cfg.graceful_timeout


def test_units_share_user_folder_and_settings():
    web = read_unit("supervision-web.service")
    scheduler = read_unit("supervision-scheduler.service")
    for key in ("User", "Group", "WorkingDirectory", "EnvironmentFile", "ReadWritePaths"):
        assert web["Service"][key] == scheduler["Service"][key], key
    assert web["Service"]["EnvironmentFile"] == ["/etc/supervision/env"]
    # Only the web unit migrates; the scheduler starts after it.
    assert "ExecStartPre" not in scheduler["Service"]
    assert "supervision-web.service" in scheduler["Unit"]["After"][0].split()


def test_env_example_names_real_settings():
    """Every SUPERVISION_ variable of deploy/env.example is a setting the application reads."""
    names = set()
    for line in (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or (line.startswith("#") and "=" not in line.split()[0]):
            continue
        key = line.lstrip("#").split("=", 1)[0]
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", key), line
        if key.startswith("SUPERVISION_"):
            names.add(key.removeprefix("SUPERVISION_"))
    # Read outside config.Config: the instance folder by create_app, PROXY_COUNT by wsgi.py.
    elsewhere = {"INSTANCE_PATH", "PROXY_COUNT"}
    assert {"DATABASE_URL", "SMTP_HOST", "SECRET_KEY"} <= names
    assert names - elsewhere - set(dir(config.Config)) == set()
