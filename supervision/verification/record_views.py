"""A unit's sales records (seed 002 附表3-1 … 3-6): counts per table, one table page by page
with filters, links to import each table, and the blank templates."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, send_file, url_for
from flask import render_template as render
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..core import access
from ..core.access import Permission, can, requires
from ..core.errors import DomainError
from ..core.tables import paginate
from ..core.types import utcnow
from ..extensions import db
from ..imports.models import ImportJob
from ..imports.service import Status
from . import bp, importing  # noqa: F401 -- importing registers the six import kinds
from .check_support import XLSX, personal, unit_filter
from .import_columns import DEFAULT_TABLE, TABLES, SalesTable
from .record_files import template_workbook
from .record_forms import WithdrawImportForm
from .units import campaign_or_404, record_personal_view, sees_personal_data, unit_or_404
from .withdrawal import may_withdraw, table_of, withdraw_import

#: Personal data of 附表3-6, shown masked unless the user is one of the unit's checkers.
PERSONAL = ("consumer_name", "contact", "phone", "id_number", "address")
#: Distinct manufacturers / models offered as filters (a unit has a few dozen).
CHOICES_LIMIT = 500
RECENT_JOBS = 10


def _table_or_404(key: str) -> SalesTable:
    table = TABLES.get(key)
    if table is None:
        abort(404)
    return table


def _counts(campaign_id: int, unit_id: int) -> dict[str, int]:
    """Rows per table (one COUNT each, on the tables' (campaign, unit) indexes)."""
    return {
        key: db.session.scalar(
            select(func.count())
            .select_from(t.model)
            .where(unit_filter(t.model, campaign_id, unit_id, current_user))
        )
        or 0
        for key, t in TABLES.items()
    }


def _choices(table: SalesTable, where) -> tuple[list[str], list[str]]:
    """Manufacturers and models offered as filters: one GROUP BY over the (campaign, unit,
    manufacturer, model) index for both lists."""
    model = table.model
    if "manufacturer" not in {f.key for f in table.fields}:
        models = db.session.scalars(
            select(model.model).where(where).group_by(model.model).limit(CHOICES_LIMIT)
        )
        return [], sorted(models)
    pairs = db.session.execute(
        select(model.manufacturer, model.model)
        .where(where)
        .group_by(model.manufacturer, model.model)
        .limit(CHOICES_LIMIT)
    ).all()
    return sorted({m for m, _x in pairs}), sorted({x for _m, x in pairs})


def _recent_jobs(table: SalesTable, campaign_id: int, unit_id: int) -> list[ImportJob]:
    """This table's latest imports for the unit (a province has a few per table)."""
    jobs = db.session.scalars(
        access.scoped(ImportJob)
        .where(ImportJob.kind == table.kind)
        .order_by(ImportJob.id.desc())
        .limit(200)
    )
    own = [
        j
        for j in jobs
        if (j.params or {}).get("campaign") == campaign_id
        and (j.params or {}).get("unit") == unit_id
    ]
    return own[:RECENT_JOBS]


def _cell(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


@bp.get("/<int:campaign_id>/units/<int:unit_id>/records")
@requires(Permission.VIEW_DOMAIN)
def records(campaign_id: int, unit_id: int):
    """One table of the unit's sales records (``?sales_table=``, 附表3-6 by default), filtered
    by manufacturer, model and product code, page by page; personal data masked except for
    the unit's checkers who ask for it (``?clear=1``, audited)."""
    campaign = campaign_or_404(campaign_id)
    unit = unit_or_404(campaign, unit_id)
    table = _table_or_404(request.args.get("sales_table") or DEFAULT_TABLE)
    model = table.model
    where = unit_filter(model, campaign.id, unit.id, current_user)
    manufacturers, models = _choices(table, where)
    manufacturer = request.args.get("manufacturer", "").strip()
    chosen_model = request.args.get("model", "").strip()
    code = request.args.get("q", "").strip()
    stmt = select(model).where(where)
    if manufacturer and manufacturers:
        stmt = stmt.where(model.manufacturer == manufacturer)
    if chosen_model:
        stmt = stmt.where(model.model == chosen_model)
    if code and table.has_product_codes:
        stmt = stmt.where(model.product_code.startswith(code, autoescape=True))
    sortable = {"row": model.id, "model": model.model, "date": getattr(model, table.date_key)}
    if table.has_product_codes:
        sortable["code"] = model.product_code
    pagination, sort = paginate(stmt, sortable, "row", tiebreak=model.id)
    consumers = table.key == "consumer_sales"
    may_clear = consumers and sees_personal_data(campaign.id, unit.id)
    clear = may_clear and request.args.get("clear") == "1"
    rows = []
    for row in pagination.items:
        shown = personal(row, clear) if consumers else {}
        rows.append((row, [_cell(shown.get(f.key, getattr(row, f.key))) for f in table.fields]))
    if clear and rows:
        record_personal_view(
            what="sales_records",
            entity=model.__tablename__,
            entity_id=f"{campaign.id}/{unit.id}",
            label=_("消费者销售记录"),
            province_id=unit.province_org_id,
            rows=len(rows),
        )
        db.session.commit()
    return render(
        "verification/records/index.html",
        campaign=campaign,
        unit=unit,
        tables=TABLES,
        table=table,
        counts=_counts(campaign.id, unit.id),
        pagination=pagination,
        sort=sort,
        rows=rows,
        manufacturers=manufacturers,
        models=models,
        manufacturer=manufacturer,
        chosen_model=chosen_model,
        q=code,
        consumers=consumers,
        may_clear=may_clear,
        clear=clear,
        may_import=can(current_user, Permission.RUN_VERIFICATION)
        and not access.sees_everything(current_user),
        jobs=_recent_jobs(table, campaign.id, unit.id),
        may_withdraw=lambda job: may_withdraw(job, unit, current_user),
        withdraw_form=WithdrawImportForm(formdata=None),
        Status=Status,
    )


@bp.post("/<int:campaign_id>/units/<int:unit_id>/imports/<int:job_id>/withdraw")
@requires(Permission.RUN_VERIFICATION)
def withdraw(campaign_id: int, unit_id: int, job_id: int):
    """Withdraw one import of the unit's records (all its rows deleted), with a reason."""
    campaign = campaign_or_404(campaign_id)
    unit = unit_or_404(campaign, unit_id)
    job = access.get_or_404(ImportJob, job_id)
    table = table_of(job)
    if table is None:
        abort(404)
    form = WithdrawImportForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
    else:
        try:
            deleted = withdraw_import(
                job, campaign, unit, reason=form.reason.data, actor=current_user, now=utcnow()
            )
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "danger")
        else:
            flash(
                _("已撤销导入 #%(id)s，删除 %(n)s 行。", id=job.id, n=deleted),
                "success",
            )
    return redirect(
        url_for(".records", campaign_id=campaign.id, unit_id=unit.id, sales_table=table.key)
    )


@bp.get("/record-templates/<sales_table>.xlsx")
@requires(Permission.VIEW_DOMAIN)
def record_template(sales_table: str):
    """The blank .xlsx of one table, header rows as seed 002 prints them."""
    table = _table_or_404(sales_table)
    return send_file(
        template_workbook(table),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"{table.annex}{table.title.replace('/', '、')}.xlsx",
    )
