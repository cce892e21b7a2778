"""Third-party check pages: a pilot's draws and the draw form, one draw (its facts, the check
of its seed, progress and the drawn trade-ins), its check sheet (.xlsx), one check and its
outcome, recorded as it is made."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core import access
from ..core.access import Permission, can, requires
from ..core.clock import local_today
from ..core.forms import run_service
from ..core.models import User
from ..core.types import utcnow
from ..extensions import db
from ..verification.check_support import paginate_rows, send_workbook
from ..verification.rules.masking import mask_id_number, mask_name, mask_phone
from ..verification.units import record_personal_view
from . import bp, checks
from . import check_sheet as sheets
from .check_forms import CheckDrawForm, CheckOutcomeForm
from .daily_models import CheckDrawStatus, CheckOutcome, TradeIn, TradeInCheck, TradeInCheckDraw
from .models import Outlet, PilotEnterprise
from .rules.complaints import rate_percent


def _last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def _draws_page(pilot: PilotEnterprise, form: CheckDrawForm, status: int = 200):
    draws = list(
        db.session.scalars(
            access.scoped(TradeInCheckDraw)
            .where(TradeInCheckDraw.pilot_id == pilot.id)
            .order_by(TradeInCheckDraw.drawn_at.desc(), TradeInCheckDraw.id.desc())
        )
    )
    return (
        render_template(
            "pilots/checks/draws.html",
            pilot=pilot,
            draws=draws,
            progress=checks.progress([d.id for d in draws]),
            form=form,
            may_draw=can(current_user, Permission.RUN_PILOTS),
            percent=rate_percent,
        ),
        status,
    )


@bp.get("/enterprises/<int:pilot_id>/checks")
@requires(Permission.VIEW_DOMAIN)
def check_draws(pilot_id: int):
    """The pilot's check draws (active and superseded) with their progress, and the form to
    draw 5 %–10 % of a period's trade-ins (last month's by default, at the call's rate)."""
    pilot = access.get_or_404(PilotEnterprise, pilot_id)
    form = CheckDrawForm()
    form.period_from.data, form.period_to.data = _last_month(local_today())
    form.rate.data = (pilot.call.check_rate * 100).quantize(Decimal("0.01"))
    return _draws_page(pilot, form)


@bp.post("/enterprises/<int:pilot_id>/checks")
@requires(Permission.RUN_PILOTS)
def new_check_draw(pilot_id: int):
    """Draw the period's trade-ins to check (a second draw over the period needs a reason)."""
    pilot = access.get_or_404(PilotEnterprise, pilot_id)
    form = CheckDrawForm()
    if form.validate_on_submit():
        draw = run_service(
            form,
            lambda: checks.draw_checks(
                pilot,
                form.period_from.data,
                form.period_to.data,
                actor=current_user,
                now=utcnow(),
                seed=form.seed.data,
                rate=form.rate.data / 100,
                agency_name=form.agency_name.data or "",
                witness=form.witness.data or "",
                reason=form.reason.data or "",
            ),
        )
        if draw is not None:
            flash(
                _(
                    "已从 %(n)s 笔交易中抽取 %(k)s 笔（随机种子 %(seed)s）。",
                    n=draw.population,
                    k=draw.drawn_count,
                    seed=draw.seed,
                ),
                "success",
            )
            return redirect(url_for(".check_draw", check_draw_id=draw.id))
    return _draws_page(pilot, form, 422)


def _checks_select(draw: TradeInCheckDraw, outcome: str):
    stmt = (
        select(
            TradeInCheck.id,
            TradeInCheck.position,
            TradeInCheck.method,
            TradeInCheck.outcome,
            TradeInCheck.checked_at,
            User.full_name.label("checker"),
            TradeIn.traded_on,
            TradeIn.consumer_name,
            TradeIn.phone,
            TradeIn.product_model,
            TradeIn.product_code,
            TradeIn.invoice_no,
            Outlet.name.label("outlet_name"),
        )
        .join(TradeIn, TradeIn.id == TradeInCheck.trade_in_id)
        .join(Outlet, Outlet.id == TradeIn.outlet_id)
        .outerjoin(User, User.id == TradeInCheck.checked_by_id)
        .where(TradeInCheck.draw_id == draw.id)
    )
    if outcome in CheckOutcome._value2member_map_:
        stmt = stmt.where(TradeInCheck.outcome == CheckOutcome(outcome))
    return stmt.order_by(TradeInCheck.position, TradeInCheck.id)


