"""Data-centre pages: list, register, edit, metering points, the monthly readings grid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import attach_error, run_service
from ..core.versions import sent, stamp
from ..enterprises.models import Enterprise
from ..extensions import db
from ..inspections.models import InspectionCase
from ..inspections.rules import fmt
from . import bp, service
from .forms import DataCentreForm, DeletePointForm, MeteringPointForm, ReadingsForm
from .models import DataCentre

FIRST_YEAR = 2000
YEARS_SHOWN = 6


def plain(value: Decimal) -> Decimal:
    """``1520000.00`` → ``1520000`` (not ``1.52E+6``), as a form shows it."""
    return Decimal(format(value.normalize(), "f"))


@bp.app_template_filter("kwh")
def kwh_filter(value: Decimal | None) -> str:
    """``1520000.00`` → ``1 520 000``, ``1.250`` → ``1.25``; None → a dash."""
    return "—" if value is None else fmt(value.normalize())


@bp.app_template_global()
def pue_chart_data(series, annual, limit: Decimal | None) -> dict:
    """The trend chart's data, read by static/js/pue-chart.js from a data- attribute."""

    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return {
        "labels": [_("%(m)s月", m=month.month) for month, *_rest in series],
        "values": [number(value) for *_rest, value in series],
        "name": _("月度 PUE"),
        "target": number(limit),
        "targetName": _("目标值"),
        "annual": number(annual.value),
        "annualName": _("年度 PUE"),
    }


def _enterprise_arg() -> Enterprise | None:
    raw = request.args.get("enterprise", "")
    if not raw:
        return None
    if not raw.isdigit():
        abort(404)
    return access.get_or_404(Enterprise, int(raw))


def _data(form: DataCentreForm) -> service.DataCentreData:
    return service.DataCentreData(
        name=form.name.data or "",
        address=form.address.data or "",
        racks=form.racks.data,
        large=bool(form.large.data),
        design_pue=form.design_pue.data,
        commissioned_on=form.commissioned_on.data,
    )


