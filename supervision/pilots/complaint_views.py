"""Complaint pages: the register of the province's complaints, registering one, one complaint
and its steps (assign, investigate, conclude, publish), and the public page of the published
findings (第二十三条(二): 向社会公开核实情况及处理意见), which never shows the complainant."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import extract, select
from sqlalchemy.orm import selectinload

from ..core import access
from ..core.access import Permission, can, public, requires
from ..core.clock import local_today
from ..core.forms import run_service
from ..core.models import Organisation, OrgKind, User
from ..core.types import utcnow
from ..extensions import db
from ..verification.rules.masking import mask_name, mask_phone
from ..verification.units import record_personal_view
from . import bp
from . import complaints as service
from .check_forms import AssignForm, ComplaintForm, ConcludeForm, InvestigationForm, PublishForm
from .daily_models import COMPLAINT_STATUS_LABELS, Complaint, ComplaintStatus
from .models import Outlet, PilotEnterprise
from .rules.complaints import overdue, published_late

PER_PAGE = 50


def _paginate(stmt):
    return db.paginate(stmt, per_page=PER_PAGE, max_per_page=200, error_out=False)


def mask_contact(contact: str) -> str:
    """A phone number as ``mask_phone`` hides it; any other contact (an e-mail, an address)
    down to its first character."""
    text = (contact or "").strip()
    if sum(c.isdigit() for c in text) >= 7 and "@" not in text:
        return mask_phone(text)
    return text[:1] + "***" if text else ""


def _helpers() -> dict:
    return {"today": local_today(), "overdue": overdue, "published_late": published_late}


# -- the register ---------------------------------------------------------------------------------


@bp.get("/complaints")
@requires(Permission.VIEW_DOMAIN)
def complaints():
    """The complaints of the user's province (the ministry: all), newest first;
    ``?status=…`` one step, ``?pilot=<id>`` those about one pilot, ``?overdue=1`` those past
    their due day and not yet published."""
    stmt = access.scoped(Complaint).options(
        selectinload(Complaint.pilot), selectinload(Complaint.outlet)
    )
    status = request.args.get("status", "")
    if status in ComplaintStatus._value2member_map_:
        stmt = stmt.where(Complaint.status == ComplaintStatus(status))
    pilot = request.args.get("pilot", "")
    if pilot.isdigit():
        stmt = stmt.where(Complaint.pilot_id == int(pilot))
    late_only = request.args.get("overdue") == "1"
    if late_only:
        stmt = stmt.where(Complaint.published_on.is_(None), Complaint.due_on < local_today())
    pagination = _paginate(stmt.order_by(Complaint.received_on.desc(), Complaint.id.desc()))
    return render_template(
        "pilots/complaints/index.html",
        pagination=pagination,
        status=status,
        late_only=late_only,
        pilot=pilot if pilot.isdigit() else "",
        statuses=COMPLAINT_STATUS_LABELS,
        may_register=can(current_user, Permission.RUN_PILOTS),
        mask_name=mask_name,
        **_helpers(),
    )


def _complaint_form(form: ComplaintForm) -> ComplaintForm:
    pilots = db.session.scalars(
        access.scoped(PilotEnterprise).order_by(PilotEnterprise.call_id, PilotEnterprise.number)
    ).all()
    outlets = db.session.scalars(access.scoped(Outlet).order_by(Outlet.pilot_id, Outlet.name)).all()
    form.pilot_id.choices = [("", _("（未涉及具体试点企业）"))] + [
        (str(p.id), f"{p.code_number} {p.name}") for p in pilots
    ]
    form.outlet_id.choices = [("", "—")] + [
        (str(o.id), f"{o.pilot.name} · {o.name}") for o in outlets
    ]
    if access.sees_everything(current_user):
        provinces = db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.PROVINCE)
            .order_by(Organisation.division_code)
        ).all()
        form.province_id.choices = [("", "—")] + [(str(p.id), p.name) for p in provinces]
    else:
        del form.province_id
    return form


def _chosen(model, value):
    """The row a select named (in the user's scope), or None for none; 404 if out of scope."""
    if not value:
        return None
    try:
        ident = int(value)
    except ValueError:
        abort(404)
    if model is Organisation:
        org = db.session.get(Organisation, ident)
        if org is None or org.kind != OrgKind.PROVINCE:
            abort(404)
        return org
    return access.get_or_404(model, ident)


@bp.route("/complaints/new", methods=["GET", "POST"])
@requires(Permission.RUN_PILOTS)
def new_complaint():
    """Register a complaint received by mailbox, phone or e-mail; numbered within the province
    and year, due 30 working days after receipt."""
    form = _complaint_form(ComplaintForm())
    if request.method == "GET":
        form.received_on.data = local_today()
        pilot_arg = request.args.get("pilot", "")
        if pilot_arg in {value for value, _label in form.pilot_id.choices}:
            form.pilot_id.data = pilot_arg
    if form.validate_on_submit():
        province_field = getattr(form, "province_id", None)
        complaint = run_service(
            form,
            lambda: service.register_complaint(
                actor=current_user,
                now=utcnow(),
                channel=form.channel.data,
                received_on=form.received_on.data,
                summary=form.summary.data or "",
                complainant=form.complainant.data or "",
                contact=form.contact.data or "",
                pilot=_chosen(PilotEnterprise, form.pilot_id.data),
                outlet=_chosen(Outlet, form.outlet_id.data),
                province=_chosen(Organisation, province_field.data if province_field else None),
            ),
        )
        if complaint is not None:
            flash(
                _(
                    "已登记举报 %(n)s，核实情况须于 %(d)s 前公开。",
                    n=complaint.number,
                    d=complaint.due_on,
                ),
                "success",
            )
            return redirect(url_for(".complaint", complaint_id=complaint.id))
    status = 422 if request.method == "POST" else 200
    return render_template("pilots/complaints/new.html", form=form), status


# -- one complaint ----------------------------------------------------------------------------------


def _complaint_page(complaint: Complaint, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    runs = can(current_user, Permission.RUN_PILOTS)
    may_clear = runs or complaint.investigator_id == current_user.id
    clear = may_clear and request.args.get("clear") == "1"
    if clear and (complaint.complainant or complaint.contact):
        record_personal_view(
            what="pilot_complainant",
            entity=Complaint.__tablename__,
            entity_id=complaint.id,
            label=complaint.number,
            province_id=complaint.province_id,
            rows=1,
        )
        db.session.commit()
    shown = {
        "complainant": complaint.complainant if clear else mask_name(complaint.complainant),
        "contact": complaint.contact if clear else mask_contact(complaint.contact),
    }
    state = complaint.status
    assign = forms.get("assign") or AssignForm()
    if runs and state in (ComplaintStatus.REGISTERED, ComplaintStatus.INVESTIGATING):
        people = db.session.scalars(service.investigators_select(complaint.province_id)).all()
        assign.investigator_id.choices = [("", _("（请选择）"))] + [
            (str(u.id), f"{u.full_name}（{u.organisation.name}）") for u in people
        ]
        if not assign.investigator_id.data and complaint.investigator_id:
            assign.investigator_id.data = str(complaint.investigator_id)
    else:
        assign = None
    investigate = None
    if state == ComplaintStatus.INVESTIGATING and service.may_investigate(complaint, current_user):
        investigate = forms.get("investigate") or InvestigationForm(
            investigation=complaint.investigation
        )
    conclude = None
    if (
        runs
        and complaint.investigation
        and state
        in (
            ComplaintStatus.INVESTIGATING,
            ComplaintStatus.CONCLUDED,
        )
    ):
        conclude = forms.get("conclude") or ConcludeForm(
            finding=complaint.finding,
            handling=complaint.handling,
            referred_to=complaint.referred_to,
        )
    publish = None
    if runs and state == ComplaintStatus.CONCLUDED:
        publish = forms.get("publish") or PublishForm(published_on=local_today())
    return (
        render_template(
            "pilots/complaints/complaint.html",
            complaint=complaint,
            shown=shown,
            clear=clear,
            may_clear=may_clear,
            assign=assign,
            investigate=investigate,
            conclude=conclude,
            publish=publish,
            **_helpers(),
        ),
        status,
    )


@bp.get("/complaints/<int:complaint_id>")
@requires(Permission.VIEW_DOMAIN)
def complaint(complaint_id: int):
    """One complaint: what was received, its due day, the investigation, the finding and its
    publication, with the next step's form. The complainant is masked (``?clear=1`` shows
    him to the officers and the investigator, audited)."""
    return _complaint_page(access.get_or_404(Complaint, complaint_id))


def _step(item: Complaint, key: str, form, action, message: str):
    """Run one step's form against the service; back to the complaint page either way."""
    if form.validate_on_submit():
        done = run_service(form, lambda: action(item) or True)
        if done is not None:
            flash(message, "success")
            return redirect(url_for(".complaint", complaint_id=item.id))
    return _complaint_page(item, {key: form}, 422)


@bp.post("/complaints/<int:complaint_id>/assign")
@requires(Permission.RUN_PILOTS)
def assign_complaint(complaint_id: int):
    """Give the complaint to an officer or inspector of its province."""
    item = access.get_or_404(Complaint, complaint_id)
    form = AssignForm()
    people = db.session.scalars(service.investigators_select(item.province_id)).all()
    form.investigator_id.choices = [(str(u.id), u.full_name) for u in people]
    return _step(
        item,
        "assign",
        form,
        lambda c: service.assign_investigator(
            c,
            db.session.get(User, int(form.investigator_id.data)),
            actor=current_user,
            now=utcnow(),
        ),
        _("已指定调查人。"),
    )


@bp.post("/complaints/<int:complaint_id>/investigation")
@requires(Permission.VIEW_DOMAIN)
def investigate_complaint(complaint_id: int):
    """The investigator (or an officer running the pilots) writes what was found."""
    form = InvestigationForm()
    return _step(
        access.get_or_404(Complaint, complaint_id),
        "investigate",
        form,
        lambda c: service.record_investigation(
            c, form.investigation.data or "", actor=current_user, now=utcnow()
        ),
        _("已保存调查情况。"),
    )


@bp.post("/complaints/<int:complaint_id>/conclude")
@requires(Permission.RUN_PILOTS)
def conclude_complaint(complaint_id: int):
    """The finding and the handling to publish, and a referral if any."""
    form = ConcludeForm()
    return _step(
        access.get_or_404(Complaint, complaint_id),
        "conclude",
        form,
        lambda c: service.conclude(
            c,
            finding=form.finding.data or "",
            handling=form.handling.data or "",
            referred_to=form.referred_to.data or "",
            actor=current_user,
            now=utcnow(),
        ),
        _("已保存核实情况及处理意见。"),
    )


@bp.post("/complaints/<int:complaint_id>/publish")
@requires(Permission.RUN_PILOTS)
def publish_complaint(complaint_id: int):
    """Record where and when the finding was published (late: marked 逾期公开)."""
    form = PublishForm()
    return _step(
        access.get_or_404(Complaint, complaint_id),
        "publish",
        form,
        lambda c: service.publish(
            c,
            published_on=form.published_on.data,
            published_at=form.published_at.data or "",
            actor=current_user,
            now=utcnow(),
        ),
        _("已登记公开情况。"),
    )


# -- the public page --------------------------------------------------------------------------------


@bp.get("/public/complaints")
@public
def public_complaints():
    """Published findings of complaints about the pilots, newest first (``?province=`` a
    division code, ``?year=`` the year published): number, receipt, the pilot and outlet
    concerned, the finding and the handling. Nothing of the complainant."""
    stmt = service.published_select().options(
        selectinload(Complaint.pilot), selectinload(Complaint.outlet)
    )
    provinces = db.session.scalars(
        select(Organisation)
        .where(
            Organisation.kind == OrgKind.PROVINCE,
            Organisation.id.in_(
                service.published_select().with_only_columns(Complaint.province_id)
            ),
        )
        .order_by(Organisation.division_code)
    ).all()
    code = request.args.get("province", "").strip()
    if code:
        stmt = stmt.where(
            Complaint.province_id.in_(
                select(Organisation.id).where(
                    Organisation.kind == OrgKind.PROVINCE, Organisation.division_code == code
                )
            )
        )
    year = request.args.get("year", "")
    if year.isdigit() and len(year) == 4:
        stmt = stmt.where(extract("year", Complaint.published_on) == int(year))
    pagination = _paginate(stmt.order_by(Complaint.published_on.desc(), Complaint.id.desc()))
    return render_template(
        "pilots/public_complaints.html",
        pagination=pagination,
        provinces=provinces,
        province_code=code,
        year=year if year.isdigit() else "",
    )
