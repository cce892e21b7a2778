"""``flask backup`` and ``flask restore`` as an administrator runs them (real processes, the
test's SQLite or PostgreSQL database): the demo data and an uploaded evidence file, backed up,
restored into an empty database, and compared table by table (rows and a checksum computed here,
independently of the archive's manifest) and byte for byte."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import subprocess
import sys
import tarfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from conftest import _empty_tables, login
from supervision.backup import rules
from supervision.core import audit
from supervision.core.types import utcnow
from supervision.demo.service import DEMO_PASSWORD
from supervision.extensions import db, limiter
from supervision.inspections.models import Evidence, InspectionCase

PROJECT = Path(__file__).resolve().parent.parent
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\xbd\xfa"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
CLI = audit.Actor(None, "command line", source="cli")


@pytest.fixture
def demo_with_evidence(app, client):
    """The demo data, and a photo uploaded by an inspector to one of his cases."""
    from supervision.demo.service import load_demo

    with pytest.MonkeyPatch.context() as patch, app.app_context():
        patch.setitem(app.config, "DEMO_VERIFICATION_ROWS", 300)
        _empty_tables()
        limiter.reset()
        with audit.acting_as(CLI):
            load_demo(now=utcnow())
            db.session.commit()
        login(client, "ha-inspector", DEMO_PASSWORD)
        cases = db.session.scalars(select(InspectionCase).order_by(InspectionCase.id)).all()
        mine = [c for c in cases if "ha-inspector" in {u.username for u in c.inspectors}]
        uploaded = None
        for case in mine:
            response = client.post(
                f"/cases/{case.id}/evidence",
                data={"file": (io.BytesIO(PNG), "现场照片.png"), "description": "现场照片"},
                content_type="multipart/form-data",
            )
            uploaded = db.session.scalar(select(Evidence).where(Evidence.case_id == case.id))
            if response.status_code == 302 and uploaded is not None:
                break
        assert uploaded is not None, "no case of ha-inspector took the upload"
        yield uploaded
        db.session.remove()
        _empty_tables()


@contextmanager
def empty_database(source_url: str, tmp_path: Path):
    """A new, empty database of the test's kind; its URL."""
    url = make_url(source_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    name = f"supervision_restore_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def flask(args: list[str], *, url: str, instance: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "SUPERVISION_DATABASE_URL": url,
        "SUPERVISION_INSTANCE_PATH": str(instance),
        "SUPERVISION_SECRET_KEY": "test-only",
        "PYTHONWARNINGS": "ignore",
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "supervision", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def contents(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows (sorted here, so independent of the
    order and of the backup's own manifest code)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = {}
            for name in inspect(connection).get_table_names():
                rows = connection.exec_driver_sql(f'SELECT * FROM "{name}"').all()  # noqa: S608
                digest = hashlib.sha256()
                for line in sorted(repr(tuple(row)) for row in rows):
                    digest.update(line.encode() + b"\n")
                found[name] = (len(rows), digest.hexdigest())
            return found
    finally:
        engine.dispose()


def test_a_backup_restored_into_an_empty_database_has_every_row_and_file(
    app, demo_with_evidence: Evidence, tmp_path
):
    evidence = demo_with_evidence
    source = app.config["DATABASE_URL"]
    archive = tmp_path / "backups" / "supervision.tar.gz"
    made = flask(["backup", "--out", str(archive)], url=source, instance=Path(app.instance_path))
    assert made.returncode == 0, made.stderr
    assert f"Backup written to {archive}" in made.stdout

    with tarfile.open(archive) as tar:
        manifest = rules.Manifest.from_json(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    expected = contents(source)
    assert manifest.database == make_url(source).get_backend_name()
    assert {name: s.size for name, s in manifest.tables.items()} == {
        name: rows for name, (rows, _checksum) in expected.items()
    }
    assert manifest.tables["evidence"].size == 1 and manifest.tables["users"].size > 50
    # The whole evidence folder is kept (other tests of the session leave files in it too).
    folder = Path(app.instance_path) / "evidence"
    on_disk = {
        path.name: rules.Summary(path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())
        for path in folder.iterdir()
        if path.is_file() and not path.name.endswith(".part")
    }
    assert manifest.files == on_disk
    assert manifest.files[evidence.stored_name] == rules.Summary(
        len(PNG), hashlib.sha256(PNG).hexdigest()
    )
    assert manifest.missing_files == ()
    assert names == {
        "manifest.json",
        manifest.database_member,
        *(f"evidence/{name}" for name in on_disk),
    }

    restored_instance = tmp_path / "restored-instance"
    with empty_database(source, tmp_path) as target:
        done = flask(["restore", "--from", str(archive)], url=target, instance=restored_instance)
        assert done.returncode == 0, done.stderr
        assert "each identical to the manifest" in done.stdout

        assert contents(target) == expected  # every table: same rows, same checksum
        restored_file = restored_instance / "evidence" / evidence.stored_name
        assert restored_file.read_bytes() == PNG
        engine = create_engine(target)
        try:
            with engine.connect() as connection:
                row = connection.execute(
                    select(Evidence.stored_name, Evidence.sha256).where(Evidence.id == evidence.id)
                ).one()
        finally:
            engine.dispose()
        assert tuple(row) == (evidence.stored_name, hashlib.sha256(PNG).hexdigest())

        # Not into a database that has data, unless told to replace it.
        again = flask(["restore", "--from", str(archive)], url=target, instance=restored_instance)
        assert again.returncode == 1
        assert "is not empty" in again.stderr and "--force" in again.stderr
        assert "Traceback" not in again.stderr
        forced = flask(
            ["restore", "--from", str(archive), "--force"], url=target, instance=restored_instance
        )
        assert forced.returncode == 0, forced.stderr
        assert contents(target) == expected


def test_a_damaged_archive_is_reported_not_trusted(app, demo_with_evidence: Evidence, tmp_path):
    source = app.config["DATABASE_URL"]
    archive = tmp_path / "good.tar.gz"
    made = flask(["backup", "--out", str(archive)], url=source, instance=Path(app.instance_path))
    assert made.returncode == 0, made.stderr
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as tar, tarfile.open(damaged, "w:gz") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()
            if member.name.startswith("evidence/"):
                data = data[:-1] + b"X"  # one byte of the photo changed
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    with empty_database(source, tmp_path) as target:
        done = flask(["restore", "--from", str(damaged)], url=target, instance=tmp_path / "i")
    assert done.returncode == 1
    assert f"file {demo_with_evidence.stored_name}: its content differs" in done.stderr
    assert not (tmp_path / "i" / "evidence" / demo_with_evidence.stored_name).exists()

    not_a_backup = tmp_path / "notes.tar.gz"
    with tarfile.open(not_a_backup, "w:gz") as out:
        info = tarfile.TarInfo("notes.txt")
        out.addfile(info, io.BytesIO(b""))
    with empty_database(source, tmp_path) as target:
        done = flask(["restore", "--from", str(not_a_backup)], url=target, instance=tmp_path / "j")
    assert done.returncode == 1
    assert "not a backup of this application" in done.stderr


def test_the_manifest_reads_back_and_refuses_paths_outside_the_folder():
    manifest = rules.Manifest(
        database="sqlite",
        created_at="2026-11-22T00:00:00+00:00",
        revision="e2f3a4b5c6d7",
        tables={"users": rules.Summary(3, "ab" * 32)},
        files={"0f1e2d": rules.Summary(10, "cd" * 32)},
    )
    assert rules.Manifest.from_json(manifest.to_json()) == manifest
    for unsafe in ("../secret_key", "/etc/passwd", "..", "a/b"):
        bad = manifest.to_json().replace('"0f1e2d"', f'"{unsafe}"')
        with pytest.raises(rules.ManifestError, match="unsafe file name"):
            rules.Manifest.from_json(bad)
    with pytest.raises(rules.ManifestError):
        rules.Manifest.from_json('{"format": "something else"}')
    same = rules.table_summary([(1, "a", None), (2, "b", 1.5)])
    assert same == rules.table_summary([(1, "a", None), (2, "b", 1.5)])
    assert same != rules.table_summary([(1, "a", ""), (2, "b", 1.5)])  # NULL is not ""
    assert rules.table_summary([("ab", "c")]) != rules.table_summary([("a", "bc")])
