"""Sampling pages: a unit's draws and the draw form, one draw (its items, the check of its
seed, top-ups, the call and home-visit sheets), one drawn record and its outcome."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..core import access
from ..core.access import Permission, can, requires
from ..core.clock import local_today
from ..core.errors import DomainError
from ..core.forms import run_service
from ..core.sampling import quota
from ..core.types import utcnow
from ..extensions import db
from . import bp, check_sheets, sampling
from .check_forms import DrawForm, OutcomeForm
from .check_models import CheckMethod, DrawStatus, Outcome, SampleDraw, SampleItem
from .check_support import paginate_rows, personal, send_workbook
from .check_views import campaign_and_unit, wants_clear
from .record_models import ConsumerSale
from .units import record_personal_view


def _draw_or_404(draw_id: int) -> SampleDraw:
    return access.get_or_404(SampleDraw, draw_id)


def _samples_page(campaign, unit, form: DrawForm, status: int = 200):
    draws = list(
        db.session.scalars(
            access.scoped(SampleDraw)
            .where(SampleDraw.campaign_id == campaign.id, SampleDraw.unit_id == unit.id)
            .order_by(SampleDraw.drawn_at.desc(), SampleDraw.id.desc())
        )
    )
    counts = sampling.outcome_counts([d.id for d in draws])
    population = sampling.population_count(campaign.id, unit.id, user=current_user)
    return (
        render_template(
            "verification/checks/samples.html",
            campaign=campaign,
            unit=unit,
            draws=draws,
            progress={d.id: sampling.progress_of(counts[d.id]) for d in draws},
            active=next((d for d in draws if d.status == DrawStatus.ACTIVE), None),
            population=population,
            expected=(
                quota(campaign.phone_rate, population),
                quota(campaign.visit_rate, population),
            ),
            form=form,
            may_draw=can(current_user, Permission.RUN_VERIFICATION),
            strata=sampling.STRATA,
        ),
        status,
    )


@bp.get("/<int:campaign_id>/units/<int:unit_id>/samples")
@requires(Permission.VIEW_DOMAIN)
def samples(campaign_id: int, unit_id: int):
    """The unit's draws (the active one and those it superseded) with the progress of their
    checks, and the form to draw."""
    campaign, unit = campaign_and_unit(campaign_id, unit_id)
    return _samples_page(campaign, unit, DrawForm())


@bp.post("/<int:campaign_id>/units/<int:unit_id>/samples")
@requires(Permission.RUN_VERIFICATION)
def new_draw(campaign_id: int, unit_id: int):
    """Draw the unit's records for phone and home checks (a re-draw needs a reason)."""
    campaign, unit = campaign_and_unit(campaign_id, unit_id)
    form = DrawForm()
    if form.validate_on_submit():
        draw = run_service(
            form,
            lambda: sampling.draw_sample(
                campaign,
                unit,
                actor=current_user,
                now=utcnow(),
                seed=form.seed.data,
                stratify_by=form.stratify_by.data or "",
                witness=form.witness.data or "",
                reason=form.reason.data or "",
            ),
        )
        if draw is not None:
            flash(
                _(
                    "已抽取电话核查 %(p)s 条、入户核查 %(v)s 条（随机种子 %(seed)s）。",
                    p=draw.phone_count,
                    v=draw.visit_count,
                    seed=draw.seed,
                ),
                "success",
            )
            return redirect(url_for(".draw", draw_id=draw.id))
    return _samples_page(campaign, unit, form, 422)


def _items_select(draw: SampleDraw, method: str, outcome: str):
    replaced = aliased(SampleItem)
    stmt = (
        select(
            SampleItem.id,
            SampleItem.position,
            SampleItem.method,
            SampleItem.stratum,
            SampleItem.outcome,
            SampleItem.checked_on,
            replaced.position.label("replaces_position"),
            replaced.method.label("replaces_method"),
            ConsumerSale.buyer_key,
            ConsumerSale.consumer_name,
            ConsumerSale.contact,
            ConsumerSale.phone,
            ConsumerSale.id_number,
            ConsumerSale.address,
            ConsumerSale.division_name,
            ConsumerSale.model,
            ConsumerSale.product_code,
            ConsumerSale.sold_on,
            ConsumerSale.dealer_name,
        )
        .join(ConsumerSale, ConsumerSale.id == SampleItem.sale_id)
        .outerjoin(replaced, replaced.id == SampleItem.replaces_id)
        .where(SampleItem.draw_id == draw.id)
    )
    if method in CheckMethod._value2member_map_:
        stmt = stmt.where(SampleItem.method == CheckMethod(method))
    if outcome in Outcome._value2member_map_:
        stmt = stmt.where(SampleItem.outcome == Outcome(outcome))
    return stmt.order_by(SampleItem.method, SampleItem.position, SampleItem.id)


