"""``make bench``: build (or reuse) the national data set, run every measurement against its
baseline, print one line each and ``bench: N of M goals met``, keep the numbers as JSON.

    python -m bench [--only NAME[,NAME]] [--runs 3] [--sales N] [--seed 2020] [--markdown]
    python -m bench --report instance/bench/latest.json --markdown   (no measuring)

Each measurement is prepared once, then its baseline and the app run alternately (baseline,
app, baseline, app …), each in a fresh ``python -m bench.worker`` process. Progress goes to
stderr; the result lines to stdout. The exit status is 0 when every measurement could be made,
goals met or not; 1 when a measurement failed to run; 2 when the bench could not start.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from bench import dataset as datasets
from bench import registry, report
from bench.report import Outcome, Run
from bench.worker import MARKER

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_ROOT / "instance" / "bench"
DEFAULT_SALES = 10_000_000
#: Lines of a failed worker's stderr kept for the report.
ERROR_TAIL = 60


class WorkerError(Exception):
    """A run could not be made (the worker failed or timed out)."""


def parse_args(argv: list[str] | None = None, env=os.environ) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Measure the application against plain baselines."
    )
    parser.add_argument("--only", help="measurements to run, comma-separated (default: all)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side (default: 3)")
    parser.add_argument(
        "--sales",
        type=int,
        default=int(env.get("BENCH_SALES") or DEFAULT_SALES),
        help="sales records of the national data set (default: $BENCH_SALES or 10 000 000)",
    )
    parser.add_argument("--seed", type=int, default=2020, help="seed of the data set")
    parser.add_argument(
        "--markdown", action="store_true", help="also print the README's Performance table"
    )
    parser.add_argument(
        "--report", type=Path, help="print a saved results file (e.g. latest.json); no measuring"
    )
    parser.add_argument(
        "--timeout", type=float, default=4 * 3600, help="seconds one run may take (default: 4 h)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.sales < 0:
        parser.error("--sales must not be negative")
    return args


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    try:
        return run_bench(argv)
    except KeyboardInterrupt:
        progress("bench: interrupted")
        return 130


def run_bench(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report:
        return show_saved(args.report, markdown=args.markdown)
    found = registry.load()
    for module in found.missing:
        progress(f"bench: bench/{module}.py is not written yet: its measurements are left out")
    try:
        chosen = select(found, args.only)
    except LookupError as exc:
        progress(f"bench: {exc}")
        return 2
    try:
        data = datasets.ensure(
            PROJECT_ROOT, BENCH_DIR, seed=args.seed, sales=args.sales, echo=progress
        )
    except datasets.DatasetError as exc:
        progress(f"bench: {exc}")
        return 2
    work = prepare_work(data.key)
    env = worker_env(data, work)
    database = datasets.describe(data)
    started = datetime.now(UTC)
    outcomes = [measure(m, env=env, runs=args.runs, timeout=args.timeout) for m in chosen]
    if not args.only:
        outcomes += [broken_outcome(module, error) for module, error in found.broken.items()]
    results = {
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "command": " ".join(["python -m bench", *(argv if argv is not None else sys.argv[1:])]),
        "runs": args.runs,
        "machine": machine(database),
        "database": database,
        "missing_modules": found.missing,
        "measurements": [o.to_json() for o in outcomes],
        "summary": report.summary_line(outcomes),
    }
    path = save(results, started)
    progress(f"bench: results written to {path.relative_to(PROJECT_ROOT)}")
    print_outcomes(outcomes, markdown=args.markdown, machine=results["machine"])
    return 1 if any(o.error for o in outcomes) else 0


def select(found: registry.Registry, only: str | None) -> list:
    if not only:
        return list(found.measurements)
    wanted = [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in found.names()]
    if unknown:
        broken = "".join(f"; bench/{m}.py does not import: {e}" for m, e in found.broken.items())
        raise LookupError(
            f"no measurement {', '.join(unknown)}; there are: {', '.join(found.names())}{broken}"
        )
    return [m for m in found.measurements if m.name in wanted]


def prepare_work(key: str) -> Path:
    """The scratch folder of this data set (input files kept between runs); other keys' go."""
    root = BENCH_DIR / "work"
    for old in root.glob("*"):
        if old.is_dir() and old.name != key:
            shutil.rmtree(old, ignore_errors=True)
    work = root / key
    work.mkdir(parents=True, exist_ok=True)
    return work


def worker_env(data: datasets.Dataset, work: Path) -> dict[str, str]:
    """The environment of every worker: the Context, and the data set as the application's
    database (so that any ``create_app()`` in a measurement lands on it)."""
    return dict(os.environ) | {
        "BENCH_DATABASE_URL": data.url,
        "BENCH_WORK": str(work),
        "BENCH_SEED": str(data.seed),
        "BENCH_SALES": str(data.sales),
        "SUPERVISION_DATABASE_URL": data.url,
        "PYTHONUNBUFFERED": "1",
    }


