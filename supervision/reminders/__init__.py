"""Deadlines of every dated obligation, reminders by notification centre and e-mail, never silent."""

from flask import Blueprint

bp = Blueprint("reminders", __name__, url_prefix="/reminders")


@bp.record_once
def _watch_changes(state) -> None:
    # send-due reads only what is due unless a source, a policy or the calendar changed.
    from .changes import install

    install(state.app)


from . import models, views  # noqa: E402,F401
