"""Reminder policies: one per deadline kind, edited by the ministry's administrators."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.access import Permission, requires
from ..extensions import db
from . import bp, policies
from .forms import PolicyForm
from .models import ReminderPolicy


@bp.get("/policies")
@requires(Permission.MANAGE_REMINDERS)
def policy_list():
    """Every deadline kind with the policy in force (stored, or the kind's default)."""
    kinds = policies.deadline_kinds()
    return render_template(
        "reminders/policies.html",
        rows=[(kind, kinds[kind], policies.policy_row(kind)) for kind in kinds],
        may_edit=policies.may_edit(current_user),
    )


@bp.route("/policies/<deadline_kind>", methods=["GET", "POST"])
@requires(Permission.MANAGE_REMINDERS)
def policy(deadline_kind: str):
    """Edit when and to whom one kind of deadline is reminded."""
    kinds = policies.deadline_kinds()
    if deadline_kind not in kinds:
        abort(404)
    may_edit = policies.may_edit(current_user)
    if request.method == "POST" and not may_edit:
        abort(403)
    row = policies.policy_row(deadline_kind)
    form = PolicyForm(obj=row if request.method == "GET" else None)
    if request.method == "GET":
        form.offsets.data = ", ".join(str(n) for n in row.offsets or ())
    if form.validate_on_submit():
        policies.save_policy(
            deadline_kind,
            offsets=form.offset_values,
            offset_unit=form.offset_unit.data,
            on_due_day=form.on_due_day.data,
            overdue_every=form.overdue_every.data,
            recipients=form.recipients.data,
            enabled=form.enabled.data,
        )
        db.session.commit()
        flash(_("“%(kind)s”的提醒规则已保存。", kind=kinds[deadline_kind].label), "success")
        return redirect(url_for(".policy_list"))
    return render_template(
        "reminders/policy.html",
        form=form,
        deadline_kind=deadline_kind,
        kind=kinds[deadline_kind],
        stored=db.session.get(ReminderPolicy, deadline_kind) is not None,
        may_edit=may_edit,
    ), (422 if form.errors else 200)
