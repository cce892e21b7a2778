"""``flask enterprises import FILE --province CODE``: the registry import from the command line."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..core.errors import DomainError
from ..core.models import Organisation, OrgKind
from ..extensions import db
from ..imports import service as imports
from ..imports.models import ImportJob
from .importing import ENTERPRISES

enterprises_cli = AppGroup("enterprises", help="Maintain the enterprise registry.")


def _fail(message: str) -> None:
    click.echo(click.style(message, fg="red"), err=True)
    sys.exit(1)


@enterprises_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--province",
    "province_code",
    required=True,
    help="GB/T 2260 code of the provincial unit whose registry receives the rows, e.g. 320000.",
)
def import_command(file: Path, province_code: str) -> None:
    """Import enterprises from an .xlsx or .csv file laid out like the template.

    The same checks and the same all-or-nothing import as the web page: any error imports
    nothing and every error is printed with its row number.
    """
    province = db.session.scalar(
        select(Organisation).where(
            Organisation.division_code == province_code, Organisation.kind == OrgKind.PROVINCE
        )
    )
    if province is None:
        _fail(f"No provincial unit with code {province_code!r}.")
    with file.open("rb") as fh:
        try:
            job = imports.create_job(
                ENTERPRISES, fh, file.name, province=province, user=None, source="cli"
            )
        except DomainError as exc:
            db.session.rollback()
            _fail(str(exc))
    db.session.commit()
    job_id = job.id
    app = current_app._get_current_object()
    imports.validate_job(app, job_id)  # each pass works in a session of its own
    db.session.expire_all()
    job = db.session.get(ImportJob, job_id)
    if job.status == imports.Status.VALID:
        imports.confirm(job)
        db.session.commit()
        imports.import_job(app, job_id)
        db.session.expire_all()
        job = db.session.get(ImportJob, job_id)
    if job.status != imports.Status.DONE:
        _print_errors(job)
        _fail(f"{job.message} (import job #{job_id}; nothing imported)")
    click.echo(
        f"Imported {job.summary.get('imported', 0)} enterprises into {province.name}"
        f" (import job #{job_id})."
    )


def _print_errors(job: ImportJob) -> None:
    path = imports.error_report_path(job)
    if path is None:
        errors = [(e["row"], e["column"], e["message"]) for e in job.errors or []]
    else:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            errors = list(csv.reader(fh))[1:]
    for row, column, message in errors:
        click.echo(f"row {row}, {column}: {message}", err=True)