@bp.get("/check-draws/<int:check_draw_id>")
@requires(Permission.VIEW_DOMAIN)
def check_draw(check_draw_id: int):
    """One draw: seed, population, rate, count, method, agency and witness (anyone can redo
    it: ``?verify=1`` redoes it from the seed and compares), the progress, the drawn
    trade-ins (``?outcome=…``), consumer data masked."""
    draw = access.get_or_404(TradeInCheckDraw, check_draw_id)
    outcome = request.args.get("outcome", "")
    pagination = paginate_rows(_checks_select(draw, outcome))
    rows = [
        (row, {"consumer_name": mask_name(row.consumer_name), "phone": mask_phone(row.phone)})
        for row in pagination.items
    ]
    return render_template(
        "pilots/checks/draw.html",
        draw=draw,
        pilot=draw.pilot,
        progress=checks.progress([draw.id])[draw.id],
        verification=checks.verify(draw) if request.args.get("verify") == "1" else None,
        pagination=pagination,
        rows=rows,
        outcome=outcome,
        outcomes=list(CheckOutcome),
        methods=checks.CHECK_METHODS,
        superseded_by=_superseding(draw),
        percent=rate_percent,
    )


def _superseding(draw: TradeInCheckDraw) -> TradeInCheckDraw | None:
    """The active draw that replaced a superseded one, if there is one."""
    if draw.status == CheckDrawStatus.ACTIVE:
        return None
    found = checks.active_draws(draw.pilot_id, draw.period_from, draw.period_to)
    return found[0] if found else None


@bp.get("/check-draws/<int:check_draw_id>/sheet.xlsx")
@requires(Permission.VIEW_DOMAIN)
def check_sheet(check_draw_id: int):
    """The check sheet: the drawn trade-ins and the outcomes so far. Names and ID numbers
    masked; the phone in clear for those who record checks (the export is audited)."""
    draw = access.get_or_404(TradeInCheckDraw, check_draw_id)
    phone_clear = can(current_user, Permission.CHECK_TRADE_INS)
    out = io.BytesIO()
    rows = sheets.write_check_sheet(out, draw, pilot_name=draw.pilot.name, phone_clear=phone_clear)
    if phone_clear:
        record_personal_view(
            what="pilot_check_sheet",
            entity=TradeInCheckDraw.__tablename__,
            entity_id=draw.id,
            label=_("以旧换再第三方核查表（含联系电话）"),
            province_id=draw.province_id,
            rows=rows,
        )
        db.session.commit()
    return send_workbook(out, f"第三方核查表-{draw.pilot.code_number}-{draw.period_from}.xlsx")


def _check_page(check: TradeInCheck, form: CheckOutcomeForm | None = None, status: int = 200):
    draw = check.draw
    trade_in = check.trade_in
    may_record = (
        can(current_user, Permission.CHECK_TRADE_INS) and draw.status == CheckDrawStatus.ACTIVE
    )
    clear = may_record and request.args.get("clear") == "1"
    if clear:
        record_personal_view(
            what="pilot_check_phone",
            entity=TradeInCheck.__tablename__,
            entity_id=check.id,
            label=_("以旧换再第三方核查：消费者联系电话"),
            province_id=draw.province_id,
            rows=1,
        )
        db.session.commit()
    if form is None:
        form = CheckOutcomeForm()
        if check.outcome != CheckOutcome.PENDING:
            form.method.data = check.method
            form.outcome.data = check.outcome.value
            form.detail.data = check.detail
    shown = {
        "consumer_name": mask_name(trade_in.consumer_name),
        "id_number": mask_id_number(trade_in.id_number),
        "phone": trade_in.phone if clear else mask_phone(trade_in.phone),
    }
    return (
        render_template(
            "pilots/checks/check.html",
            check=check,
            draw=draw,
            pilot=draw.pilot,
            trade_in=trade_in,
            shown=shown,
            clear=clear,
            may_record=may_record,
            form=form,
            methods=checks.CHECK_METHODS,
        ),
        status,
    )


@bp.route("/checks/<int:check_id>", methods=["GET", "POST"])
@requires(Permission.VIEW_DOMAIN)
def check(check_id: int):
    """One drawn trade-in: GET shows it (the phone in clear on ``?clear=1`` for those who
    record checks, audited); POST records the outcome at this moment (``checked_at`` is the
    time of the request). Correcting a recorded outcome needs a note."""
    item = access.get_or_404(TradeInCheck, check_id)
    if request.method == "GET":
        return _check_page(item)
    if not can(current_user, Permission.CHECK_TRADE_INS):
        abort(403)
    form = CheckOutcomeForm()
    if form.validate_on_submit():
        done = run_service(
            form,
            lambda: checks.record_outcome(
                item,
                method=form.method.data,
                outcome=form.outcome.data,
                detail=form.detail.data or "",
                note=form.note.data or "",
                actor=current_user,
                now=utcnow(),
            ),
        )
        if done is not None:
            flash(_("已登记核查结果。"), "success")
            return redirect(url_for(".check_draw", check_draw_id=item.draw_id))
    return _check_page(item, form, 422)
