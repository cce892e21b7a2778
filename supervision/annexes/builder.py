"""Writes a layout's table into an xlsxwriter worksheet, one row after the other.

Workbooks are opened in constant-memory mode: each row goes to a temporary file as soon as the
next one starts, so a national workbook of 40 000 tasks never holds more than a row in memory.
The price is that rows must be written in order; multi-row merges (a header spanning both header
rows, the funds merged down the summary) are therefore written cell by cell and declared at the
end (``_declare_merge``), because ``merge_range`` would have to go back to a flushed row.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, BinaryIO

from xlsxwriter import Workbook
from xlsxwriter.utility import xl_range, xl_rowcol_to_cell

from .layouts import Table

#: User text is always text: never a formula, a link or a number because of how it looks.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
LABEL_FONT = "黑体"
#: Characters that make a spreadsheet treat typed text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@")
CHOICES_SHEET = "选项"


@contextmanager
def workbook(out: BinaryIO | str, *, title: str = "") -> Iterator[Workbook]:
    """A constant-memory workbook written to ``out`` when the block ends. If the block or the
    writing fails, the worksheets' temporary row files are closed and removed all the same
    (xlsxwriter removes them only after a successful close)."""
    book = Workbook(out, WORKBOOK_OPTIONS)
    book.set_properties({"title": title, "author": "节能监察管理系统"})
    try:
        yield book
        book.close()
    finally:
        for sheet in book.worksheets():
            handle = getattr(sheet, "row_data_fh", None)
            if handle is not None and not handle.closed:
                handle.close()
            name = getattr(sheet, "row_data_filename", None)
            if name and os.path.exists(name):
                os.unlink(name)


class Styles:
    """The workbook's formats, made once each."""

    _KIND = {
        "text": {"align": "left", "text_wrap": True},
        "center": {"align": "center", "text_wrap": True},
        "code": {"align": "center", "num_format": "@"},
        "int": {"align": "center", "num_format": "0"},
        "money": {"align": "right", "num_format": "#,##0.00"},
    }

    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self._cache: dict[tuple, Any] = {}
        self.label = self._make(font_name=LABEL_FONT, font_size=14)
        self.title = self._make(
            font_name=TITLE_FONT, font_size=18, bold=True, align="center", valign="vcenter"
        )
        self.info_left = self._make(font_name=BODY_FONT, font_size=12, valign="vcenter")
        self.info_right = self._make(
            font_name=BODY_FONT, font_size=12, align="right", valign="vcenter"
        )
        self.header = self._make(
            font_name=TITLE_FONT,
            font_size=11,
            bold=True,
            border=1,
            align="center",
            valign="vcenter",
            text_wrap=True,
        )
        self.note = self._make(
            font_name=BODY_FONT, font_size=10.5, text_wrap=True, valign="top", align="left"
        )

    def _make(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]

    def cell(self, kind: str, *, strong: bool = False, quoted: bool = False, num_format=None):
        props = {"font_name": BODY_FONT, "font_size": 11, "border": 1, "valign": "vcenter"}
        props |= self._KIND[kind]
        if strong:
            props |= {"bold": True}
        if quoted:
            props |= {"quote_prefix": True}
        if num_format:
            props |= {"num_format": num_format}
        return self._make(**props)


def _declare_merge(worksheet, first_row: int, first_col: int, last_row: int, last_col: int):
    """Merge cells that are already written (with the undecorated writers of
    ``TableWriter.add``, the only use of xlsxwriter internals here: ``merge_range`` cannot be
    used for multi-row ranges in constant-memory mode). The tests open every workbook with
    openpyxl and check its cells and merged ranges, so a change upstream shows."""
    worksheet.merge.append([first_row, first_col, last_row, last_col])


def put(worksheet, row: int, col: int, value, fmt, styles: Styles | None = None, kind="text"):
    """Write one value with the writer that matches its type (text stays text)."""
    if value is None or value == "":
        worksheet.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        if styles is not None and value.startswith(FORMULA_TRIGGERS):
            fmt = styles.cell(kind, quoted=True)
        worksheet.write_string(row, col, value, fmt)
    elif isinstance(value, bool):
        worksheet.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, int | float | Decimal):
        worksheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)
    else:
        worksheet.write_string(row, col, str(value), fmt)


class _Fields(dict):
    def __missing__(self, key):
        return ""


