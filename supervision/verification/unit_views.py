"""A unit's pages in a campaign: the hub (its tasks, their split to agencies and people, links
to every part of the work) and one task, with the split and the "done" actions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..core import access
from ..core.access import Permission, requires
from ..core.errors import DomainError
from ..core.forms import attach_error
from ..core.types import utcnow
from ..extensions import db
from . import assignments, bp, campaigns, training
from .campaign_forms import AssignForm
from .hub import hub_cards
from .models import VerificationTask
from .units import campaign_or_404, unit_or_404
from .view_support import commit_versioned


def _assign_form(task: VerificationTask, *, submitted: bool = False) -> AssignForm:
    kwargs = {
        "prefix": f"t{task.id}",
        "agencies": assignments.agency_choices(task.unit),
        "people": assignments.people_choices(task.unit),
    }
    if submitted:
        return AssignForm(**kwargs)
    return AssignForm(
        formdata=None,
        data={
            "version": str(task.version),
            "agency_id": task.agency_id or 0,
            "people_ids": [u.id for u in task.people],
        },
        **kwargs,
    )


@bp.get("/<int:campaign_id>/units/<int:unit_id>")
@requires(Permission.VIEW_DOMAIN)
def unit(campaign_id: int, unit_id: int):
    """The hub of a unit: its tasks (agency, people, status) with the forms to split them, its
    training session, and a card for every part of the verification work."""
    campaign = campaign_or_404(campaign_id)
    found = unit_or_404(campaign, unit_id)
    tasks = campaigns.visible_tasks(campaign, current_user, unit_id=found.id)
    forms = {t.id: _assign_form(t) for t in tasks if assignments.may_split(t, current_user)}
    return render_template(
        "verification/campaigns/unit.html",
        campaign=campaign,
        unit=found,
        tasks=tasks,
        forms=forms,
        completable={t.id for t in tasks if assignments.may_complete(t, current_user)},
        cards=hub_cards(campaign.id, found.id),
        sessions=training.unit_sessions(campaign, found, current_user),
    )


def _task_or_404(vtask_id: int) -> VerificationTask:
    task = access.get_or_404(VerificationTask, vtask_id)
    campaign_or_404(task.campaign_id)  # a draft's tasks are the ministry's alone
    return task


@bp.get("/tasks/<int:vtask_id>")
@requires(Permission.VIEW_DOMAIN)
def task(vtask_id: int, form: AssignForm | None = None):
    """One task: what was issued, to whom it is given, and the forms to split or finish it."""
    found = _task_or_404(vtask_id)
    if form is None and assignments.may_split(found, current_user):
        form = _assign_form(found)
    others = db.session.scalars(
        access.scoped(
            select(VerificationTask).where(
                VerificationTask.campaign_id == found.campaign_id,
                VerificationTask.unit_id == found.unit_id,
                VerificationTask.id != found.id,
            )
        ).order_by(VerificationTask.id)
    ).all()
    return (
        render_template(
            "verification/campaigns/task.html",
            task=found,
            campaign=found.campaign,
            form=form,
            may_complete=assignments.may_complete(found, current_user),
            others=others,
        ),
        422 if request.method == "POST" else 200,
    )


@bp.post("/tasks/<int:vtask_id>/assign")
@requires(Permission.RUN_VERIFICATION)
def assign_task(vtask_id: int):
    """落实到核查机构，落实到人."""
    found = _task_or_404(vtask_id)
    form = _assign_form(found, submitted=True)
    if form.validate_on_submit():
        try:
            assignments.assign_task(
                found,
                agency_id=form.agency_id.data or None,
                people_ids=form.people_ids.data or [],
                version=form.version_number,
                actor=current_user,
                now=utcnow(),
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        except StaleDataError:
            db.session.rollback()
            attach_error(form, DomainError(campaigns.CHANGED_MEANWHILE))
        else:
            flash(
                _(
                    "已将%(target)s落实到%(agency)s。",
                    target=found.target.label,
                    agency=found.agency.name,
                ),
                "success",
            )
            return redirect(url_for(".unit", campaign_id=found.campaign_id, unit_id=found.unit_id))
    return task(vtask_id, form=form)


@bp.post("/tasks/<int:vtask_id>/complete")
@requires(Permission.RUN_VERIFICATION)
def complete_task(vtask_id: int):
    """Mark the task done (已完成) today."""
    found = _task_or_404(vtask_id)
    done = commit_versioned(
        lambda version: assignments.complete_task(
            found, version=version, actor=current_user, now=utcnow()
        )
    )
    if done:
        flash(_("%(target)s已完成。", target=found.target.label), "success")
    return redirect(url_for(".unit", campaign_id=found.campaign_id, unit_id=found.unit_id))
