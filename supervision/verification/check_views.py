"""Checks of a unit's sales records: the reconciliation page, the bulk buyers with their records
one by one, and what the checks found about a buyer."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.access import Permission, can, requires
from ..core.forms import run_service
from ..core.types import utcnow
from ..extensions import db
from . import bp, bulk, check_sheets
from .check_forms import BulkBuyerCheckForm
from .check_models import BUYER_PURPOSE_LABELS
from .check_support import paginate_rows, personal, send_workbook
from .reconciliation import STAGES, reconcile_unit
from .rules.masking import shown_buyer_name
from .units import campaign_or_404, record_personal_view, sees_personal_data, unit_or_404


def campaign_and_unit(campaign_id: int, unit_id: int):
    """The campaign and unit of a page below the unit, as the user may see them (404 else)."""
    campaign = campaign_or_404(campaign_id)
    return campaign, unit_or_404(campaign, unit_id)


def wants_clear(campaign_id: int, unit_id: int) -> tuple[bool, bool]:
    """(may see personal data in clear, asked to with ``?clear=1``). Clear views are asked
    for one at a time, so that each can be audited."""
    allowed = sees_personal_data(campaign_id, unit_id)
    return allowed, allowed and request.args.get("clear") == "1"


# -- reconciliation ---------------------------------------------------------------------------


@bp.get("/<int:campaign_id>/units/<int:unit_id>/reconciliation")
@requires(Permission.VIEW_DOMAIN)
def reconciliation(campaign_id: int, unit_id: int):
    """Per manufacturer and model, each stage's count against the declared shipments
    (differences first; ``?only=diff`` hides the lines that agree; ``?export=xlsx``)."""
    campaign, unit = campaign_and_unit(campaign_id, unit_id)
    result = reconcile_unit(campaign.id, unit.id, user=current_user)
    only = request.args.get("only") == "diff"
    lines = [line for line in result.lines if line.has_difference] if only else result.lines
    if request.args.get("export") == "xlsx":
        out = io.BytesIO()
        check_sheets.write_reconciliation(
            out,
            title=f"{campaign.name}推广信息核对表",
            unit_name=unit.name,
            stages=[key for key, _label in STAGES],
            lines=lines,
        )
        return send_workbook(out, f"核对表-{unit.name}.xlsx")
    return render_template(
        "verification/checks/reconciliation.html",
        campaign=campaign,
        unit=unit,
        result=result,
        lines=lines,
        only=only,
        stages=STAGES,
    )


# -- bulk buyers ------------------------------------------------------------------------------

KINDS = ("organisation", "person")
CHECKED = ("yes", "no")


def _buyer_name(key: str, name: str, clear: bool) -> str:
    return shown_buyer_name(name, buyer_key=key, clear=clear)


def _export_bulk(campaign, unit, clear: bool):
    rows = list(db.session.execute(bulk.listing(campaign, unit.id, current_user)))
    keys = [row.buyer_key for row in rows]
    names = bulk.names_of(campaign.id, unit.id, keys, current_user)
    out = io.BytesIO()
    records = db.session.execute(
        bulk.records_select(campaign.id, unit.id, current_user, keys).execution_options(
            yield_per=5_000
        )
    )
    _buyers, written = check_sheets.write_bulk_buyers(
        out,
        title=f"{campaign.name}大宗用户",
        unit_name=unit.name,
        buyers=rows,
        names=names,
        records=records,
        clear=clear,
    )
    if clear:
        record_personal_view(
            what="bulk_buyers_export",
            entity="verification_consumer_sales",
            entity_id=f"{campaign.id}/{unit.id}",
            label=_("大宗用户购买记录导出"),
            province_id=unit.province_org_id,
            rows=written,
        )
        db.session.commit()
    return send_workbook(out, f"大宗用户-{unit.name}.xlsx")


def _buyer_page(campaign, unit, key: str, form: BulkBuyerCheckForm | None = None, status=200):
    figures = bulk.figures_of(campaign, unit.id, key, current_user)
    if figures is None:
        abort(404)
    may_clear, clear = wants_clear(campaign.id, unit.id)
    check = bulk.check_of(campaign.id, unit.id, key)
    if form is None:
        form = BulkBuyerCheckForm(buyer=key)
        if check is not None:
            form.purpose.data = check.purpose.value
            form.retained.data = check.retained
            form.note.data = check.note
    pagination = paginate_rows(bulk.records_select(campaign.id, unit.id, current_user, key))
    records = [(row, personal(row, clear)) for row in pagination.items]
    if clear and records:
        record_personal_view(
            what="bulk_buyer_records",
            entity="verification_consumer_sales",
            entity_id=f"{campaign.id}/{unit.id}",
            label=_("大宗用户购买记录"),
            province_id=unit.province_org_id,
            rows=len(records),
        )
        db.session.commit()
    return (
        render_template(
            "verification/checks/bulk_buyer.html",
            campaign=campaign,
            unit=unit,
            figures=figures,
            name=_buyer_name(key, figures.name, clear),
            check=check,
            form=form,
            may_check=can(current_user, Permission.CHECK_SALES),
            pagination=pagination,
            records=records,
            may_clear=may_clear,
            clear=clear,
            threshold=campaign.bulk_threshold,
        ),
        status,
    )


@bp.get("/<int:campaign_id>/units/<int:unit_id>/bulk-buyers")
@requires(Permission.VIEW_DOMAIN)
def bulk_buyers(campaign_id: int, unit_id: int):
    """Buyers of ``campaign.bulk_threshold`` units or more in one purchase or cumulatively,
    largest first (``?kind=organisation|person``, ``?checked=yes|no``); ``?buyer=<key>`` one
    buyer's records one by one and the check form; ``?export=xlsx`` the list with every
    record. Personal data in clear (``?clear=1``) only for the unit's checkers, audited."""
    campaign, unit = campaign_and_unit(campaign_id, unit_id)
    may_clear, clear = wants_clear(campaign.id, unit.id)
    if request.args.get("export") == "xlsx":
        return _export_bulk(campaign, unit, clear)
    key = request.args.get("buyer", "").strip()
    if key:
        return _buyer_page(campaign, unit, key)
    kind = request.args.get("kind", "")
    checked = request.args.get("checked", "")
    pagination = paginate_rows(
        bulk.listing(
            campaign,
            unit.id,
            current_user,
            kind=kind if kind in KINDS else "",
            checked=checked if checked in CHECKED else "",
        )
    )
    names = bulk.names_of(
        campaign.id, unit.id, [row.buyer_key for row in pagination.items], current_user
    )
    buyers = [
        (row, _buyer_name(row.buyer_key, names.get(row.buyer_key, ""), clear))
        for row in pagination.items
    ]
    if clear and buyers:
        record_personal_view(
            what="bulk_buyers",
            entity="verification_consumer_sales",
            entity_id=f"{campaign.id}/{unit.id}",
            label=_("大宗用户名单"),
            province_id=unit.province_org_id,
            rows=len(buyers),
        )
        db.session.commit()
    return render_template(
        "verification/checks/bulk_buyers.html",
        campaign=campaign,
        unit=unit,
        pagination=pagination,
        buyers=buyers,
        kind=kind,
        checked=checked,
        may_clear=may_clear,
        clear=clear,
        threshold=campaign.bulk_threshold,
        purposes=BUYER_PURPOSE_LABELS,
    )


@bp.post("/<int:campaign_id>/units/<int:unit_id>/bulk-buyers/check")
@requires(Permission.CHECK_SALES)
def check_bulk_buyer(campaign_id: int, unit_id: int):
    """Record what was found about one buyer (the buyer key in the form)."""
    campaign, unit = campaign_and_unit(campaign_id, unit_id)
    form = BulkBuyerCheckForm()
    key = (form.buyer.data or "").strip()
    if form.validate_on_submit():
        done = run_service(
            form,
            lambda: bulk.check_bulk_buyer(
                campaign,
                unit,
                key,
                purpose=form.purpose.data,
                retained=form.retained.data,
                note=form.note.data or "",
                actor=current_user,
                now=utcnow(),
            ),
        )
        if done is not None:
            flash(_("已记录大宗用户核查情况。"), "success")
            return redirect(
                url_for(".bulk_buyers", campaign_id=campaign.id, unit_id=unit.id, buyer=key)
            )
    if not key or bulk.figures_of(campaign, unit.id, key, current_user) is None:
        abort(404)
    return _buyer_page(campaign, unit, key, form, 422)
