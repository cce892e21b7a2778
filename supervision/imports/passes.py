"""The two passes over a file's rows: validation (streaming the upload once) and import
(re-reading the validated rows). Neither commits; progress is reported through a callback."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from . import readers
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


def _row_values(kind: ImportKind, positions: dict[str, int], texts: list[str]) -> dict[str, str]:
    values = {}
    for column in kind.columns:
        index = positions.get(column.key)
        values[column.key] = texts[index] if index is not None and index < len(texts) else ""
    return values


def _check_row(kind: ImportKind, context: ImportContext, row: int, values, errors) -> Any:
    context.row = row
    bad = [c.key for c in kind.columns if readers.has_control_characters(values[c.key])]
    for key in bad:
        errors.add(row, key, _("单元格中含有不允许的控制字符。"))
    if bad:
        return None
    value, problems = kind.validate_row(values, context)
    for key, message in problems:
        errors.add(row, key, message)
    return None if problems else value


def _check_batch(kind: ImportKind, context: ImportContext, batch, errors: ErrorReport) -> int:
    found = kind.check_batch(batch, context) if batch else []
    for row, key, message in found:
        errors.add(row, key, message)
    errors.flush()
    return len(found)


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
    rows_seen, batch, preview = 0, [], []
    with (
        readers.open_rows(path, params) as (estimate, rows),
        spool_path.open("w", encoding="utf-8", newline="") as spool_fh,
    ):
        on_start(estimate)
        spool = csv.writer(spool_fh)
        first = read_header(kind, rows)
        if first is None:
            return 0, [], _("文件是空的：没有表头，也没有数据行。")
        positions = header_positions(kind, list(first[1]), errors, first[0])
        if errors.count:
            return 0, [], _("表头有误，整个文件未导入。")
        for row_number, cells in rows:
            texts = [readers.cell_text(c) for c in cells]
            if kind.end_marker is not None and texts and texts[0] == kind.end_marker:
                break
            if not any(texts):
                continue
            rows_seen += 1
            values = _row_values(kind, positions, texts)
            value = _check_row(kind, context, row_number, values, errors)
            spool.writerow([row_number, *values.values()])
            if value is not None:
                batch.append((row_number, value))
                if len(preview) < PREVIEW_ROWS and kind.preview is not None:
                    preview.append(kind.preview(value))
            if rows_seen % BATCH_SIZE == 0:
                _check_batch(kind, context, batch, errors)
                batch = []
                progress(rows_seen)
        _check_batch(kind, context, batch, errors)
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
    """Re-check the validated rows (the database checks again, in the caller's transaction)
    and write them batch by batch; after the first error nothing more is written. Returns the
    rows written; the caller commits only if ``errors.count`` is 0."""
    keys = [c.key for c in kind.columns]
    written, batch = 0, []

    def write() -> int:
        if not batch or _check_batch(kind, context, batch, errors) or errors.count:
            return 0
        kind.write_batch([value for _row, value in batch], context)
        return len(batch)

    with spool_path.open(encoding="utf-8", newline="") as spool:
        for record in csv.reader(spool):
            row_number = int(record[0])
            values = dict(zip(keys, record[1:], strict=True))
            value = _check_row(kind, context, row_number, values, errors)
            if value is not None:
                batch.append((row_number, value))
            if len(batch) >= BATCH_SIZE:
                written += write()
                batch = []
                progress(written)
        written += write()
    return written
