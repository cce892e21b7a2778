"""Training pages: the province-to-venue table (附表1), the ministry's sessions, a unit's
registration receipt (附表2) and the receipts as a workbook."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, can, requires
from ..core.clock import local_today
from ..core.forms import run_service
from ..core.types import utcnow
from . import bp, training
from .models import TrainingSession
from .rules.training import registration_late, registration_open
from .training_export import write_registrations
from .training_forms import RegistrationForm, SessionForm
from .units import campaign_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/<int:campaign_id>/training", endpoint="training")
@requires(Permission.VIEW_DOMAIN)
def training_table(campaign_id: int):
    """附表1 节能产品惠民工程推广信息核查区域培训分布, with each unit's receipt status (the
    ministry every unit's, a province its own)."""
    campaign = campaign_or_404(campaign_id)
    ministry = can(current_user, Permission.MANAGE_CAMPAIGNS)
    return render_template(
        "verification/training/table.html",
        campaign=campaign,
        blocks=training.training_table(campaign),
        registered=training.registrations_of(campaign),
        my_units={u.id for u in training.user_units(current_user)},
        ministry=ministry,
        unassigned=training.unassigned_units(campaign) if ministry else [],
        today=local_today(),
        registration_open=registration_open,
    )


@bp.route("/<int:campaign_id>/training/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_CAMPAIGNS)
def new_session(campaign_id: int):
    """A training session: 片区, date and time, venue, contacts, the units that attend."""
    campaign = campaign_or_404(campaign_id)
    form = SessionForm(units=training.assignable_units(campaign))
    if form.validate_on_submit():
        session = run_service(
            form,
            lambda: training.create_session(
                campaign,
                form.data_object(),
                unit_ids=form.unit_ids.data or [],
                actor=current_user,
                now=utcnow(),
            ),
        )
        if session is not None:
            flash(_("已添加%(region)s片区的培训。", region=session.region), "success")
            return redirect(url_for(".training", campaign_id=campaign.id))
        campaign = campaign_or_404(campaign_id)
    return _session_page(form, campaign, None)


@bp.route("/training/<int:session_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_CAMPAIGNS)
def edit_session(session_id: int):
    """Change a session (a unit taken off it loses its receipt for it)."""
    session = access.get_or_404(TrainingSession, session_id)
    form = SessionForm(obj=session, units=training.assignable_units(session.campaign))
    if request.method == "GET":
        form.unit_ids.data = [u.id for u in session.units]
    if form.validate_on_submit():
        done = run_service(
            form,
            lambda: (
                training.update_session(
                    session,
                    form.data_object(),
                    unit_ids=form.unit_ids.data or [],
                    actor=current_user,
                    now=utcnow(),
                )
                or True
            ),
        )
        if done:
            flash(_("已保存%(region)s片区的培训。", region=session.region), "success")
            return redirect(url_for(".training", campaign_id=session.campaign_id))
        session = access.get_or_404(TrainingSession, session_id)
    return _session_page(form, session.campaign, session)


def _session_page(form, campaign, session):
    return (
        render_template(
            "verification/training/session_form.html",
            form=form,
            campaign=campaign,
            session=session,
        ),
        422 if request.method == "POST" else 200,
    )


@bp.route("/training/<int:session_id>/register", methods=["GET", "POST"])
@requires(Permission.RUN_VERIFICATION)
def register(session_id: int):
    """报名回执单 of one of the user's units (``?unit=``; the first one assigned by default):
    one per unit and session, changeable until the session is held."""
    session = access.get_or_404(TrainingSession, session_id)
    mine = [u for u in training.user_units(current_user) if u in session.units]
    wanted = request.values.get("unit", "")
    unit = next((u for u in mine if str(u.id) == wanted), mine[0] if mine else None)
    registration = training.registration_of(session, unit) if unit else None
    today = local_today()
    problem = training.registration_problem(session, unit, current_user, today) if unit else None
    form = RegistrationForm()
    if request.method == "GET" and unit is not None:
        form.fill(registration, unit)
        form.unit.data = str(unit.id)
    if unit is not None and problem is None and form.validate_on_submit():
        saved = run_service(
            form,
            lambda: training.save_registration(
                session, unit, form.data_object(), actor=current_user, now=utcnow()
            ),
        )
        if saved is not None:
            flash(_("已提交%(unit)s的报名回执。", unit=unit.name), "success")
            return redirect(url_for(".training", campaign_id=session.campaign_id))
        session = access.get_or_404(TrainingSession, session_id)
    return (
        render_template(
            "verification/training/register.html",
            session=session,
            campaign=session.campaign,
            units=mine,
            unit=unit,
            form=form,
            registration=registration,
            problem=problem,
            late=registration_late(today, session.register_by),
        ),
        422 if request.method == "POST" else 200,
    )


@bp.get("/<int:campaign_id>/training/registrations.xlsx")
@requires(Permission.MANAGE_CAMPAIGNS)
def registrations_export(campaign_id: int):
    """Every receipt of the campaign's sessions (.xlsx), and the units that sent none."""
    campaign = campaign_or_404(campaign_id)
    buffer = io.BytesIO()
    write_registrations(campaign, buffer)
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"{campaign.name}-培训报名回执.xlsx",
    )
