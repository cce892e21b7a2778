"""Files as an attacker (or a careless program) makes them, built in the tests: a zip bomb
dressed as a workbook, sheets 20 000 columns wide, renamed binaries; and their upload."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

import xlsxwriter
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from supervision.imports.guards import column_letters

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(512)
GIB = 1 << 30


@functools.cache
def _workbook_parts() -> dict[str, bytes]:
    """The parts of a one-sheet workbook as Excel-like software writes them."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet().write_string(0, 0, "x")
    book.close()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def workbook_with_sheet(sheet_xml: bytes) -> bytes:
    """A valid workbook whose first sheet's XML is ``sheet_xml``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _workbook_parts().items():
            archive.writestr(name, sheet_xml if name == SHEET else content)
    return buffer.getvalue()


def _deflated_repeats(block: bytes, times: int) -> bytes:
    """A raw deflate stream of ``block`` × ``times`` built from one compressed copy (a full
    flush makes each copy independent of the others)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return (compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)) * times


def _raw_zip(members: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip of ``(name, data as stored, crc, unpacked size, method)``: what zipfile cannot
    write, data compressed beforehand."""
    out = io.BytesIO()
    directory = []
    for name, data, crc, size, method in members:
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s5H3L2H",
                b"PK\x03\x04",
                20,
                0,
                method,
                0,
                0,
                crc,
                len(data),
                size,
                len(encoded),
                0,
            )
        )
        out.write(encoded + data)
        directory.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                method,
                0,
                0,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    blob = b"".join(directory)
    out.write(blob)
    out.write(
        struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, len(directory), len(directory), len(blob), start, 0
        )
    )
    return out.getvalue()


@functools.cache
def zip_bomb_xlsx(unpacked: int = 2 * GIB) -> bytes:
    """A real workbook whose sheet inflates to ``unpacked`` bytes of rows (about 2 GB from a
    couple of MB): read by python-calamine it would take gigabytes of memory and minutes."""
    row = b"<row>" + b'<c t="n"><v>1</v></c>' * 500 + b"</row>"
    block = row * (8 * 1024 * 1024 // len(row))  # 8 MB
    copies = 1 << (unpacked // len(block)).bit_length() - 1
    head = SHEET_HEAD + b"<sheetData>"
    tail = b"</sheetData></worksheet>"
    opening = zlib.compressobj(9, zlib.DEFLATED, -15)
    closing = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = (
        opening.compress(head)
        + opening.flush(zlib.Z_FULL_FLUSH)
        + _deflated_repeats(block, copies)
        + closing.compress(tail)
        + closing.flush()
    )
    body_crc = zlib.crc32(block)
    for doubling in range(copies.bit_length() - 1):  # copies: a power of two
        body_crc = _crc32_combine(body_crc, body_crc, len(block) << doubling)
    crc = _crc32_combine(zlib.crc32(head), body_crc, len(block) * copies)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(block) * copies + len(tail)
    members = []
    for name, content in _workbook_parts().items():
        if name == SHEET:
            members.append((name, data, crc, size, 8))
        else:
            members.append((name, content, zlib.crc32(content), len(content), 0))
    return _raw_zip(members)


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, index = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[index]
        vector >>= 1
        index += 1
    return total


def _crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """CRC-32 of A + B from CRC(A), CRC(B) and len(B): zlib's crc32_combine (not exposed by
    Python's zlib), so that the bomb's 2 GB need not be run through crc32 (5 s)."""
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    even = [_gf2_times(odd, row) for row in odd]  # two
    odd = [_gf2_times(even, row) for row in even]  # four
    while length2:
        even = [_gf2_times(odd, row) for row in odd]
        if length2 & 1:
            crc1 = _gf2_times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = [_gf2_times(even, row) for row in even]
        if length2 & 1:
            crc1 = _gf2_times(odd, crc1)
        length2 >>= 1
    return crc1 ^ crc2


def wide_sheet_xml(headers: list[str], rows: list[list[str]], *, dimension: bool) -> bytes:
    """A sheet of inline strings; ``dimension``: with the <dimension> element Excel writes."""
    width = max(len(headers), *(len(r) for r in rows)) if rows else len(headers)
    parts = [SHEET_HEAD]
    if dimension:
        parts.append(f'<dimension ref="A1:{column_letters(width)}{len(rows) + 1}"/>'.encode())
    parts.append(b"<sheetData>")
    for number, cells in enumerate([headers, *rows], start=1):
        parts.append(f'<row r="{number}">'.encode())
        for index, text in enumerate(cells, start=1):
            if text:
                ref = f"{column_letters(index)}{number}"
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode())
        parts.append(b"</row>")
    parts.append(b"</sheetData></worksheet>")
    return b"".join(parts)


def wide_xlsx(headers: list[str], columns: int = 20_000, *, dimension: bool = True) -> bytes:
    """The template's headers, then columns up to ``columns`` named 列N, and one data row."""
    names = [*headers, *(f"列{n}" for n in range(len(headers) + 1, columns + 1))]
    return workbook_with_sheet(wide_sheet_xml(names, [["1"] * columns], dimension=dimension))


def wide_csv(headers: list[str], columns: int = 20_000) -> bytes:
    names = [*headers, *(f"列{n}" for n in range(len(headers) + 1, columns + 1))]
    return (",".join(names) + "\r\n" + ",".join(["1"] * columns) + "\r\n").encode("utf-8-sig")


def docx() -> bytes:
    """A Word document: a zip too, without the workbook's parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def unpacked_size(content: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(info.file_size for info in archive.infolist())


def post_form(client, url: str, data: dict):
    """A multipart POST of ``data`` (files as (stream, name)), encoded here: werkzeug's test
    client leaves the temporary file of a body over 500 KB open."""
    fields = MultiDict()
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, tuple):
                item = FileStorage(item[0], filename=item[1])
            fields.add(key, item)
    stream, length, boundary = stream_encode_multipart(fields)
    try:
        return client.post(
            url,
            input_stream=stream,
            content_length=length,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
    finally:
        stream.close()
