"""Generated sales-record files (seed 002 附表3-1 … 3-6) for the demo, benchmarks and tests:
realistic rows, the same for the same seed, in .csv or .xlsx with the template's headers.

All tables of one seed describe the same products: product ``i`` has one maker, model and
product code, a production date, a shipment date and a sale date in that order. So
``write_production(n)``, ``write_shipments(n)`` and ``write_consumer_sales(m)`` (m ≤ n) of one
seed reconcile, but for discrepancies placed on purpose:

- product ``i`` with ``i % 997 == 500`` is missing from the shipments (sold, never declared
  shipped): consumer sales exceed shipments for its model;
- product ``i`` with ``i % 1499 == 7`` is reported in consumer sales under another model of the
  same maker;
- buyers: most buy one unit; some organisations buy 5–12 units on one invoice (bulk in one
  purchase) and some people come back with a second purchase (bulk cumulatively when 5 or more).
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from .import_columns import TABLES
from .record_files import column_widths, header_lines, write_header
from .sample_rows import (
    MAKERS,
    PERIOD,
    Product,
    consumer_rows,
    dealer_purchase_rows,
    product,
    production_rows,
    shipment_rows,
)

__all__ = [
    "FORMATS",
    "MAKERS",
    "PERIOD",
    "Product",
    "consumer_rows",
    "dealer_purchase_rows",
    "product",
    "production_rows",
    "shipment_rows",
    "write_consumer_sales",
    "write_production",
    "write_shipments",
    "write_table",
]

FORMATS = ("csv", "xlsx")


def _rows(sales_table: str, rows: int, seed, unit_division_code: str, period):
    if sales_table == "consumer_sales":
        return consumer_rows(rows, seed=seed, unit_division_code=unit_division_code, period=period)
    if sales_table == "production":
        return production_rows(rows, seed=seed, period=period)
    if sales_table == "shipments":
        return shipment_rows(rows, seed=seed, unit_division_code=unit_division_code, period=period)
    if sales_table == "dealer_purchases":
        return dealer_purchase_rows(
            rows, seed=seed, unit_division_code=unit_division_code, period=period
        )
    raise ValueError(f"no generator for {sales_table}")


def write_table(
    sales_table: str,
    path: str | Path,
    rows: int,
    *,
    seed,
    unit_division_code: str = "320000",
    fmt: str = "csv",
    period: tuple[date, date] = PERIOD,
    encoding: str = "utf-8-sig",
) -> Path:
    """Write ``rows`` generated rows of one table (consumer_sales, production, shipments,
    dealer_purchases) to ``path`` as the import takes them. Returns the path.

    ``fmt`` "csv" (``encoding`` utf-8-sig or gb18030) or "xlsx" (typed cells as Excel users
    leave them: dates as dates, prices and division codes as numbers; written with
    xlsxwriter's constant memory mode, so a million rows take a few minutes, not gigabytes).
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}")
    table = TABLES[sales_table]
    path = Path(path)
    generated = _rows(sales_table, rows, seed, unit_division_code, period)
    if fmt == "csv":
        with path.open("w", encoding=encoding, newline="") as fh:
            writer = csv.writer(fh)
            writer.writerows(header_lines(table))
            for values in generated:
                writer.writerow(["" if v is None else _csv_text(v) for v in values])
        return path
    _write_xlsx(table, path, generated)
    return path


def _csv_text(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _write_xlsx(table, path: Path, generated) -> None:
    workbook = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False},
    )
    sheet = workbook.add_worksheet(table.annex)
    for column, width in enumerate(column_widths(table)):
        sheet.set_column(column, column, width)
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money = workbook.add_format({"num_format": "0.00"})
    start = write_header(workbook, sheet, table)
    numeric = {"division_code"}
    keys = (["_number"] if table.numbered else []) + [f.key for f in table.fields]
    for r, values in enumerate(generated, start=start):
        for c, value in enumerate(values):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, day)
            elif isinstance(value, Decimal):
                sheet.write_number(r, c, value, money)
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            elif keys[c] in numeric:
                sheet.write_number(r, c, int(value))
            elif value:
                sheet.write_string(r, c, value)
    workbook.close()


def write_consumer_sales(
    path: str | Path,
    rows: int,
    *,
    seed,
    unit_division_code: str,
    fmt: str = "csv",
    period: tuple[date, date] = PERIOD,
    encoding: str = "utf-8-sig",
) -> Path:
    """附表3-6 with ``rows`` sales of the unit (its districts, dealers, buyers)."""
    return write_table(
        "consumer_sales",
        path,
        rows,
        seed=seed,
        unit_division_code=unit_division_code,
        fmt=fmt,
        period=period,
        encoding=encoding,
    )


def write_shipments(
    path: str | Path,
    rows: int,
    *,
    seed,
    unit_division_code: str = "320000",
    fmt: str = "csv",
    period: tuple[date, date] = PERIOD,
) -> Path:
    """附表3-4 for products 0 … rows-1 of the seed (a few left out on purpose)."""
    return write_table(
        "shipments",
        path,
        rows,
        seed=seed,
        unit_division_code=unit_division_code,
        fmt=fmt,
        period=period,
    )


def write_production(
    path: str | Path, rows: int, *, seed, fmt: str = "csv", period: tuple[date, date] = PERIOD
) -> Path:
    """附表3-3 for products 0 … rows-1 of the seed."""
    return write_table("production", path, rows, seed=seed, fmt=fmt, period=period)
