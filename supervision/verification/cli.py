"""``flask verification …``: generated sales-record files for users to try the import with,
for the benchmark issue and for tests (``samplefiles``: the same file for the same seed)."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from . import samplefiles
from .import_columns import TABLES

verification_cli = AppGroup("verification", help="Verification campaigns: sample files.")

#: The tables the generator writes (the stock tables have no generator).
GENERATED = ("consumer_sales", "production", "shipments", "dealer_purchases")


def written_rows(sales_table: str, rows: int) -> int:
    """Rows the generator writes: the shipments leave out product i with i % 997 == 500 (sold,
    never declared shipped: a discrepancy on purpose)."""
    if sales_table != "shipments" or rows <= 500:
        return rows
    return rows - ((rows - 501) // 997 + 1)


@verification_cli.command("sample-file")
@click.option(
    "--table",
    "sales_table",
    type=click.Choice(GENERATED),
    default="consumer_sales",
    show_default=True,
    help="Which seed-002 table (附表3-3 production, 3-4 shipments, 3-5 dealer purchases, "
    "3-6 consumer sales).",
)
@click.option("--rows", type=click.IntRange(min=1), required=True, help="Data rows to write.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The file to write (overwritten).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(samplefiles.FORMATS),
    default=None,
    help="csv or xlsx; default from the --out suffix, else csv.",
)
@click.option("--seed", default="sample", show_default=True, help="Same seed, same rows.")
@click.option(
    "--unit",
    "unit_code",
    default="320000",
    show_default=True,
    help="GB/T 2260 code of the unit whose buyers, districts and dealers the rows name.",
)
@click.option(
    "--encoding",
    type=click.Choice(("utf-8-sig", "gb18030")),
    default="utf-8-sig",
    show_default=True,
    help="Encoding of a .csv file (Excel in China saves GB18030).",
)
def sample_file_command(sales_table, rows, out, fmt, seed, unit_code, encoding) -> None:
    """Write a generated sales-record file the import takes as it is."""
    if fmt is None:
        fmt = "xlsx" if out.suffix.lower() == ".xlsx" else "csv"
    if len(unit_code) != 6 or not unit_code.isdigit():
        raise click.BadParameter("a 6-digit GB/T 2260 code, e.g. 320000", param_hint="--unit")
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if fmt == "csv":
        samplefiles.write_table(
            sales_table, out, rows, seed=seed, unit_division_code=unit_code, encoding=encoding
        )
    else:
        samplefiles.write_table(
            sales_table, out, rows, seed=seed, unit_division_code=unit_code, fmt="xlsx"
        )
    table = TABLES[sales_table]
    size = out.stat().st_size / (1024 * 1024)
    click.echo(
        f"Wrote {written_rows(sales_table, rows)} rows of {table.annex} {table.title} to {out}"
        f" ({fmt}, {size:.1f} MB, {time.perf_counter() - started:.1f} s, seed {seed!r})."
    )
