"""Taking a backup and restoring it: one .tar.gz with the database (SQLite's online backup, or
``pg_dump`` in its custom format by the server's own version), the uploaded files
(``instance/evidence``) and the manifest (``rules``); restored into an empty database, then
checked against the manifest.

The manifest's table checksums are read from the very state that is dumped: from the SQLite copy,
or, on PostgreSQL, in the transaction whose snapshot ``pg_dump`` exports (``--snapshot``), so a
backup taken while people work is consistent with its manifest.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import Connection, MetaData, create_engine, inspect, select, union
from sqlalchemy.engine import URL

from ..extensions import db
from ..inspections.evidence import folder as evidence_folder
from ..inspections.models import Evidence
from ..rectification.models import RectificationEvidence
from . import rules
from .rules import Manifest, Summary

CHUNK = 1024 * 1024
POSTGRES_BIN = Path("/usr/lib/postgresql")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


class NotEmpty(BackupError):
    """The database to restore into already has tables."""


@dataclass
class RestoreReport:
    manifest: Manifest
    #: Where the restored database differs from the manifest (empty: identical).
    problems: list[str] = field(default_factory=list)


# -- what a database holds ------------------------------------------------------------------


def table_summaries(connection: Connection) -> dict[str, Summary]:
    """Rows and checksum of every table of the database (``rules.table_summary``), read in
    primary-key order through the driver, as it returns the values."""
    inspector = inspect(connection)
    quote = connection.dialect.identifier_preparer.quote
    summaries = {}
    for name in sorted(inspector.get_table_names()):
        key = inspector.get_pk_constraint(name).get("constrained_columns") or []
        order = f" ORDER BY {', '.join(quote(c) for c in key)}" if key else ""
        result = connection.execution_options(stream_results=True).exec_driver_sql(
            f"SELECT * FROM {quote(name)}{order}"  # noqa: S608 (names from the catalogue)
        )
        rows = result if key else sorted(result, key=rules.row_key)
        summaries[name] = rules.table_summary(rows)
    return summaries


def _revision(connection: Connection) -> str:
    if not inspect(connection).has_table("alembic_version"):
        return ""
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() or ""


def existing_tables() -> list[str]:
    """The tables the database has ([] when it has none)."""
    with db.engine.connect() as connection:
        return sorted(inspect(connection).get_table_names())


# -- uploaded files -----------------------------------------------------------------------------


def _uploaded_files() -> Iterator[Path]:
    """The files of the evidence folder (a ``.part`` is an upload still being written)."""
    for path in sorted(evidence_folder().iterdir()):
        if path.is_file() and not path.name.endswith(".part"):
            if rules.is_safe_file_name(path.name):
                yield path


def _named_files(connection: Connection) -> set[str]:
    """The stored names of the uploaded files the database refers to."""
    stmt = union(select(Evidence.stored_name), select(RectificationEvidence.stored_name))
    return set(connection.scalars(stmt))


def _file_summary(path: Path) -> Summary:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return Summary(size, digest.hexdigest())


# -- PostgreSQL's tools -------------------------------------------------------------------------


def _major(version: str) -> int:
    match = re.match(r"\d+", version)
    return int(match.group()) if match else 0


def pg_tool(name: str, server_major: int) -> str:
    """``pg_dump`` or ``pg_restore`` able to work with the server: the server's own version's
    (``/usr/lib/postgresql/<major>/bin``, Debian's layout), else a newer one; the folder
    ``BACKUP_PG_BINDIR`` when configured."""
    configured = current_app.config.get("BACKUP_PG_BINDIR")
    folders = [Path(configured)] if configured else []
    if POSTGRES_BIN.is_dir():
        versions = [p for p in POSTGRES_BIN.iterdir() if _major(p.name) >= server_major]
        folders += [p / "bin" for p in sorted(versions, key=lambda p: _major(p.name))]
    for folder in folders:
        if (folder / name).is_file():
            return str(folder / name)
    found = shutil.which(name)
    if found and not configured:
        version = subprocess.run(  # noqa: S603 (a tool found on PATH, fixed arguments)
            [found, "--version"], capture_output=True, text=True
        ).stdout
        numbers = re.findall(r"\d+", version)
        if numbers and int(numbers[0]) >= server_major:
            return found
    raise BackupError(
        f"{name} for PostgreSQL {server_major} (or newer) not found: install the PostgreSQL"
        f" client of that version (Debian: postgresql-client-{server_major}), or set"
        " SUPERVISION_BACKUP_PG_BINDIR to the folder that has it."
    )


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The connection string for the tools (no password: that goes in the environment)."""
    from psycopg.conninfo import make_conninfo

    params = {"dbname": url.database, "host": url.host, "port": url.port, "user": url.username}
    params.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    conninfo = make_conninfo(**{k: v for k, v in params.items() if v is not None})
    env = {**os.environ}
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return conninfo, env


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)  # noqa: S603 (pg tools)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.returncode}")


def _server_major(connection: Connection) -> int:
    return connection.dialect.server_version_info[0]


# -- backup -------------------------------------------------------------------------------------


