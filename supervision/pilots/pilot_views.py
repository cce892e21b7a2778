"""Pilot pages: the pilot (its number, status, commitment letter, outlets and the way to its
daily management), recording the commitment letter or cancelling the pilot, and the public
page of a call's pilots."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, can, public, requires
from ..core.errors import DomainError
from ..core.types import utcnow
from ..extensions import db
from . import announcing, bp, calls
from .call_forms import CommitmentForm
from .models import CallStatus, PilotCall, PilotEnterprise, PilotStatus
from .rules.formal import commitment_overdue


def pilot_or_404(pilot_id: int) -> PilotEnterprise:
    return access.get_or_404(PilotEnterprise, pilot_id)


def code_prefixes(call: PilotCall, pilot: PilotEnterprise) -> list[tuple[str, str]]:
    """(product class, the first six characters of its codes), e.g. ("发动机", "F01401")."""
    year = f"{call.year % 100:02d}"
    return [
        (c["name"], f"{c['letter']}{c['correction']}{year}{pilot.code_number}")
        for c in call.product_classes or []
    ]


@bp.get("/enterprises/<int:pilot_id>")
@requires(Permission.VIEW_DOMAIN)
def pilot(pilot_id: int):
    """The pilot: its number and codes, its commitment letter, its outlets, and links to its
    trade-ins, monthly packs, third-party checks and complaints."""
    found = pilot_or_404(pilot_id)
    call = found.call
    today = calls.local_date(utcnow())
    form = CommitmentForm()
    form.signed_on.data = today
    return render_template(
        "pilots/pilot/detail.html",
        pilot=found,
        call=call,
        codes=code_prefixes(call, found),
        overdue=commitment_overdue(call.commitment_due_on, found.commitment_signed_on, today),
        form=form,
        ministry=can(current_user, Permission.MANAGE_PILOTS),
        may_run=can(current_user, Permission.RUN_PILOTS),
        PilotStatus=PilotStatus,
    )


@bp.post("/enterprises/<int:pilot_id>/commitment")
@requires(Permission.MANAGE_PILOTS)
def commitment(pilot_id: int):
    """承诺书: record the signed letter (→ 试点中), or cancel the pilot with the reason."""
    found = pilot_or_404(pilot_id)
    form = CommitmentForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(url_for(".pilot", pilot_id=pilot_id))
    now = utcnow()
    try:
        if form.decision.data == "cancelled":
            announcing.cancel(found, reason=form.reason.data or "", actor=current_user, now=now)
            message = _("已取消“%(name)s”的通过资格。", name=found.name)
        else:
            announcing.record_commitment(
                found,
                signed_on=form.signed_on.data,
                hotline=form.hotline.data,
                actor=current_user,
                now=now,
            )
            message = _("已登记“%(name)s”签订承诺书。", name=found.name)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        flash(message, "success")
    return redirect(url_for(".pilot", pilot_id=pilot_id))


@bp.get("/public/<int:call_id>")
@public
def public_pilots(call_id: int):
    """推广试点企业公告 (public): the announced call's pilots with their numbers, cities and
    reporting lines; nothing personal."""
    call = db.session.get(PilotCall, call_id)
    if call is None or call.status != CallStatus.ANNOUNCED:
        abort(404)
    return render_template(
        "pilots/public/pilots.html",
        call=call,
        pilots=announcing.public_pilots(call),
        PilotStatus=PilotStatus,
    )
