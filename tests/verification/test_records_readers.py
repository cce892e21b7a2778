"""The two .xlsx readers (python-calamine, openpyxl) give the same cell texts, row numbers
and estimates; the import is the same whichever is configured."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from records_support import consumer, header, latest_job, table_rows, upload, xlsx
from verification_support import verification  # noqa: F401

from conftest import login
from supervision.imports import readers


def _texts(app, path: Path, reader: str):
    app.config["IMPORTS_XLSX_READER"] = reader
    try:
        with readers.open_rows(path, {"format": "xlsx"}) as (estimate, rows):
            read = [(n, [readers.cell_text(c) for c in cells]) for n, cells in rows]
    finally:
        app.config["IMPORTS_XLSX_READER"] = "calamine"
    # openpyxl gives rows ragged and skips none; calamine pads them: compare what a person sees.
    seen = []
    for number, texts in read:
        while texts and not texts[-1]:
            texts.pop()
        if texts:
            seen.append((number, texts))
    return estimate, seen


def _workbook(tmp_path: Path, write) -> Path:
    path = tmp_path / "cells.xlsx"
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    sheet = workbook.add_worksheet()
    write(workbook, sheet)
    workbook.close()
    return path


def test_both_readers_see_the_same_texts(app, tmp_path):
    def write(workbook, sheet):
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        clock = workbook.add_format({"num_format": "hh:mm"})
        money = workbook.add_format({"num_format": "#,##0.00"})
        # The table starts at B3: two empty rows and an empty column A before it.
        sheet.write_string(2, 1, "文本")
        sheet.write_string(2, 2, "数字")
        rows = [
            ("=SUM(A1:A3)", 320102),  # text that looks like a formula; a division code typed
            ("  前后空格  ", 13800000000),  # a phone number typed as a number
            ("0012", 2999.5),  # leading zeros kept as text; a price
            ("2013/1/5", 0.1 + 0.2),  # a date typed as text; a float with noise
            ("TRUE", 1234567890123456),  # 16 digits: beyond 1e15, below 2**53
            ("", -0.0),
            ("尾", 1e16),
        ]
        for r, (text, number) in enumerate(rows, start=3):
            if text:
                sheet.write_string(r, 1, text)
            sheet.write_number(r, 2, number, money if number == 2999.5 else None)
        sheet.write_datetime(10, 1, datetime(2013, 1, 5), day)
        sheet.write_datetime(10, 2, datetime(2013, 1, 5, 10, 30), stamp)
        sheet.write_datetime(11, 1, time(10, 30), clock)
        sheet.write_boolean(11, 2, True)
        sheet.write_formula(12, 1, "=1+1", None, 2)
        sheet.write_string(14, 3, "远处")  # after an empty row, a column further right

    path = _workbook(tmp_path, write)
    calamine, openpyxl_ = _texts(app, path, "calamine"), _texts(app, path, "openpyxl")
    assert calamine == openpyxl_
    estimate, rows = calamine
    assert estimate == 14
    assert rows == [
        (3, ["", "文本", "数字"]),
        (4, ["", "=SUM(A1:A3)", "320102"]),
        (5, ["", "前后空格", "13800000000"]),
        (6, ["", "0012", "2999.5"]),
        (7, ["", "2013/1/5", "0.3"]),  # xlsxwriter keeps 16 digits
        (8, ["", "TRUE", "1234567890123456"]),
        (9, ["", "", "0"]),
        (10, ["", "尾", "10000000000000000"]),
        (11, ["", "2013-01-05", "2013-01-05 10:30:00"]),
        (12, ["", "10:30:00", "TRUE"]),
        (13, ["", "2"]),
        (15, ["", "", "", "远处"]),
    ]


def test_an_openpyxl_written_workbook_reads_the_same(app, tmp_path):
    path = tmp_path / "openpyxl.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["产品唯一编码", "日期", "数量"])
    sheet.append(["A001", date(2012, 10, 1), 3])
    sheet.append(["A002", datetime(2012, 10, 2, 0, 0), 4.0])
    sheet.cell(row=5, column=1, value="隔一行")
    workbook.create_chartsheet("图表", 0)  # a chart sheet first: the first worksheet is read
    workbook.save(path)
    assert _texts(app, path, "calamine") == _texts(app, path, "openpyxl")
    assert _texts(app, path, "calamine")[1] == [
        (1, ["产品唯一编码", "日期", "数量"]),
        (2, ["A001", "2012-10-01", "3"]),
        (3, ["A002", "2012-10-02", "4"]),
        (5, ["隔一行"]),
    ]


def test_an_empty_workbook_has_no_rows_with_either_reader(app, tmp_path):
    path = _workbook(tmp_path, lambda workbook, sheet: None)
    assert _texts(app, path, "calamine") == _texts(app, path, "openpyxl") == (0, [])


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_the_import_is_the_same_with_either_reader(app, client, verification, reader):
    login(client, verification.world.a_officer.username)
    rows = table_rows(
        "consumer_sales", [consumer(1, phone=13912345678, division_code=320102, price=2999)]
    )
    app.config["IMPORTS_XLSX_READER"] = reader
    try:
        upload(client, verification, "consumer_sales", xlsx(header("consumer_sales"), rows))
    finally:
        app.config["IMPORTS_XLSX_READER"] = "calamine"
    job = latest_job()
    assert job.status == "valid", job.errors
    assert job.summary["preview"][0][2] == "139****5678"


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_a_damaged_workbook_is_refused_by_either_reader(app, tmp_path, reader):
    import zipfile

    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<broken")
    app.config["IMPORTS_XLSX_READER"] = reader
    try:
        with (
            pytest.raises(readers.UnreadableFile),
            readers.open_rows(path, {"format": "xlsx"}) as (_n, rows),
        ):
            list(rows)
    finally:
        app.config["IMPORTS_XLSX_READER"] = "calamine"


def test_whole_floats_lose_their_point(app):
    assert readers.cell_text(320102.0) == "320102"
    assert readers.cell_text(float(2**53 - 1)) == str(2**53 - 1)
    assert readers.cell_text(float(2**53)) == "9007199254740992"
    assert readers.cell_text(date(2013, 1, 5)) == "2013-01-05"
    assert readers.cell_text(1.5e20) == "150000000000000000000"
