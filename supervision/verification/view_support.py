"""What several verification views share: a step on a versioned record, committed or refused."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, request
from sqlalchemy.orm.exc import StaleDataError

from ..core import versions
from ..core.errors import DomainError
from ..core.versions import CHANGED_MEANWHILE
from ..extensions import db


def commit_versioned(step: Callable[[int | None], object]) -> bool:
    """Run ``step(version)`` with the version the form was rendered with and commit; a rule
    refusing it or someone's change meanwhile is flashed and nothing is written."""
    version = versions.parse(request.form.get("version"))
    try:
        step(version)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return False
    except StaleDataError:
        db.session.rollback()
        flash(str(CHANGED_MEANWHILE), "danger")
        return False
    return True
