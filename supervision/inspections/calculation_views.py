"""Calculation pages of a case: quota check (一), ladder electricity (二), the price list."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, requires
from ..core.clock import local_today
from ..core.forms import as_choices, run_service
from ..core.models import Organisation, OrgKind
from ..core.versions import sent, stamp
from ..extensions import db
from ..reference import service as reference
from . import bp, calculations, service
from .calculation_forms import SEPARATOR, LadderForm, QuotaForm
from .calculations import ENERGY_TYPES, EXPORT_TYPES
from .models import InspectionCase
from .views import case_or_404, discard_form_draft


def _elsewhere(case: InspectionCase, message: str):
    """A calculation of another category: back to the case page, saying why."""
    flash(message, "warning")
    return redirect(url_for(".detail", case_id=case.id))


def _verdicts(case: InspectionCase, rule: str) -> list:
    return sorted(
        (v for v in case.verdicts if v.rule == rule), key=lambda v: v.calculated_at, reverse=True
    )


# -- category 一 ------------------------------------------------------------------------------


def _quota_form(case: InspectionCase, options) -> QuotaForm:
    form = QuotaForm()
    table, _code = calculations.coal_factors()
    form.label_units(table)
    form.product.choices = as_choices(
        [("", _("请选择"))]
        + [
            (
                f"{r.product}{SEPARATOR}{r.indicator}",
                f"{r.product} · {r.indicator}（{r.unit}，{r.code}）"
                + ("" if r.verified else _(" 待核实")),
            )
            for r in options
        ]
    )
    if request.method == "GET":
        form.version.data = stamp(calculations.rule_verdicts(case, "quota"))
        latest = next(iter(_verdicts(case, "quota")), None)
        if latest is not None:
            _fill_quota(form, latest.entered or {})
    return form


def _fill_quota(form: QuotaForm, entered: dict) -> None:
    """Show the last figures saved, so a correction starts from them."""
    if entered.get("product"):
        form.product.data = f"{entered['product']}{SEPARATOR}{entered.get('indicator') or ''}"
    form.output.data = entered.get("output") or ""
    form.reported_value.data = entered.get("reported_value") or ""
    for prefix, keys in (("energy", ENERGY_TYPES), ("measured", ENERGY_TYPES)):
        for key in keys:
            getattr(form, f"{prefix}_{key}").data = (entered.get(prefix) or {}).get(key, "")
    for key in EXPORT_TYPES:
        form[f"exported_{key}"].data = (entered.get("exported") or {}).get(key, "")


@bp.route("/<int:case_id>/quota", methods=["GET", "POST"])
@requires(Permission.VIEW_DOMAIN)
def quota(case_id: int):
    """Category 一: unit consumption from output and energy, judged against the quota."""
    case = case_or_404(case_id)
    if case.category != 1:
        return _elsewhere(case, _("能耗限额核算只适用于专项监察一的案件。"))
    options = calculations.quota_options(case)
    form = _quota_form(case, options)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            saved = run_service(form, lambda: _save(case, "quota", form))
            if saved is not None:
                flash(_("核算结果已保存：%(s)s。", s=saved), "success")
                return redirect(url_for(".quota", case_id=case.id))
        status = 422
    case = case_or_404(case_id)
    table, coal_code = calculations.coal_factors()
    return (
        render_template(
            "inspections/quota.html",
            case=case,
            form=form,
            options=options,
            output_units=sorted({r.output_unit for r in options}),
            factors=[f for f in table.factors if f.energy_type in ENERGY_TYPES],
            factor_table=table,
            coal_code=coal_code,
            assessed_on=calculations.assessed_on(case),
            verdicts=_verdicts(case, "quota"),
            may_record=service.may_record(case, current_user),
        ),
        status,
    )


def _save(case: InspectionCase, name: str, form) -> str:
    """Run the service for ``name``'s form, forget its draft; the verdict's label."""
    action = calculations.assess_case_quota if name == "quota" else calculations.assess_case_ladder
    verdict = action(case, form.as_data(), current_user, version=sent(form.version))
    discard_form_draft(case, name)
    return calculations.status_label(verdict.status)


# -- category 二 ------------------------------------------------------------------------------


@bp.route("/<int:case_id>/ladder", methods=["GET", "POST"])
@requires(Permission.VIEW_DOMAIN)
def ladder(case_id: int):
    """Category 二: tier from last year's indicator, surcharge, tier billed vs computed."""
    case = case_or_404(case_id)
    if case.category != 2:
        return _elsewhere(case, _("阶梯电价核算只适用于专项监察二的案件。"))
    schedule = calculations.ladder_schedule(case)
    form = LadderForm()
    form.set_tiers(schedule)
    if request.method == "GET":
        form.version.data = stamp(calculations.rule_verdicts(case, "ladder"))
        latest = next(iter(_verdicts(case, "ladder")), None)
        for key, value in ((latest.entered if latest else None) or {}).items():
            if key in form and value is not None:
                form[key].data = value
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            saved = run_service(form, lambda: _save(case, "ladder", form))
            if saved is not None:
                flash(_("核算结果已保存：%(s)s。", s=saved), "success")
                return redirect(url_for(".ladder", case_id=case.id))
        status = 422
    case = case_or_404(case_id)
    sector = calculations.ladder_sector(case)
    return (
        render_template(
            "inspections/ladder.html",
            case=case,
            form=form,
            sector=sector,
            sector_name=calculations.ladder_rules.SECTOR_NAMES.get(sector or "", ""),
            schedule=schedule,
            billed_year=calculations.billed_year(case),
            schedules_code=reference.current("ladder_schedules").code,
            verdicts=_verdicts(case, "ladder"),
            grouped=calculations.grouped,
            may_record=service.may_record(case, current_user),
        ),
        status,
    )


# -- the price department's list ---------------------------------------------------------------


@bp.route("/ladder-list")
@requires(Permission.VIEW_FILINGS)
def ladder_list():
    """Tier computed vs billed and surcharge due, per enterprise; ?format=xlsx to download."""
    province = (request.args.get("province") or "").strip()[:6] or None
    rows = calculations.ladder_rows(current_user, province)
    if request.args.get("format") == "xlsx":
        title = _("阶梯电价执行情况核查清单（%(d)s 导出）", d=local_today().isoformat())
        buffer = calculations.ladder_workbook(rows, title)
        return send_file(
            buffer,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=f"ladder-{local_today().isoformat()}.xlsx",
        )
    provinces = []
    if access.sees_everything(current_user):
        stmt = access.scoped(Organisation).where(Organisation.kind == OrgKind.PROVINCE)
        provinces = list(db.session.scalars(stmt.order_by(Organisation.division_code)))
    return render_template(
        "inspections/ladder_list.html",
        rows=rows,
        provinces=provinces,
        province=province or "",
        total=sum((r.surcharge for r in rows if r.surcharge is not None), start=0),
        mismatches=sum(1 for r in rows if r.mismatch),
        grouped=calculations.grouped,
    )