# -- running ------------------------------------------------------------------------------------


def measure(measurement, *, env: dict, runs: int, timeout: float) -> Outcome:
    """Prepare once, then baseline and app alternately ``runs`` times each."""
    name = measurement.name
    app_runs: list[Run] = []
    baseline_runs: list[Run] = []
    try:
        if measurement.prepare is not None:
            progress(f"bench: {name}: prepare …")
            run_worker(name, "prepare", env=env, timeout=timeout)
        for i in range(1, runs + 1):
            for side, kept in (("baseline", baseline_runs), ("app", app_runs)):
                run = run_worker(name, side, env=env, timeout=timeout)
                kept.append(run)
                progress(
                    f"bench: {name}: {side} {i}/{runs}: {report.seconds(run.seconds)},"
                    f" {run.count:,} counted, peak {run.peak_mb:.0f} MB"
                )
    except WorkerError as exc:
        progress(f"bench: {name}: {exc}")
        return report.failed(measurement, str(exc), app_runs, baseline_runs)
    return report.judge(measurement, app_runs, baseline_runs)


def run_worker(name: str, side: str, *, env: dict, timeout: float) -> Run:
    """One run in a fresh process; its stderr is shown as it comes (and kept for errors)."""
    command = [sys.executable, "-m", "bench.worker", name, side]
    process = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group: a timeout stops the children it started too
    )
    tail: list[str] = []
    out: list[str] = []
    readers = [
        threading.Thread(target=_tee, args=(process.stderr, tail), daemon=True),
        threading.Thread(target=lambda: out.append(process.stdout.read()), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise WorkerError(f"{side} run timed out after {timeout:.0f} s") from None
    except BaseException:
        _stop(process)
        raise
    for reader in readers:
        reader.join(timeout=10)
    if process.returncode != 0:
        raise WorkerError(f"{side} run failed (status {process.returncode}): {error_line(tail)}")
    return parse_result("".join(out), side)


def parse_result(stdout: str, side: str = "app") -> Run:
    for line in reversed(stdout.splitlines()):
        if line.startswith(MARKER):
            return Run.from_json(json.loads(line[len(MARKER) :]))
    raise WorkerError(f"{side} run printed no result")


#: The line of a traceback naming the exception: "sqlalchemy.exc.OperationalError: …".
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b.*")


def error_line(lines: list[str], limit: int = 200) -> str:
    """What a failed worker died of: its last exception line, else its last words."""
    found = next((line for line in reversed(lines) if EXCEPTION_LINE.match(line)), None)
    if found is None:
        found = next((line for line in reversed(lines) if line.strip()), "no output")
    found = found.strip()
    return found if len(found) <= limit else found[: limit - 1] + "…"


def _tee(stream, tail: list[str]) -> None:
    for line in stream:
        sys.stderr.write("    " + line)
        tail.append(line.rstrip("\n"))
        del tail[:-ERROR_TAIL]


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def broken_outcome(module: str, error: str) -> Outcome:
    return Outcome(
        name=module,
        title=f"bench/{module}.py",
        unit="",
        goal="—",
        error=error,
        reasons=[f"error: cannot import bench/{module}.py: {error}"],
    )


# -- reporting ------------------------------------------------------------------------------------


def machine(database: dict) -> dict:
    """What the numbers were measured on."""
    return {
        "cores": os.cpu_count(),
        "memory_mb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "database": database["kind"],
        "postgresql": database.get("server_version"),
    }


def save(results: dict, started: datetime) -> Path:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, ensure_ascii=False, indent=2, default=str)
    path = BENCH_DIR / f"results-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(text, encoding="utf-8")
    latest = BENCH_DIR / "latest.json"
    part = latest.with_name(f".latest.{os.getpid()}.json")
    part.write_text(text, encoding="utf-8")
    os.replace(part, latest)
    return path


def print_outcomes(outcomes: list[Outcome], *, markdown: bool, machine: dict | None) -> None:
    if markdown:
        print(report.markdown(outcomes, machine=machine))
        print()
    for outcome in outcomes:
        print(report.line(outcome))
    print(report.summary_line(outcomes), flush=True)


def show_saved(path: Path, *, markdown: bool) -> int:
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        progress(f"bench: cannot read {path}: {exc}")
        return 2
    outcomes = [Outcome.from_json(m) for m in results["measurements"]]
    print_outcomes(outcomes, markdown=markdown, machine=results.get("machine"))
    return 0
