"""``flask reminders …``: send what is due now (cron or tests drive ``--now``)."""

from __future__ import annotations

from flask.cli import AppGroup

reminders_cli = AppGroup("reminders", help="Deadlines and reminders.")
