"""The two passes over a file's rows: validation (streaming the upload once) and import
(re-reading the validated rows). Neither commits; progress is reported through a callback."""

from __future__ import annotations

import csv
import itertools
import operator
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from . import guards, readers
from . import spool as spools
from .kinds import ImportContext, ImportKind

#: Rows validated and written together: one duplicate query and one INSERT per batch.
BATCH_SIZE = 1000
#: The first errors kept on the job for the page; the report file has all of them.
STORED_ERRORS = 500
PREVIEW_ROWS = 20

Progress = Callable[[int], None]


class ErrorReport:
    """Every error, written in row order to a CSV file Excel opens; the first ones kept."""

    def __init__(self, kind: ImportKind, path: Path):
        self.kind = kind
        self.path = path
        self.count = 0
        self.first: list[dict] = []
        self._pending: list[tuple[int, str, str]] = []
        self._fh = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._fh)
        self._writer.writerow([_("行号"), _("列"), _("错误原因")])

    def add(self, row: int, key: str | None, message: str, *, header: str | None = None) -> None:
        column = header if header is not None else self.kind.header(key)
        self._pending.append((row, column, str(message)))

    def flush(self) -> None:
        """Write what was collected so far (called once a batch is fully checked, so the
        report stays in row order)."""
        for row, column, message in sorted(self._pending, key=lambda e: e[0]):
            self.count += 1
            if len(self.first) < STORED_ERRORS:
                self.first.append({"row": row, "column": column, "message": message})
            self._writer.writerow([row, column, message])
        self._pending.clear()

    def close(self) -> None:
        if not self._fh.closed:
            self.flush()
            self._fh.close()


def read_header(kind: ImportKind, rows) -> tuple[int, list] | None:
    """Skip the kind's title rows and merge its header lines: (header row number, cells)."""
    for _skipped in range(kind.title_rows):
        if next(rows, None) is None:
            return None
    merged: list = []
    number = 0
    required = {readers.header_key(c.header) for c in kind.columns if c.required}
    for _line in range(kind.header_rows):
        line = next(rows, None)
        if line is None:
            return None if not merged else (number, merged)
        number, cells = line
        cells = list(cells)
        if len(cells) > guards.MAX_COLUMNS and guards.used_width(cells) > guards.MAX_COLUMNS:
            # Refused at the header, before any data row is read.
            raise guards.too_wide(guards.used_width(cells))
        merged.extend([None] * (len(cells) - len(merged)))
        for index, cell in enumerate(cells):
            if readers.cell_text(cell):
                merged[index] = cell
        if kind.lower_header_alone and required <= {
            readers.header_key(readers.cell_text(c)) for c in merged if readers.cell_text(c)
        }:
            break
    return number, merged


def header_positions(
    kind: ImportKind, header: list, errors: ErrorReport, row: int = 1
) -> dict[str, int]:
    """Column key → position, from the file's header; problems go to ``errors`` (at the
    header's row): an unknown column, a column twice, a required column missing."""
    wanted = {readers.header_key(c.header): c for c in kind.columns}
    ignored = {readers.header_key(h) for h in kind.ignored_headers}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = readers.cell_text(cell)
        if not text or readers.header_key(text) in ignored:
            continue
        column = wanted.get(readers.header_key(text))
        if column is None:
            errors.add(row, None, _("未知的列“%(h)s”：表头应与导入模板一致。", h=text), header=text)
        elif column.key in positions:
            errors.add(row, column.key, _("列“%(h)s”出现了两次。", h=column.header))
        else:
            positions[column.key] = index
    for column in kind.columns:
        if column.required and column.key not in positions:
            errors.add(row, column.key, _("缺少必填列“%(h)s”。", h=column.header))
    errors.flush()
    return positions


def unnamed_columns(header: list) -> list[int]:
    """Positions between the first and the last named column whose header is blank: what a
    header cell merged over two columns leaves (its text is in the first one only)."""
    named = [index for index, cell in enumerate(header) if readers.cell_text(cell)]
    if not named:
        return []
    return [index for index in range(named[0], named[-1]) if not readers.cell_text(header[index])]


