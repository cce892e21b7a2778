"""Outlets and trade-in records: a pilot's records (filtered, paged, personal data masked), one
record (in clear for the pilot's own officers, audited), entering and correcting a record, and
the blank import template."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import as_choices, attach_error, run_service
from ..core.tables import paginate
from ..extensions import db
from . import bp, importing, trade_ins
from .daily_forms import OutletForm, TradeInForm
from .daily_models import TradeIn
from .models import Outlet, PilotEnterprise
from .packs import month_figures, pack_of
from .rules.periods import month_span

SORTS = {
    "traded_on": TradeIn.traded_on,
    "code": TradeIn.product_code,
    "price": TradeIn.price_yuan,
    "subsidy": TradeIn.subsidy_yuan,
}


def pilot_or_404(pilot_id: int) -> PilotEnterprise:
    return access.get_or_404(PilotEnterprise, pilot_id)


def _back_to_pilot(pilot: PilotEnterprise) -> str:
    if "pilots.pilot" in current_app.view_functions:
        return url_for(".pilot", pilot_id=pilot.id)
    return url_for(".trade_ins", pilot_id=pilot.id)


# -- outlets -------------------------------------------------------------------------------------


def _outlet_page(form: OutletForm, pilot: PilotEnterprise, outlet: Outlet | None, status: int):
    return (
        render_template("pilots/trade_ins/outlet_form.html", form=form, pilot=pilot, outlet=outlet),
        status,
    )


@bp.route("/enterprises/<int:pilot_id>/outlets/new", methods=["GET", "POST"])
@requires(Permission.RUN_PILOTS)
def new_outlet(pilot_id: int):
    """Register one of the pilot's outlets (推广网点)."""
    pilot = pilot_or_404(pilot_id)
    form = OutletForm()
    if form.validate_on_submit():
        outlet = run_service(
            form, lambda: trade_ins.add_outlet(pilot, form.data_object(), actor=current_user)
        )
        if outlet is not None:
            flash(_("已登记推广网点“%(n)s”。", n=outlet.name), "success")
            return redirect(_back_to_pilot(pilot))
    return _outlet_page(form, pilot, None, 422 if form.is_submitted() else 200)


@bp.route("/outlets/<int:outlet_id>/edit", methods=["GET", "POST"])
@requires(Permission.RUN_PILOTS)
def edit_outlet(outlet_id: int):
    """Correct an outlet's name, address, division code or phone."""
    outlet = access.get_or_404(Outlet, outlet_id)
    pilot = outlet.pilot
    form = OutletForm(obj=outlet)
    if form.validate_on_submit():
        saved = run_service(
            form, lambda: trade_ins.edit_outlet(outlet, form.data_object(), actor=current_user)
        )
        if saved is not None:
            flash(_("已保存推广网点“%(n)s”。", n=saved.name), "success")
            return redirect(_back_to_pilot(pilot))
    return _outlet_page(form, pilot, outlet, 422 if form.is_submitted() else 200)


# -- the records ---------------------------------------------------------------------------------


def _month_arg() -> tuple[int, int] | None:
    """``?month=2014-10`` as (2014, 10); anything else is no filter."""
    text = request.args.get("month", "")
    parts = text.split("-")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        year, month = int(parts[0]), int(parts[1])
        if 2000 <= year <= 2099 and 1 <= month <= 12:
            return year, month
    return None


@bp.get("/enterprises/<int:pilot_id>/trade-ins", endpoint="trade_ins")
@requires(Permission.VIEW_DOMAIN)
def trade_ins_page(pilot_id: int):
    """The pilot's trade-ins, by month, outlet or code; the consumer's data masked."""
    pilot = pilot_or_404(pilot_id)
    month = _month_arg()
    outlet_id = request.args.get("outlet", type=int)
    code = request.args.get("code", "").strip()[:11]
    stmt = trade_ins.trade_ins_stmt(
        pilot,
        current_user,
        period=month_span(*month) if month else None,
        outlet_id=outlet_id,
        code=code,
    )
    pagination, sort = paginate(stmt, SORTS, "-traded_on", tiebreak=TradeIn.id.desc())
    return render_template(
        "pilots/trade_ins/index.html",
        pilot=pilot,
        pagination=pagination,
        sort=sort,
        rows=[(t, trade_ins.personal(t, clear=False)) for t in pagination.items],
        outlets=trade_ins.outlets_of(pilot),
        month=month,
        figures=month_figures(pilot.id, *month) if month else None,
        pack=pack_of(pilot.id, *month) if month else None,
        outlet_id=outlet_id,
        code=code,
        may_run=trade_ins.may_run(current_user, pilot.province_id, pilot.city_id),
    )


def _trade_in_form(pilot: PilotEnterprise, obj=None) -> TradeInForm:
    form = TradeInForm(obj=obj)
    form.outlet_id.choices = as_choices(
        [(0, "—"), *((o.id, o.name) for o in trade_ins.outlets_of(pilot))]
    )
    names = [str(c.get("name") or "") for c in pilot.call.product_classes or []]
    form.product_class.choices = as_choices([("", "—"), *((n, n) for n in names)])
    return form


