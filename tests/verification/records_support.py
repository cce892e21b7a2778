"""Shared by the sales-record import tests: files as offices make them, upload, the latest job."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from sqlalchemy import func, select

import supervision.verification.check_views  # noqa: F401  (routes, until the blueprint imports them)
import supervision.verification.record_views  # noqa: F401
import supervision.verification.sample_views  # noqa: F401  (the unit's tabs link to them)
from supervision.extensions import db
from supervision.imports.models import ImportJob
from supervision.verification.import_columns import TABLES
from supervision.verification.record_files import header_lines
from supervision.verification.rules.buyers import organisation_code_check

#: A valid organisation code (GB 11714 check character 8).
DEALER = "12345678-8"


def credit_of(org8: str, division: str = "320100") -> str:
    from supervision.enterprises.rules import credit_code_check_character

    first17 = f"91{division}{org8}{organisation_code_check(org8)}"
    return first17 + credit_code_check_character(first17)


def consumer(n: int, **overrides) -> dict:
    """One 附表3-6 row by column key (a private buyer in 南京, sold in the campaign's period)."""
    values = {
        "consumer_name": f"张{n}",
        "contact": "",
        "phone": f"139{n:08d}",
        "address": f"南京市玄武区北京东路{n}号",
        "division_code": "320102",
        "division_name": "玄武区",
        "manufacturer": "青岛海尔股份有限公司",
        "model": "BCD-216SDN",
        "product_code": f"IMP{n:08d}",
        "price": "2999.00",
        "sold_on": "2012-10-05",
        "invoice_no": f"{10000000 + n}",
        "dealer_name": "苏宁电器南京新街口店",
        "dealer_code": DEALER,
        "id_number": "",
    }
    values.update(overrides)
    return values


def table_rows(sales_table: str, rows: list[dict], *, numbered: bool = True) -> list[list]:
    """Data rows in the template's column order (with 序号 when the table has one)."""
    table = TABLES[sales_table]
    out = []
    for n, values in enumerate(rows, start=1):
        lead = [n] if table.numbered and numbered else []
        out.append(lead + [values.get(f.key, "") for f in table.fields])
    return out


def header(sales_table: str, *, numbered: bool = True) -> list[list[str]]:
    lines = header_lines(TABLES[sales_table])
    if not numbered and TABLES[sales_table].numbered:
        lines = [line[1:] for line in lines]
    return lines


def xlsx(lines: list[list], rows: list[list]) -> bytes:
    """A workbook with the header lines then the rows, cells typed as Excel users leave them."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, values in enumerate([*lines, *rows]):
        for c, value in enumerate(values):
            if isinstance(value, datetime | date):
                sheet.write_datetime(r, c, value, day)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(r, c, value)
            elif value:
                sheet.write_string(r, c, value)
    workbook.close()
    return buffer.getvalue()


def csv_bytes(lines: list[list], rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(lines)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, made, sales_table: str, content: bytes, name: str = "报表.xlsx", unit=None):
    unit = unit or made.world.a_province
    kind = TABLES[sales_table].kind
    return client.post(
        f"/imports/new/{kind}?campaign={made.campaign.id}&unit={unit.id}",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def import_file(client, made, sales_table, rows, *, fmt="xlsx", name=None, **kw):
    """Upload, expect it valid, confirm; returns the done job."""
    lines = header(sales_table)
    content = xlsx(lines, rows) if fmt == "xlsx" else csv_bytes(lines, rows, **kw)
    upload(client, made, sales_table, content, name=name or f"{sales_table}.{fmt}")
    job = latest_job()
    assert job.status == "valid", (job.message, job.errors)
    client.post(f"/imports/{job.id}/confirm")
    job = latest_job()
    assert job.status == "done", (job.message, job.errors)
    return job


def latest_job() -> ImportJob:
    db.session.expire_all()
    return db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()


def count(sales_table: str, **where) -> int:
    model = TABLES[sales_table].model
    stmt = select(func.count()).select_from(model)
    for key, value in where.items():
        stmt = stmt.where(getattr(model, key) == value)
    return db.session.scalar(stmt)
