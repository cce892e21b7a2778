"""Sheets that pass the upload but are awkward inside: a width the workbook does not declare,
merged header cells, dates typed as text, CSV lines the csv module refuses, an amount of 27
digits, empty sheets. Each is handled, or refused with a message, never a system error."""

from __future__ import annotations

import html
import io
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter
from hostile_files import post_form, wide_sheet_xml, wide_xlsx, workbook_with_sheet
from sqlalchemy import func, select

from conftest import credit_code, login
from supervision.enterprises.importing import COLUMNS
from supervision.enterprises.models import Enterprise
from supervision.extensions import db
from supervision.imports.guards import column_letters
from supervision.imports.models import ImportJob
from supervision.verification.rules.records import parse_money
from tests.verification.records_support import (
    consumer,
    count,
    header,
    latest_job,
    table_rows,
    upload,
)
from tests.verification.verification_support import verification  # noqa: F401

HEADERS = [c.header for c in COLUMNS]


def enterprise_row(serial: int, **overrides) -> list[str]:
    values = {
        "credit_code": credit_code(3000 + serial),
        "name": f"合并表头企业{serial}",
        "address": "南京市玄武区",
        "division_code": "320102",
        "industry": "硫酸",
        "products": "硫酸",
        "status": "生产",
        "stopped_on": "",
        "key_energy_unit": "否",
        "annual_energy_tce": "100",
        "legal_representative": "张三",
        "legal_representative_phone": "025-80000000",
        "energy_manager": "李四",
        "energy_manager_phone": "13800000000",
    }
    values.update(overrides)
    return [values[c.key] for c in COLUMNS]


