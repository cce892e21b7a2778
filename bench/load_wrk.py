"""wrk for bench/load.py: running it, reading its report, the script of the mixed run, and
what gunicorn's log says about the same requests."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

#: wrk threads (one per core of the machine the README figures come from).
THREADS = 2
#: wrk gives up on an answer after this long and counts a timeout (its default, 2 s, is less
#: than 64 connections queueing for a few sync workers take).
TIMEOUT = "60s"

ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) ')
#: Lines of gunicorn's output that are errors whatever the status codes say.
ERROR_MARKERS = ("database is locked", "Traceback", "WORKER TIMEOUT", "[ERROR]", "[CRITICAL]")


# -- wrk --------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests: int = 0
    seconds: float = 0.0
    rate: float = 0.0
    #: Latency percentiles in ms ("50", "75", "90", "99") and the maximum.
    latency_ms: dict[str, float] = field(default_factory=dict)
    max_ms: float = 0.0
    non_2xx_3xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return self.non_2xx_3xx + sum(self.socket_errors.values())


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    """The figures of wrk's report (run with ``--latency``)."""
    result = WrkResult()
    found = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    if found is None:
        raise ValueError("not a wrk report:\n" + output)
    result.requests = int(found[1])
    result.seconds = _ms(found[2] + found[3]) / 1000
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result.rate = float(rate[1]) if rate else 0.0
    for percent, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M):
        result.latency_ms[percent] = round(_ms(value), 1)
    stats = re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", output, re.M)
    result.max_ms = round(_ms(stats[1]), 1) if stats else 0.0
    non = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    result.non_2xx_3xx = int(non[1]) if non else 0
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket:
        result.socket_errors = dict(
            zip(("connect", "read", "write", "timeout"), map(int, socket.groups()), strict=True)
        )
    return result


def run_wrk(
    url: str, *, headers: dict[str, str], script: Path | None, seconds: int, connections: int
) -> WrkResult:
    """One wrk run against ``url`` (with ``script``: the requests it makes)."""
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={TIMEOUT}",
        "--latency",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    done = subprocess.run(  # noqa: S603 -- wrk from the system, our own arguments
        [*command, url], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def mixed_script(requests: list[dict]) -> str:
    """A wrk script sending ``requests`` (method, path, headers, body) in turn."""
    entries = []
    for r in requests:
        headers = ", ".join(
            f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in r["headers"].items()
        )
        body = _lua_string(r["body"]) if r.get("body") is not None else "nil"
        entries.append(
            f"  {{ method = {_lua_string(r['method'])}, path = {_lua_string(r['path'])}, "
            f"headers = {{ {headers} }}, body = {body} }},"
        )
    return (
        "-- written by bench/load.py: the ten pages and two writes, in turn\n"
        "local requests = {\n" + "\n".join(entries) + "\n}\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n % #requests + 1\n"
        "  local r = requests[n]\n"
        "  return wrk.format(r.method, r.path, r.headers, r.body)\n"
        "end\n"
    )


# -- gunicorn's log ---------------------------------------------------------------------------


@dataclass
class LogCheck:
    #: Access-log status codes.
    statuses: dict[str, int] = field(default_factory=dict)
    locked: int = 0
    #: Error lines (the first few) of gunicorn's and the application's output.
    errors: list[str] = field(default_factory=list)
    error_lines: int = 0

    @property
    def failed(self) -> int:
        bad = sum(n for status, n in self.statuses.items() if status >= "400")
        return bad + self.error_lines


def check_log(text: str) -> LogCheck:
    check = LogCheck()
    statuses: Counter[str] = Counter()
    for line in text.splitlines():
        access = ACCESS_LINE.search(line)
        if access:
            statuses[access["status"]] += 1
            continue
        if "database is locked" in line:
            check.locked += 1
        if any(marker in line for marker in ERROR_MARKERS):
            check.error_lines += 1
            if len(check.errors) < 5:
                check.errors.append(line.strip()[:300])
    check.statuses = dict(sorted(statuses.items()))
    return check


def read_from(path: Path, offset: int) -> str:
    """What was written to ``path`` after ``offset`` (gunicorn's log during one run)."""
    with path.open("rb") as fh:
        fh.seek(offset)
        return fh.read().decode("utf-8", "replace")
