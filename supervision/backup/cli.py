"""``flask backup --out FILE`` and ``flask restore --from FILE [--force]``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.types import utcnow
from .service import BackupError, NotEmpty, create_backup, restore_backup


def _fail(message: str) -> None:
    click.echo(click.style(message, fg="red"), err=True)
    sys.exit(1)


def _size(path: Path) -> str:
    size = path.stat().st_size
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


@click.command("backup")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to write (.tar.gz); an existing file is replaced once the new one is complete.",
)
def backup_command(out: Path) -> None:
    """Back up the database and the uploaded evidence files into one archive."""
    try:
        manifest = create_backup(out, now=utcnow())
    except (BackupError, OSError) as exc:
        _fail(f"Backup failed: {exc}")
    rows = sum(summary.size for summary in manifest.tables.values())
    click.echo(
        f"Backup written to {out} ({_size(out)}): {manifest.database} database at revision"
        f" {manifest.revision}, {len(manifest.tables)} tables, {rows} rows,"
        f" {len(manifest.files)} uploaded files."
    )
    if manifest.missing_files:
        click.echo(
            click.style(
                f"{len(manifest.missing_files)} uploaded file(s) named in the database were not"
                f" in the evidence folder: {', '.join(manifest.missing_files[:10])}",
                fg="yellow",
            ),
            err=True,
        )


@click.command("restore")
@click.option(
    "--from",
    "archive",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An archive written by `flask backup`.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace everything the database holds (without it, only an empty database is restored into).",
)
def restore_command(archive: Path, force: bool) -> None:
    """Restore a backup into an empty database (stop the web server and the scheduler first),
    then check every table and file against the backup's manifest."""
    from flask import current_app

    from ..extensions import db

    url = db.engine.url.render_as_string(hide_password=True)
    try:
        report = restore_backup(archive, force=force)
    except NotEmpty as exc:
        tables = exc.args[0]
        _fail(
            f"The database {url} is not empty ({len(tables)} tables, e.g. {', '.join(tables[:3])})."
            " Restore into an empty database (create a new one), or pass --force to replace"
            " everything in it."
        )
    except (BackupError, OSError) as exc:
        _fail(f"Restore failed: {exc}")
    manifest = report.manifest
    if report.problems:
        _fail(
            f"Restored {archive} into {url}, but it does not match the backup's manifest:\n  "
            + "\n  ".join(report.problems)
        )
    click.echo(
        f"Restored {archive} (taken {manifest.created_at}) into {url}: {len(manifest.tables)}"
        f" tables and {len(manifest.files)} uploaded files into"
        f" {Path(current_app.instance_path) / 'evidence'}, each identical to the manifest."
    )
    click.echo(
        f"Schema revision {manifest.revision}: run `flask --app supervision init` to upgrade it"
        " if this version of the application is newer than the backup."
    )
