"""The registry of import kinds: what a feature declares to have its tables imported.

A feature builds an ``ImportKind`` and calls ``register_kind`` when its module is loaded; the
upload, validation report, preview, confirmation and progress pages then work for it as they
do for the enterprise registry (see ``supervision/enterprises/importing.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.access import Permission
from ..core.models import Organisation, User


@dataclass(frozen=True)
class Column:
    """One column of a kind's table: its key in row dicts and its header in the file."""

    key: str
    header: str
    #: A file without this column is refused as a whole.
    required: bool = False


@dataclass
class ImportContext:
    """What a kind's hooks know about the job; ``state`` is the kind's own scratch space
    (lookups loaded in ``prepare``, keys seen so far in the file …)."""

    job_id: int
    province: Organisation | None
    user: User | None
    params: dict
    #: The row being validated, numbered as Excel shows it.
    row: int = 0
    state: dict = field(default_factory=dict)


def _nothing(context: ImportContext) -> None:
    return None


def _no_batch_check(batch: list[tuple[int, Any]], context: ImportContext) -> list:
    return []


def _no_spool_check(spool, context: ImportContext) -> list:
    return []


def _no_args(params: dict) -> dict | None:
    return {}


@dataclass(frozen=True)
class ImportKind:
    """What a feature registers to have its tables imported.

    - ``validate_row(row, context) -> (value | None, [(column key, message)])``: ``row`` maps
      every column key to the cell's text ("" when empty or absent). Called once per row in
      the validation pass and again in the import pass (but see ``spool_columns``).
    - ``check_batch(batch, context) -> [(row, column key, message)]``: checks needing the
      database, for up to ``BATCH_SIZE`` ``(row, value)`` pairs at once (one query per batch).
      Called in both passes; in the import pass inside the import's transaction.
    - ``write_batch(values, context)``: insert one batch (Core ``insert()``, never one ORM
      object per row). Flushes at most: the machinery commits once, at the end.
    - ``prepare(context)``: load what the row checks need into ``context.state``.
    - ``preview(value) -> [text per column]``: a row as the confirmation page shows it.

    A kind whose validated values are tuples of plain values (str, int, float, None) may
    name them in ``spool_columns``: the validation pass then keeps the values themselves (see
    ``spool``), and the import pass trusts them rather than validating the file again. It
    calls ``recheck_spool(spool, context) -> [(row, column key, message)]``, the checks of
    what may have changed since the validation (a campaign's period), then
    ``write_spool(spool, context, progress) -> rows written``, in the import's transaction;
    a unique key the database refuses then (a duplicate imported meanwhile) is explained by
    ``check_batch`` over the kept values. Without ``spool_columns`` the import pass validates
    every row again from its text (``validate_row`` and ``check_batch``).
    """

    name: str
    label: Any
    columns: tuple[Column, ...]
    validate_row: Callable[[dict[str, str], ImportContext], tuple[Any, list[tuple[str, str]]]]
    write_batch: Callable[[list[Any], ImportContext], None]
    check_batch: Callable[[list[tuple[int, Any]], ImportContext], list] = _no_batch_check
    prepare: Callable[[ImportContext], None] = _nothing
    preview: Callable[[Any], list[str]] | None = None
    #: ``validate_row`` given the cells' texts in ``columns`` order rather than a dict (for
    #: kinds of a million rows: no dict per row). Used instead of it when set.
    validate_texts: Callable[[tuple[str, ...], ImportContext], tuple[Any, list]] | None = None
    #: Trusting kinds: the names of their validated values' items (one of them
    #: ``row_number``, the row in the file), and a column whose value may appear once in
    #: a file, with the message for a repeat: ``(key, message(value, first row))``.
    #: ``validate_texts`` for a batch of rows at once: ``validate_batch([(row, texts)],
    #: context) -> ([(row, value)] of the valid rows, [(row, column key, message)])``, the
    #: same answers row by row (a million rows: columns read at once). Used when set.
    validate_batch: Callable[[list, ImportContext], tuple[list, list]] | None = None
    spool_columns: tuple[str, ...] = ()
    spool_unique: tuple[str, Callable[[Any, int], Any]] | None = None
    recheck_spool: Callable[[Any, ImportContext], list] = _no_spool_check
    write_spool: Callable[[Any, ImportContext, Callable[[int], None]], int] | None = None
    #: Needed (besides the import pages' own) to upload and confirm this kind.
    permission: Permission = Permission.MANAGE_REGISTRY
    #: Endpoints: the blank template to download, and where the imported rows are listed.
    template_endpoint: str | None = None
    done_endpoint: str | None = None
    #: Help shown on the upload page.
    description: Any = ""
    #: Rows above the header (an official table's title and 填报单位 lines).
    title_rows: int = 0
    #: Lines of the header; a column's header is its lowest non-empty cell (two-level tables).
    header_rows: int = 1
    #: A two-level table whose columns all sit under a group may come with its lower header
    #: line alone (files made by other systems drop the group line): the header ends as soon
    #: as every required column is named.
    lower_header_alone: bool = False
    #: A row whose first cell reads this ends the data (the 合计 row; notes follow it).
    end_marker: str | None = None
    #: Headers of columns the file may carry but the import does not read (序号 …).
    ignored_headers: tuple[str, ...] = ()
    #: Whole-number arguments the upload page takes from its address (``?case=12``), kept in
    #: the job's params and carried to "upload again".
    url_params: tuple[str, ...] = ()
    #: The template and done endpoints' arguments from the job's params (None: cannot link).
    endpoint_args: Callable[[dict], dict | None] = _no_args
    #: Largest upload accepted for this kind, in bytes (None: config ``IMPORTS_MAX_BYTES``).
    max_bytes: int | None = None

    @property
    def trusts_spool(self) -> bool:
        return bool(self.spool_columns)

    @functools.cached_property
    def keys(self) -> tuple[str, ...]:
        """The columns' keys, in order."""
        return tuple(column.key for column in self.columns)

    def header(self, key: str | None) -> str:
        for column in self.columns:
            if column.key == key:
                return column.header
        return ""


KINDS: dict[str, ImportKind] = {}


def register_kind(kind: ImportKind) -> ImportKind:
    """A feature makes its table importable (call at import time of its module)."""
    KINDS[kind.name] = kind
    return kind


def kind_of(name: str) -> ImportKind | None:
    return KINDS.get(name)