def _refuse_unnamed_data(unnamed: list[int], row: int, texts: list) -> None:
    """Data under a blank header would be silently left out: the file is refused instead."""
    for index in unnamed:
        if index < len(texts) and texts[index]:
            raise readers.UnreadableFile(
                _(
                    "第 %(row)s 行的 %(column)s 列有数据，但该列没有表头（表头可能是合并单元格），"
                    "整个文件未导入。请取消表头的合并单元格，使每一列都有自己的表头（与导入模板一致）后重新上传。",
                    row=row,
                    column=guards.column_letters(index + 1),
                )
            )


def _column_reader(kind: ImportKind, positions: dict[str, int], width: int):
    """A row's cells (padded to ``width`` + 1) → the kind's columns' texts, in column order
    (an absent column reads the empty cell past the end)."""
    index = [positions.get(column.key, width) for column in kind.columns]
    return operator.itemgetter(*index) if len(index) > 1 else lambda texts: (texts[index[0]],)


def _check_row(kind: ImportKind, context: ImportContext, row: int, texts, errors) -> Any:
    """``texts``: the kind's columns' texts in column order."""
    context.row = row
    # One search over the row; the cells one by one only to say which (tabs are allowed).
    if readers.has_control_characters("\t".join(texts)):
        bad = [
            c.key
            for c, t in zip(kind.columns, texts, strict=True)
            if readers.has_control_characters(t)
        ]
        for key in bad:
            errors.add(row, key, _("单元格中含有不允许的控制字符。"))
        return None
    if kind.validate_texts is not None:
        value, problems = kind.validate_texts(texts, context)
    else:
        value, problems = kind.validate_row(dict(zip(kind.keys, texts, strict=True)), context)
    for key, message in problems:
        errors.add(row, key, message)
    return None if problems else value


def _check_rows(kind: ImportKind, context: ImportContext, rows: list, errors) -> list:
    """``rows``: (row, the kind's columns' texts). Returns the valid ones' (row, value)."""
    if kind.validate_batch is None:
        checked = ((row, _check_row(kind, context, row, texts, errors)) for row, texts in rows)
        return [(row, value) for row, value in checked if value is not None]
    # One search over the batch; the rows one by one only if a control character is there.
    if readers.has_control_characters(
        "\t".join(itertools.chain.from_iterable(t for _r, t in rows))
    ):
        clean = []
        for row, texts in rows:
            if readers.has_control_characters("\t".join(texts)):
                _check_row(kind, context, row, texts, errors)
            else:
                clean.append((row, texts))
        rows = clean
    values, problems = kind.validate_batch(rows, context)
    for row, key, message in problems:
        errors.add(row, key, message)
    return values


def _check_batch(
    kind: ImportKind, context: ImportContext, batch, errors: ErrorReport, check=None
) -> int:
    found = (check or kind.check_batch)(batch, context) if batch else []
    for row, key, message in found:
        errors.add(row, key, message)
    errors.flush()
    return len(found)


class _TextSpool:
    """Every row's texts as CSV, for a kind whose import pass validates them again."""

    def __init__(self, path: Path):
        self.fh = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.fh)

    def __enter__(self) -> _TextSpool:
        return self

    def __exit__(self, *exc) -> None:
        self.fh.close()

    def texts(self, row: int, texts) -> None:
        self.writer.writerow([row, *texts])


def _open_spool(kind: ImportKind, path: Path):
    if kind.trusts_spool:
        unique = kind.spool_unique[0] if kind.spool_unique else None
        return spools.Spool(path, kind.spool_columns, unique=unique, create=True)
    return _TextSpool(path)


def _kept(kind: ImportKind, spool: spools.Spool, batch: list, errors: ErrorReport) -> list:
    """The batch's values into the spool; those repeating a ``spool_unique`` value of the
    file are errors, and left out of the batch."""
    repeated = spool.append([value for _row, value in batch])
    if not repeated:
        return batch
    key, message = kind.spool_unique
    at = kind.spool_columns.index(key)
    for value, first in repeated:
        errors.add(value[spool.row_at], key, message(value[at], first))
    rows = {value[spool.row_at] for value, _first in repeated}
    return [(row, value) for row, value in batch if row not in rows]