class TableWriter:
    """One table on one worksheet: heading, header rows, body rows as they come, 合计, notes."""

    def __init__(
        self,
        workbook: Workbook,
        styles: Styles,
        table: Table,
        *,
        sheet_name: str | None = None,
        fields: Mapping[str, Any] | None = None,
    ):
        self.table = table
        self.styles = styles
        self.fields = _Fields(fields or {})
        self.ws = workbook.add_worksheet(sheet_name or table.sheet)
        self.row = -1
        self._pending: dict[int, list[tuple[int, Any]]] = defaultdict(list)
        self._formats = [styles.cell(c.kind) for c in table.columns]
        self._strong = [styles.cell(c.kind, strong=True) for c in table.columns]
        # What ``add`` does per cell, worked out once: (column, value function, sum key, kind).
        self._body = [
            (i, c.value, c.key if c.total == "sum" else None, c.kind)
            for i, c in enumerate(table.columns)
            if not c.per_table
        ]
        self._per_table = [(i, c.value) for i, c in enumerate(table.columns) if c.per_table]
        self.sums: dict[str, Any] = defaultdict(int)
        self.body_first = self.body_last = None
        self.rows = 0

    # -- rows in order ------------------------------------------------------------------------

    def _next_row(self, height: float | None = None) -> int:
        self.row += 1
        if height is not None:
            self.ws.set_row(self.row, height)
        for col, fmt in self._pending.pop(self.row, ()):
            self.ws.write_blank(self.row, col, None, fmt)
        return self.row

    def _span_down(self, first_row: int, col: int, last_row: int, value, fmt) -> None:
        put(self.ws, first_row, col, value, fmt)
        for row in range(first_row + 1, last_row + 1):
            self._pending[row].append((col, fmt))
        _declare_merge(self.ws, first_row, col, last_row, col)

    def _span_across(self, row: int, first_col: int, last_col: int, value, fmt) -> None:
        if first_col == last_col:
            put(self.ws, row, first_col, value, fmt)
        else:
            self.ws.merge_range(row, first_col, row, last_col, value, fmt)

    def text(self, pattern: str) -> str:
        return pattern.format_map(self.fields)

    # -- the parts of a table -------------------------------------------------------------------

    def start(self) -> None:
        """Column widths, the annex label, title, 填报单位 line and the header rows."""
        table, ws, styles = self.table, self.ws, self.styles
        last = len(table.columns) - 1
        for i, column in enumerate(table.columns):
            ws.set_column(i, i, column.width)
        if table.number is not None:
            put(ws, self._next_row(24), 0, f"附件{table.number}", styles.label)
        self._span_across(self._next_row(40), 0, last, self.text(table.title), styles.title)
        row = self._next_row(24)
        middle = max(1, (last + 1) // 2)
        self._span_across(row, 0, middle - 1, self.text(table.info_left), styles.info_left)
        self._span_across(row, middle, last, self.text(table.info_right), styles.info_right)
        header_first = self._next_row(30)
        if table.has_groups:
            header_last = header_first + 1
            col = 0
            while col <= last:
                column = table.columns[col]
                if column.group is None:
                    self._span_down(
                        header_first, col, header_last, self.text(column.header), styles.header
                    )
                    col += 1
                    continue
                end = col
                while end + 1 <= last and table.columns[end + 1].group == column.group:
                    end += 1
                self._span_across(header_first, col, end, column.group, styles.header)
                col = end + 1
            self._next_row(36)
            for i, column in enumerate(table.columns):
                if column.group is not None:
                    put(ws, header_last, i, self.text(column.header), styles.header)
        else:
            header_last = header_first
            for i, column in enumerate(table.columns):
                put(ws, header_first, i, self.text(column.header), styles.header)
        self._print_setup(header_first, header_last)

    def _print_setup(self, header_first: int, header_last: int) -> None:
        ws = self.ws
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
        ws.center_horizontally()
        ws.repeat_rows(header_first, header_last)
        ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
        ws.set_footer("&C第 &P 页，共 &N 页")
        ws.freeze_panes(header_last + 1, self.table.freeze_columns)

    def add(self, fact, facts=None) -> None:
        """Write one body row computed from ``fact`` (and the table-wide ``facts``).

        The innermost loop of a national workbook (50 000 rows): plain text and whole numbers
        go straight to the worksheet; anything else takes ``put``'s general path."""
        row = self._next_row()
        ws = self.ws
        formats = self._strong if getattr(fact, "strong", False) else self._formats
        in_total = getattr(fact, "in_total", True)
        first = self.body_first is None
        if first:
            self.body_first = row
        self.body_last = row
        self.rows += 1
        for i, value_of in self._per_table:
            put(ws, row, i, value_of(fact, facts) if first else None, self._formats[i])
        # xlsxwriter's undecorated writers: ``write_string`` minus the A1-notation wrapper,
        # which is measurable over the 600 000 cells of a national workbook.
        write_string, write_number = ws._write_string, ws._write_number
        write_blank = ws._write_blank
        for i, value_of, sum_key, kind in self._body:
            value = value_of(fact, facts)
            kind_of = value.__class__
            if kind_of is str:
                if not value:
                    write_blank(row, i, None, formats[i])
                elif value[0] in FORMULA_TRIGGERS:
                    write_string(row, i, value, self.styles.cell(kind, quoted=True))
                else:
                    write_string(row, i, value, formats[i])
            elif value is None:
                write_blank(row, i, None, formats[i])
            elif kind_of is int or kind_of is float:
                write_number(row, i, value, formats[i])
            else:
                put(ws, row, i, value, formats[i], self.styles, kind)
            if sum_key and in_total and isinstance(value, int | Decimal | float):
                self.sums[sum_key] += value

    def blank_rows(self, count: int) -> None:
        """Empty bordered rows to fill in (templates)."""
        for _ in range(count):
            row = self._next_row()
            if self.body_first is None:
                self.body_first = row
            self.body_last = row
            for i, fmt in enumerate(self._formats):
                self.ws.write_blank(row, i, None, fmt)

    def finish(self, facts=None, *, formulas: bool = False) -> None:
        """The 合计 row (values, or formulas in a template) and the notes under the table."""
        table, ws, styles = self.table, self.ws, self.styles
        row = self._next_row(24)
        last = len(table.columns) - 1
        span = table.total_label_span
        self._span_across(row, 0, span - 1, table.total_label, styles.cell("center", strong=True))
        for i, column in enumerate(table.columns[span:], span):
            fmt = styles.cell(column.kind, strong=True, num_format=column.total_format)
            if column.per_table:
                if self.body_first is None:
                    put(ws, row, i, column.value(None, facts), self._formats[i])
                else:
                    put(ws, row, i, None, self._formats[i])
                    _declare_merge(ws, self.body_first, i, row, i)
                continue
            if formulas and column.total_formula and self.body_first is not None:
                cells = xl_range(self.body_first, i, self.body_last, i)
                ws.write_formula(row, i, column.total_formula.format(range=cells), fmt)
            elif column.total == "sum":
                put(ws, row, i, self.sums.get(column.key, 0), fmt)
            elif callable(column.total):
                put(ws, row, i, column.total(facts, self.sums), fmt)
            else:
                put(ws, row, i, None, fmt)
        notes = table.notes + (table.template_notes if formulas else ())
        width = sum(c.width for c in table.columns)
        for note in notes:
            text = self.text(note)
            # A CJK character is about two width units; the row grows with the wrapped lines.
            lines = max(1, math.ceil(len(text) * 2.1 / max(width, 1)))
            self._span_across(self._next_row(16 * lines + 4), 0, last, text, styles.note)

    def validate(self, column_key: str, source: str, first_row: int, last_row: int) -> None:
        col = next(i for i, c in enumerate(self.table.columns) if c.key == column_key)
        self.ws.data_validation(
            first_row,
            col,
            last_row,
            col,
            {
                "validate": "list",
                "source": source,
                "ignore_blank": True,
                "error_title": "请从列表中选择",
                "error_message": "请从下拉列表中选择有效的值。",
            },
        )


def write_choices(workbook: Workbook, styles: Styles, lists: Mapping[str, tuple[str, list[str]]]):
    """A hidden sheet listing the valid values, one column per list, each a defined name
    (``list_<key>``) a dropdown or an importer can use. Returns key → ``=list_<key>``."""
    ws = workbook.add_worksheet(CHOICES_SHEET)
    keys = list(lists)
    for i, key in enumerate(keys):
        ws.set_column(i, i, 28)
        put(ws, 0, i, lists[key][0], styles.header)
    depth = max((len(values) for _header, values in lists.values()), default=0)
    for row in range(1, depth + 1):
        for i, key in enumerate(keys):
            values = lists[key][1]
            if row <= len(values):
                put(ws, row, i, values[row - 1], None)
    sources = {}
    for i, key in enumerate(keys):
        count = max(1, len(lists[key][1]))
        first = xl_rowcol_to_cell(1, i, row_abs=True, col_abs=True)
        last = xl_rowcol_to_cell(count, i, row_abs=True, col_abs=True)
        workbook.define_name(f"list_{key}", f"='{CHOICES_SHEET}'!{first}:{last}")
        sources[key] = f"=list_{key}"
    ws.hide()
    return sources
