"""The job table and the scheduler process (started only by ``flask scheduler``)."""

from __future__ import annotations

import click


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduler in the foreground (one process; web workers never run jobs)."""
    raise click.ClickException("not yet")