@bp.route("/")
@requires(Permission.VIEW_DOMAIN)
def index():
    """The data centres one may see, or one enterprise's (``?enterprise=<id>``)."""
    enterprise = _enterprise_arg()
    stmt = service.data_centres_query(current_user, enterprise)
    pagination = db.paginate(stmt, per_page=50, max_per_page=200, error_out=False)
    return render_template(
        "datacentres/index.html",
        pagination=pagination,
        enterprise=enterprise,
        may_write=enterprise is not None and service.may_write(enterprise, current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.VIEW_DOMAIN)
def new():
    """Register a data centre under ``?enterprise=<id>``."""
    enterprise = _enterprise_arg()
    if enterprise is None:
        flash(_("请从企业的数据中心列表或监察案件中登记数据中心。"), "info")
        return redirect(url_for(".index"))
    if not service.may_write(enterprise, current_user):
        abort(403)
    form = DataCentreForm()
    if form.validate_on_submit():
        created = run_service(
            form,
            lambda: service.create_data_centre(enterprise, _data(form), actor=current_user),
        )
        if created is not None:
            flash(_("已登记数据中心“%(name)s”。", name=created.name), "success")
            return redirect(url_for(".detail", dc_id=created.id))
    status = 422 if request.method == "POST" else 200
    return render_template("datacentres/form.html", form=form, enterprise=enterprise), status


def _years(data_centre: DataCentre) -> list[int]:
    last = local_today().year
    first = max(last - YEARS_SHOWN + 1, FIRST_YEAR)
    if data_centre.commissioned_on is not None:
        first = max(first, min(data_centre.commissioned_on.year, last))
    return list(range(last, first - 1, -1))


def _render_detail(data_centre: DataCentre, form=None, point_form=None, status: int = 200):
    if form is None:
        form = DataCentreForm(obj=data_centre)
        form.version.data = str(data_centre.version)
    writer = service.may_write(data_centre.enterprise, current_user)
    return (
        render_template(
            "datacentres/detail.html",
            dc=data_centre,
            form=form,
            point_form=point_form or MeteringPointForm(),
            delete_form=DeletePointForm(),
            may_write=writer,
            gaps=service.metering_gaps(data_centre),
            years=[(y, service.annual(data_centre, y)) for y in _years(data_centre)],
            role_labels={k.value: v for k, v in service.ROLE_LABELS.items()},
            boundary_labels={k.value: v for k, v in service.BOUNDARY_LABELS.items()},
        ),
        status,
    )


@bp.route("/<int:dc_id>", methods=["GET", "POST"])
@requires(Permission.VIEW_DOMAIN)
def detail(dc_id: int):
    """The data centre, its meters (GB 17167 checklist) and years; POST saves its details."""
    data_centre = access.get_or_404(DataCentre, dc_id)
    if request.method == "GET":
        return _render_detail(data_centre)
    form = DataCentreForm()
    if form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else 0
        done = run_service(
            form,
            lambda: (
                service.update_data_centre(
                    data_centre, _data(form), actor=current_user, version=version
                )
                or True
            ),
        )
        if done:
            flash(_("数据中心信息已保存。"), "success")
            return redirect(url_for(".detail", dc_id=dc_id))
    return _render_detail(access.get_or_404(DataCentre, dc_id), form=form, status=422)


@bp.route("/<int:dc_id>/points", methods=["POST"])
@requires(Permission.VIEW_DOMAIN)
def add_point(dc_id: int):
    data_centre = access.get_or_404(DataCentre, dc_id)
    form = MeteringPointForm()
    if form.validate_on_submit():
        point = run_service(
            form,
            lambda: service.add_metering_point(
                data_centre,
                actor=current_user,
                name=form.name.data or "",
                role=form.role.data or "",
                boundary=form.boundary.data or "",
                meter_number=form.meter_number.data or "",
            ),
        )
        if point is not None:
            flash(_("已添加计量点“%(name)s”。", name=point.name), "success")
            return redirect(url_for(".detail", dc_id=dc_id) + "#metering")
    data_centre = access.get_or_404(DataCentre, dc_id)
    return _render_detail(data_centre, point_form=form, status=422)


@bp.route("/<int:dc_id>/points/delete", methods=["POST"])
@requires(Permission.VIEW_DOMAIN)
def delete_point(dc_id: int):
    data_centre = access.get_or_404(DataCentre, dc_id)
    form = DeletePointForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.delete_metering_point(data_centre, form.point_id.data, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("计量点已删除。"), "success")
    return redirect(url_for(".detail", dc_id=dc_id) + "#metering")


def _case_arg(data_centre: DataCentre) -> InspectionCase | None:
    """The case the inspector came from (``?case=<id>``), to offer the way back."""
    raw = request.args.get("case", "")
    if not raw.isdigit():
        return None
    case = db.session.scalar(access.scoped(InspectionCase).where(InspectionCase.id == int(raw)))
    return case if case is not None and case.enterprise_id == data_centre.enterprise_id else None


@bp.route("/<int:dc_id>/readings/<int:year>", methods=["GET", "POST"])
@requires(Permission.VIEW_DOMAIN)
def readings(dc_id: int, year: int):
    """The year's twelve months of total and IT electricity; blank = not entered."""
    data_centre = access.get_or_404(DataCentre, dc_id)
    today = local_today()
    if not FIRST_YEAR <= year <= today.year:
        abort(404)
    stored = service.readings_of(data_centre, year)
    if request.method == "GET":
        form = ReadingsForm(
            data={
                f"{key}_{m}": plain(getattr(r, f"{key}_kwh"))
                for m, r in stored.items()
                for key in ("total", "it")
                if getattr(r, f"{key}_kwh") is not None
            }
            | {"version": stamp(stored.values())}
        )
    else:
        form = ReadingsForm()
    writer = service.may_write(data_centre.enterprise, current_user)
    status = 200
    if request.method == "POST":
        valid = form.validate_on_submit()
        # Every month is checked, so all the errors show at once (those of unreadable
        # numbers from the form, the rest from the service's rules).
        for month, total, it in form.month_fields():
            if total.errors or it.errors or (total.data is None and it.data is None):
                continue
            try:
                service.check_reading(date(year, month, 1), total.data, it.data, today=today)
            except DomainError as error:
                attach_error(form, error)
                valid = False
        if valid:
            saved = run_service(
                form,
                lambda: service.save_year(
                    data_centre,
                    year,
                    form.values(),
                    actor=current_user,
                    today=today,
                    version=sent(form.version),
                ),
            )
            if saved is not None:
                flash(_("%(y)s 年月度电量已保存（%(n)s 个月）。", y=year, n=saved), "success")
                return redirect(request.full_path if request.args else request.path)
        status = 422
        data_centre = access.get_or_404(DataCentre, dc_id)
    return (
        render_template(
            "datacentres/readings.html",
            dc=data_centre,
            year=year,
            form=form,
            may_write=writer,
            series=service.monthly_series(data_centre, year),
            annual=service.annual(data_centre, year),
            future={m for m in range(1, 13) if date(year, m, 1) > today},
            case=_case_arg(data_centre),
        ),
        status,
    )
