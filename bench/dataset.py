"""The national data set the bench measures against, built once and cached.

SQLite (the default): ``instance/bench/national-<key>.sqlite``, where the key hashes the
generator's sources (the demo packages, the migrations, the sample-file writer), the seed and the
number of sales records: changing any of them builds a new file and removes the old ones. The
file is built under a temporary name by the CLI itself (``flask init``, then ``flask demo --scale
national``) and renamed into place only when complete, so a killed build never leaves a file that
looks valid.

PostgreSQL (``SUPERVISION_DATABASE_URL`` set to a server; a SQLite URL there is ignored, the
bench keeps its own file): that database is used as it is. It is built into
when it holds no national data yet; the key is then kept in the ``settings`` row
``bench_generator_key``, and a database holding national data of another key is refused.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from supervision.demo.national import MARKER_KEY as MARKER_SETTING

#: What the generator is made of: a change to any of these files changes the data set.
SOURCES = (
    "supervision/demo/**/*.py",
    "migrations/versions/*.py",
    "supervision/verification/samplefiles.py",
)
#: The settings row holding the generator key of a PostgreSQL bench database.
KEY_SETTING = "bench_generator_key"
#: Lines of a failed generator's output repeated in the error.
TAIL_LINES = 15


class DatasetError(Exception):
    """The data set could not be built or used: the bench cannot run."""


@dataclass
class Dataset:
    #: SQLAlchemy-style URL the measurements connect to.
    url: str
    #: "sqlite" or "postgresql".
    kind: str
    key: str
    seed: int
    sales: int
    #: The SQLite file (None on PostgreSQL).
    path: Path | None = None
    #: Seconds the build took in this run (0 when the cached data set was used).
    built_seconds: float = 0.0


# -- the key ------------------------------------------------------------------------------------


def source_files(root: Path) -> list[Path]:
    files = set()
    for pattern in SOURCES:
        files.update(p for p in root.glob(pattern) if p.is_file())
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def generator_key(root: Path, seed: int, sales: int) -> str:
    """Hash of the generator's sources (names and contents), the seed and the size."""
    digest = hashlib.sha256(f"seed={seed};sales={sales}\n".encode())
    for path in source_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


# -- building -----------------------------------------------------------------------------------


def ensure(
    root: Path,
    bench_dir: Path,
    *,
    seed: int,
    sales: int,
    env: dict[str, str] | None = None,
    echo: Callable[[str], None] = print,
) -> Dataset:
    """The data set of this generator, seed and size: the cached one or a new build."""
    env = dict(os.environ if env is None else env)
    key = generator_key(root, seed, sales)
    url = env.get("SUPERVISION_DATABASE_URL")
    if url and not url.startswith("sqlite"):
        return _ensure_server(root, url, key=key, seed=seed, sales=sales, env=env, echo=echo)
    return _ensure_sqlite(root, bench_dir, key=key, seed=seed, sales=sales, env=env, echo=echo)


def sqlite_path(bench_dir: Path, key: str) -> Path:
    return bench_dir / f"national-{key}.sqlite"


def _ensure_sqlite(root, bench_dir: Path, *, key, seed, sales, env, echo) -> Dataset:
    bench_dir.mkdir(parents=True, exist_ok=True)
    final = sqlite_path(bench_dir, key)
    dataset = Dataset(f"sqlite:///{final}", "sqlite", key, seed, sales, path=final)
    if final.exists():
        echo(f"bench: national data set {final.name} (seed {seed}, {sales:,} sales records)")
        return dataset
    removed = remove_stale(bench_dir, keep=key)
    if removed:
        echo("bench: removed the data set of an older generator: " + ", ".join(removed))
    part = bench_dir / f".national-{key}.{os.getpid()}.part.sqlite"
    echo(f"bench: building the national data set (seed {seed}, {sales:,} sales records) …")
    started = time.perf_counter()
    try:
        run_generator(root, f"sqlite:///{part}", seed=seed, sales=sales, env=env, echo=echo)
        _seal(part)
        os.replace(part, final)
    finally:
        for leftover in _with_journals(part):
            leftover.unlink(missing_ok=True)
    dataset.built_seconds = time.perf_counter() - started
    echo(f"bench: data set built in {dataset.built_seconds:.0f} s: {final.name}")
    return dataset


