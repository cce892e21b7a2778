"""Bulk writing for generated data sets: rows as plain dicts, never one ORM object per row.

PostgreSQL (psycopg) takes them with ``COPY … FROM STDIN``; other databases with one
``executemany`` INSERT per batch. Ids are given by the generator (``next_id``), so children
can name their parents without reading anything back; ``finish`` moves PostgreSQL's sequences
past them. Column defaults the rows leave out are filled in here, as an ORM insert would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice

from sqlalchemy import Table, func, insert, select, text

#: Rows sent to the database at a time.
BATCH = 10_000


class BulkWriter:
    def __init__(self, session, *, echo: Callable[[str], None] = print):
        self.session = session
        self.echo = echo
        self._next: dict[str, int] = {}
        self._touched: set[str] = set()

    @property
    def connection(self):
        return self.session.connection()

    @property
    def postgresql(self) -> bool:
        connection = self.connection
        return connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"

    def next_id(self, table: Table, count: int = 1) -> int:
        """The first of ``count`` fresh ids of ``table`` (above every id it holds)."""
        name = table.name
        if name not in self._next:
            top = self.session.scalar(select(func.max(table.c.id))) or 0
            self._next[name] = top + 1
        first = self._next[name]
        self._next[name] = first + count
        return first

    def insert(
        self,
        table: Table,
        rows: Iterable[dict],
        *,
        label: str | None = None,
        total: int | None = None,
    ) -> int:
        """Write ``rows`` (dicts of column values) in batches; prints progress under ``label``.
        Returns the number of rows written."""
        self._touched.add(table.name)
        iterator = iter(rows)
        written = 0
        defaults: dict | None = None
        step = max(BATCH, (total or 0) // 20)
        shown = 0
        while batch := list(islice(iterator, BATCH)):
            if defaults is None:
                defaults = _defaults(table, batch[0])
            if defaults:
                batch = [{**defaults, **row} for row in batch]
            if self.postgresql:
                _copy(self.connection, table, batch)
            else:
                self.session.execute(insert(table), batch)
            written += len(batch)
            if label and written - shown >= step:
                shown = written
                self.echo(_progress(label, written, total))
        if label:
            self.echo(_progress(label, written, total, done=True))
        return written

    def finish(self) -> None:
        """PostgreSQL: every touched table's id sequence past the ids the generator gave."""
        if not self.postgresql:
            return
        for name in sorted(self._touched):
            self.session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                    f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{name}"), false)'  # noqa: S608 -- names from the metadata
                ),
                {"t": name},
            )


def _progress(label: str, written: int, total: int | None, *, done: bool = False) -> str:
    if done:
        return f"  {label}: {written:,} rows"
    if total:
        return f"  {label}: {written:,} / {total:,} ({100 * written // total} %)"
    return f"  {label}: {written:,}"


def _defaults(table: Table, row: dict) -> dict:
    """Python-side defaults of the columns ``row`` leaves out (COPY does not apply them)."""
    values = {}
    for column in table.columns:
        if column.key in row or column.default is None:
            continue
        default = column.default
        if default.is_scalar:
            values[column.key] = default.arg
        elif default.is_callable:
            values[column.key] = default.arg(None)
    return values


def _copy(connection, table: Table, rows: list[dict]) -> None:
    from psycopg import sql

    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    # Enum members as the strings the ORM stores, JSON as text: the types' own processors.
    dialect = connection.dialect
    processors = [table.c[c].type.bind_processor(dialect) for c in columns]
    plain = all(p is None for p in processors)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            values = [row[c] for c in columns]
            if not plain:
                values = [
                    v if p is None or v is None else p(v)
                    for p, v in zip(processors, values, strict=True)
                ]
            copy.write_row(values)
