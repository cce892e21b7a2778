"""Uploaded tables read row by row: .xlsx with python-calamine (or openpyxl, streaming), .csv
with the csv module."""

from __future__ import annotations

import codecs
import contextlib
import csv
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from . import guards
from .guards import UnreadableFile

__all__ = ["UnreadableFile"]

#: File extensions accepted, and the format each one means.
FORMATS = {".xlsx": "xlsx", ".csv": "csv"}
#: Encodings a CSV may use: what Excel writes as "CSV UTF-8", and the Chinese national one
#: (a superset of GBK and GB2312, which Excel writes as plain "CSV" on Chinese Windows).
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
_CHUNK = 1 << 20


def file_format(file_name: str) -> str:
    """``xlsx`` or ``csv`` from the file name, or refused with a message saying what is accepted."""
    suffix = Path(file_name or "").suffix.lower()
    if suffix == ".xls":
        raise UnreadableFile(_l("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后上传。"))
    if suffix not in FORMATS:
        raise UnreadableFile(_l("只接受 .xlsx 或 .csv 文件。"))
    return FORMATS[suffix]


def sniff(path: Path, fmt: str) -> dict:
    """Check the content matches the extension; returns reading parameters (the encoding).

    A renamed binary (a picture called .csv, a .doc called .xlsx) is refused here, before
    any row is read.
    """
    if fmt == "xlsx":
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
            # Word and PowerPoint files are such zips too: a workbook has its parts under xl/.
            ok = "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)
        except (zipfile.BadZipFile, OSError):
            ok = False
        if not ok:
            raise UnreadableFile(
                _l("文件内容不是 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件。")
            )
        # A zip bomb, or a sheet thousands of columns wide, is refused here from the zip's
        # directory and the sheet's first bytes: no reader ever inflates it.
        guards.check_workbook(path, max_unpacked=_max_unpacked())
        return {"format": "xlsx"}
    encoding = csv_encoding(path)
    if encoding is None:
        raise UnreadableFile(
            _l("文件不是 UTF-8 或 GB18030（GBK）编码的 CSV 文本，可能是改了扩展名的其他文件。")
        )
    guards.check_csv_lines(path)
    guards.check_csv_head(path, encoding)
    return {"format": "csv", "encoding": encoding}


def _max_unpacked() -> int:
    if has_app_context():
        return int(current_app.config.get("IMPORTS_MAX_UNPACKED_BYTES", guards.MAX_UNPACKED_BYTES))
    return guards.MAX_UNPACKED_BYTES


def csv_encoding(path: Path) -> str | None:
    """The first of ``CSV_ENCODINGS`` the whole file decodes in, None for binary content."""
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    if _looks_binary(decoder.decode(chunk)):
                        return None
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


#: C0 control characters but tab and line breaks: never in legitimate text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _looks_binary(text: str) -> bool:
    return _CONTROL.search(text) is not None


@contextlib.contextmanager
def open_rows(path: Path, params: dict) -> Iterator[tuple[int | None, Iterator[tuple[int, list]]]]:
    """``(estimated data rows or None, rows)``: rows are ``(row number, raw cells)``, the row
    number being the one Excel shows (the header is row 1). Read lazily, one row at a time."""
    if params.get("format") == "xlsx":
        with _xlsx_rows(path) as result:
            yield result
    else:
        with path.open(encoding=params.get("encoding", "utf-8-sig"), newline="") as fh:
            yield _csv_line_count(path), _csv_records(fh)


@contextlib.contextmanager
def open_texts(path: Path, params: dict) -> Iterator[tuple[int | None, Iterator[tuple[int, list]]]]:
    """``open_rows`` with each row's cells as ``cell_text`` gives them (a list)."""
    with open_rows(path, params) as (estimate, rows):
        if params.get("format") == "xlsx":
            yield estimate, ((number, row_texts(cells)) for number, cells in rows)
        else:
            strip = str.strip
            yield estimate, ((number, list(map(strip, cells))) for number, cells in rows)


#: How .xlsx files are read (config ``IMPORTS_XLSX_READER``).
#:
#: - "calamine" (default): python-calamine (Rust) parses the whole first sheet into memory
#:   first, then rows are handed out one at a time: 2.6 s for 100 000 rows of 附表3-6 (16
#:   columns) against openpyxl's 35 s, but the sheet is held whole — 150 MB per 100 000
#:   such rows, so about 1.5 GB for a million.
#: - "openpyxl": openpyxl's read-only mode streams the sheet in about 15 MB whatever its
#:   size, 13 times slower: for a server short of memory.
#:
#: Both give the same ``cell_text`` for every cell but one case: a formula whose cached result
#: is an error (#N/A, #DIV/0! …) reads as an empty cell with calamine and as the error's text
#: with openpyxl.
XLSX_READERS = ("calamine", "openpyxl")


