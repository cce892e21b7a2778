"""Call pages: the list, creating and editing a call, closing it, the call page (its facts, the
applicants the user may see and their formal review, the review, the pilots), sending the
applicants that passed to the detailed review, and the announcement of the pilots."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from ..calendar.service import current_calendar
from ..core import access
from ..core.access import Permission, can, requires
from ..core.errors import DomainError
from ..core.forms import attach_error
from ..core.types import utcnow
from ..core.workdays import CalendarNotAvailable
from ..extensions import db
from . import announcing, bp, calls
from .call_forms import AnnounceForm, CallForm, ReviewSetupForm, version_number
from .models import (
    DOCUMENT_KIND_LABELS,
    Application,
    CallStatus,
    DocumentKind,
    PilotCall,
    PilotEnterprise,
)
from .rules.formal import formal_review_due


def call_or_404(call_id: int) -> PilotCall:
    return access.get_or_404(PilotCall, call_id)


def _counts(model, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    stmt = access.scoped(
        select(model.call_id, func.count()).where(model.call_id.in_(ids)).group_by(model.call_id)
    )
    return dict(db.session.execute(stmt).all())


@bp.get("/", endpoint="calls")
@requires(Permission.VIEW_DOMAIN)
def calls_index():
    """The calls (national), with how many of their applicants and pilots the user sees."""
    found = list(
        db.session.scalars(
            access.scoped(PilotCall).order_by(PilotCall.opens_on.desc(), PilotCall.id.desc())
        )
    )
    ids = [c.id for c in found]
    return render_template(
        "pilots/calls/index.html",
        calls=found,
        stages={c.id: calls.call_stage(c) for c in found},
        applicants=_counts(Application, ids),
        pilots=_counts(PilotEnterprise, ids),
        may_manage=can(current_user, Permission.MANAGE_PILOTS),
    )


def _save_call(form: CallForm, call: PilotCall | None) -> PilotCall | None:
    now = utcnow()
    try:
        if call is None:
            call = calls.create_call(form.data_object(), actor=current_user, now=now)
        else:
            calls.update_call(
                call,
                form.data_object(),
                version=version_number(form.version.data),
                actor=current_user,
                now=now,
            )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return None
    except StaleDataError:
        db.session.rollback()
        attach_error(form, DomainError(calls.CHANGED_MEANWHILE))
        return None
    return call


def _call_form_page(form: CallForm, call: PilotCall | None):
    failed = request.method == "POST"
    return (
        render_template("pilots/calls/form.html", form=form, call=call),
        422 if failed else 200,
    )


@bp.route("/calls/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_PILOTS)
def new_call():
    """A new call, open for applications."""
    form = CallForm()
    if form.validate_on_submit():
        call = _save_call(form, None)
        if call is not None:
            flash(_("已创建征集“%(name)s”。", name=call.name), "success")
            return redirect(url_for(".call", call_id=call.id))
    return _call_form_page(form, None)


@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_PILOTS)
def edit_call(call_id: int):
    """Edit a call (what may still change depends on its stage, see ``calls.update_call``)."""
    call = call_or_404(call_id)
    form = CallForm(obj=call)
    if request.method == "GET":
        form.fill(call)
    if form.validate_on_submit():
        saved = _save_call(form, call)
        if saved is not None:
            flash(_("已保存征集“%(name)s”。", name=saved.name), "success")
            return redirect(url_for(".call", call_id=call_id))
        call = call_or_404(call_id)
    return _call_form_page(form, call)


@bp.post("/calls/<int:call_id>/close")
@requires(Permission.MANAGE_PILOTS)
def close_call(call_id: int):
    """征集结束: on or after the closing date, or earlier when confirmed (``early``)."""
    call = call_or_404(call_id)
    try:
        calls.close_call(
            call, early=request.form.get("early") == "1", actor=current_user, now=utcnow()
        )
        db.session.commit()
        flash(_("征集已截止，请在形式审查期限内完成形式审查。"), "success")
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    return redirect(url_for(".call", call_id=call_id))


def formal_due(call: PilotCall):
    """The formal review's due date, or None when the calendar does not cover it yet."""
    try:
        return formal_review_due(call.closes_on, current_calendar())
    except CalendarNotAvailable:
        return None


@bp.get("/calls/<int:call_id>")
@requires(Permission.VIEW_DOMAIN)
def call(call_id: int):
    """The call: its facts, the applicants the user may see with their formal review, the
    link to its detailed review (the ministry), and its pilots once announced."""
    found = call_or_404(call_id)
    applications = calls.scoped_applications(found, current_user)
    stage = calls.call_stage(found)
    today = calls.local_date(utcnow())
    announce_form = AnnounceForm()
    if request.method == "GET" and not announce_form.announced_on.data:
        announce_form.announced_on.data = today
    return render_template(
        "pilots/calls/detail.html",
        call=found,
        stage=stage,
        applications=applications,
        progress=calls.formal_progress(applications),
        formal_due=formal_due(found) if found.status != CallStatus.OPEN else None,
        pilots=calls.scoped_pilots(found, current_user),
        ministry=can(current_user, Permission.MANAGE_PILOTS),
        may_see_review=can(current_user, Permission.MANAGE_REVIEWS),
        early=found.status == CallStatus.OPEN and today < found.closes_on,
        announce_form=announce_form,
        check_percent=f"{(found.check_rate * 100).normalize():f}",
        required_names=[
            str(DOCUMENT_KIND_LABELS[DocumentKind(v)]) for v in found.required_documents or []
        ],
        CallStatus=CallStatus,
    )


@bp.route("/calls/<int:call_id>/review", methods=["GET", "POST"])
@requires(Permission.MANAGE_PILOTS)
def send_to_review(call_id: int):
    """详细评审: set up the call's review; the applicants that passed become its candidates."""
    found = call_or_404(call_id)
    if found.status != CallStatus.CLOSED or found.review_id is not None:
        flash(_("只有已截止、尚未进入详细评审的征集才能组织详细评审。"), "warning")
        return redirect(url_for(".call", call_id=call_id))
    form = ReviewSetupForm()
    if request.method == "GET":
        form.title.data = calls.review_title(found)
        form.convener.data = _("国家发展改革委、财政部、工业和信息化部、商务部、质检总局相关司局")
    if form.validate_on_submit():
        try:
            review = calls.send_to_review(
                found, form.data_object(), actor=current_user, now=utcnow()
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            flash(
                _("已组织详细评审，%(n)s 家申请单位进入详细评审。", n=len(review.candidates)),
                "success",
            )
            return redirect(url_for(".call", call_id=call_id))
    progress = calls.formal_progress(found.applications)
    return (
        render_template(
            "pilots/calls/send_to_review.html", call=found, form=form, progress=progress
        ),
        422 if request.method == "POST" else 200,
    )


@bp.post("/calls/<int:call_id>/announce")
@requires(Permission.MANAGE_PILOTS)
def announce(call_id: int):
    """公告: the pilots the review chose, numbered in the ranking's order."""
    found = call_or_404(call_id)
    form = AnnounceForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(url_for(".call", call_id=call_id))
    try:
        pilots = announcing.announce(
            found,
            announced_on=form.announced_on.data,
            commitment_due_on=form.commitment_due_on.data,
            actor=current_user,
            now=utcnow(),
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        flash(_("已公告 %(n)s 家推广试点企业。", n=len(pilots)), "success")
    return redirect(url_for(".call", call_id=call_id))
