"""HTTP for bench/pages.py: gunicorn serving the application or the bare baseline app on
127.0.0.1, and a keep-alive-free ``http.client`` client with a cookie jar of its own."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
USER_AGENT = "supervision-bench/1"


# -- the servers ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving ``target`` on 127.0.0.1 until stopped."""

    def __init__(
        self,
        target: str,
        database_url: str,
        log: Path,
        *,
        workers: int | None,
        port: int | None = None,
    ):
        """``workers`` None: as many as ``gunicorn.conf.py`` says; ``port`` None: a free one."""
        self.port = port or _free_port()
        env = {
            **os.environ,
            "SUPERVISION_DATABASE_URL": database_url,
            "BENCH_DATABASE_URL": database_url,
            "PYTHONPATH": str(ROOT),
        }
        env.pop("GUNICORN_CMD_ARGS", None)
        self.log = log.open("wb")
        # The project's gunicorn.conf.py applies (its sync worker, timeouts, access log into
        # ``log``); only the address and the number of workers are the bench's.
        count = ["--workers", str(workers)] if workers is not None else []
        self.process = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                *count,
                "--bind",
                f"127.0.0.1:{self.port}",
                target,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"gunicorn did not start ({target})") from None
                time.sleep(0.1)

    def cpu_seconds(self) -> float | None:
        """CPU time the workers have used so far (Linux; None elsewhere): read between two
        sequential requests, the difference is what the server spent on the one between."""
        proc = Path("/proc")
        try:
            children = proc / str(self.process.pid) / "task" / str(self.process.pid) / "children"
            pids = children.read_text().split()
            total = 0
            for pid in pids:
                fields = (proc / pid / "stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            return None
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def bare_app():
    """The baseline (gunicorn ``bench.pages_http:bare_app()``): Flask and SQLAlchemy only, one route
    returning one enterprise row of the bench database as JSON."""
    from flask import Flask, abort, jsonify
    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ["BENCH_DATABASE_URL"])
    app = Flask("bare")
    query = text("SELECT id, name, credit_code, province_id FROM enterprises WHERE id = :id")

    @app.get("/enterprise/<int:enterprise_id>")
    def enterprise(enterprise_id: int):
        with engine.connect() as connection:
            row = connection.execute(query, {"id": enterprise_id}).first()
        if row is None:
            abort(404)
        return jsonify(dict(row._mapping))

    return app


# -- the client -------------------------------------------------------------------------------


class Client:
    """One browser (cookie jar of one session cookie) or API caller; no keep-alive."""

    def __init__(self, port: int, *, token: str | None = None):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token = token

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Connection": "close", "User-Agent": USER_AGENT, "Accept-Language": "zh"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _sep, rest = value.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, data, dict(response.getheaders())
        finally:
            connection.close()

    def login(self, username: str, password: str) -> None:
        status, page, _h = self.request("GET", "/auth/login")
        match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        if status != 200 or match is None:
            raise RuntimeError(f"login form not found ({status})")
        form = urlencode(
            {
                "csrf_token": match.group(1).decode(),
                "username": username,
                "password": password,
                "next": "",
            }
        )
        status, _body, headers = self.request("POST", "/auth/login", form)
        if status != 302:
            raise RuntimeError(f"login of {username} failed ({status})")