@contextlib.contextmanager
def _xlsx_rows(path: Path):
    reader = current_app.config.get("IMPORTS_XLSX_READER") if has_app_context() else None
    if reader == "openpyxl":
        with _openpyxl_rows(path) as result:
            yield result
    else:
        with _calamine_rows(path) as result:
            yield result


@contextlib.contextmanager
def _calamine_rows(path: Path):
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        # The first worksheet, as openpyxl's ``worksheets[0]`` (chart sheets are skipped).
        index = next(
            (
                i
                for i, meta in enumerate(workbook.sheets_metadata)
                if meta.typ == SheetTypeEnum.WorkSheet
            ),
            None,
        )
        sheet = workbook.get_sheet_by_index(index) if index is not None else None
    except Exception as exc:  # calamine raises its own errors, and ValueError, for bad parts
        raise UnreadableFile(_l("无法读取该 Excel 文件，文件可能已损坏。")) from exc
    try:
        if sheet is None or sheet.end is None:
            yield 0, iter(())
            return
        yield sheet.end[0], _guarded(_calamine_cells(sheet))
    finally:
        workbook.close()


def _calamine_cells(sheet):
    """``(row number, cells)`` as openpyxl gives them: numbered from Excel's row 1, cells from
    column A. calamine starts its columns at the first one used (we pad them back) and, in the
    versions we use, its rows at row 1; should a version start at the first row used instead
    (its first row is then not blank), the numbers are shifted to match."""
    rows = sheet.iter_rows()
    first = next(rows, None)
    if first is None:
        return
    top, left = sheet.start
    start = 1 + (top if top and any(c not in ("", None) for c in first) else 0)
    lead = [None] * left
    yield start, lead + first if lead else first
    if not lead:
        yield from enumerate(rows, start=start + 1)
        return
    for number, cells in enumerate(rows, start=start + 1):
        yield number, lead + cells


@contextlib.contextmanager
def _openpyxl_rows(path: Path):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise UnreadableFile(_l("无法读取该 Excel 文件，文件可能已损坏。")) from exc
    try:
        if not workbook.worksheets:
            yield 0, iter(())
            return
        sheet = workbook.worksheets[0]
        estimate = sheet.max_row - 1 if sheet.max_row else None
        # Some programs write a wrong <dimension>: read every cell there is, not just the
        # range it claims (rows then come ragged, which the caller pads).
        sheet.reset_dimensions()
        yield estimate, _guarded(enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()


def _csv_records(fh):
    """``(row number, cells)`` of a CSV file; a line the csv module refuses (a field over its
    128 KB limit, an unclosed quote at the end) stops the file with a message."""
    reader = csv.reader(fh)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise UnreadableFile(
            _l(
                "CSV 文件第 %(line)s 行附近的格式无法识别（如单元格超过 128 KB、引号不成对），"
                "请在 Excel 中打开后另存为 CSV 再上传。",
                line=reader.line_num,
            )
        ) from exc


def _guarded(rows):
    try:
        yield from rows
    except Exception as exc:  # a damaged sheet part found halfway through
        raise UnreadableFile(_l("无法读取该 Excel 文件，文件可能已损坏。")) from exc


def _csv_line_count(path: Path) -> int:
    lines = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            lines += chunk.count(b"\n")
    return max(lines - 1, 0)


#: Floats hold every whole number below this exactly (calamine gives numbers as float).
_EXACT = float(2**53)


def cell_text(value) -> str:
    """A cell as the text a person sees in it.

    Numbers typed into Excel come as int or float (a division code 320100, a phone number):
    whole numbers lose the ".0" (up to 2**53, beyond which a float is no longer exact: an
    18-digit code typed as a number has already lost its last digits); dates come as date or
    datetime and become YYYY-MM-DD. Text stays text, including text that starts with "=".
    Hot path: called for every cell of a file (15 000 000 times for a million rows).
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and -_EXACT < value < _EXACT:
            return str(int(value))
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _float_text(value: float) -> str:
    if value.is_integer() and -_EXACT < value < _EXACT:
        return str(int(value))
    return cell_text(value)


#: ``cell_text`` by the cell's exact type, for the types readers give most.
_TEXT_OF = {
    str: str.strip,
    float: _float_text,
    date: date.isoformat,
    type(None): lambda _value: "",
}


def row_texts(cells) -> list[str]:
    """``cell_text`` of every cell of a row (a million rows: one lookup per cell)."""
    text_of = _TEXT_OF.get
    return [text_of(type(c), cell_text)(c) for c in cells]


def header_key(text: str) -> str:
    """A column header as matched: no spaces anywhere, ASCII parentheses as full-width ones."""
    return "".join(str(text or "").split()).replace("(", "（").replace(")", "）")


def has_control_characters(text: str) -> bool:
    # Called for every cell: the pattern directly, without a second function call.
    return _CONTROL.search(text) is not None
