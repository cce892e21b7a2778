"""The sales-record tables' header rows as files carry them (one line, or the group line and
the column line of 附表3-6), and the blank .xlsx template of each table."""

from __future__ import annotations

import io

import xlsxwriter

from .import_columns import SalesTable
from .importing import KINDS

NUMBER_HEADER = "序号"


def header_lines(table: SalesTable) -> list[list[str]]:
    """The header as rows of text: ``[[columns]]`` or ``[[groups], [columns]]`` (a group's
    name over its first column, 序号 over both lines like a merged cell)."""
    lead = [NUMBER_HEADER] if table.numbered else []
    names = lead + [f.header for f in table.fields]
    if table.header_rows == 1:
        return [names]
    groups, previous = list(lead), None
    for f in table.fields:
        groups.append(f.group if f.group != previous else "")
        previous = f.group
    return [groups, names]


def write_header(workbook, sheet, table: SalesTable) -> int:
    """The header rows with merged cells as the seed draws them; returns the rows written."""
    head = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "valign": "vcenter"}
    )
    lines = header_lines(table)
    offset = 1 if table.numbered else 0
    if len(lines) == 1:
        for column, text in enumerate(lines[0]):
            sheet.write_string(0, column, text, head)
        return 1
    if table.numbered:
        sheet.merge_range(0, 0, 1, 0, NUMBER_HEADER, head)
    spans: list[tuple[str, int, int]] = []
    for index, f in enumerate(table.fields, start=offset):
        if spans and spans[-1][0] == f.group:
            spans[-1] = (f.group, spans[-1][1], index)
        else:
            spans.append((f.group, index, index))
    for group, first, last in spans:
        if first == last:
            sheet.write_string(0, first, group, head)
        else:
            sheet.merge_range(0, first, 0, last, group, head)
    for column, text in enumerate(lines[1][offset:], start=offset):
        sheet.write_string(1, column, text, head)
    return 2


def column_widths(table: SalesTable) -> list[int]:
    lead = [6] if table.numbered else []
    return lead + [max(12, len(f.header) * 2 + 2) for f in table.fields]


def template_workbook(table: SalesTable) -> io.BytesIO:
    """The blank file of one table: its header rows as the seed prints them (no title row),
    every column formatted as text (codes keep their leading zeros, nothing becomes a
    formula), and a sheet of notes."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet(table.annex)
    text = workbook.add_format({"num_format": "@"})
    for column, width in enumerate(column_widths(table)):
        sheet.set_column(column, column, width, text)
    rows = write_header(workbook, sheet, table)
    sheet.freeze_panes(rows, 0)
    notes = workbook.add_worksheet("填写说明")
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    notes.set_column(0, 0, 28)
    notes.set_column(1, 1, 90, wrap)
    notes.write_string(0, 0, f"{table.annex} {table.title}", bold)
    notes.write_string(1, 0, "说明", bold)
    notes.write_string(1, 1, str(KINDS[table.key].description))
    line = 2
    for note in table.notes:
        notes.write_string(line, 1, f"注：{note}")
        line += 1
    line += 1
    notes.write_string(line, 0, "列", bold)
    notes.write_string(line, 1, "填写要求", bold)
    for f in table.fields:
        line += 1
        notes.write_string(line, 0, f.header)
        optional = "（可无此列）" if not f.column_required else ""
        notes.write_string(line, 1, ("必填" if f.required else "选填") + optional)
    workbook.close()
    buffer.seek(0)
    return buffer
