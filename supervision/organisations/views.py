"""Organisation tree pages: browse within scope, create and edit agencies."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, requires
from ..core.forms import as_choices, run_service
from ..core.models import Organisation, OrgKind, User
from ..extensions import db
from . import bp, service
from .forms import AgencyForm


@bp.get("/")
@requires(Permission.VIEW_ORGANISATIONS)
def index():
    """The organisation tree within the user's scope."""
    orgs = list(db.session.scalars(access.scoped(Organisation)))
    counts = service.member_counts([o.id for o in orgs])
    by_id = {o.id: o for o in orgs}
    rows = [(by_id[oid], label) for oid, label in service.indented_choices(orgs)]
    return render_template("organisations/index.html", rows=rows, counts=counts)


@bp.get("/<int:org_id>")
@requires(Permission.VIEW_ORGANISATIONS)
def detail(org_id: int):
    org = access.get_or_404(Organisation, org_id)
    children = list(
        db.session.scalars(
            access.scoped(Organisation)
            .where(Organisation.parent_id == org.id)
            .order_by(Organisation.division_code)
        )
    )
    members = list(
        db.session.scalars(
            access.scoped(User).where(User.organisation_id == org.id).order_by(User.username)
        )
    )
    return render_template("organisations/detail.html", org=org, children=children, members=members)


def _parent_choices():
    orgs = [
        o
        for o in db.session.scalars(access.scoped(Organisation))
        if o.kind != OrgKind.MINISTRY and o.kind != OrgKind.COUNTY
    ]
    return as_choices(service.indented_choices(orgs))


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATIONS)
def new():
    """Create a city or county supervision agency below an organisation in scope."""
    form = AgencyForm()
    form.parent_id.choices = _parent_choices()
    if request.method == "GET" and request.args.get("parent", type=int):
        form.parent_id.data = request.args.get("parent", type=int)
    if form.validate_on_submit():
        org = run_service(
            form,
            lambda: service.create_agency(
                actor=current_user,
                parent=access.get_or_404(Organisation, form.parent_id.data),
                name=form.name.data,
                kind=OrgKind(form.kind.data),
                division_code=form.division_code.data,
                address=form.address.data or None,
                phone=form.phone.data or None,
            ),
        )
        if org is not None:
            flash(_("已创建机构“%(n)s”。", n=org.name), "success")
            return redirect(url_for(".detail", org_id=org.id))
    return render_template("organisations/form.html", form=form, org=None)


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_ORGANISATIONS)
def edit(org_id: int):
    """Edit an agency's name, code and contacts (national units are reference data)."""
    org = access.get_or_404(Organisation, org_id)
    if org.kind not in (OrgKind.CITY, OrgKind.COUNTY):
        flash(_("部委、省级单位和计划单列市由系统预置，不能在此修改。"), "warning")
        return redirect(url_for(".detail", org_id=org.id))
    form = AgencyForm(obj=org)
    del form.parent_id
    del form.kind
    if form.validate_on_submit():
        saved = run_service(
            form,
            lambda: service.update_organisation(
                org,
                name=form.name.data,
                division_code=form.division_code.data,
                address=form.address.data or None,
                phone=form.phone.data or None,
            ),
        )
        if saved is not None:
            flash(_("已保存。"), "success")
            return redirect(url_for(".detail", org_id=org.id))
    return render_template("organisations/form.html", form=form, org=org)
