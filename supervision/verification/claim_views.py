"""Subsidy claim checks: a unit's promoted products with their eligibility, and makers'
monthly claims recorded as declared and recomputed, differences flagged."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import access
from ..core.access import Permission, can, requires
from ..core.clock import local_today
from ..core.forms import as_choices, run_service
from ..extensions import db
from . import bp
from . import claims as service
from .check_models import SubsidyClaim, SubsidyProduct
from .claim_forms import ClaimForm, ProductForm
from .rules import categories
from .subsidy_reference import in_use
from .units import campaign_or_404, unit_or_404

UNIT_URL = "/<int:campaign_id>/units/<int:unit_id>"


def _page_globals(campaign, unit) -> dict:
    return {
        "campaign": campaign,
        "unit": unit,
        "category_name": categories.category_name,
        "may_run": can(current_user, Permission.RUN_VERIFICATION),
    }


# -- products -----------------------------------------------------------------------------------


@bp.get(f"{UNIT_URL}/products")
@requires(Permission.VIEW_DOMAIN)
def products(campaign_id: int, unit_id: int):
    """The unit's promoted models, each with its eligibility and subsidy per unit."""
    campaign = campaign_or_404(campaign_id)
    unit = unit_or_404(campaign, unit_id)
    reference = in_use()
    rows = [
        (p, service.eligibility_of(p, reference))
        for p in service.products_of(campaign, unit, current_user)
    ]
    return render_template(
        "verification/claims/products.html",
        rows=rows,
        reference=reference,
        kind_names=categories.FRIDGE_KIND_NAMES,
        **_page_globals(campaign, unit),
    )


def _product_form(campaign, obj=None) -> ProductForm:
    form = ProductForm(obj=obj)
    form.category.choices = as_choices(service.category_choices(campaign))
    return form


def _render_product(campaign, unit, form, product=None, status=200):
    verdict = service.eligibility_of(product) if product is not None else None
    return (
        render_template(
            "verification/claims/product_form.html",
            form=form,
            product=product,
            verdict=verdict,
            **_page_globals(campaign, unit),
        ),
        status,
    )


@bp.route(f"{UNIT_URL}/products/new", methods=["GET", "POST"])
@requires(Permission.RUN_VERIFICATION)
def new_product(campaign_id: int, unit_id: int):
    """Register a promoted model; its eligibility is computed at once."""
    campaign = campaign_or_404(campaign_id)
    unit = unit_or_404(campaign, unit_id)
    form = _product_form(campaign)
    if form.validate_on_submit():
        product = run_service(
            form,
            lambda: service.add_product(campaign, unit, form.data_object(), actor=current_user),
        )
        if product is not None:
            _flash_verdict(product)
            return redirect(url_for(".products", campaign_id=campaign.id, unit_id=unit.id))
        return _render_product(campaign, unit, form, status=422)
    return _render_product(campaign, unit, form, status=422 if form.is_submitted() else 200)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@requires(Permission.RUN_VERIFICATION)
def edit_product(product_id: int):
    """Correct a promoted model; its eligibility is shown as it stands."""
    product = access.get_or_404(SubsidyProduct, product_id)
    campaign = campaign_or_404(product.campaign_id)
    unit = unit_or_404(campaign, product.unit_id)
    form = _product_form(campaign, obj=product)
    if form.validate_on_submit():
        saved = run_service(
            form, lambda: service.edit_product(product, form.data_object(), actor=current_user)
        )
        if saved is not None:
            _flash_verdict(saved)
            return redirect(url_for(".products", campaign_id=campaign.id, unit_id=unit.id))
        return _render_product(campaign, unit, form, product, 422)
    return _render_product(campaign, unit, form, product, 422 if form.is_submitted() else 200)


def _flash_verdict(product: SubsidyProduct) -> None:
    verdict = service.eligibility_of(product)
    if verdict.eligible:
        flash(
            _("已保存 %(m)s：符合推广条件，补贴 %(a)s 元/台。", m=product.model, a=verdict.amount),
            "success",
        )
    else:
        flash(
            _(
                "已保存 %(m)s：%(s)s。%(r)s",
                m=product.model,
                s=verdict.status.label,
                r="".join(verdict.reasons),
            ),
            "warning",
        )


# -- claims -------------------------------------------------------------------------------------


@bp.get(f"{UNIT_URL}/claims")
@requires(Permission.VIEW_DOMAIN)
def claims(campaign_id: int, unit_id: int):
    """The makers' claims recorded for the unit, with their check."""
    campaign = campaign_or_404(campaign_id)
    unit = unit_or_404(campaign, unit_id)
    return render_template(
        "verification/claims/claims.html",
        claims=service.claims_of(campaign, unit, current_user),
        due_on=service.due_on,
        **_page_globals(campaign, unit),
    )


def _claim_form(campaign) -> ClaimForm:
    form = ClaimForm()
    form.category.choices = as_choices(service.category_choices(campaign))
    if not form.is_submitted():
        form.year.data = campaign.sales_from.year
        form.received_on.data = local_today()
    return form


@bp.route(f"{UNIT_URL}/claims/new", methods=["GET", "POST"])
@requires(Permission.RUN_VERIFICATION)
def new_claim(campaign_id: int, unit_id: int):
    """Record a maker's monthly claim (附表1 and its 附表2 lines) and check it."""
    campaign = campaign_or_404(campaign_id)
    unit = unit_or_404(campaign, unit_id)
    form = _claim_form(campaign)
    if form.validate_on_submit():
        claim = run_service(
            form,
            lambda: service.record_claim(campaign, unit, form.data_object(), actor=current_user),
        )
        if claim is not None:
            _flash_check(claim)
            return redirect(url_for(".claim", claim_id=claim.id))
    status = 422 if form.is_submitted() else 200
    return (
        render_template(
            "verification/claims/claim_form.html", form=form, **_page_globals(campaign, unit)
        ),
        status,
    )


def _flash_check(claim: SubsidyClaim) -> None:
    if claim.differences:
        flash(_("已核查：发现 %(n)s 处差异。", n=len(claim.differences)), "danger")
    else:
        flash(_("已核查：申报数据与核定结果一致。"), "success")


@bp.get("/claims/<int:claim_id>")
@requires(Permission.VIEW_DOMAIN)
def claim(claim_id: int):
    """A claim as declared beside its recomputation; differences in red."""
    found = access.get_or_404(SubsidyClaim, claim_id)
    campaign = campaign_or_404(found.campaign_id)
    unit = unit_or_404(campaign, found.unit_id)
    return render_template(
        "verification/claims/claim.html",
        claim=found,
        differences={d["field"]: d for d in found.differences or []},
        due_on=service.due_on(found),
        late=service.is_late(found),
        **_page_globals(campaign, unit),
    )


@bp.post("/claims/<int:claim_id>/recheck")
@requires(Permission.RUN_VERIFICATION)
def recheck_claim(claim_id: int):
    """Check the claim again with the products, reference data and records as they are now."""
    found = access.get_or_404(SubsidyClaim, claim_id)
    campaign = campaign_or_404(found.campaign_id)
    unit_or_404(campaign, found.unit_id)
    service.recheck(found, actor=current_user)
    db.session.commit()
    _flash_check(found)
    return redirect(url_for(".claim", claim_id=found.id))
