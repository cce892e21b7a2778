"""Registry pages: list, detail, new, edit, transfer to another province, import template."""

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError

from ..audit import service as audit_service
from ..core import access, versions
from ..core.access import Permission, requires
from ..core.errors import DomainError
from ..core.forms import as_choices, attach_error
from ..core.models import AuditEntry, Organisation, OrgKind
from ..core.tables import contains_pattern, paginate
from ..extensions import db
from ..industries.models import Industry
from ..organisations import service as organisations
from . import bp, importing, service
from .forms import EnterpriseForm, TransferForm
from .models import Enterprise, ProductionStatus

audit_service.register_entity("enterprises", _l("企业"))

SORT_COLUMNS = {
    "name": Enterprise.name,
    "credit_code": Enterprise.credit_code,
    "division_code": Enterprise.division_code,
    "industry": Industry.sort_order,
    "status": Enterprise.status,
    "energy": Enterprise.annual_energy_tce,
    "province": Organisation.division_code,
}


def _industries() -> list[Industry]:
    return list(db.session.scalars(select(Industry).order_by(Industry.sort_order, Industry.id)))


@bp.get("/")
@requires(Permission.VIEW_DOMAIN)
def index():
    """The registry within the user's scope: search, filters, sortable columns."""
    stmt = (
        access.scoped(Enterprise)
        .join(Organisation, Organisation.id == Enterprise.province_id)
        .outerjoin(Industry, Industry.id == Enterprise.industry_id)
        .options(contains_eager(Enterprise.province), contains_eager(Enterprise.industry))
    )
    q = request.args.get("q", "").strip()
    if q:
        like = contains_pattern(q)
        stmt = stmt.where(
            or_(
                Enterprise.name.ilike(like, escape="\\"),
                Enterprise.credit_code.ilike(contains_pattern(q.upper()), escape="\\"),
            )
        )
    industry = request.args.get("industry", "")
    if industry.isdigit():
        stmt = stmt.where(Enterprise.industry_id == int(industry))
    status = request.args.get("status", "")
    if status in ProductionStatus._value2member_map_:
        stmt = stmt.where(Enterprise.status == ProductionStatus(status))
    key = request.args.get("key", "")
    if key in ("1", "0"):
        stmt = stmt.where(Enterprise.key_energy_unit.is_(key == "1"))
    ministry = access.sees_everything(current_user)
    province = request.args.get("province", "")
    if ministry and province.isdigit():
        stmt = stmt.where(Enterprise.province_id == int(province))
    pagination, sort = paginate(stmt, SORT_COLUMNS, "name", tiebreak=Enterprise.id)
    return render_template(
        "enterprises/index.html",
        pagination=pagination,
        sort=sort,
        q=q,
        industry=industry,
        status=status,
        key=key,
        province=province,
        ministry=ministry,
        industries=_industries(),
        provinces=organisations.provinces() if ministry else [],
        statuses=list(ProductionStatus),
    )


@bp.get("/<int:enterprise_id>")
@requires(Permission.VIEW_DOMAIN)
def detail(enterprise_id: int):
    enterprise = access.get_or_404(Enterprise, enterprise_id)
    has_history = access.can(current_user, Permission.VIEW_AUDIT) and (
        db.session.scalar(
            access.scoped(select(AuditEntry.id))
            .where(AuditEntry.entity == "enterprises", AuditEntry.entity_id == str(enterprise.id))
            .limit(1)
        )
        is not None
    )
    return render_template("enterprises/detail.html", e=enterprise, has_history=has_history)


def _form_values(enterprise: Enterprise) -> dict:
    return {
        "credit_code": enterprise.credit_code,
        "name": enterprise.name,
        "address": enterprise.address,
        "division_code": enterprise.division_code,
        "industry": enterprise.industry.code if enterprise.industry else "",
        "products": enterprise.products,
        "status": enterprise.status.value,
        "stopped_on": enterprise.stopped_on.isoformat() if enterprise.stopped_on else "",
        "key_energy_unit": enterprise.key_energy_unit,
        "annual_energy_tce": ""
        if enterprise.annual_energy_tce is None
        else str(enterprise.annual_energy_tce),
        "legal_representative": enterprise.legal_representative,
        "legal_representative_phone": enterprise.legal_representative_phone,
        "energy_manager": enterprise.energy_manager,
        "energy_manager_phone": enterprise.energy_manager_phone,
        "version": enterprise.version,
    }


def _checked(form: EnterpriseForm, province: Organisation) -> service.EnterpriseData | None:
    """The form's values through ``check_fields``; its messages go beside their fields."""
    raw = {name: getattr(form, name).data for name in service.FIELDS}
    data, errors = service.check_fields(raw, province, service.industry_lookup())
    for name, message in errors.items():
        field = getattr(form, name)
        field.errors = [*field.errors, message]
    return data


