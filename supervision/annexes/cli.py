"""``flask annexes export``: the annex workbooks from the command line (scheduled or bulk use)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from xlsxwriter.exceptions import FileCreateError

from ..core.models import OrgKind
from ..core.types import utcnow
from ..organisations import service as organisations
from ..plans import service as plans
from . import service

annexes_cli = AppGroup(
    "annexes", help="Export the plan's annexes (附件1、2) and the national workbook."
)


def _fail(message: str) -> None:
    click.echo(click.style(message, fg="red"), err=True)
    sys.exit(1)


@annexes_cli.command("export")
@click.option("--plan", "year", type=int, required=True, help="Plan year, e.g. 2020.")
@click.option(
    "--province",
    "province_code",
    help="GB/T 2260 code of a provincial unit (e.g. 320000); without it, the national workbook.",
)
@click.option(
    "--template",
    is_flag=True,
    help="Annex 2 to fill in offline instead (needs --province); with the filed tasks if --filled.",
)
@click.option("--filled", is_flag=True, help="With --template: include the filed tasks.")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="The .xlsx file to write (replaced atomically).",
)
def export_command(year, province_code, template, filled, out: Path) -> None:
    """Write one province's annexes, its Annex 2 template, or the national workbook."""
    plan = plans.plan_for_year(year)
    if plan is None:
        _fail(f"No plan for {year}.")
    province = None
    if province_code:
        province = organisations.by_division_code(province_code, OrgKind.PROVINCE)
        if province is None:
            _fail(f"No provincial unit with code {province_code!r}.")
    elif template:
        _fail("--template needs --province.")
    if not out.parent.is_dir():
        _fail(f"Cannot write {out}: no directory {out.parent}.")
    part = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        if province is None:
            tasks = service.write_national_workbook(plan, str(part), now=utcnow())
            what = f"national workbook, {tasks} tasks"
        elif template:
            filing = service.find_filing(plan, province) if filled else None
            part.write_bytes(service.build_annex2_template(filing, plan, province))
            what = f"Annex 2 template of {province.name}"
        else:
            facts = service.write_province_annexes(
                plan, province, service.find_filing(plan, province), str(part)
            )
            what = f"annexes of {province.name}, {facts.counts.tasks} tasks"
        os.replace(part, out)
    except (OSError, FileCreateError) as exc:
        _fail(f"Cannot write {out}: {exc}")
    finally:
        part.unlink(missing_ok=True)
    click.echo(f"Wrote {out} ({what}).")
