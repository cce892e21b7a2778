"""Category 三: the case's equipment ledger, a row added by hand, rechecks, the import template."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..core.access import Permission, requires
from ..core.errors import DomainError
from ..core.forms import run_service
from ..extensions import db
from . import bp, equipment_import, service
from . import equipment as ledger
from .equipment_forms import EquipmentForm
from .models import EquipmentItem, InspectionCase
from .views import case_or_404, discard_form_draft, verdict_label

FORM_NAME = "equipment"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ledger_case(case_id: int) -> InspectionCase:
    """The case, if it keeps a ledger; other categories are sent back to the case page."""
    case = case_or_404(case_id)
    if case.category not in ledger.LEDGER_CATEGORIES:
        flash(_("只有专项监察一、二、三类案件有设备台账。"), "warning")
        abort(redirect(url_for(".detail", case_id=case.id)))
    return case


def _render(case: InspectionCase, form: EquipmentForm, status: int = 200):
    may_record = service.may_record(case, current_user)
    return (
        render_template(
            "inspections/equipment.html",
            case=case,
            form=form,
            items=ledger.items_of(case),
            counts=ledger.summary(case),
            kinds=ledger.KIND_LABELS,
            number=ledger.display_number,
            reference_version=ledger.reference_in_use().version,
            may_record=may_record,
            import_kind=equipment_import.NAME,
        ),
        status,
    )


@bp.get("/<int:case_id>/equipment")
@requires(Permission.VIEW_DOMAIN)
def equipment(case_id: int):
    """The ledger: every row with its conclusion and reason, the counts, the add form."""
    return _render(_ledger_case(case_id), EquipmentForm())


@bp.post("/<int:case_id>/equipment")
@requires(Permission.VIEW_DOMAIN)
def equipment_add(case_id: int):
    """Add one row by hand; it is checked at once."""
    case = _ledger_case(case_id)
    form = EquipmentForm()
    if form.validate_on_submit():
        item = run_service(form, lambda: ledger.add_item(case, form.item, actor=current_user))
        if item is not None:
            discard_form_draft(case, FORM_NAME)
            db.session.commit()
            flash(
                _(
                    "已添加 %(model)s：%(status)s。",
                    model=item.model,
                    status=verdict_label(item.status),
                ),
                "success",
            )
            return redirect(url_for(".equipment", case_id=case.id))
    return _render(case_or_404(case_id), form, 422)


@bp.post("/<int:case_id>/equipment/<int:item_id>/delete")
@requires(Permission.VIEW_DOMAIN)
def equipment_delete(case_id: int, item_id: int):
    case = _ledger_case(case_id)
    item = db.session.scalar(
        select(EquipmentItem).where(EquipmentItem.id == item_id, EquipmentItem.case_id == case.id)
    )
    if item is None:
        abort(404)
    model = item.model
    try:
        ledger.delete_item(case, item, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("已删除设备 %(model)s。", model=model), "success")
    return redirect(url_for(".equipment", case_id=case_id))


@bp.post("/<int:case_id>/equipment/recheck")
@requires(Permission.VIEW_DOMAIN)
def equipment_recheck(case_id: int):
    """Check every row again with the reference data in use now."""
    case = _ledger_case(case_id)
    try:
        service.require_recorder(case, current_user)
        count = ledger.recheck_case(case)
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(
            _(
                "已按当前参考数据（%(ref)s）重新核对 %(n)s 台设备。",
                ref=ledger.reference_in_use().version,
                n=count,
            ),
            "success",
        )
    return redirect(url_for(".equipment", case_id=case_id))


@bp.get("/<int:case_id>/equipment/template.xlsx")
@requires(Permission.VIEW_DOMAIN)
def equipment_template(case_id: int):
    """The blank ledger to fill in and import: header row and one example row."""
    _ledger_case(case_id)
    return send_file(
        equipment_import.template_workbook(),
        mimetype=XLSX,
        as_attachment=True,
        download_name="设备台账导入模板.xlsx",
    )