def validate_rows(
    path: Path,
    params: dict,
    kind: ImportKind,
    context: ImportContext,
    errors: ErrorReport,
    spool_path: Path,
    *,
    on_start: Callable[[int | None], None],
    progress: Progress,
) -> tuple[int, list, str | None]:
    """Stream the upload once: every row checked, every error reported, every row written
    normalised to the spool for the import pass. Returns (data rows, preview rows, message
    when the file as a whole is refused)."""
    rows_seen, preview = 0, []
    end_marker = kind.end_marker

    trusted = kind.trusts_spool

    def checked(batch) -> None:
        if trusted:
            batch = _kept(kind, spool, batch, errors)
        _check_batch(kind, context, batch, errors)

    with (
        readers.open_texts(path, params) as (estimate, rows),
        _open_spool(kind, spool_path) as spool,
    ):
        on_start(estimate)
        first = read_header(kind, rows)
        if first is None:
            return 0, [], _("文件是空的：没有表头，也没有数据行。")
        positions = header_positions(kind, list(first[1]), errors, first[0])
        if errors.count:
            return 0, [], _("表头有误，整个文件未导入。")
        width = max(positions.values(), default=0) + 1
        unnamed = unnamed_columns(first[1])
        padding = [""] * (width + 1)
        columns = _column_reader(kind, positions, width)
        pending: list = []

        def validated() -> None:
            batch = _check_rows(kind, context, pending, errors)
            if kind.preview is not None:
                preview.extend(kind.preview(v) for _r, v in batch[: PREVIEW_ROWS - len(preview)])
            checked(batch)
            pending.clear()

        for row_number, texts in rows:
            if end_marker is not None and texts and texts[0] == end_marker:
                break
            if not any(texts):
                continue
            rows_seen += 1
            if unnamed:
                _refuse_unnamed_data(unnamed, row_number, texts)
            if len(texts) <= width:
                texts.extend(padding[: width + 1 - len(texts)])
            selected = columns(texts)
            pending.append((row_number, selected))
            if not trusted:
                spool.texts(row_number, selected)
            if rows_seen % BATCH_SIZE == 0:
                validated()
                progress(rows_seen)
        validated()
    if rows_seen == 0:
        return 0, [], _("文件中没有数据行。")
    return rows_seen, preview, None


def import_rows(
    spool_path: Path,
    kind: ImportKind,
    context: ImportContext,
    errors: ErrorReport,
    *,
    progress: Progress,
) -> int:
    """Write the validated rows batch by batch, in the caller's transaction, after checking
    them again; after the first error nothing more is written. Returns the rows written; the
    caller commits only if ``errors.count`` is 0.

    A kind that ``trusts_spool`` has its values written as the validation kept them, after
    ``recheck_spool`` (duplicates are then the database's unique keys to refuse, see
    ``check_spool``); any other has every row validated again from its text and checked with
    ``check_batch`` in this transaction."""
    if kind.trusts_spool:
        with spools.Spool(spool_path, kind.spool_columns) as spool:
            for row, key, message in kind.recheck_spool(spool, context):
                errors.add(row, key, message)
            errors.flush()
            return 0 if errors.count else kind.write_spool(spool, context, progress)
    written, batch = 0, []

    def write() -> int:
        if not batch or _check_batch(kind, context, batch, errors) or errors.count:
            return 0
        kind.write_batch([value for _row, value in batch], context)
        return len(batch)

    with spool_path.open(encoding="utf-8", newline="") as spool:
        for record in csv.reader(spool):
            row_number = int(record[0])
            value = _check_row(kind, context, row_number, record[1:], errors)
            if value is not None:
                batch.append((row_number, value))
            if len(batch) >= BATCH_SIZE:
                written += write()
                batch = []
                progress(written)
        written += write()
    return written


def check_spool(
    spool_path: Path, kind: ImportKind, context: ImportContext, errors: ErrorReport
) -> int:
    """``check_batch`` over the values a kind that ``trusts_spool`` kept, ``BATCH_SIZE``
    rows at a time: after the database refused the import (a unique key taken since the
    validation), which rows and why. Returns the errors found."""
    with spools.Spool(spool_path, kind.spool_columns) as spool:
        return sum(
            _check_batch(kind, context, batch, errors) for batch in spool.batches(BATCH_SIZE)
        )
