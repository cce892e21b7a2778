"""Checks an upload passes before any reader opens it: a workbook's declared sizes (a zip
bomb), the width of its first sheet, and the width and line length of a CSV."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from xml.etree import ElementTree

from flask_babel import lazy_gettext as _l

from ..core.errors import DomainError

#: Columns a table may have: the widest template has about 30; Excel 2003 stopped at 256.
#: Counted to the last non-empty cell (a header row formatted to its end is not wider).
MAX_COLUMNS = 256
#: A sheet declaring more columns than Excel has (XFD) comes from no spreadsheet program: it
#: is refused from its <dimension> on upload. Below, the header decides (a row formatted
#: across, as LibreOffice writes it, declares 1 024 columns and holds a few).
MAX_DECLARED_COLUMNS = 16_384
#: Bytes a workbook may unpack to (config ``IMPORTS_MAX_UNPACKED_BYTES``): python-calamine
#: holds about three times the sheet's XML in memory, so 1 GB of XML is about 3 GB.
MAX_UNPACKED_BYTES = 1 << 30
#: A part may inflate at most this many times (Apache POI's ZipSecureFile refuses beyond
#: 100 as well); real sheets inflate 10 to 15 times.
MAX_INFLATE_RATIO = 100
#: Parts smaller than this are not judged by their ratio (a short run of repeated XML
#: compresses very well and harms nobody).
RATIO_GRACE_BYTES = 1 << 20
#: The workbook's index parts (read whole to find the first sheet) are a few KB.
MAX_INDEX_PART_BYTES = 1 << 20
#: Characters of a CSV file read to judge its first line (a header line is short).
CSV_HEAD_CHARS = 1 << 20

_RELS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"\$?([A-Z]{1,7})\$?\d+(?::\$?([A-Z]{1,7}))?")


class UnreadableFile(DomainError):
    """The file is not a table we can read; nothing of it is imported (also raised by
    ``readers``, which re-exports it)."""


def _mb(size: int) -> str:
    return f"{size / (1 << 20):,.0f}"


def check_workbook(source: Path | BinaryIO, *, max_unpacked: int = MAX_UNPACKED_BYTES) -> None:
    """Refuse an .xlsx whose parts would unpack to more than ``max_unpacked`` bytes, or
    inflate more than ``MAX_INFLATE_RATIO`` times, or whose first sheet declares more than
    ``MAX_DECLARED_COLUMNS``. Only the zip's directory and the first bytes of the sheet are
    read.

    The directory's sizes can be trusted: python-calamine and Python's zipfile (openpyxl)
    both stop with an error at a part that inflates to more than its declared size.
    A source that is no zip at all passes (``readers.sniff`` says what it is instead).
    """
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        parts = archive.infolist()
        total = sum(part.file_size for part in parts)
        if total > max_unpacked:
            raise UnreadableFile(
                _l(
                    "Excel 文件解压后有 %(size)s MB，超过了 %(mb)s MB 的上限，未读取其内容。"
                    "请拆分后分批导入，或另存为 .csv 后上传。",
                    size=_mb(total),
                    mb=_mb(max_unpacked),
                )
            )
        for part in parts:
            ratio = part.file_size // max(part.compress_size, 1)
            if part.file_size > RATIO_GRACE_BYTES and ratio > MAX_INFLATE_RATIO:
                raise UnreadableFile(
                    _l(
                        "Excel 文件中的“%(part)s”解压后是压缩数据的 %(ratio)s 倍（正常的表格约 10 倍），"
                        "可能是恶意构造的文件，未读取其内容。",
                        part=part.filename,
                        ratio=f"{ratio:,}",
                    )
                )
        columns = _first_sheet_columns(archive)
    if columns is not None and columns > MAX_DECLARED_COLUMNS:
        raise too_wide(columns)


def used_width(cells: list) -> int:
    """The row's width up to its last non-empty cell."""
    width = len(cells)
    while width and (cells[width - 1] is None or not str(cells[width - 1]).strip()):
        width -= 1
    return width


def too_wide(columns: int) -> UnreadableFile:
    return UnreadableFile(
        _l(
            "表格有 %(n)s 列，超过了 %(max)s 列的上限，未读取其内容。"
            "请只保留导入模板中的列（删除右侧多余的列）后重新上传。",
            n=f"{columns:,}",
            max=MAX_COLUMNS,
        )
    )


def _first_sheet_columns(archive: zipfile.ZipFile) -> int | None:
    """The last column of the first worksheet as its ``<dimension>`` states it (1 for A),
    None when the workbook does not say (the readers' own check then applies)."""
    name = _first_sheet_part(archive)
    if name is None:
        return None
    try:
        with archive.open(name) as part:
            head = part.read(4096)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        return None  # damaged: the reader says so
    match = _DIMENSION.search(head)
    if match is None:
        return None
    return column_number((match.group(2) or match.group(1)).decode("ascii"))


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The part of the workbook's first worksheet (as the readers take it: chart sheets
    skipped), from ``xl/workbook.xml`` and its relationships."""
    workbook = _index_part(archive, "xl/workbook.xml")
    rels = _index_part(archive, "xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return None
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in rels.iter()
        if rel.tag.endswith("Relationship") and rel.get("Type") == _SHEET_TYPE
    }
    for sheet in workbook.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        target = targets.get(sheet.get(f"{_RELS_NS}id"))
        if target:
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return str(PurePosixPath(path))
    return None


def _index_part(archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    try:
        info = archive.getinfo(name)
        if info.file_size > MAX_INDEX_PART_BYTES:
            return None
        # Parts of a few KB whose size was checked; expat (2.4+) refuses entity expansion
        # bombs, and ElementTree never loads external entities.
        return ElementTree.fromstring(archive.read(info))  # noqa: S314
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, ElementTree.ParseError):
        return None


def column_number(letters: str) -> int:
    """Excel's column letters as a number: A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_letters(number: int) -> str:
    """A column number as Excel names it: 1 → A, 27 → AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def check_csv_lines(path: Path) -> None:
    """Refuse a CSV with a line of ``CSV_HEAD_CHARS`` bytes or more (found as a block of that
    size without a line break: one pass at the speed of the disk, nothing decoded)."""
    with path.open("rb") as fh:
        while block := fh.read(CSV_HEAD_CHARS):
            if len(block) == CSV_HEAD_CHARS and b"\n" not in block:
                raise UnreadableFile(
                    _l(
                        "CSV 文件中有一行超过 %(mb)s MB，不是表格，未读取其内容。",
                        mb=_mb(CSV_HEAD_CHARS),
                    )
                )


def check_csv_head(path: Path, encoding: str) -> None:
    """Refuse a CSV whose first line is wider than ``MAX_COLUMNS`` (after
    ``check_csv_lines``: only that line is read)."""
    with path.open(encoding=encoding, newline="") as fh:
        line = fh.readline(CSV_HEAD_CHARS)
    try:
        width = used_width(next(csv.reader([line]), []))
    except csv.Error:
        return  # the reader reports the line
    if width > MAX_COLUMNS:
        raise too_wide(width)
