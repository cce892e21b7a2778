"""Campaign pages: the list, creating and editing a campaign with its units, targets and
record counts, issuing it, and the campaign page (every unit's status for the ministry, a
unit's own tasks for the others)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..core.access import Permission, can, requires
from ..core.errors import DomainError
from ..core.forms import attach_error
from ..core.types import utcnow
from ..extensions import db
from . import bp, campaigns, task_counts
from .campaign_forms import CampaignForm, percent
from .models import CampaignStatus, Target, VerificationCampaign
from .rules.categories import PRODUCT_CATEGORIES, category_name
from .units import campaign_or_404
from .view_support import commit_versioned


@bp.get("/", endpoint="campaigns")
@requires(Permission.VIEW_DOMAIN)
def campaigns_index():
    """The campaigns: every one (drafts too) for the ministry, the issued ones with a task of
    theirs for the units."""
    found = campaigns.visible_campaigns(current_user)
    rows = {c.id: campaigns.unit_rows(c, current_user) for c in found}
    return render_template(
        "verification/campaigns/index.html",
        campaigns=found,
        rows=rows,
        may_manage=can(current_user, Permission.MANAGE_CAMPAIGNS),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_CAMPAIGNS)
def new_campaign():
    """A new campaign (a draft): facts, units (all by default) and targets."""
    units = campaigns.campaign_units()
    form = CampaignForm(units=units)
    if request.method == "GET":
        form.unit_ids.data = [u.id for u in units]
        form.targets.data = [t.value for t in Target]
        form.categories.data = [code for code, _name in PRODUCT_CATEGORIES]
    if form.validate_on_submit():
        campaign = _save(form, None)
        if campaign is not None:
            flash(_("已保存核查工作“%(name)s”（草稿，尚未下达）。", name=campaign.name), "success")
            return redirect(url_for(".campaign", campaign_id=campaign.id))
    return _form_page(form, None, units)


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_CAMPAIGNS)
def edit_campaign(campaign_id: int):
    """Edit a campaign; a draft's units and targets too; record counts per unit and target."""
    campaign = campaign_or_404(campaign_id)
    units = campaigns.campaign_units()
    locked = campaign.status != CampaignStatus.DRAFT
    form = CampaignForm(obj=campaign, units=units, locked=locked)
    if request.method == "GET":
        form.version.data = str(campaign.version)
        form.phone_rate.data = percent(campaign.phone_rate)
        form.visit_rate.data = percent(campaign.visit_rate)
        form.unit_ids.data = campaigns.campaign_unit_ids(campaign)
        form.targets.data = [t.value for t in campaigns.campaign_targets(campaign)]
    if form.validate_on_submit():
        saved = _save(form, campaign)
        if saved is not None:
            flash(_("已保存核查工作“%(name)s”。", name=saved.name), "success")
            return redirect(url_for(".campaign", campaign_id=saved.id))
        campaign = campaign_or_404(campaign_id)
    return _form_page(form, campaign, units)


def _form_page(form: CampaignForm, campaign: VerificationCampaign | None, units):
    tasks = {}
    if campaign is not None:
        tasks = {(t.unit_id, t.target): t for t in campaign.tasks}
    failed = request.method == "POST"
    return (
        render_template(
            "verification/campaigns/form.html",
            form=form,
            campaign=campaign,
            units=units,
            targets=campaigns.campaign_targets(campaign) if campaign else [],
            tasks=tasks,
            task_units={unit_id for unit_id, _target in tasks},
            typed=request.form if failed else {},
            field_name=task_counts.field_name,
        ),
        422 if failed else 200,
    )


def _save(form: CampaignForm, campaign: VerificationCampaign | None):
    """Run the services for a submitted campaign form; commit or show why not."""
    now = utcnow()
    locked = form.locked
    try:
        if campaign is None:
            campaign = campaigns.create_campaign(
                form.data_object(),
                unit_ids=form.unit_ids.data or [],
                targets=form.targets.data or [],
                actor=current_user,
                now=now,
            )
        else:
            moved = campaigns.update_campaign(
                campaign,
                form.data_object(),
                unit_ids=None if locked else (form.unit_ids.data or []),
                targets=None if locked else (form.targets.data or []),
                version=form.version_number,
                actor=current_user,
                now=now,
            )
            if moved and campaign.status != CampaignStatus.DRAFT:
                flash(_("%(n)s 项任务的完成期限已随结果上报期限调整。", n=moved), "info")
            typed, errors = task_counts.typed_counts(request.form, campaign.tasks)
            if errors:
                raise DomainError("；".join(errors), field="counts_text")
            campaigns.set_record_counts(campaign, typed, actor=current_user)
        _import_counts(form, campaign)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return None
    except StaleDataError:
        db.session.rollback()
        attach_error(form, DomainError(campaigns.CHANGED_MEANWHILE))
        return None
    return campaign


def _import_counts(form: CampaignForm, campaign: VerificationCampaign) -> None:
    """Counts pasted or uploaded with the form (the whole table, or nothing)."""
    targets = [t.value for t in campaigns.campaign_targets(campaign)]
    found: dict = {}
    errors: list[str] = []
    upload = form.counts_file.data
    if form.counts_text.data and form.counts_text.data.strip():
        found, errors = task_counts.pasted_counts(
            form.counts_text.data, campaigns.unit_index(), targets
        )
    elif upload is not None and getattr(upload, "filename", ""):
        found, errors = task_counts.uploaded_counts(
            upload.filename, upload.stream, campaigns.unit_index(), targets
        )
    else:
        return
    if errors:
        raise DomainError("；".join(errors), field="counts_text")
    campaigns.set_record_counts(campaign, found, actor=current_user)
    flash(_("已导入 %(n)s 项任务量。", n=len(found)), "info")


@bp.post("/<int:campaign_id>/issue")
@requires(Permission.MANAGE_CAMPAIGNS)
def issue_campaign(campaign_id: int):
    """下达: the draft's tasks go to the units."""
    campaign = campaign_or_404(campaign_id)
    issued = commit_versioned(
        lambda version: campaigns.issue_campaign(
            campaign, version=version, actor=current_user, now=utcnow()
        )
    )
    if issued:
        flash(
            _("已向 %(n)s 个单位下达核查任务。", n=len(campaigns.campaign_unit_ids(campaign))),
            "success",
        )
    return redirect(url_for(".campaign", campaign_id=campaign_id))


@bp.get("/<int:campaign_id>")
@requires(Permission.VIEW_DOMAIN)
def campaign(campaign_id: int):
    """The campaign: its facts and the units × targets table (the ministry every unit; a
    province its own units; an inspector the units of his tasks)."""
    found = campaign_or_404(campaign_id)
    rows = campaigns.unit_rows(found, current_user)
    ministry = can(current_user, Permission.MANAGE_CAMPAIGNS)
    if not ministry and found.status == CampaignStatus.DRAFT:
        abort(404)  # the scope rule already hides drafts; never show one by accident
    return render_template(
        "verification/campaigns/detail.html",
        campaign=found,
        rows=rows,
        targets=campaigns.campaign_targets(found),
        ministry=ministry,
        category_names=[category_name(c) for c in found.categories or []],
        phone_percent=percent(found.phone_rate),
        visit_percent=percent(found.visit_rate),
    )
