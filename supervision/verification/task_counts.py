"""Records per unit and target as the ministry gives them: typed into the campaign's table,
pasted from a spreadsheet or uploaded (.xlsx, .xls, .csv), read into {(unit id, target): count}."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Mapping, Sequence
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from python_calamine import CalamineWorkbook

from ..core.errors import DomainError
from ..imports import guards
from .models import VerificationTask
from .rules import campaigns as rules

#: Cells of the typed table are named count-<task id>.
FIELD_PREFIX = "count-"
MAX_ROWS = 1000
#: An uploaded table of counts: a few KB in practice.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
PROBLEM_MESSAGES = {
    "unknown_unit": _l("第 %(line)s 行：“%(text)s”不是省级单位或计划单列市。"),
    "bad_count": _l("第 %(line)s 行：“%(text)s”不是有效的任务量（应为不小于 0 的整数）。"),
    "too_many_cells": _l("第 %(line)s 行：任务量的列数多于核查对象的个数。"),
}


def field_name(task: VerificationTask) -> str:
    return f"{FIELD_PREFIX}{task.id}"


def typed_counts(
    form: Mapping[str, str], tasks: Sequence[VerificationTask]
) -> tuple[dict[tuple[int, str], int | None], list[str]]:
    """The typed table: {(unit, target): count} for every task shown, and messages for the
    cells that are not counts."""
    counts: dict[tuple[int, str], int | None] = {}
    errors: list[str] = []
    for task in tasks:
        name = field_name(task)
        if name not in form:
            continue
        try:
            counts[(task.unit_id, task.target.value)] = rules.parse_count(form[name])
        except ValueError:
            errors.append(
                str(
                    _l(
                        "%(unit)s %(target)s：“%(text)s”不是有效的任务量。",
                        unit=task.unit.name,
                        target=task.target.label,
                        text=form[name],
                    )
                )
            )
    return counts, errors


def pasted_counts(
    text: str, index: Mapping[str, int], targets: Sequence[str]
) -> tuple[dict[tuple[int, str], int | None], list[str]]:
    """A table pasted from a spreadsheet (tab-separated) or typed with commas or spaces."""
    lines = (text or "").splitlines()[:MAX_ROWS]
    return _messages(*rules.parse_count_table(lines, index, targets))


def uploaded_counts(
    filename: str, stream: BinaryIO, index: Mapping[str, int], targets: Sequence[str]
) -> tuple[dict[tuple[int, str], int | None], list[str]]:
    """The first sheet of an .xlsx / .xls, or a .csv (UTF-8 or GB 18030).

    A table of some forty units: a file over ``MAX_UPLOAD_BYTES``, a workbook that would
    unpack to more than ``MAX_UNPACKED_BYTES`` or a sheet wider than ``guards.MAX_COLUMNS``
    is refused before it is read."""
    data = stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(
            _l("任务量表超过 %(mb)s MB，不像是一张任务量表。", mb=MAX_UPLOAD_BYTES >> 20),
            field="counts_file",
        )
    try:
        rows = _csv_rows(data) if filename.lower().endswith(".csv") else _sheet_rows(data)
    except DomainError as error:
        raise DomainError(error.message, field="counts_file") from error
    except Exception as error:  # noqa: BLE001 -- any unreadable file is the user's to fix
        raise DomainError(
            _l("无法读取上传的文件，请确认是 Excel 或 CSV 文件。"), field="counts_file"
        ) from error
    counts, problems = rules.parse_count_table(rows, index, targets)
    if not counts and not problems:
        raise DomainError(
            _l("上传的任务量表中没有任何单位的任务量（工作表是空的，或第一列不是单位名称）。"),
            field="counts_file",
        )
    return _messages(counts, problems)


def _csv_rows(data: bytes) -> list[list[str]]:
    rows = list(itertools.islice(csv.reader(io.StringIO(_decode(data))), MAX_ROWS))
    width = max(map(guards.used_width, rows), default=0)
    if width > guards.MAX_COLUMNS:
        raise guards.too_wide(width)
    return rows


def _sheet_rows(data: bytes) -> list[list]:
    """The first sheet's rows, once the workbook's sizes and the sheet's width are checked."""
    guards.check_workbook(io.BytesIO(data), max_unpacked=MAX_UNPACKED_BYTES)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    width = sheet.end[1] + 1 if sheet.end else 0  # counted from column A
    if width > guards.MAX_COLUMNS:
        raise guards.too_wide(width)
    return sheet.to_python(skip_empty_area=False, nrows=MAX_ROWS)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_l("CSV 文件的编码无法识别，请另存为 UTF-8。"), field="counts_file")


def _messages(counts, problems) -> tuple[dict, list[str]]:
    return counts, [
        str(PROBLEM_MESSAGES[p.problem] % {"line": p.line, "text": p.text}) for p in problems
    ]
