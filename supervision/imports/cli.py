"""``flask imports recover``: fail the import jobs whose worker is gone (also run by the
scheduler every minute)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from . import service

imports_cli = AppGroup("imports", help="Background imports of spreadsheets.")


@imports_cli.command("recover")
@click.option(
    "--stale",
    type=click.IntRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Give up a job of another machine after this long without a heartbeat "
    "(default: IMPORTS_STALE_SECONDS, 300).",
)
def recover_command(stale: int | None) -> None:
    """Mark failed every import still validating or importing whose process is gone (a web
    worker killed, the server restarted): nothing of it was imported; its file may be
    uploaded again."""
    try:
        recovered = service.recover_interrupted(stale=stale)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for job in recovered:
        click.echo(f"import job #{job.job_id} ({job.kind}, {job.file_name}): failed, {job.reason}")
    click.echo(f"{len(recovered)} interrupted import(s) marked failed.")