def _save_trade_in(form: TradeInForm, action) -> TradeIn | None:
    try:
        saved = action()
    except trade_ins.TradeInRefused as refused:
        db.session.rollback()
        for field_name, message in refused.problems:
            attach_error(form, DomainError(message, field_name))
        return None
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return None
    db.session.commit()
    return saved


def _other_problems(form: TradeInForm, pilot: PilotEnterprise, trade_in=None) -> None:
    """A form refused for its shape still shows the record's other problems at once."""
    if not form.is_submitted() or form.errors.get("csrf_token"):
        return
    _values, problems = trade_ins.problems_of(pilot, form.data_object(), local_today(), trade_in)
    for field_name, message in problems:
        if not form.errors.get(field_name):
            attach_error(form, DomainError(message, field_name))


def _trade_in_page(form, pilot, trade_in, status):
    return (
        render_template("pilots/trade_ins/form.html", form=form, pilot=pilot, trade_in=trade_in),
        status,
    )


@bp.route("/enterprises/<int:pilot_id>/trade-ins/new", methods=["GET", "POST"])
@requires(Permission.RUN_PILOTS)
def new_trade_in(pilot_id: int):
    """Record one trade-in; every problem is shown beside its field."""
    pilot = pilot_or_404(pilot_id)
    form = _trade_in_form(pilot)
    if request.method == "GET":
        form.traded_on.data = local_today()
    if form.validate_on_submit():
        saved = _save_trade_in(
            form,
            lambda: trade_ins.add_trade_in(
                pilot, form.data_object(), actor=current_user, today=local_today()
            ),
        )
        if saved is not None:
            flash(_("已登记以旧换再交易 %(c)s。", c=saved.product_code), "success")
            if request.form.get("again"):
                return redirect(url_for(".new_trade_in", pilot_id=pilot.id))
            return redirect(url_for(".trade_in", trade_in_id=saved.id))
    elif form.is_submitted():
        _other_problems(form, pilot)
    return _trade_in_page(form, pilot, None, 422 if form.is_submitted() else 200)


@bp.get("/trade-ins/<int:trade_in_id>")
@requires(Permission.VIEW_DOMAIN)
def trade_in(trade_in_id: int):
    """One trade-in; the pilot's own officers may show the consumer's data in clear (each
    time recorded in the audit log)."""
    found = access.get_or_404(TradeIn, trade_in_id)
    pilot = found.pilot
    may_run = trade_ins.may_run(current_user, pilot.province_id, pilot.city_id)
    clear = may_run and request.args.get("clear") == "1"
    if clear:
        trade_ins.record_clear_view(found)
        db.session.commit()
    day = found.traded_on
    return render_template(
        "pilots/trade_ins/detail.html",
        trade_in=found,
        pilot=pilot,
        shown=trade_ins.personal(found, clear=clear),
        clear=clear,
        may_clear=may_run,
        may_edit=may_run and not trade_ins.is_locked(found),
        pack=pack_of(pilot.id, day.year, day.month),
    )


@bp.route("/trade-ins/<int:trade_in_id>/edit", methods=["GET", "POST"])
@requires(Permission.RUN_PILOTS)
def edit_trade_in(trade_in_id: int):
    """Correct a record while its month's pack has not gone to the city."""
    found = access.get_or_404(TradeIn, trade_in_id)
    pilot = found.pilot
    if trade_ins.is_locked(found):
        flash(_("该月的月度材料已报送市级，交易记录不能再修改。"), "warning")
        return redirect(url_for(".trade_in", trade_in_id=found.id))
    form = _trade_in_form(pilot, obj=found)
    if form.validate_on_submit():
        saved = _save_trade_in(
            form,
            lambda: trade_ins.edit_trade_in(
                found, form.data_object(), actor=current_user, today=local_today()
            ),
        )
        if saved is not None:
            flash(_("已保存以旧换再交易 %(c)s。", c=saved.product_code), "success")
            return redirect(url_for(".trade_in", trade_in_id=saved.id))
    elif form.is_submitted():
        _other_problems(form, pilot, found)
    return _trade_in_page(form, pilot, found, 422 if form.is_submitted() else 200)


@bp.get("/enterprises/<int:pilot_id>/trade-ins/template.xlsx")
@requires(Permission.RUN_PILOTS)
def trade_in_template(pilot_id: int):
    """The blank import file of the pilot's trade-ins (its outlets as a drop-down)."""
    pilot = pilot_or_404(pilot_id)
    if not pilot.call:
        abort(404)
    return send_file(
        importing.template_workbook(pilot),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"trade-ins-{pilot.call.year}-{pilot.code_number}-{local_today():%Y%m%d}.xlsx",
    )