def workbook(lines: list[list], merges: list[tuple[int, int, int, int, str]] = ()) -> bytes:
    """Rows of text cells (dates typed as text stay text); ``merges``: (first row, first
    column, last row, last column, text) merged as Excel merges cells."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet()
    merged = book.add_format({"align": "center"})
    covered = set()
    for r1, c1, r2, c2, text in merges:
        sheet.merge_range(r1, c1, r2, c2, text, merged)
        covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    for r, values in enumerate(lines):
        for c, value in enumerate(values):
            if value != "" and (r, c) not in covered:
                sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


def post(client, content: bytes, name: str = "名录.xlsx", kind: str = "enterprises"):
    return post_form(client, f"/imports/new/{kind}", {"file": (io.BytesIO(content), name)})


def job_of_latest() -> ImportJob:
    db.session.expire_all()
    return db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()


def enterprises_named(prefix: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Enterprise).where(Enterprise.name.like(f"{prefix}%"))
    )


@pytest.fixture
def officer(client, world):
    login(client, world.a_officer.username)
    return client


# -- a width the workbook does not declare ---------------------------------------------------------


def test_a_wide_sheet_without_its_dimension_is_refused_at_its_header(officer):
    """A program that writes no <dimension> gets past the upload; the validation stops at
    the header row, before any data row is read."""
    post(officer, wide_xlsx(HEADERS, dimension=False))
    job = job_of_latest()
    assert job.status == "invalid"
    assert job.message == (
        "表格有 20,000 列，超过了 256 列的上限，未读取其内容。"
        "请只保留导入模板中的列（删除右侧多余的列）后重新上传。"
    )
    assert job.processed_rows == 0 and job.errors == []
    assert "表格有 20,000 列" in html.unescape(
        officer.get(f"/imports/{job.id}").get_data(as_text=True)
    )


def test_a_thousand_columns_of_data_are_refused_at_the_header(officer):
    """Fewer columns than Excel has: the upload takes it, the header refuses it."""
    post(officer, wide_xlsx(HEADERS, columns=1000))
    job = job_of_latest()
    assert job.status == "invalid" and job.message.startswith(
        "表格有 1,000 列，超过了 256 列的上限"
    )


def test_a_row_formatted_to_its_end_is_not_a_wide_table(officer):
    """LibreOffice writes the cells of a formatted header row up to column AMJ (1 024) and
    declares them: a normal table all the same."""
    rows = [enterprise_row(1), enterprise_row(2)]
    xml = wide_sheet_xml(HEADERS, rows, dimension=False).replace(
        b"<sheetData>", b'<dimension ref="A1:AMJ3"/><sheetData>'
    )
    styled = b"".join(
        f'<c r="{column_letters(n)}1" s="0"/>'.encode() for n in range(len(HEADERS) + 1, 1025)
    )
    xml = xml.replace(b"</row>", styled + b"</row>", 1)
    post(officer, workbook_with_sheet(xml))
    job = job_of_latest()
    assert job.status == "valid", (job.message, job.errors)
    assert job.total_rows == 2


def test_a_csv_line_the_csv_module_refuses_is_reported_not_a_system_error(officer):
    lines = [",".join(HEADERS), ",".join(enterprise_row(1)), '"' + "x" * 200_000 + '"']
    post(officer, "\r\n".join(lines).encode("utf-8"), "名录.csv")
    job = job_of_latest()
    assert job.status == "invalid"
    assert job.message.startswith("CSV 文件第 3 行附近的格式无法识别")


def test_a_csv_with_one_endless_line_is_refused_on_upload(officer):
    content = (",".join(HEADERS) + "\r\n" + "1," * 1_500_000).encode()  # a 3 MB line
    response = post(officer, content, "名录.csv")
    assert "CSV 文件中有一行超过 1 MB，不是表格，未读取其内容。" in html.unescape(
        response.get_data(as_text=True)
    )
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0


# -- merged header cells -----------------------------------------------------------------------------


def test_a_header_cell_merged_over_two_columns_with_data_under_both_is_refused(officer):
    """企业名称 merged over B1:C1 (the name and a former name): the second column has no
    header, its data would be lost without a word — the file is refused, saying where."""
    lines = [
        [HEADERS[0], HEADERS[1], "", *HEADERS[2:]],
        *([r[0], r[1], "曾用名", *r[2:]] for r in (enterprise_row(1), enterprise_row(2))),
    ]
    post(officer, workbook(lines, merges=[(0, 1, 0, 2, HEADERS[1])]))
    job = job_of_latest()
    assert job.status == "invalid"
    assert job.message.startswith("第 2 行的 C 列有数据，但该列没有表头（表头可能是合并单元格）")
    assert enterprises_named("合并表头企业") == 0


def test_a_merged_header_cell_over_an_empty_column_is_harmless(officer):
    lines = [
        [HEADERS[0], HEADERS[1], "", *HEADERS[2:]],
        *([r[0], r[1], "", *r[2:]] for r in (enterprise_row(1), enterprise_row(2))),
    ]
    post(officer, workbook(lines, merges=[(0, 1, 0, 2, HEADERS[1])]))
    job = job_of_latest()
    assert job.status == "valid", (job.message, job.errors)
    officer.post(f"/imports/{job.id}/confirm")
    assert enterprises_named("合并表头企业") == 2


def test_two_level_headers_with_merged_group_cells_import(client, verification):  # noqa: F811
    """The official layout: 序号 merged over both header lines, each group's title merged
    over its columns."""
    login(client, verification.world.a_officer.username)
    upper, lower = header("consumer_sales")
    merges = [(0, 0, 1, 0, upper[0])]
    start = 1
    while start < len(upper):
        end = start
        while end + 1 < len(upper) and upper[end + 1] == "":
            end += 1
        if end > start:
            merges.append((0, start, 0, end, upper[start]))
        start = end + 1
    rows = table_rows("consumer_sales", [consumer(n) for n in range(3)])
    content = workbook([upper, ["", *lower[1:]], *([str(v) for v in r] for r in rows)], merges)
    before = count("consumer_sales")
    upload(client, verification, "consumer_sales", content)
    job = latest_job()
    assert job.status == "valid", (job.message, job.errors)
    client.post(f"/imports/{job.id}/confirm")
    assert count("consumer_sales") == before + 3


# -- dates typed as text ------------------------------------------------------------------------------


def test_dates_typed_as_text_are_read_or_refused_with_the_accepted_forms(officer):
    rows = [
        enterprise_row(1, status="停产", stopped_on="2020年3月5日"),
        enterprise_row(2, status="停产", stopped_on="2020/3/5"),
        enterprise_row(3, status="停产", stopped_on="2020.3.5"),
        enterprise_row(4, status="停产", stopped_on=" 2020-03-05 "),
    ]
    post(officer, workbook([HEADERS, *rows]))
    job = job_of_latest()
    assert job.status == "valid", (job.message, job.errors)
    officer.post(f"/imports/{job.id}/confirm")
    stopped = db.session.scalars(
        select(Enterprise.stopped_on).where(Enterprise.name.like("合并表头企业%"))
    ).all()
    assert stopped == [date(2020, 3, 5)] * 4

    bad = [
        enterprise_row(5, status="停产", stopped_on="3/5/2020"),
        enterprise_row(6, status="停产", stopped_on="2020-02-30"),
        enterprise_row(7, status="停产", stopped_on="去年三月"),
    ]
    post(officer, workbook([HEADERS, *bad]))
    job = job_of_latest()
    assert job.status == "invalid"
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (
            n,
            "停产日期",
            f"停产日期“{text}”不是日期：请填写如 2020-03-05、2020/3/5、2020.3.5 或 2020年3月5日。",
        )
        for n, text in ((2, "3/5/2020"), (3, "2020-02-30"), (4, "去年三月"))
    ]


def test_sales_dates_typed_as_text_are_read(client, verification):  # noqa: F811
    login(client, verification.world.a_officer.username)
    sales = [
        consumer(n, sold_on=text)
        for n, text in enumerate(["2012年10月5日", "2012/10/5", "2012.10.05", "20121005"])
    ]
    rows = [[str(v) for v in r] for r in table_rows("consumer_sales", sales)]
    upload(client, verification, "consumer_sales", workbook([*header("consumer_sales"), *rows]))
    job = latest_job()
    assert job.status == "valid", (job.message, job.errors)


# -- an amount of 27 digits -------------------------------------------------------------------------


def test_parse_money_refuses_27_digits_instead_of_failing():
    """Worked example: Decimal("111…1") (27 ones) quantized to cents needs 29 significant
    digits, one more than the context's 28: quantize raised InvalidOperation, outside the
    try. It is no price (the column holds at most 9 999 999 999.99): None, a cell message."""
    assert parse_money("1" * 27) is None
    assert parse_money("1" * 26) is None  # fits the context, over the column
    assert parse_money("9999999999.99") == Decimal("9999999999.99")


def test_a_27_digit_price_is_a_cell_message_in_the_import(client, verification):  # noqa: F811
    login(client, verification.world.a_officer.username)
    sales = [consumer(0), consumer(1, price="1" * 27)]
    rows = [[str(v) for v in r] for r in table_rows("consumer_sales", sales)]
    upload(client, verification, "consumer_sales", workbook([*header("consumer_sales"), *rows]))
    job = latest_job()
    assert job.status == "invalid"
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [
        (
            4,
            "销售价格（元）",
            f"“销售价格（元）”应为不小于 0、最多两位小数的金额：{'1' * 27}。",
        )
    ]


# -- empty sheets -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["enterprises", "annex2_2020", "violators_2019"])
def test_an_empty_sheet_is_refused_with_a_message(officer, kind):
    post(officer, workbook([]), kind=kind)
    job = job_of_latest()
    assert (job.kind, job.status) == (kind, "invalid")
    assert job.message == "文件是空的：没有表头，也没有数据行。"
