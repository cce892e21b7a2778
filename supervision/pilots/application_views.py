"""Applicant pages: registering an applicant of a call (by hand or from the enterprise
registry), its page with its documents and formal review, editing it, its documents, and the
formal review (形式审查)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..core import access
from ..core.access import Permission, can, requires
from ..core.errors import DomainError
from ..core.forms import attach_error
from ..core.types import utcnow
from ..enterprises.models import Enterprise
from ..enterprises.rules import normalise_credit_code
from ..extensions import db
from . import applications, bp, calls
from .call_forms import ApplicationForm, DocumentForm, FormalReviewForm, version_number
from .call_views import call_or_404
from .models import Application, ApplicationDocument, CallStatus, PilotEnterprise
from .rules.formal import document_problems


def application_or_404(application_id: int) -> Application:
    return access.get_or_404(Application, application_id)


def _application_form(**kwargs) -> ApplicationForm:
    return ApplicationForm(
        provinces=applications.provinces(), cities=applications.cities(), **kwargs
    )


def _registry_enterprise() -> Enterprise | None:
    """The enterprise of the registry named by ``?enterprise=<id>`` or ``?credit_code=…``."""
    enterprise_id = request.args.get("enterprise", type=int)
    if enterprise_id:
        return access.get_or_404(Enterprise, enterprise_id)
    code = normalise_credit_code(request.args.get("credit_code", ""))
    if not code:
        return None
    found = db.session.scalar(access.scoped(Enterprise).where(Enterprise.credit_code == code))
    if found is None:
        flash(_("企业名录中没有统一社会信用代码为 %(code)s 的企业。", code=code), "warning")
    return found


def _save(form: ApplicationForm, action) -> Application | None:
    try:
        result = action(form.data_object())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return None
    except StaleDataError:
        db.session.rollback()
        attach_error(form, DomainError(calls.CHANGED_MEANWHILE))
        return None
    return result


def _form_page(form, call, application):
    return (
        render_template(
            "pilots/applications/form.html", form=form, call=call, application=application
        ),
        422 if request.method == "POST" else 200,
    )


@bp.route("/calls/<int:call_id>/applications/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_PILOTS)
def new_application(call_id: int):
    """Register an applicant; ``?credit_code=…`` (or ``?enterprise=<id>``) starts from an
    enterprise of the registry."""
    call = call_or_404(call_id)
    if call.status not in (CallStatus.OPEN, CallStatus.CLOSED):
        flash(_("征集已进入详细评审，不能再登记申请单位。"), "warning")
        return redirect(url_for(".call", call_id=call_id))
    form = _application_form()
    if request.method == "GET":
        enterprise = _registry_enterprise()
        if enterprise is not None:
            form.fill(applications.from_enterprise(enterprise))
    if form.validate_on_submit():
        created = _save(
            form,
            lambda data: applications.create_application(
                call, data, actor=current_user, now=utcnow()
            ),
        )
        if created is not None:
            flash(_("已登记申请单位“%(name)s”，请录入其证照。", name=created.name), "success")
            return redirect(url_for(".application", application_id=created.id))
    return _form_page(form, call, None)


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_PILOTS)
def edit_application(application_id: int):
    """Edit an applicant, until its formal review."""
    application = application_or_404(application_id)
    if not applications.editable(application):
        flash(str(applications.LOCKED), "warning")
        return redirect(url_for(".application", application_id=application_id))
    form = _application_form(obj=application)
    if request.method == "GET":
        form.version.data = str(application.version)
        form.city_id.data = application.city_id or 0
    if form.validate_on_submit():
        saved = _save(
            form,
            lambda data: applications.update_application(
                application,
                data,
                version=version_number(form.version.data),
                actor=current_user,
                now=utcnow(),
            ),
        )
        if saved is not None:
            flash(_("已保存申请单位“%(name)s”。", name=saved.name), "success")
            return redirect(url_for(".application", application_id=application_id))
        application = application_or_404(application_id)
    return _form_page(form, application.call, application)


def _pilot_of(application: Application) -> PilotEnterprise | None:
    return db.session.scalar(
        access.scoped(PilotEnterprise).where(PilotEnterprise.application_id == application.id)
    )


@bp.get("/applications/<int:application_id>")
@requires(Permission.VIEW_DOMAIN)
def application(application_id: int):
    """An applicant: its facts, documents (checked on today's date) and formal review."""
    found = application_or_404(application_id)
    today = calls.local_date(utcnow())
    return render_template(
        "pilots/applications/detail.html",
        application=found,
        call=found.call,
        document_problems={
            d.id: document_problems(f, today)
            for d, f in zip(found.documents, applications.document_facts(found), strict=True)
        },
        today=today,
        editable=applications.editable(found),
        document_form=DocumentForm(),
        pilot=_pilot_of(found),
        ministry=can(current_user, Permission.MANAGE_PILOTS),
        may_see_review=can(current_user, Permission.MANAGE_REVIEWS),
    )


@bp.post("/applications/<int:application_id>/documents")
@requires(Permission.MANAGE_PILOTS)
def add_document(application_id: int):
    """Add a document to the application."""
    found = application_or_404(application_id)
    form = DocumentForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        return redirect(url_for(".application", application_id=application_id))
    try:
        document = applications.add_document(
            found, form.data_object(), actor=current_user, now=utcnow()
        )
        db.session.commit()
        flash(_("已添加%(kind)s。", kind=document.kind.label), "success")
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    return redirect(url_for(".application", application_id=application_id))


@bp.post("/documents/<int:document_id>/delete")
@requires(Permission.MANAGE_PILOTS)
def delete_document(document_id: int):
    """Remove a document entered by mistake (before the formal review)."""
    document = access.get_or_404(ApplicationDocument, document_id)
    application_id = document.application_id
    try:
        applications.delete_document(document, actor=current_user, now=utcnow())
        db.session.commit()
        flash(_("已删除证照。"), "success")
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    return redirect(url_for(".application", application_id=application_id))


@bp.route("/applications/<int:application_id>/formal-review", methods=["GET", "POST"])
@requires(Permission.MANAGE_PILOTS)
def formal_review(application_id: int):
    """形式审查: the reviewer ticks the qualifications met and the completeness; the documents
    are checked on today's date. A failed applicant stops here with the reasons."""
    found = application_or_404(application_id)
    call = found.call
    form = FormalReviewForm(qualifications=call.qualifications)
    if request.method == "GET":
        form.version.data = str(found.version)
        met = list(found.qualifications_met or [])
        form.met.data = [i for i, ok in enumerate(met) if ok]
        form.complete.data = bool(found.complete)
    open_ = call.status == CallStatus.CLOSED
    if request.method == "POST":
        if not open_:
            flash(_("形式审查在征集截止后、详细评审前进行。"), "warning")
            return redirect(url_for(".application", application_id=application_id))
        if form.validate_on_submit():
            try:
                result = applications.review_formally(
                    found,
                    qualifications_met=form.findings(),
                    complete=bool(form.complete.data),
                    version=version_number(form.version.data),
                    actor=current_user,
                    now=utcnow(),
                )
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                attach_error(form, error)
            except StaleDataError:
                db.session.rollback()
                attach_error(form, DomainError(calls.CHANGED_MEANWHILE))
            else:
                if result.passed:
                    flash(_("“%(name)s”通过形式审查。", name=found.name), "success")
                else:
                    flash(_("“%(name)s”未通过形式审查。", name=found.name), "warning")
                return redirect(url_for(".application", application_id=application_id))
    today = calls.local_date(utcnow())
    return (
        render_template(
            "pilots/applications/formal_review.html",
            application=found,
            call=call,
            form=form,
            open_=open_,
            today=today,
            preview=applications.check_formally(
                found, [True] * len(call.qualifications), True, today
            ),
        ),
        422 if request.method == "POST" else 200,
    )
