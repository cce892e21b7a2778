"""Reference-data pages: every table with its revision in use, its rows and its history."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.access import Permission, can, requires
from ..core.forms import run_service
from . import bp, display, service
from .forms import RevisionForm
from .kinds import KINDS, ReferenceKind
from .models import ReferenceTable


def _kind_or_404(table: str) -> ReferenceKind:
    spec = KINDS.get(table)
    if spec is None:
        abort(404)
    return spec


def _pretty(rows) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


@bp.get("/")
@requires(Permission.VIEW_DOMAIN)
def index():
    """The reference tables, their revision in use, row counts and how many are 待核实."""
    return render_template("reference/index.html", kinds=service.overview())


@bp.get("/<table>")
@requires(Permission.VIEW_DOMAIN)
def detail(table: str):
    """The rows in use and the revision history; the ministry also gets the edit form."""
    spec = _kind_or_404(table)
    form = None
    if can(current_user, Permission.MANAGE_REFERENCE_DATA):
        form = RevisionForm()
        latest = service.latest(spec.key)
        form.rows.data = _pretty(latest.rows if latest else [])
    return _render(spec, form)


@bp.post("/<table>", endpoint="save")
@requires(Permission.MANAGE_REFERENCE_DATA)
def save(table: str):
    """Store the edited rows as the next revision; errors beside the textarea, nothing saved."""
    spec = _kind_or_404(table)
    form = RevisionForm()
    if _save(spec, form):
        return redirect(url_for(".detail", table=spec.key))
    return _render(spec, form, 422)


def _render(spec: ReferenceKind, form: RevisionForm | None, status: int = 200):
    latest = service.latest(spec.key)
    return (
        render_template(
            "reference/detail.html",
            spec=spec,
            shown=latest,
            latest=latest,
            rows=display.table(latest.rows) if latest else None,
            unverified=service.unverified_count(latest.rows) if latest else 0,
            history=service.revisions(spec.key),
            form=form,
        ),
        status,
    )


def _save(spec: ReferenceKind, form: RevisionForm) -> bool:
    """Validate and store the posted revision; False (errors on the form) if refused."""
    if not form.validate_on_submit():
        return False
    try:
        rows = json.loads(form.rows.data)
    except json.JSONDecodeError as error:
        form.rows.errors = [
            *form.rows.errors,
            _(
                "不是有效的 JSON：第 %(line)s 行第 %(col)s 列附近有误（检查引号、逗号和括号）。",
                line=error.lineno,
                col=error.colno,
            ),
        ]
        return False
    if rows == []:
        form.rows.errors = [*form.rows.errors, _("至少应有一行数据。")]
        return False
    saved: ReferenceTable | None = run_service(
        form,
        lambda: service.save_revision(
            spec.key, rows, note=form.note.data or "", actor_name=current_user.full_name
        ),
    )
    if saved is None:
        return False
    flash(_("已保存为 %(code)s。", code=saved.code), "success")
    return True


@bp.get("/<table>/r<int:revision>")
@requires(Permission.VIEW_DOMAIN)
def revision(table: str, revision: int):
    """One earlier revision as stored (verdicts name the revision they used)."""
    spec = _kind_or_404(table)
    shown = service.revision(spec.key, revision)
    if shown is None:
        abort(404)
    return render_template(
        "reference/detail.html",
        spec=spec,
        shown=shown,
        latest=service.latest(spec.key),
        rows=display.table(shown.rows),
        unverified=service.unverified_count(shown.rows),
        history=service.revisions(spec.key),
        form=None,
    )