@bp.get("/draws/<int:draw_id>")
@requires(Permission.VIEW_DOMAIN)
def draw(draw_id: int):
    """One draw: its seed, population, rates and method (anyone can redo it), the progress,
    the items (``?method=phone|visit``, ``?outcome=…``), ``?verify=1`` redoes the draw from
    its seed and compares; ``?clear=1`` shows the checkers personal data (audited)."""
    draw = _draw_or_404(draw_id)
    campaign, unit = campaign_and_unit(draw.campaign_id, draw.unit_id)
    may_clear, clear = wants_clear(campaign.id, unit.id)
    method = request.args.get("method", "")
    outcome = request.args.get("outcome", "")
    pagination = paginate_rows(_items_select(draw, method, outcome))
    items = [(row, personal(row, clear)) for row in pagination.items]
    if clear and items:
        record_personal_view(
            what="sample_items",
            entity="verification_sample_draws",
            entity_id=draw.id,
            label=draw.audit_label,
            province_id=draw.province_id,
            rows=len(items),
        )
        db.session.commit()
    verification = (
        sampling.verify_draw(draw, user=current_user) if request.args.get("verify") == "1" else None
    )
    pending = sampling.unreplaced_unreachable(draw) if draw.status == DrawStatus.ACTIVE else []
    return render_template(
        "verification/checks/draw.html",
        campaign=campaign,
        unit=unit,
        draw=draw,
        progress=sampling.progress_of(sampling.outcome_counts([draw.id])[draw.id]),
        pagination=pagination,
        items=items,
        method=method,
        outcome=outcome,
        verification=verification,
        pending=len(pending),
        may_top_up=can(current_user, Permission.CHECK_SALES) and draw.status == DrawStatus.ACTIVE,
        may_clear=may_clear,
        clear=clear,
        strata=sampling.STRATA,
        methods=list(CheckMethod),
        outcomes=list(Outcome),
    )


@bp.post("/draws/<int:draw_id>/top-up")
@requires(Permission.CHECK_SALES)
def top_up(draw_id: int):
    """补抽: a replacement for each unreachable record not yet replaced, within its stratum."""
    draw = _draw_or_404(draw_id)
    campaign_and_unit(draw.campaign_id, draw.unit_id)
    try:
        result = sampling.top_up_draw(draw, actor=current_user, now=utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "warning")
    else:
        db.session.commit()
        flash(_("已补抽 %(n)s 条。", n=len(result.added)), "success")
        if result.short:
            flash(_("有 %(n)s 条无法补抽：所在分层已没有未抽中的记录。", n=result.short), "warning")
    return redirect(url_for(".draw", draw_id=draw.id))


@bp.get("/draws/<int:draw_id>/<any(phone, visit):method>.xlsx")
@requires(Permission.VIEW_DOMAIN)
def draw_sheet(draw_id: int, method: str):
    """The call sheet (``phone``) or home-visit sheet (``visit``) to fill in. Personal data in
    clear (``?clear=1``) only for the unit's checkers, and each such export is audited."""
    draw = _draw_or_404(draw_id)
    campaign, unit = campaign_and_unit(draw.campaign_id, draw.unit_id)
    _may_clear, clear = wants_clear(campaign.id, unit.id)
    kind = CheckMethod(method)
    out = io.BytesIO()
    rows = check_sheets.write_draw_sheet(
        out, draw, kind, campaign_name=campaign.name, unit_name=unit.name, clear=clear
    )
    if clear:
        record_personal_view(
            what=f"draw_sheet_{kind.value}",
            entity="verification_sample_draws",
            entity_id=draw.id,
            label=draw.audit_label,
            province_id=draw.province_id,
            rows=rows,
        )
        db.session.commit()
    name = f"{check_sheets.SHEET_TITLES[kind]}-{unit.name}-抽样{draw.id}.xlsx"
    return send_workbook(out, name)


def _sample_page(item: SampleItem, form: OutcomeForm, status: int = 200):
    draw = item.draw
    campaign, unit = campaign_and_unit(draw.campaign_id, draw.unit_id)
    may_clear, clear = wants_clear(campaign.id, unit.id)
    sale = db.session.get(ConsumerSale, item.sale_id)
    shown = personal(sale, clear)
    if clear:
        record_personal_view(
            what="sample_item",
            entity="verification_sample_items",
            entity_id=item.id,
            label=item.audit_label,
            province_id=draw.province_id,
            rows=1,
        )
        db.session.commit()
    replaced = db.session.get(SampleItem, item.replaces_id) if item.replaces_id else None
    replacement = db.session.scalar(select(SampleItem).where(SampleItem.replaces_id == item.id))
    return (
        render_template(
            "verification/checks/sample.html",
            campaign=campaign,
            unit=unit,
            draw=draw,
            item=item,
            sale=sale,
            shown=shown,
            replaced=replaced,
            replacement=replacement,
            form=form,
            may_record=can(current_user, Permission.CHECK_SALES)
            and draw.status == DrawStatus.ACTIVE,
            may_clear=may_clear,
            clear=clear,
        ),
        status,
    )


@bp.get("/samples/<int:sample_id>")
@requires(Permission.VIEW_DOMAIN)
def sample(sample_id: int):
    """One drawn record: what the outlet reported, the check's outcome and the form."""
    item = access.get_or_404(SampleItem, sample_id)
    form = OutcomeForm()
    if item.outcome != Outcome.PENDING:
        form.outcome.data = item.outcome.value
        form.detail.data = item.detail
        form.checked_on.data = item.checked_on
    else:
        form.checked_on.data = local_today()
    return _sample_page(item, form)


@bp.post("/samples/<int:sample_id>/outcome")
@requires(Permission.CHECK_SALES)
def record_outcome(sample_id: int):
    """Record the outcome of the call or visit: confirmed, unreachable, or a discrepancy."""
    item = access.get_or_404(SampleItem, sample_id)
    campaign_and_unit(item.draw.campaign_id, item.draw.unit_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        done = run_service(
            form,
            lambda: sampling.record_outcome(
                item,
                outcome=form.outcome.data,
                detail=form.detail.data or "",
                checked_on=form.checked_on.data,
                actor=current_user,
                today=local_today(),
            ),
        )
        if done is not None:
            flash(_("已登记核查结果：%(o)s。", o=done.outcome.label), "success")
            return redirect(url_for(".draw", draw_id=done.draw_id, method=done.method.value))
    item = access.get_or_404(SampleItem, sample_id)
    return _sample_page(item, form, 422)
