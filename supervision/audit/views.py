"""Audit pages: the searchable log and one record's history."""

from flask import abort, current_app, render_template, request
from flask_login import current_user

from ..core import access
from ..core.access import Permission, requires
from ..core.forms import as_choices
from ..core.models import Organisation
from ..extensions import db
from ..organisations.service import indented_choices
from . import bp, service
from .forms import AuditSearchForm


@bp.get("/")
@requires(Permission.VIEW_AUDIT)
def index():
    """Search the log by user, organisation, record type, record and date (within scope)."""
    form = AuditSearchForm(request.args)
    orgs = list(db.session.scalars(access.scoped(Organisation)))
    form.organisation_id.choices = as_choices([(0, "—"), *indented_choices(orgs)])
    form.entity.choices = as_choices([("", "—"), *service.ENTITY_LABELS.items()])
    filters = {}
    if form.validate():
        filters = {
            "user": form.user.data,
            "organisation_id": form.organisation_id.data or None,
            "entity": form.entity.data or None,
            "entity_id": form.entity_id.data,
            "date_from": form.date_from.data,
            "date_to": form.date_to.data,
        }
    stmt = service.search(current_user, tz=current_app.config["TIMEZONE"], **filters)
    pagination = db.paginate(stmt, per_page=50, error_out=False)
    return render_template("audit/index.html", form=form, pagination=pagination, **_labels())


@bp.get("/<entity>/<entity_id>")
@requires(Permission.VIEW_AUDIT)
def history(entity: str, entity_id: str):
    """The history of one record, as far as the reader may see it."""
    if entity not in service.ENTITY_LABELS:
        abort(404)
    entries = list(db.session.scalars(service.history(current_user, entity, entity_id)))
    if not entries:
        abort(404)
    return render_template(
        "audit/history.html", entries=entries, entity=entity, entity_id=entity_id, **_labels()
    )


def _labels() -> dict:
    return {
        "entity_labels": service.ENTITY_LABELS,
        "action_labels": service.ACTION_LABELS,
        "source_labels": service.SOURCE_LABELS,
        "field_label": service.field_label,
    }
