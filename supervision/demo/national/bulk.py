"""Bulk writing for generated data sets: rows as plain dicts, never one ORM object per row.

PostgreSQL (psycopg) takes them with ``COPY … FROM STDIN``; other databases with one
``executemany`` INSERT per batch. Ids are given by the generator (``next_id``), so children
can name their parents without reading anything back; ``finish`` moves PostgreSQL's sequences
past them. Column defaults the rows leave out are filled in here, as an ORM insert would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from sqlalchemy import Table, func, insert, select, text

#: Rows sent to the database at a time.
BATCH = 10_000


class BulkWriter:
    def __init__(self, session, *, echo: Callable[[str], None] = print):
        self.session = session
        self.echo = echo
        self._next: dict[str, int] = {}
        self._touched: dict[str, Table] = {}

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
        self._touched[table.name] = table
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
                _executemany(self.connection, table, batch)
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
        for name, table in sorted(self._touched.items()):
            if "id" not in table.c or not table.c.id.primary_key:
                continue  # association tables (user_roles, task_inspectors …) have no sequence
            statement = f"SELECT setval(pg_get_serial_sequence(:t, 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM \"{name}\"), false)"  # noqa: S608 -- names from the metadata
            self.session.execute(text(statement), {"t": name})


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


def _processors(connection, table: Table, columns: list[str]) -> list:
    """Each column's bind processor as the dialect implements it (enum members as their
    values, JSON as text or psycopg's wrapper, aware datetimes as the column stores them)."""
    dialect = connection.dialect
    return [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]


def _values(rows: list[dict], columns: list[str], processors: list) -> Iterator[list]:
    """Each row's values in ``columns`` order, through the processors (None stays None)."""
    pairs = list(zip(columns, processors, strict=True))
    for row in rows:
        values = []
        for column, process in pairs:
            value = row[column]
            values.append(value if process is None or value is None else process(value))
        yield values


def _executemany(connection, table: Table, rows: list[dict]) -> None:
    """One prepared INSERT for the batch, the values processed once here: SQLAlchemy's own
    executemany spends more time preparing parameters than SQLite spends storing them."""
    columns = list(rows[0])
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=columns)
    if not compiled.positional:  # pragma: no cover -- SQLite and psycopg are positional
        connection.execute(insert(table), rows)
        return
    order = list(compiled.positiontup)
    values = _values(rows, order, _processors(connection, table, order))
    connection.exec_driver_sql(str(compiled), [tuple(v) for v in values])


def _copy(connection, table: Table, rows: list[dict]) -> None:
    from psycopg import sql

    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    values = _values(rows, columns, _processors(connection, table, columns))
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in values:
            copy.write_row(row)