def create_backup(out: Path, *, now: datetime) -> Manifest:
    """Write the archive ``out`` (replaced only once complete) and return its manifest."""
    engine = db.engine
    kind = engine.dialect.name
    if kind not in rules.DATABASE_MEMBERS:
        raise BackupError(f"backups of {kind} databases are not supported")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".backup-") as work:
        dump = Path(work) / rules.DATABASE_MEMBERS[kind]
        if kind == "sqlite":
            tables, revision, named = _dump_sqlite(dump)
        else:
            tables, revision, named = _dump_postgres(dump)
        files = {path.name: (path, _file_summary(path)) for path in _uploaded_files()}
        manifest = Manifest(
            database=kind,
            created_at=now.isoformat(),
            revision=revision,
            tables=tables,
            files={name: summary for name, (_path, summary) in files.items()},
            missing_files=tuple(sorted(named - set(files))),
        )
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            _add_bytes(tar, rules.MANIFEST_NAME, manifest.to_json().encode())
            tar.add(dump, arcname=manifest.database_member)
            for name, (path, _summary) in files.items():
                tar.add(path, arcname=rules.file_member(name))
        os.replace(partial, out)
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


def _dump_sqlite(dump: Path) -> tuple[dict[str, Summary], str, set[str]]:
    """SQLite's online backup into ``dump`` (consistent while others write), and what the copy
    holds."""
    raw = db.engine.raw_connection()
    try:
        target = sqlite3.connect(dump)
        try:
            raw.driver_connection.backup(target)
        finally:
            target.close()
    finally:
        raw.close()
    copy = create_engine(f"sqlite:///{dump}")
    try:
        with copy.connect() as connection:
            return table_summaries(connection), _revision(connection), _named_files(connection)
    finally:
        copy.dispose()


def _dump_postgres(dump: Path) -> tuple[dict[str, Summary], str, set[str]]:
    """``pg_dump -Fc`` of the snapshot this transaction exports, and what that snapshot holds."""
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            conninfo, env = _libpq(db.engine.url)
            tool = pg_tool("pg_dump", _server_major(connection))
            _run(
                [tool, "--format=custom", f"--snapshot={snapshot}", f"--file={dump}", conninfo],
                env,
                "pg_dump",
            )
            return table_summaries(connection), _revision(connection), _named_files(connection)


# -- restore ------------------------------------------------------------------------------------


def read_manifest(tar: tarfile.TarFile) -> Manifest:
    try:
        member = tar.getmember(rules.MANIFEST_NAME)
    except KeyError:
        raise BackupError("not a backup of this application (no manifest.json)") from None
    return Manifest.from_json(tar.extractfile(member).read())


def _member_file(tar: tarfile.TarFile, name: str):
    try:
        member = tar.getmember(name)
    except KeyError:
        raise BackupError(f"the archive has no {name}") from None
    if not member.isfile():
        raise BackupError(f"{name} in the archive is not a plain file")
    return tar.extractfile(member)


def restore_backup(archive: Path, *, force: bool = False) -> RestoreReport:
    """Restore ``archive`` into the configured database (empty unless ``force``) and the
    evidence folder, then compare both with the manifest."""
    kind = db.engine.dialect.name
    try:
        tar = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{archive} is not a readable backup archive ({exc})") from exc
    with tar:
        manifest = read_manifest(tar)
        if manifest.database != kind:
            raise BackupError(
                f"this is a backup of a {manifest.database} database: restore it into"
                f" {manifest.database}, not {kind}"
            )
        existing = existing_tables()
        if existing and not force:
            raise NotEmpty(existing)
        folder = evidence_folder()
        with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".restore-") as work:
            dump = Path(work) / manifest.database_member
            with _member_file(tar, manifest.database_member) as source, dump.open("wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            if kind == "sqlite":
                _restore_sqlite(dump)
            else:
                _restore_postgres(dump, replace=bool(existing))
        problems = [
            _restore_file(tar, name, summary, folder) for name, summary in manifest.files.items()
        ]
    with db.engine.connect() as connection:
        problems = [p for p in problems if p] + rules.differences(
            manifest, table_summaries(connection)
        )
    return RestoreReport(manifest, problems)


def _restore_sqlite(dump: Path) -> None:
    db.engine.dispose()
    raw = db.engine.raw_connection()
    try:
        source = sqlite3.connect(dump)
        try:
            source.backup(raw.driver_connection)
        finally:
            source.close()
    finally:
        raw.close()
    db.engine.dispose()


def _restore_postgres(dump: Path, *, replace: bool) -> None:
    if replace:
        with db.engine.begin() as connection:
            existing = MetaData()
            existing.reflect(connection)
            existing.drop_all(connection)
    with db.engine.connect() as connection:
        tool = pg_tool("pg_restore", _server_major(connection))
    db.engine.dispose()
    conninfo, env = _libpq(db.engine.url)
    _run(
        [
            tool,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={conninfo}",
            str(dump),
        ],
        env,
        "pg_restore",
    )


def _restore_file(tar: tarfile.TarFile, name: str, expected: Summary, folder: Path) -> str:
    """Write one uploaded file back (checked against the manifest); a problem, or ""."""
    target = folder / name
    partial = target.with_name(name + ".part")
    digest = hashlib.sha256()
    size = 0
    with _member_file(tar, rules.file_member(name)) as source, partial.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if Summary(size, digest.hexdigest()) != expected:
        partial.unlink()
        return f"file {name}: its content differs from the manifest (not restored)"
    partial.replace(target)
    return ""