def remove_stale(bench_dir: Path, *, keep: str) -> list[str]:
    """Remove data sets of other keys and the parts of builds whose process is gone."""
    removed = []
    for path in sorted(bench_dir.glob("national-*.sqlite*")):
        if not path.name.startswith(f"national-{keep}."):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    for path in sorted(bench_dir.glob(".national-*.part.sqlite*")):
        pid = path.name.split(".")[2]
        if not (pid.isdigit() and _alive(int(pid))):
            path.unlink(missing_ok=True)
    return [n for n in removed if n.endswith(".sqlite")]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _with_journals(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _seal(part: Path) -> None:
    """Check the build is complete, and fold the write-ahead log into the file so that the
    file alone is the data set."""
    connection = sqlite3.connect(part)
    try:
        marker = connection.execute(
            "SELECT value FROM settings WHERE key = ?", (MARKER_SETTING,)
        ).fetchone()
        if marker is None:
            raise DatasetError("the generator finished but the data set has no national marker")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    wal = part.with_name(part.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        raise DatasetError(f"{wal} still holds data after the checkpoint")


def run_generator(
    root: Path, url: str, *, seed: int, sales: int, env: dict, echo, scale: str = "national"
) -> None:
    """``flask init`` then ``flask demo --scale national`` (or, with ``scale="demo"``, the
    walkthrough demo) into ``url``, output shown as it comes; DatasetError with the last lines
    when either fails."""
    env = env | {"SUPERVISION_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    flask = [sys.executable, "-m", "flask", "--app", "supervision"]
    demo = ["demo", "--scale", scale]
    if scale == "national":
        demo += ["--seed", str(seed), "--sales", str(sales)]
    for args in (["init"], demo):
        command = flask + args
        tail: list[str] = []
        with subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
            command,
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        ) as process:
            for raw in process.stdout or ():
                text = raw.rstrip("\n")
                tail = (tail + [text])[-TAIL_LINES:]
                echo(f"  | {text}")
        if process.returncode != 0:
            shown = " ".join(["flask --app supervision", *args])
            raise DatasetError(
                f"building the {scale} data set failed: `{shown}` exited with status "
                f"{process.returncode}. Its last lines:\n" + "\n".join(tail)
            )


# -- PostgreSQL ---------------------------------------------------------------------------------


def _ensure_server(root, url: str, *, key, seed, sales, env, echo) -> Dataset:
    dataset = Dataset(url, "postgresql", key, seed, sales)
    marker, stored = _server_settings(url)
    shown = _hide_password(url)
    if marker is not None:
        if stored == key:
            echo(f"bench: national data set in {shown} (seed {seed}, {sales:,} sales records)")
            return dataset
        raise DatasetError(
            f"{shown} already holds national data ({marker}) of "
            + (f"generator key {stored}" if stored else "an unknown generator")
            + f"; this bench needs key {key} (seed {seed}, {sales:,} sales records). "
            "Point SUPERVISION_DATABASE_URL at an empty database (e.g. `createdb "
            "supervision_bench`) or drop and recreate this one."
        )
    echo(f"bench: building the national data set into {shown} (seed {seed}, {sales:,} sales) …")
    started = time.perf_counter()
    run_generator(root, url, seed=seed, sales=sales, env=env, echo=echo)
    _store_key(url, key)
    dataset.built_seconds = time.perf_counter() - started
    echo(f"bench: data set built in {dataset.built_seconds:.0f} s")
    return dataset


def engine_url(url: str) -> str:
    """The URL SQLAlchemy needs (psycopg 3 for PostgreSQL, as the application uses)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(engine_url(url)).render_as_string(hide_password=True)


def _server_settings(url: str) -> tuple[str | None, str | None]:
    """The national marker and the stored generator key (None when absent)."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(engine_url(url))
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("settings"):
                return None, None
            rows = dict(
                connection.execute(
                    text("SELECT key, value FROM settings WHERE key IN (:marker, :key)"),
                    {"marker": MARKER_SETTING, "key": KEY_SETTING},
                ).all()
            )
    except Exception as exc:
        raise DatasetError(f"cannot read {_hide_password(url)}: {exc}") from exc
    finally:
        engine.dispose()
    return rows.get(MARKER_SETTING), rows.get(KEY_SETTING)


def _store_key(url: str, key: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(engine_url(url))
    try:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM settings WHERE key = :key"), {"key": KEY_SETTING})
            connection.execute(
                text("INSERT INTO settings (key, value) VALUES (:key, :value)"),
                {"key": KEY_SETTING, "value": key},
            )
    finally:
        engine.dispose()


# -- what the report says about it ----------------------------------------------------------------


def describe(dataset: Dataset) -> dict:
    """Kind, size, rows per table and server version of the data set, for the JSON."""
    from sqlalchemy import create_engine, inspect, text

    info: dict = {
        "kind": dataset.kind,
        "url": _hide_password(dataset.url),
        "key": dataset.key,
        "seed": dataset.seed,
        "sales": dataset.sales,
        "built_seconds": round(dataset.built_seconds, 1),
    }
    engine = create_engine(engine_url(dataset.url))
    try:
        with engine.connect() as connection:
            tables = sorted(inspect(connection).get_table_names())
            info["rows"] = {
                name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()  # noqa: S608 -- names from the catalogue
                for name in tables
            }
            if dataset.kind == "postgresql":
                info["size_bytes"] = connection.execute(
                    text("SELECT pg_database_size(current_database())")
                ).scalar()
                info["server_version"] = connection.execute(text("SHOW server_version")).scalar()
            elif dataset.path is not None:
                info["size_bytes"] = dataset.path.stat().st_size
    finally:
        engine.dispose()
    return info
