"""The validated values of a kind that ``trusts_spool``, kept between the two passes in a
SQLite file (table ``rows``, the kind's ``spool_columns``), and written from there into the
database in bulk.

Into SQLite the import pass ATTACHes the file and copies its rows with INSERT … SELECT,
without a Python object per row (a third of the time of an executemany of the same rows);
into PostgreSQL it streams them to the kind's ``write_batch`` (COPY).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Table, event
from sqlalchemy.pool import Pool

#: Rows read back from the spool at a time.
READ_BATCH = 10_000
#: Rows one INSERT … SELECT copies (progress is reported between two).
COPY_CHUNK = 50_000
#: Where a pooled connection notes the spools attached to it (detached when it is returned),
#: and its page cache size before an import set it to ``SQLITE_CACHE_KB``.
_ATTACHED = "import_spools"
_CACHE = "import_cache_size"
#: SQLite's page cache while an import writes (its default is 2 MB).
SQLITE_CACHE_KB = 65_536


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


#: The column of every spool that holds the value's row in the file (as Excel numbers it).
ROW = "row_number"
#: Values looked up at a time (SQLite takes at most 32 766 parameters).
_LOOKUP = 5_000


class Spool:
    """One job's spool file (table ``rows``: the kind's ``spool_columns``, one of which is
    ``row_number``); ``create`` starts it empty (validation), otherwise it is read.

    ``unique``: a column whose value may be kept once (a product code within the file),
    checked by a unique index on disk: a million codes take no memory."""

    def __init__(
        self,
        path: Path,
        columns: tuple[str, ...],
        *,
        unique: str | None = None,
        create: bool = False,
    ):
        self.path = path
        self.columns = columns
        self.row_at = columns.index(ROW)
        self.unique_at = columns.index(unique) if unique else None
        self.closed = False
        if create:
            path.unlink(missing_ok=True)
        self.connection = sqlite3.connect(path, isolation_level="" if create else None)
        if create:
            # Scratch data, rewritten from the upload if lost: no journal, no syncs.
            self.connection.execute("PRAGMA journal_mode=OFF")
            self.connection.execute("PRAGMA synchronous=OFF")
            self.connection.execute(f"CREATE TABLE rows ({', '.join(map(_quoted, columns))})")
            if unique:
                self.connection.execute(
                    f"CREATE UNIQUE INDEX rows_unique ON rows ({_quoted(unique)})"
                )
        marks = ", ".join("?" * len(columns))
        self._insert = f"INSERT OR IGNORE INTO rows VALUES ({marks})"  # noqa: S608 -- no file data
        if unique:
            self._kept = (
                f"SELECT {_quoted(unique)}, {_quoted(ROW)} FROM rows "  # noqa: S608
                f"WHERE {_quoted(unique)} IN ({{}})"
            )

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if self.connection.in_transaction:
                self.connection.commit()
            self.connection.close()

    def append(self, values: list[tuple]) -> list[tuple[tuple, int]]:
        """Keep ``values`` (tuples in ``columns``' order). Those whose ``unique`` value is
        kept already (by an earlier row, or one before in ``values``) are not: they come
        back with the row that holds it, in their order."""
        before = self.connection.total_changes
        self.connection.executemany(self._insert, values)
        if self.unique_at is None or self.connection.total_changes - before == len(values):
            return []
        at, row_at = self.unique_at, self.row_at
        holders: dict = {}
        for start in range(0, len(values), _LOOKUP):
            chunk = list({value[at] for value in values[start : start + _LOOKUP]})
            query = self._kept.format(", ".join("?" * len(chunk)))
            holders.update(self.connection.execute(query, chunk).fetchall())
        return [
            (value, holders[value[at]]) for value in values if holders[value[at]] != value[row_at]
        ]

    def count(self) -> int:
        return self.connection.execute("SELECT COUNT(*) FROM rows").fetchone()[0]

    def select(self, sql: str, params: tuple = ()) -> list[tuple]:
        """The kind's own query of ``rows`` (its re-checks)."""
        return self.connection.execute(sql, params).fetchall()

    def batches(self, size: int = READ_BATCH) -> Iterator[list[tuple[int, tuple]]]:
        """The (row, value) pairs, in the file's order, ``size`` at a time."""
        names = ", ".join(map(_quoted, self.columns))
        cursor = self.connection.execute(f"SELECT {names} FROM rows ORDER BY _rowid_")  # noqa: S608
        row_at = self.row_at
        while chunk := cursor.fetchmany(size):
            yield [(value[row_at], value) for value in chunk]


def insert_into(
    spool: Spool,
    table: Table,
    connection,
    write_batch: Callable[[list[tuple]], None],
    progress: Callable[[int], None],
) -> int:
    """Every value of ``spool`` into ``table`` (whose columns the spool's are), in
    ``connection``'s transaction. Returns the rows written."""
    if connection.dialect.name != "sqlite":
        written = 0
        for batch in spool.batches():
            write_batch([value for _row, value in batch])
            written += len(batch)
            progress(written)
        return written
    total = spool.count()
    spool.close()  # the database reads the file itself from here
    alias = "spool_" + re.sub(r"\W", "_", spool.path.stem, flags=re.ASCII)
    info = connection.connection.info
    attached = info.setdefault(_ATTACHED, set())
    if _CACHE not in info:
        # A million rows go into six indexes of a table of millions: with SQLite's default
        # 2 MB page cache a third of the time is spent reading their pages again.
        info[_CACHE] = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
    if alias not in attached:
        connection.exec_driver_sql(f"ATTACH DATABASE ? AS {alias}", (str(spool.path),))
        attached.add(alias)
    names = ", ".join(_quoted(c) for c in spool.columns)
    statement = (
        f"INSERT INTO {_quoted(table.name)} ({names}) "  # noqa: S608 -- the model's names
        f"SELECT {names} FROM {alias}.rows WHERE _rowid_ > ? AND _rowid_ <= ? ORDER BY _rowid_"
    )
    for start in range(0, total, COPY_CHUNK):
        connection.exec_driver_sql(statement, (start, start + COPY_CHUNK))
        progress(min(start + COPY_CHUNK, total))
    return total


@event.listens_for(Pool, "checkin")
def _detach_spools(dbapi_connection, connection_record) -> None:
    """A spool stays attached until its transaction ends: detach it once the connection is
    back in the pool (its transaction over), before the job deletes the file; and give the
    connection its page cache back."""
    if connection_record is None:
        return
    info = connection_record.info
    try:
        for alias in info.pop(_ATTACHED, ()):
            dbapi_connection.execute(f"DETACH DATABASE {alias}")
        if _CACHE in info:
            dbapi_connection.execute(f"PRAGMA cache_size = {int(info.pop(_CACHE))}")
    except sqlite3.Error:  # pragma: no cover -- a connection being discarded
        pass
