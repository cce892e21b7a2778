"""The manifest of a backup: what it holds (each table's rows and checksum, each file's size and
checksum), written as JSON into the archive and checked after a restore. Pure: standard library
only.

A table's checksum is the SHA-256 of its rows in primary-key order, each value written in one
canonical form with its type and length, so that two databases of the same kind holding the same
rows give the same checksum (a backup is restored into the kind of database it was taken from).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from hashlib import sha256
from pathlib import PurePosixPath
from uuid import UUID

FORMAT = "supervision-backup/1"
MANIFEST_NAME = "manifest.json"
#: The archive member of the database dump, by kind of database.
DATABASE_MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
#: The folder of uploaded files in the archive (``instance/evidence`` on disk).
FILES_FOLDER = "evidence"
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,254}")


class ManifestError(ValueError):
    """The manifest cannot be read, or describes something this version cannot restore."""


@dataclass(frozen=True)
class Summary:
    """Rows (tables) or bytes (files), and the SHA-256 of the content."""

    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    database: str  # "sqlite" or "postgresql"
    created_at: str  # ISO 8601, UTC
    #: The schema's migration revision (alembic_version) at the time of the backup.
    revision: str
    tables: Mapping[str, Summary]
    files: Mapping[str, Summary]
    #: Uploaded files the database names but the folder did not have.
    missing_files: Sequence[str] = field(default_factory=tuple)
    format: str = FORMAT

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBERS[self.database]

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": self.format,
                "database": self.database,
                "created_at": self.created_at,
                "revision": self.revision,
                "tables": {name: _plain(s, "rows") for name, s in sorted(self.tables.items())},
                "files": {name: _plain(s, "bytes") for name, s in sorted(self.files.items())},
                "missing_files": sorted(self.missing_files),
            },
            ensure_ascii=False,
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Manifest:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise ManifestError(f"not a backup of this application ({data.get('format')!r})")
            if data["database"] not in DATABASE_MEMBERS:
                raise ManifestError(f"unknown kind of database {data['database']!r}")
            files = {name: _summary(s, "bytes") for name, s in data["files"].items()}
            for name in files:
                if not is_safe_file_name(name):
                    raise ManifestError(f"unsafe file name in the manifest: {name!r}")
            return cls(
                database=data["database"],
                created_at=str(data["created_at"]),
                revision=str(data["revision"]),
                tables={name: _summary(s, "rows") for name, s in data["tables"].items()},
                files=files,
                missing_files=tuple(data.get("missing_files", ())),
            )
        except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
            raise ManifestError(f"unreadable manifest ({exc})") from exc


def _plain(summary: Summary, unit: str) -> dict:
    return {unit: summary.size, "sha256": summary.sha256}


def _summary(data: Mapping, unit: str) -> Summary:
    return Summary(int(data[unit]), str(data["sha256"]))


def is_safe_file_name(name: str) -> bool:
    """A file name that stays inside the folder it is restored into (no path, no ``..``)."""
    return bool(_SAFE_NAME.fullmatch(name)) and name not in {".", ".."}


def file_member(name: str) -> str:
    return str(PurePosixPath(FILES_FOLDER) / name)


# -- checksums --------------------------------------------------------------------------------


def _canonical(value: object) -> tuple[str, bytes]:
    """(type tag, bytes) of one value as a database driver returns it."""
    if value is None:
        return "n", b""
    if isinstance(value, bool):
        return "b", b"1" if value else b"0"
    if isinstance(value, int):
        return "i", str(value).encode()
    if isinstance(value, float):
        return "f", repr(value).encode()
    if isinstance(value, Decimal):
        return "d", str(value).encode()
    if isinstance(value, str):
        return "s", value.encode("utf-8", "surrogatepass")
    if isinstance(value, bytes | bytearray | memoryview):
        return "x", bytes(value)
    if isinstance(value, datetime | date | time):
        return "t", value.isoformat().encode()
    if isinstance(value, timedelta):
        return "p", str(value.total_seconds()).encode()
    if isinstance(value, UUID):
        return "u", str(value).encode()
    if isinstance(value, dict | list):
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
        return "j", text.encode()
    return "o", repr(value).encode()


def row_key(row: Sequence[object]) -> list[tuple[str, bytes]]:
    """A sort key for rows of a table without a primary key (same rows, same order)."""
    return [_canonical(value) for value in row]


def table_summary(rows: Iterable[Sequence[object]]) -> Summary:
    """Rows and checksum of a table, ``rows`` in primary-key order."""
    digest = sha256()
    count = 0
    for row in rows:
        count += 1
        digest.update(b"R%d" % len(row))
        for value in row:
            tag, data = _canonical(value)
            digest.update(b"%s%d:" % (tag.encode(), len(data)))
            digest.update(data)
    return Summary(count, digest.hexdigest())


def differences(expected: Manifest, tables: Mapping[str, Summary]) -> list[str]:
    """What the restored tables do not have of the manifest's (empty: all identical)."""
    found = []
    for name in sorted(set(expected.tables) | set(tables)):
        want, have = expected.tables.get(name), tables.get(name)
        if want is None:
            found.append(f"table {name}: not in the backup")
        elif have is None:
            found.append(f"table {name}: missing after the restore")
        elif want.size != have.size:
            found.append(f"table {name}: {have.size} rows instead of {want.size}")
        elif want.sha256 != have.sha256:
            found.append(f"table {name}: the rows differ (checksum)")
    return found