def _save(form: EnterpriseForm, action):
    """Run a registry change and own its transaction: (enterprise, visible duplicate)."""
    try:
        enterprise = action()
    except service.DuplicateEnterprise as error:
        existing = error.existing
        code, existing_id, province_name = existing.credit_code, existing.id, existing.province.name
        db.session.rollback()
        visible = db.session.scalar(
            access.scoped(select(Enterprise.id)).where(Enterprise.id == existing_id)
        )
        if visible is not None:
            attach_error(form, error)
            return None, existing_id
        form.credit_code.errors = [
            *form.credit_code.errors,
            service.registered_elsewhere_message(code, province_name),
        ]
        return None, None
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append(_("该企业信息已被他人修改，请刷新页面后重新编辑。"))
        return None, None
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return None, None
    db.session.commit()
    return enterprise, None


def _province_choices(exclude: int | None = None):
    return as_choices(
        [("", "—"), *((str(p.id), p.name) for p in organisations.provinces() if p.id != exclude)]
    )


def _chosen_province(field) -> Organisation | None:
    raw = field.data or ""
    province = None
    if raw.isdigit():
        province = db.session.scalar(
            access.scoped(Organisation).where(
                Organisation.id == int(raw), Organisation.kind == OrgKind.PROVINCE
            )
        )
    if province is None:
        field.errors = [*field.errors, _("请选择省级单位。")]
    return province


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_REGISTRY)
def new():
    """Register an enterprise in the officer's province (the ministry picks the province)."""
    form = EnterpriseForm(industries=_industries())
    own = organisations.province_of(current_user)
    if own is None:
        form.province_id.choices = _province_choices()
    else:
        del form.province_id
    del form.version
    duplicate_id = None
    if form.validate_on_submit():
        province = own or _chosen_province(form.province_id)
        data = _checked(form, province) if province is not None else None
        if data is not None:
            enterprise, duplicate_id = _save(
                form, lambda: service.create_enterprise(province, data)
            )
            if enterprise is not None:
                flash(_("已登记企业“%(name)s”。", name=enterprise.name), "success")
                return redirect(url_for(".detail", enterprise_id=enterprise.id))
    return render_template(
        "enterprises/form.html", form=form, enterprise=None, duplicate_id=duplicate_id
    )


@bp.route("/<int:enterprise_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_REGISTRY)
def edit(enterprise_id: int):
    """Edit; refused when someone saved the record since this form was opened."""
    enterprise = access.get_or_404(Enterprise, enterprise_id)
    initial = _form_values(enterprise) if request.method == "GET" else None
    form = EnterpriseForm(data=initial, industries=_industries())
    del form.province_id
    duplicate_id = None
    if form.validate_on_submit():
        data = _checked(form, enterprise.province)
        if data is not None:
            version = versions.sent_number(form.version)
            saved, duplicate_id = _save(
                form, lambda: service.update_enterprise(enterprise, data, version=version)
            )
            if saved is not None:
                flash(_("已保存企业“%(name)s”。", name=saved.name), "success")
                return redirect(url_for(".detail", enterprise_id=enterprise_id))
    return render_template(
        "enterprises/form.html", form=form, enterprise=enterprise, duplicate_id=duplicate_id
    )


@bp.route("/<int:enterprise_id>/transfer", methods=["GET", "POST"])
@requires(Permission.MANAGE_REGISTRY)
def transfer(enterprise_id: int):
    """Move an enterprise that relocated to another province's registry (audited)."""
    enterprise = access.get_or_404(Enterprise, enterprise_id)
    form = TransferForm()
    form.province_id.choices = _province_choices(exclude=enterprise.province_id)
    if form.validate_on_submit():
        target = _target_province(form.province_id)
        if target is not None:
            name, to_name = enterprise.name, target.name
            moved, _unused = _save(
                form,
                lambda: service.transfer_enterprise(enterprise, target, reason=form.reason.data),
            )
            if moved is not None:
                flash(_("已将“%(name)s”迁移至%(to)s。", name=name, to=to_name), "success")
                still_visible = db.session.scalar(
                    access.scoped(select(Enterprise.id)).where(Enterprise.id == enterprise_id)
                )
                if still_visible is None:
                    return redirect(url_for(".index"))
                return redirect(url_for(".detail", enterprise_id=enterprise_id))
    return render_template("enterprises/transfer.html", form=form, e=enterprise)


def _target_province(field) -> Organisation | None:
    """Any provincial unit may receive an enterprise (not only those the user sees)."""
    raw = field.data or ""
    target = None
    if raw.isdigit():
        target = db.session.scalar(
            select(Organisation).where(
                Organisation.id == int(raw), Organisation.kind == OrgKind.PROVINCE
            )
        )
    if target is None:
        field.errors = [*field.errors, _("请选择迁入的省级单位。")]
    return target


@bp.get("/import/template.xlsx")
@requires(Permission.MANAGE_REGISTRY)
def import_template():
    """The blank import file: header row, an example row, drop-down lists."""
    names = [i.name for i in _industries()]
    buffer = importing.template_workbook(organisations.province_of(current_user), names)
    return send_file(
        buffer,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name="enterprise-import-template.xlsx",
    )
