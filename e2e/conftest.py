"""Browser journeys against a real server: the harness.

``make e2e`` installs Debian's Chromium (``e2e/setup.sh``) and runs these tests with Playwright's
sync API. Each test module gets its own gunicorn on 127.0.0.1 serving a fresh copy of a demo
database built once per run; its tests run in order and share that server's state.

Fixtures: ``demo_template`` (session), ``live_server`` (module), ``browser`` (session),
``login``, ``anonymous`` and ``shot``. Every page's console errors, uncaught exceptions and failed
same-origin requests fail the test, except inside ``expect_http_errors(page)``. A failed test
leaves a full-page capture of each of its pages in instance/e2e/failures/.

A module may set ``LIVE_SERVER_CONFIG = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": 8025}``: the
settings reach its server and ``live_server.flask(...)`` as ``SUPERVISION_*`` variables.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    expect,
    sync_playwright,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: Screenshots (``shot``) and failure captures, in the project's git-ignored instance folder.
ARTIFACTS = PROJECT_ROOT / "instance" / "e2e"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"

DEMO_PASSWORD = "jnjc-Demo-2020"  # noqa: S105 -- the published demo password (README.md)
#: Consumer-sale records of the demo (100 000 by default): a few keep the build quick.
DEMO_VERIFICATION_ROWS = 200

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1366, "height": 900}
#: gunicorn workers per live server (sync workers, as in production).
WORKERS = 2
#: Two workers importing the app on a busy two-core machine take 20 s and more.
SERVER_START_SECONDS = 120
LOGIN_PATH = "/auth/login"

# A loaded machine is slow: wait longer than Playwright's 5 s for assertions to come true.
expect.set_options(timeout=15_000)


# ---- the demo database and the server ---------------------------------------------------------


def _app_env(instance: Path, config: dict | None = None) -> dict[str, str]:
    """The environment of the app's processes: this instance folder and nothing inherited
    that would point them elsewhere (a CI's SUPERVISION_DATABASE_URL, say)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPERVISION_")}
    env["SUPERVISION_INSTANCE_PATH"] = str(instance)
    env["SUPERVISION_DEMO_VERIFICATION_ROWS"] = str(DEMO_VERIFICATION_ROWS)
    for key, value in (config or {}).items():
        env[f"SUPERVISION_{key}"] = value if isinstance(value, str) else json.dumps(value)
    return env


def run_flask(
    instance: Path, *args: str, config: dict | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    """``flask --app supervision ARGS`` against ``instance``; fails the test if it fails."""
    completed = subprocess.run(  # noqa: S603 -- our own venv's flask, fixed arguments
        [str(BIN / "flask"), "--app", "supervision", *args],
        cwd=PROJECT_ROOT,
        env=_app_env(instance, config),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if check and completed.returncode != 0:
        raise AssertionError(
            f"flask {' '.join(args)} exited {completed.returncode}\n"
            f"--- stdout\n{completed.stdout}\n--- stderr\n{completed.stderr}"
        )
    return completed


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """An instance folder with the demo database (``flask init`` + ``flask demo``), built once
    per run; ``live_server`` serves copies of it."""
    if not (PROJECT_ROOT / "static" / "vendor" / "echarts" / "echarts.min.js").exists():
        pytest.fail("static/vendor is missing: run `make setup` (or `make e2e`) first")
    instance = tmp_path_factory.mktemp("demo-template")
    started = time.perf_counter()
    run_flask(instance, "init")
    run_flask(instance, "demo")
    _TIMINGS["demo template"] = time.perf_counter() - started
    return instance


def pytest_sessionstart(session) -> None:
    """Failure captures are of this run only."""
    shutil.rmtree(FAILURES, ignore_errors=True)


#: What the run's summary reports: the demo build, each module's server start.
_TIMINGS: dict[str, float] = {}


def pytest_terminal_summary(terminalreporter) -> None:
    if _TIMINGS:
        terminalreporter.write_sep("-", "e2e timings")
        for what, seconds in _TIMINGS.items():
            terminalreporter.write_line(f"{seconds:6.1f}s  {what}")


@dataclass
class LiveServer:
    url: str
    instance: Path
    config: dict = field(default_factory=dict)

    def flask(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run a ``flask --app supervision`` command against this server's instance."""
        return run_flask(self.instance, *args, config=self.config, check=check)


def _serve(instance: Path, config: dict) -> tuple[subprocess.Popen, str, Path]:
    """Start gunicorn on a socket we bound to a free port (no race for the port)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    env = _app_env(instance, config)
    env["GUNICORN_BIND"] = f"fd://{listener.fileno()}"
    env["WEB_CONCURRENCY"] = str(WORKERS)
    # Nothing runs long enough at stop time to wait for.
    env["GUNICORN_CMD_ARGS"] = "--graceful-timeout 10"
    log_path = instance / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 -- our own venv's gunicorn
            [str(BIN / "gunicorn"), "--config", str(PROJECT_ROOT / "gunicorn.conf.py")],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
        )
    listener.close()
    return process, f"http://127.0.0.1:{port}", log_path


def _wait_until_up(process: subprocess.Popen, url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited ({process.returncode}):\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(url + LOGIN_PATH, timeout=30) as response:  # noqa: S310
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            _stop(process)
            pytest.fail(f"GET {LOGIN_PATH} answered {error.code}:\n{_tail(log_path)}")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    _stop(process)
    pytest.fail(f"gunicorn did not answer within {SERVER_START_SECONDS}s:\n{_tail(log_path)}")


def _stop(process: subprocess.Popen) -> None:
    """Quick shutdown (SIGQUIT): the journeys are over, nothing is left to finish."""
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="module")
def live_server(request, demo_template, tmp_path_factory) -> Iterator[LiveServer]:
    """gunicorn (gunicorn.conf.py, 2 sync workers) on 127.0.0.1 serving a copy of the demo
    database, for the tests of one module."""
    name = re.sub(r"\W+", "-", request.module.__name__)
    instance = tmp_path_factory.mktemp(f"instance-{name}")
    shutil.copytree(demo_template, instance, dirs_exist_ok=True)
    config = dict(getattr(request.module, "LIVE_SERVER_CONFIG", {}))
    started = time.perf_counter()
    process, url, log_path = _serve(instance, config)
    try:
        _wait_until_up(process, url, log_path)
        _TIMINGS[f"server start for {request.module.__name__}"] = time.perf_counter() - started
        yield LiveServer(url=url, instance=instance, config=config)
    finally:
        _stop(process)


# ---- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (never `playwright install`)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make e2e` (e2e/setup.sh installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


# ---- what fails a test without an assertion: console errors, failed requests ------------------


@dataclass
class PageWatch:
    """What went wrong on one page; ``allowed`` > 0 inside ``expect_http_errors``."""

    origin: str
    problems: list[str]
    allowed: int = 0


_WATCHES: dict[Page, PageWatch] = {}
#: The problems the test's pages met, and whether its call failed (for the captures).
PROBLEMS = pytest.StashKey[list[str]]()
FAILED = pytest.StashKey[bool]()


def _same_origin(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" == origin


def _watch_page(page: Page, origin: str, problems: list[str]) -> None:
    watch = PageWatch(origin=origin, problems=problems)
    _WATCHES[page] = watch

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if watch.allowed and message.text.startswith("Failed to load resource"):
            return
        problems.append(f"console error on {page.url}: {message.text}")

    def on_page_error(error) -> None:
        problems.append(f"uncaught exception on {page.url}: {error}")

    def on_response(response: Response) -> None:
        if response.status >= 400 and _same_origin(response.url, origin) and not watch.allowed:
            problems.append(f"HTTP {response.status} for {response.request.method} {response.url}")

    def on_request_failed(request: Request) -> None:
        failure = request.failure or ""
        # ERR_ABORTED: a navigation replaced by another, or a link that became a download.
        if _same_origin(request.url, origin) and "ERR_ABORTED" not in failure:
            problems.append(f"request failed ({failure}): {request.method} {request.url}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.on("close", lambda _page: _WATCHES.pop(page, None))


@contextmanager
def expect_http_errors(page: Page) -> Iterator[None]:
    """Allow 4xx/5xx answers (and the console's "Failed to load resource") on ``page`` while
    the block runs: a test that provokes a 403 or 404 on purpose."""
    watch = _WATCHES.get(page)
    if watch is None:
        raise LookupError(
            "expect_http_errors: this page was not opened by the login or anonymous fixture"
        )
    watch.allowed += 1
    try:
        yield
    finally:
        _flush(page)
        watch.allowed -= 1


def _flush(page: Page) -> None:
    """Let Playwright deliver the events the browser has already sent for ``page``."""
    if not page.is_closed():
        try:
            page.evaluate("0")
        except Exception:  # noqa: S110 -- a page navigating away or closing: nothing to flush
            pass


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    problems = item.stash.get(PROBLEMS, None)
    if problems is not None:
        for page in list(_WATCHES):
            _flush(page)
        if problems:
            raise AssertionError("the browser saw errors:\n  " + "\n  ".join(problems))
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    server = getattr(item, "funcargs", {}).get("live_server")
    if report.failed and isinstance(server, LiveServer):
        # What the server said meanwhile (tracebacks of 500s), beside the failure.
        report.sections.append(("gunicorn log (tail)", _tail(server.instance / "gunicorn.log")))
    return report


# ---- login and screenshots --------------------------------------------------------------------


class Contexts:
    """The browser contexts a test opened: every page watched, all closed after the test (with
    a full-page capture of each in instance/e2e/failures/ when the test failed)."""

    def __init__(self, request: pytest.FixtureRequest, browser: Browser, server: LiveServer):
        self.request = request
        self.browser = browser
        self.server = server
        self.problems: list[str] = request.node.stash.setdefault(PROBLEMS, [])
        self.opened: list[BrowserContext] = []

    def new_page(self) -> Page:
        context = self.browser.new_context(
            accept_downloads=True, locale="zh-CN", viewport=VIEWPORT, base_url=self.server.url
        )
        self.opened.append(context)
        context.on("page", lambda page: _watch_page(page, self.server.url, self.problems))
        return context.new_page()

    def close(self) -> None:
        if self.request.node.stash.get(FAILED, False):
            FAILURES.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"\W+", "-", self.request.node.nodeid)
            for n, context in enumerate(self.opened):
                for m, page in enumerate(context.pages):
                    try:
                        page.screenshot(path=FAILURES / f"{name}-{n}-{m}.png", full_page=True)
                    except Exception:  # noqa: S110 -- a capture must not hide the failure
                        pass
        for context in self.opened:
            context.close()


@pytest.fixture
def login(request, browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Page]]:
    """``login("js-officer")`` → a Page in a new browser context, logged in through the login
    form with the demo password, on the page the login lands on."""
    contexts = Contexts(request, browser, live_server)

    def _login(username: str, password: str = DEMO_PASSWORD) -> Page:
        page = contexts.new_page()
        page.goto(LOGIN_PATH)
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        if urlsplit(page.url).path == LOGIN_PATH:
            alert = page.locator(".alert, .invalid-feedback").all_inner_texts()
            pytest.fail(f"login as {username} failed: {' '.join(alert) or page.url}")
        return page

    yield _login
    contexts.close()


@pytest.fixture
def anonymous(request, browser: Browser, live_server: LiveServer) -> Iterator[Callable[[], Page]]:
    """``anonymous()`` → a Page in a new browser context that never logged in (the public),
    watched like ``login``'s pages; navigate it with ``page.goto("/disclosure/")``."""
    contexts = Contexts(request, browser, live_server)
    yield contexts.new_page
    contexts.close()


@pytest.fixture
def shot() -> Callable[[Page, str], Path]:
    """``shot(page, "officer-tasks")`` saves a full-page PNG to
    instance/e2e/screenshots/officer-tasks.png and returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return _shot
